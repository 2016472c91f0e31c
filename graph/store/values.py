"""Engine values to plain JSON-friendly Python values, in one place."""
from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any


def plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, (decimal.Decimal,)):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        if "_nodes" in value and "_rels" in value:  # a recursive path
            return {"nodes": [plain(n) for n in value["_nodes"]],
                    "relationships": [plain(r) for r in value["_rels"]]}
        if "_LABEL" in value and "_ID" in value:
            props = {k: plain(v) for k, v in value.items() if not k.startswith("_")}
            if "_SRC" in value:
                return {"_type": value["_LABEL"], **props}
            return {"_labels": [value["_LABEL"]], **props}
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [plain(v) for v in value]
    return str(value)
