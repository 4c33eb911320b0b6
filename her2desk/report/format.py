"""How a number is written, in one place, for the panels, report.xlsx and results.json.

Qt-free and light (standard library only) so the window can import it at start-up. Every
function takes numbers and returns the text a manuscript would print; the analysis layer
never builds display strings. The rules, once:

* **Rounding** is half up on the number's shortest decimal form (``repr``), so 0.125 → 0.13
  and 49.5 → 50 as in SPSS/Excel-prepared tables, never Python's binary half-even.
* **P**: three decimals, "<0.001" below 0.001; "—" when no test was possible. P is rounded
  on its exact binary value (as R's ``sprintf``), and a P below 0.05 never reads "0.050":
  the text must not contradict the 0.05 threshold the reader applies.
* **Hazard ratios**: two decimals, "0.66 (0.44–0.99)". A hazard ratio the analysis layer
  calls not estimable (``HazardRatio.estimable`` / ``CoxTerm.estimable``: the fit did not
  converge, or the HR or a CI limit is not finite and positive) reads "not estimable", its
  CI and P "—".
* **Medians** (Kaplan–Meier, months or years), one decimal. A median or CI limit that the
  curve never reaches within follow-up reads "NR" (not reached): the median when survival
  stays above 0.5, the upper limit when the lower band does, the lower limit when the median
  itself is not reached. A lower limit missing although the median is reached cannot be
  estimated (R gives NA; it cannot exceed the median) and reads "NE" (not estimable).
  A group without patients has no median: "—".
* **Percentages**: one decimal, "81.2 %" in sentences and plain "81.2" under a "%" header;
  counts as "245 (52.6)".
* **Typography**: "–" (en dash) between limits, "−" (minus) in group labels such as
  HR−/HER2+, "≥"/"≤" for ">="/"<=", "—" (em dash) where there is no number.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "DASH", "RANGE", "MINUS", "NR", "NE", "NOT_ESTIMABLE", "REFERENCE", "MEDIAN_NOTE", "HR_NOTE",
    "round_half_up", "is_number",
    "format_p", "format_n_percent", "format_number", "format_median_range",
    "format_percent", "format_rate_ci",
    "format_months", "format_median", "format_median_ci", "format_median_with_ci",
    "format_hr", "format_hr_ci", "format_hr_with_ci", "not_estimable_text",
    "minus_sign", "math_signs", "pretty_label",
]

#: Shown where there is no number (no test possible, empty group).
DASH = "—"
#: Between the two limits of an interval or range.
RANGE = "–"
#: A real minus sign, for labels such as "HR−/HER2+".
MINUS = "−"
#: A median or CI limit the curve does not reach within follow-up.
NR = "NR"
#: A median CI lower limit that cannot be estimated although the median is reached.
NE = "NE"
#: A hazard ratio the analysis layer calls not estimable.
NOT_ESTIMABLE = "not estimable"
#: The hazard-ratio cell of the reference group.
REFERENCE = "1 (reference)"

#: Footnote text for tables that show medians with their CI.
MEDIAN_NOTE = (f"Median: Kaplan–Meier median with its 95% CI. {NR}, not reached within "
               f"follow-up; {NE}, the lower limit cannot be estimated (R gives NA) although "
               "the median is reached.")
#: Footnote text for tables that show hazard ratios.
HR_NOTE = (f"HR {NOT_ESTIMABLE}: the Cox fit did not converge, or the hazard ratio or its CI "
           "is not finite (e.g. no events in a group); its CI and P are shown as —.")

_HR_DIGITS = 2
_TIME_DIGITS = 1
_PERCENT_DIGITS = 1


def is_number(x: object) -> bool:
    """A finite real number (not None, NaN or ±inf)."""
    try:
        return x is not None and not isinstance(x, bool) and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def round_half_up(x: Decimal, digits: int) -> Decimal:
    """``x`` to ``digits`` decimals, halves away from zero (as SPSS/Excel tables, not Python)."""
    return x.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def format_number(x: float | None, digits: int = 0) -> str:
    """Fixed decimals, rounded half up (so medians like 49.5 show as 50 with digits=0);
    "—" for a missing or infinite value, and never "-0"."""
    if not is_number(x):
        return DASH
    d = round_half_up(Decimal(repr(float(x))), digits)
    if d == 0:
        d = abs(d)
    return f"{d:.{digits}f}"


def format_p(p: float | None, *, none: str = DASH) -> str:
    """P in the paper's style: three decimals, "<0.001" below 0.001.

    A missing P (no test possible) renders as an em dash rather than blank, so a reader can
    tell "not testable" from "not applicable"; pass ``none=""`` for blank. A P outside [0, 1]
    is a bug upstream and raises rather than print.
    """
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return none
    p = float(p)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"P value out of range: {p}")
    if p < 0.001:
        return "<0.001"
    text = f"{p:.3f}"
    if p < 0.05 and text == "0.050":
        return "0.049"
    return text


def format_n_percent(n: int, total: int, digits: int = _PERCENT_DIGITS) -> str:
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


def format_median_range(median: float | None, minimum: float | None, maximum: float | None,
                        digits: int = 0) -> str:
    """The paper's "median (min–max)" text, e.g. "50 (35–60)"; a dash for an empty group."""
    if not is_number(median):
        return DASH
    return (f"{format_number(median, digits)} "
            f"({format_number(minimum, digits)}{RANGE}{format_number(maximum, digits)})")


