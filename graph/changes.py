"""What changed between two versions of the graph: records added, removed or changed, field
by field, each with the sources it rests on.

Both versions are read whole through the service's own questions (GraphService.records:
the same answers the API gives for each), so the comparison is the same on every store. A relation's or an
event's evidence is compared item by item: a changed claim lists the evidence items it
gained and lost, not two long lists. Records are compared as the API shows them, so what a
reader sees change is what is reported.
"""
from __future__ import annotations

from typing import Any, Iterable

import orjson

SECTIONS = ("actors", "relations", "events", "documents")
# Shown beside each record in a report: the field that names it.
_TITLE = {"actors": "name", "relations": "type", "events": "type", "documents": "title"}


def _key(item: dict[str, Any]) -> bytes:
    return orjson.dumps(item, option=orjson.OPT_SORT_KEYS)


def sources(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The documents (and dataset records) a record rests on, as short references."""
    seen, out = set(), []
    for ev in record.get("evidence") or []:
        ref = {"document": ev["document"], **({"paragraph": ev["paragraph"]} if ev.get("paragraph") is not None else {}),
               **({"record": ev["record"]} if ev.get("record") else {})}
        k = _key(ref)
        if k not in seen:
            seen.add(k)
            out.append(ref)
    return out


def _field_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in sorted(set(old) | set(new)):
        a, b = old.get(name), new.get(name)
        if _key(a) == _key(b):
            continue
        if name == "evidence":
            before, after = {_key(x): x for x in a or []}, {_key(x): x for x in b or []}
            fields[name] = {"added": [after[k] for k in after if k not in before],
                            "removed": [before[k] for k in before if k not in after]}
        else:
            fields[name] = {"from": a, "to": b}
    return fields


def diff(old: dict[str, dict[str, dict[str, Any]]], new: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """{section: {"added": [records], "removed": [records], "changed": [{id, fields, sources}]}}
    and a summary of the counts; every record listed with the sources it rests on."""
    out: dict[str, Any] = {"summary": {}}
    for section in SECTIONS:
        a, b = old[section], new[section]
        added = [{**b[i], "sources": sources(b[i])} if section != "documents" else b[i]
                 for i in sorted(b.keys() - a.keys())]
        removed = [{**a[i], "sources": sources(a[i])} if section != "documents" else a[i]
                   for i in sorted(a.keys() - b.keys())]
        changed = []
        for i in sorted(a.keys() & b.keys()):
            fields = _field_changes(a[i], b[i])
            if fields:
                entry = {"id": i, "fields": fields}
                if section in ("relations", "events"):
                    entry["sources"] = sources(b[i])
                changed.append(entry)
        out[section] = {"added": added, "removed": removed, "changed": changed}
        out["summary"][section] = {"added": len(added), "removed": len(removed), "changed": len(changed)}
    return out


def _value(v: Any) -> str:
    text = v if isinstance(v, str) else orjson.dumps(v).decode()
    return text if len(text) <= 120 else text[:117] + "..."


def _refs(refs: Iterable[dict[str, Any]]) -> str:
    return "; ".join(r["document"] + (f" ¶{r['paragraph']}" if "paragraph" in r else "") +
                     (f" [{r['record']}]" if "record" in r else "") for r in refs) or "no sources"


def report(changes: dict[str, Any]) -> str:
    """The changes as a readable text (Markdown): what a reviewer reads before citing B."""
    f, t = changes.get("from") or {}, changes.get("to") or {}
    lines = [f"# Changes from {f.get('id')} ({f.get('recorded_at', '?')}) to {t.get('id')} "
             f"({t.get('recorded_at', '?')})", ""]
    if changes.get("actors_filter"):
        lines += [f"Only records about: {', '.join(changes['actors_filter'])}", ""]
    for section in SECTIONS:
        s = changes["summary"][section]
        lines.append(f"## {section.capitalize()}: {s['added']} added, {s['removed']} removed, {s['changed']} changed")
        title = _TITLE[section]
        for verb in ("added", "removed"):
            for rec in changes[section][verb]:
                what = rec.get(title, "")
                if section == "relations":
                    what = f"{rec['source']} {rec['type']} {rec['target']}"
                elif section == "events":
                    what = f"{rec['type']} on {rec.get('date')}" + (f" at {rec['place']}" if rec.get("place") else "")
                src = f" — sources: {_refs(rec['sources'])}" if section in ("relations", "events") else ""
                lines.append(f"- {verb} `{rec['id']}`: {what}{src}")
        for entry in changes[section]["changed"]:
            lines.append(f"- changed `{entry['id']}`" +
                         (f" — sources: {_refs(entry['sources'])}" if "sources" in entry else ""))
            for name, change in entry["fields"].items():
                if name == "evidence":
                    for item in change["added"]:
                        lines.append(f"  - evidence added: {_refs([item])}: {_value(item.get('summary'))}")
                    for item in change["removed"]:
                        lines.append(f"  - evidence removed: {_refs([item])}: {_value(item.get('summary'))}")
                else:
                    lines.append(f"  - {name}: {_value(change['from'])} → {_value(change['to'])}")
        lines.append("")
    return "\n".join(lines)
