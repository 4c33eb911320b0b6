"""How a number is written, in one place, for the panels, report.xlsx and results.json.

Qt-free and light (standard library only) so the window can import it at start-up. Every
function takes numbers and returns the text a manuscript would print; the analysis layer
never builds display strings.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "DASH",
    "round_half_up",
    "format_p",
    "format_n_percent",
    "format_number",
    "format_median_range",
]

#: Shown where there is no number (no test possible, empty group).
DASH = "—"


def round_half_up(x: Decimal, digits: int) -> Decimal:
    """``x`` to ``digits`` decimals, halves away from zero (as SPSS/Excel tables, not Python)."""
    return x.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def format_p(p: float | None, *, none: str = DASH) -> str:
    """P in the paper's style: three decimals, "<0.001" below 0.001.

    A missing P (no test possible) renders as an em dash rather than blank, so a reader can
    tell "not testable" from "not applicable"; pass ``none=""`` for blank.
    """
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return none
    p = float(p)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"P value out of range: {p}")
    if p < 0.001:
        return "<0.001"
    return f"{p:.3f}"


def format_n_percent(n: int, total: int, digits: int = 1) -> str:
    """ "245 (52.6)": count and column percent, rounded half up on the exact ratio.

    Exact decimal arithmetic avoids binary-float half-even surprises (1/16 → 6.3, not 6.2),
    matching SPSS/Excel-prepared tables. A zero total gives "0 (—)".
    """
    n, total = int(n), int(total)
    if n < 0 or total < 0 or n > total:
        raise ValueError(f"invalid count {n} of {total}")
    if total == 0:
        return f"{n} ({DASH})"
    pct = round_half_up(Decimal(n) * 100 / Decimal(total), digits)
    return f"{n} ({pct:.{digits}f})"


def format_number(x: float | None, digits: int = 0) -> str:
    """Fixed decimals, rounded half up (so medians like 49.5 show as 50 with digits=0)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return DASH
    d = round_half_up(Decimal(repr(float(x))), digits)
    if d == 0:
        d = abs(d)
    return f"{d:.{digits}f}"


def format_median_range(median: float | None, minimum: float | None, maximum: float | None,
                        digits: int = 0) -> str:
    """The paper's "median (min–max)" text, e.g. "50 (35–60)"; a dash for an empty group."""
    if median is None or (isinstance(median, float) and math.isnan(median)):
        return DASH
    return (f"{format_number(median, digits)} "
            f"({format_number(minimum, digits)}–{format_number(maximum, digits)})")
