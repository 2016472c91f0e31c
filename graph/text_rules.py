"""The one rule for text that enters the graph, and for text the XML exports write.

Refused in any text of a record (validate, load) and taken out by every importer (which
says which record and field it changed):
  * characters XML 1.0 cannot hold: C0 controls other than tab, newline and carriage return,
    U+FFFE, U+FFFF and lone surrogates. One such character in one imported name made every
    whole-graph GEXF and GraphML export malformed;
  * C1 controls (U+0080-U+009F): U+009B is a terminal's CSI, as U+001B is ESC;
  * bidirectional overrides, embeddings, isolates and marks (U+202A-U+202E, U+2066-U+2069,
    U+200E, U+200F) and zero-width and invisible characters (U+200B-U+200D, U+2060-U+2064,
    U+FEFF): with them one actor's name can read as another's ("Kaniyat" beside
    "Kaniyat" with a zero-width space) or reverse on screen.
Exporters of XML go further than they need to, whatever they are given: `xml_safe` drops the
characters XML cannot hold, so no export is ever malformed even from a store that predates
the rule.
"""
from __future__ import annotations

import re
import unicodedata

_XML_INVALID = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff"
_C1 = "\x7f-\x9f"
_SPOOFING = "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
FORBIDDEN = re.compile(f"[{_XML_INVALID}{_C1}{_SPOOFING}]")
XML_INVALID = re.compile(f"[{_XML_INVALID}]")
# The same characters for pyarrow's RE2 (exports of whole tables).
XML_INVALID_RE2 = r"[\x{0}-\x{8}\x{b}\x{c}\x{e}-\x{1f}\x{fffe}\x{ffff}]"


def _what(ch: str) -> str:
    code = ord(ch)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return "a control character"
    if 0xD800 <= code <= 0xDFFF:
        return "a lone surrogate"
    if code in (0xFFFE, 0xFFFF):
        return "a noncharacter"
    if ch in "\u200e\u200f" or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return "a bidirectional control, which can reorder what a reader sees"
    return "an invisible character, with which one name can pose as another"


def problem(text: str) -> str | None:
    """Why `text` may not enter the graph, or None when it may."""
    m = FORBIDDEN.search(text)
    if m is None:
        return None
    ch = m.group()
    name = unicodedata.name(ch, "") if not 0xD800 <= ord(ch) <= 0xDFFF else ""
    return (f"holds U+{ord(ch):04X}{f' {name}' if name else ''} at character {m.start() + 1}, {_what(ch)}; "
            "remove it (importers do)")


def clean(text: str) -> str:
    """`text` without the characters `problem` refuses (what importers write)."""
    return FORBIDDEN.sub("", text) if FORBIDDEN.search(text) else text


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold (what XML exporters write)."""
    return XML_INVALID.sub("", text) if XML_INVALID.search(text) else text


_TERMINAL = re.compile(f"[\r{_XML_INVALID}{_C1}{_SPOOFING}]")


def visible(text: str) -> str:
    """`text` for a terminal: every character the rule refuses (and a bare carriage return,
    which can overwrite a line) shown as its escape, `\\u001b`, never sent raw to the screen."""
    return _TERMINAL.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if _TERMINAL.search(text) else text
