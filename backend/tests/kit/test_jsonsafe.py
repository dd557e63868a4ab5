"""json_safe: what strict JSON cannot carry becomes text, everything else is left as it is."""

from __future__ import annotations

import math

import orjson

from tycoon.kit.jsonsafe import CUT, MAX_DEPTH, json_safe


def test_non_finite_floats_and_huge_integers_become_text() -> None:
    value = {"a": [math.inf, -math.inf, math.nan, 1.5], "b": (2**63, -(2**63) - 1, 2**63 - 1), "c": True}
    assert json_safe(value) == {
        "a": ["inf", "-inf", "nan", 1.5],
        "b": [str(2**63), str(-(2**63) - 1), 2**63 - 1],
        "c": True,
    }
    orjson.dumps(json_safe(value))  # strict JSON now


def test_lone_surrogates_are_escaped_in_values_and_keys() -> None:
    value = {"input": "a\ud800b", "\udfff": ["\ud83d"]}
    assert json_safe(value) == {"input": "a\\ud800b", "\\udfff": ["\\ud83d"]}
    orjson.dumps(json_safe(value))


def test_plain_data_is_unchanged() -> None:
    value = {"loc": ["body", "amount"], "msg": "bad", "input": None, "ctx": {"le": 10}, "name": "발전기 😀"}
    assert json_safe(value) == value


def test_bytes_become_text_with_what_utf8_cannot_read_escaped() -> None:
    assert json_safe({"input": b"ok \xff"}) == {"input": "ok \\xff"}


def test_containers_nested_too_deep_are_cut_off() -> None:
    deep: list[object] = []
    for _ in range(900):
        deep = [deep]
    safe = json_safe({"input": deep})
    orjson.dumps(safe)  # orjson alone refuses more than 255 levels
    level = safe["input"]
    for _ in range(MAX_DEPTH - 2):
        level = level[0]
    assert level == [CUT]