# -------------------------------------------------------------------------------- percentages


def format_percent(fraction: float | None, digits: int = _PERCENT_DIGITS, *,
                   symbol: str = " %") -> str:
    """A proportion as a percentage: 0.8123 → "81.2 %" (``symbol=""`` under a "%" header)."""
    if not is_number(fraction):
        return DASH
    return format_number(100.0 * float(fraction), digits) + symbol


def format_rate_ci(rate: float | None, low: float | None, high: float | None, *,
                   symbol: str = " %") -> str:
    """ "81.2 % (75.0–86.1)": a proportion with its CI; a missing limit reads "NE"."""
    if not is_number(rate):
        return DASH
    lo = format_number(100.0 * float(low), _PERCENT_DIGITS) if is_number(low) else NE
    hi = format_number(100.0 * float(high), _PERCENT_DIGITS) if is_number(high) else NE
    return f"{format_percent(rate, symbol=symbol)} ({lo}{RANGE}{hi})"


# -------------------------------------------------------------------------------- times, medians


def format_months(months: float | None, unit: str = "months", digits: int = _TIME_DIGITS) -> str:
    """A time held in months, written in ``unit`` ("months" or "years"); "—" when missing."""
    if unit not in ("months", "years"):
        raise ValueError(f"unknown time unit {unit!r}")
    if not is_number(months):
        return DASH
    value = float(months) / 12.0 if unit == "years" else float(months)
    return format_number(value, digits)


def format_median(median: float | None, unit: str = "months", *, n: int | None = None) -> str:
    """A Kaplan–Meier median: "23.4", or "NR" when survival never falls to 0.5 (NaN).

    ``n == 0`` (no patients) gives "—": an empty group has no curve to reach anything.
    """
    if n is not None and n == 0:
        return DASH
    if not is_number(median):
        return NR
    return format_months(median, unit)


def format_median_ci(low: float | None, high: float | None, median: float | None,
                     unit: str = "months") -> str:
    """The median's CI as "18.0–30.2", "45.2–NR" or "NE–60.1" (see the module's rules)."""
    median_reached = is_number(median)
    lo = format_months(low, unit) if is_number(low) else (NE if median_reached else NR)
    hi = format_months(high, unit) if is_number(high) else NR
    return f"{lo}{RANGE}{hi}"


def format_median_with_ci(median: float | None, ci: tuple[float, float] | None,
                          unit: str = "months", *, n: int | None = None) -> str:
    """ "23.4 (18.0–30.2)", "NR (45.2–NR)"; "—" for a group without patients."""
    text = format_median(median, unit, n=n)
    if text == DASH or ci is None:
        return text
    return f"{text} ({format_median_ci(ci[0], ci[1], median, unit)})"


# -------------------------------------------------------------------------------- hazard ratios


def format_hr(hr: float | None, estimable: bool = True) -> str:
    """ "0.66"; "not estimable" when the analysis layer says so (or the HR is not a number)."""
    if not estimable or not is_number(hr):
        return NOT_ESTIMABLE
    return format_number(hr, _HR_DIGITS)


def format_hr_ci(ci: tuple[float, float] | None, estimable: bool = True) -> str:
    """ "0.44–0.99"; "—" for a hazard ratio that is not estimable."""
    if not estimable or ci is None or not (is_number(ci[0]) and is_number(ci[1])):
        return DASH
    return f"{format_number(ci[0], _HR_DIGITS)}{RANGE}{format_number(ci[1], _HR_DIGITS)}"


def not_estimable_text(reason: str = "") -> str:
    """ "not estimable", or "not estimable (collinear)" for a term R's coxph drops as aliased."""
    return f"{NOT_ESTIMABLE} (collinear)" if reason.startswith("collinear") else NOT_ESTIMABLE


def format_hr_with_ci(hr: float | None, ci: tuple[float, float] | None,
                      estimable: bool = True) -> str:
    """ "0.66 (0.44–0.99)", or "not estimable"."""
    text = format_hr(hr, estimable)
    ci_text = format_hr_ci(ci, estimable)
    if text == NOT_ESTIMABLE or ci_text == DASH:
        return NOT_ESTIMABLE
    return f"{text} ({ci_text})"


# -------------------------------------------------------------------------------- typography


def minus_sign(label: object) -> str:
    """A real minus after a receptor name: "HR-/HER2+" → "HR−/HER2+", "ER-" → "ER−".

    Only a hyphen that ends a word before "/" or the end is a sign; "first-line" keeps its.
    """
    return re.sub(r"(?<=[A-Za-z])-(?=/|$)", MINUS, str(label))


def math_signs(text: object) -> str:
    """ ">=50" → "≥50", "<=30%" → "≤30%"."""
    return str(text).replace(">=", "≥").replace("<=", "≤")


def pretty_label(label: object) -> str:
    """A group or level label as printed: both of the above."""
    return math_signs(minus_sign(label))
