"""Plain data made safe for strict JSON: what JSON cannot carry is given as text."""

from __future__ import annotations

import math
from typing import Any

INT64 = 2**63


def json_safe(value: Any) -> Any:
    """`value` with every non-finite float (1e400 parses as inf) and every integer beyond 64 bits (orjson's
    limit) replaced by its text, and every string holding a lone surrogate (JSON's "\\ud800" parses to one, UTF-8
    cannot carry it) with that code point escaped; lists, tuples and dicts (keys too) are walked, anything else is
    returned as it is."""
    if isinstance(value, str):
        return _utf8_safe(value)
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, int) and not isinstance(value, bool) and not -INT64 <= value < INT64:
        return str(value)
    if isinstance(value, dict):
        return {json_safe(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    return value


def _utf8_safe(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text
