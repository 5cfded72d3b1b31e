"""Exact arithmetic inside, rounding once for display.

Scores are computed as `Fraction`s from exact inputs (counts and decimal weights), so 0.3 × 100
is 30 and a cap at 100 is never 100.00000000000001. Results are stored as the nearest float; the
display rounding reads that float's shortest decimal form (repr), so 71.765 shows as 71,77 under
half-up rounding, not 71,76 as binary rounding of 71.76499999… would give.
"""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

HUNDRED = Fraction(100)


def as_float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def as_number(value: Fraction | int | None) -> float | int | None:
    """For JSON: whole numbers as int, others as the nearest float."""
    if value is None:
        return None
    value = Fraction(value)
    return int(value) if value.denominator == 1 else float(value)


def exact(value: float | Fraction | int) -> Fraction:
    """A stored float back to the decimal it was shown as (its shortest repr), exactly."""
    if isinstance(value, float):
        return Fraction(Decimal(repr(value)))
    return Fraction(value)


def rounded(value: float | Fraction | int, decimals: int = 2, mode: str = "half_up") -> Decimal:
    """The value rounded once to `decimals` places (half_up: 0.125 → 0.13; half_even: → 0.12)."""
    exact_value = exact(value)
    sign = -1 if exact_value < 0 else 1
    scaled = abs(exact_value) * 10**decimals
    whole = scaled.numerator // scaled.denominator
    rest = scaled - whole
    half = Fraction(1, 2)
    if rest > half or (rest == half and (mode == "half_up" or whole % 2 == 1)):
        whole += 1
    return Decimal(sign * whole).scaleb(-decimals)


def display(value: float | Fraction | int | None, decimals: int = 2, mode: str = "half_up", empty: str = "—") -> str:
    """A score as Russian text: two decimals, decimal comma; `empty` for None."""
    if value is None:
        return empty
    return f"{rounded(value, decimals, mode):f}".replace(".", ",")


def mean(values: list[Fraction]) -> Fraction:
    return sum(values, Fraction(0)) / len(values)
