"""Plain data made safe for strict JSON: what JSON cannot carry is given as text."""

from __future__ import annotations

import math
from typing import Any

INT64 = 2**63
# Containers nested deeper than this are cut off ("…"): orjson refuses more than 255 levels, and a request's body
# nested hundreds deep (a 500-byte `[[[[…`) would otherwise be echoed whole in its 422.
MAX_DEPTH = 32
CUT = "…"


def json_safe(value: Any, depth: int = 0) -> Any:
    """`value` with every non-finite float (1e400 parses as inf) and every integer beyond 64 bits (orjson's
    limit) replaced by its text, every string holding a lone surrogate (JSON's "\\ud800" parses to one, UTF-8
    cannot carry it) with that code point escaped, bytes as text with the bytes UTF-8 cannot read escaped, and
    containers below `MAX_DEPTH` levels replaced by "…"; lists, tuples and dicts (keys too) are walked, anything
    else is returned as it is."""
    if isinstance(value, str):
        return _utf8_safe(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, int) and not isinstance(value, bool) and not -INT64 <= value < INT64:
        return str(value)
    if isinstance(value, dict | list | tuple) and depth >= MAX_DEPTH:
        return CUT
    if isinstance(value, dict):
        return {json_safe(key): json_safe(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item, depth + 1) for item in value]
    return value


def _utf8_safe(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text
