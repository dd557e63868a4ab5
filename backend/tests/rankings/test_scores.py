"""Sorted-set scores: lower ranks first, as the original's ORDER BY (§10)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tycoon.kit.bignum import BigValue
from tycoon.rankings.scores import count_then_money_score

MONEY = st.decimals(min_value=0, max_value=Decimal("1e30"), places=3, allow_nan=False, allow_infinity=False)


@given(count=st.integers(0, 1000), low=MONEY, high=MONEY)
def test_same_count_ranks_by_money(count: int, low: Decimal, high: Decimal) -> None:
    if low > high:
        low, high = high, low
    lower, higher = (
        count_then_money_score(count, BigValue(low)),
        count_then_money_score(count, BigValue(high)),
    )
    assert higher <= lower  # more money, earlier (or equal where floats cannot tell them apart)
    if high - low >= Decimal("0.001") and high <= 1000 and count <= 10:  # within a float's resolution
        assert higher < lower


def test_money_up_to_one_is_ordered_too() -> None:
    # 0, 0.5 and 1 all scored alike before (ties broken by user id only)
    scores = [count_then_money_score(2, BigValue(Decimal(m))) for m in ("0", "0.5", "1", "1.5", "10")]
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == len(scores)


@given(count=st.integers(0, 10**6), money=MONEY)
def test_a_higher_count_always_ranks_first(count: int, money: Decimal) -> None:
    assert count_then_money_score(count + 1, BigValue(0)) < count_then_money_score(count, BigValue(money))
