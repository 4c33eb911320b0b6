"""P values as every page and figure prints them (the paper's style, from analysis.compare)."""
from __future__ import annotations

import math


def p_text(p: float | None, none: str = "—") -> str:
    """ "0.031", "<0.001"; ``none`` when there is no finite P (no test was possible)."""
    from ..analysis.compare import format_p  # lazy: keeps the window's start-up light

    if p is None or not math.isfinite(float(p)):
        return none
    return format_p(p)


def p_phrase(label: str, p: float | None) -> str:
    """ "Log-rank P = 0.031" or "P <0.001": an equals sign only before a number."""
    text = p_text(p)
    return f"{label} {text}" if text[:1] in "<>" else f"{label} = {text}"
