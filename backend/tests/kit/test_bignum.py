"""BigValue against exact integer arithmetic over the whole exponent range (issue 2, decision 1)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tycoon.kit.bignum import BigValue, power

# A value is (mantissa, exponent) = mantissa × 10^exponent, with at most 18 digits: exactly a BigValue.
Exact = tuple[int, int]
MANTISSA = st.integers(-(10**18) + 1, 10**18 - 1)
POSITIVE_MANTISSA = st.integers(1, 10**18 - 1)
GAME_EXPONENT = st.integers(-2_000_000, 2_000_000)
ANY_EXPONENT = st.integers(-(10**17), 10**17)
EXPONENT = st.one_of(GAME_EXPONENT, ANY_EXPONENT, st.integers(-30, 30))
REL_ERROR = Fraction(1, 10**17)


def big(value: Exact) -> BigValue:
    mantissa, exponent = value
    return BigValue(Decimal(f"{mantissa}E{exponent}"))  # string form: exact, no context limits


def exact(value: BigValue) -> Exact:
    sign, digits, exponent = value.value.as_tuple()
    assert isinstance(exponent, int)
    mantissa = int("".join(str(digit) for digit in digits))
    return (-mantissa if sign else mantissa), exponent


def magnitude(value: Exact) -> int:
    """Exponent of the leading digit; 10^magnitude ≤ |value| < 10^(magnitude+1)."""
    mantissa, exponent = value
    return exponent + len(str(abs(mantissa))) - 1


def compare(a: Exact, b: Exact) -> int:
    """Exact sign of a − b, with integers only (no float, no Decimal)."""
    (ma, ea), (mb, eb) = a, b
    sign_a, sign_b = (ma > 0) - (ma < 0), (mb > 0) - (mb < 0)
    if sign_a != sign_b or sign_a == 0:
        return (sign_a > sign_b) - (sign_a < sign_b)
    if magnitude(a) != magnitude(b):
        larger = magnitude(a) > magnitude(b)
        return sign_a if larger else -sign_a
    low = min(ea, eb)  # same magnitude: the exponents differ by < 18 digits
    aligned_a, aligned_b = ma * int(10 ** (ea - low)), mb * int(10 ** (eb - low))
    return (aligned_a > aligned_b) - (aligned_a < aligned_b)


def relative_error(computed: Exact, exact_mantissa: int, exact_exponent: int) -> Fraction:
    mc, ec = computed
    low = min(ec, exact_exponent)
    got, want = mc * 10 ** (ec - low), exact_mantissa * 10 ** (exact_exponent - low)
    if want == 0:
        return Fraction(0) if got == 0 else Fraction(1)
    return Fraction(abs(got - want), abs(want))


@st.composite
def close_pair(draw: st.DrawFn) -> tuple[Exact, Exact]:
    """Two values whose exponents differ by at most 60, anywhere in the range."""
    base = draw(EXPONENT)
    first = (draw(MANTISSA), base)
    second = (draw(MANTISSA), base + draw(st.integers(-60, 60)))
    return first, second


# Arithmetic --------------------------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(close_pair())
def test_add_and_subtract_are_within_one_part_in_1e17(pair: tuple[Exact, Exact]) -> None:
    (ma, ea), (mb, eb) = pair
    low = min(ea, eb)
    exact_sum = ma * 10 ** (ea - low) + mb * 10 ** (eb - low)
    exact_difference = ma * 10 ** (ea - low) - mb * 10 ** (eb - low)
    assert relative_error(exact(big(pair[0]) + big(pair[1])), exact_sum, low) <= REL_ERROR
    assert relative_error(exact(big(pair[0]) - big(pair[1])), exact_difference, low) <= REL_ERROR


@settings(max_examples=200, deadline=None)
@given(MANTISSA, EXPONENT, MANTISSA, EXPONENT)
def test_multiply_is_within_one_part_in_1e17(ma: int, ea: int, mb: int, eb: int) -> None:
    product = big((ma, ea)) * big((mb, eb))
    assert relative_error(exact(product), ma * mb, ea + eb) <= REL_ERROR


@settings(max_examples=200, deadline=None)
@given(POSITIVE_MANTISSA, EXPONENT, POSITIVE_MANTISSA, st.integers(61, 10**15))
def test_far_smaller_addend_leaves_the_larger_within_precision(ma: int, ea: int, mb: int, gap: int) -> None:
    larger, tiny = big((ma, ea)), big((mb, ea - gap))
    assert relative_error(exact(larger + tiny), ma, ea) <= REL_ERROR
    assert relative_error(exact(larger - tiny), ma, ea) <= REL_ERROR


@settings(max_examples=300, deadline=None)
@given(POSITIVE_MANTISSA, EXPONENT, POSITIVE_MANTISSA, st.integers(-14, 20))
def test_no_addend_within_15_significant_digits_is_dropped(ma: int, ea: int, mb: int, shift: int) -> None:
    a = (ma, ea)
    b = (mb, magnitude(a) + shift - len(str(mb)) + 1)
    assume(compare((mb * 10**15, b[1]), a) >= 0)  # b ≥ a × 10^-15
    total = big(a) + big(b)
    assert total > big(a)
    # The addend survives with at least two significant digits.
    assert (total - big(a)) >= big(b) * Decimal("0.97")


# Order -------------------------------------------------------------------------------------------------
@settings(max_examples=400, deadline=None)
@given(MANTISSA, EXPONENT, MANTISSA, st.one_of(EXPONENT, st.integers(-3, 3)))
def test_order_equals_exact_order(ma: int, ea: int, mb: int, eb_or_offset: int) -> None:
    a = (ma, ea)
    b = (mb, eb_or_offset if abs(eb_or_offset) > 3 else ea + eb_or_offset)
    expected = compare(a, b)
    x, y = big(a), big(b)
    assert (x < y, x == y, x > y) == (expected < 0, expected == 0, expected > 0)
    assert (x <= y, x >= y) == (expected <= 0, expected >= 0)


def test_order_is_by_magnitude_not_by_raw_fields() -> None:
    # The original compared (high, data) and ranked 50 000 = (5000, 4) above 72 000 = (720000, 2).
    assert BigValue.from_wire(5000, 4) < BigValue.from_wire(720000, 2)
    assert BigValue.from_wire(100000, 1_250_000) > BigValue.from_wire(999999, 1_249_999)


# Wire form ---------------------------------------------------------------------------------------------
@settings(max_examples=400, deadline=None)
@given(st.integers(0, 10**18 - 1), st.one_of(st.integers(-40, 40), GAME_EXPONENT, ANY_EXPONENT))
def test_to_wire_is_canonical_and_round_trips(mantissa: int, exponent: int) -> None:
    value = big((mantissa, exponent))
    data, high = value.to_wire()
    assert (high == 0 and 0 <= data < 10**6) or (high > 0 and 10**5 <= data <= 999_999)
    back = BigValue.from_wire(data, high)
    assert back <= value  # truncated, never rounded up
    assert value - back < BigValue.from_wire(1, high)  # less than one unit of `data`
    if high > 0:
        assert (value - back) / value < BigValue("1e-5")  # six significant digits


@settings(max_examples=200, deadline=None)
@given(st.integers(-(10**9), 10**9), st.integers(0, 2_000_000))
def test_from_wire_accepts_non_canonical_pairs(data: int, high: int) -> None:
    value = BigValue.from_wire(data, high)
    assert exact(value) == exact(big((data, high - 3))) or value.is_zero()


def test_wire_examples() -> None:
    assert BigValue(10).to_wire() == (10000, 0)
    assert BigValue("1234.5").to_wire() == (123450, 1)
    assert BigValue.from_wire(5, 6).to_wire() == (500000, 1)
    assert BigValue("0.0004").to_wire() == (0, 0)
    assert BigValue(0).to_wire() == (0, 0)


# Helpers and guards ------------------------------------------------------------------------------------
@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["1.8", "1.5", "2", "3", "1.25", "1.2", "8"]), st.integers(0, 60))
def test_power_matches_exact_powers(base: str, exponent: int) -> None:
    exact_power = Fraction(base) ** exponent
    got = Fraction(power(Decimal(base), exponent).value)
    assert got <= exact_power
    assert (exact_power - got) / exact_power <= REL_ERROR


@settings(max_examples=200, deadline=None)
@given(POSITIVE_MANTISSA, EXPONENT)
def test_log10_has_the_right_magnitude(mantissa: int, exponent: int) -> None:
    logarithm = big((mantissa, exponent)).log10()
    slack = 1e-15 * max(1, abs(logarithm))  # a float cannot hold every integer above 2^53
    assert magnitude((mantissa, exponent)) - slack <= logarithm <= magnitude((mantissa, exponent)) + 1 + slack


def test_copy_and_pickle_keep_the_value() -> None:
    import copy
    import pickle

    value = BigValue("1.5E+1250002")
    assert copy.deepcopy(value) == value
    assert pickle.loads(pickle.dumps(value)) == value


def test_non_finite_values_are_rejected() -> None:
    import pytest

    with pytest.raises(ValueError, match="finite"):
        BigValue(float("inf"))
    with pytest.raises(ValueError, match="non-positive"):
        BigValue(0).log10()
