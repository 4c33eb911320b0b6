"""Multiplicity adjustment of a family of P values: none (as the paper), Holm or Benjamini–Hochberg.

Equals R's ``p.adjust(p, method = "holm" | "BH")``; missing P values (NaN/None) are left
out of the family and stay missing, as R's ``p.adjust`` treats ``NA`` with ``n = sum(!is.na(p))``.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from ..i18n import N_

P_ADJUST_METHODS: tuple[str, ...] = ("none", "holm", "BH")
_NAMES = {"none": "unadjusted", "holm": "Holm-adjusted", "BH": "Benjamini–Hochberg-adjusted"}


def p_adjust(p: Sequence[float | None], method: str = "none") -> list[float]:
    """Adjusted P values in the input order (NaN where the input is missing)."""
    if method not in P_ADJUST_METHODS:
        raise ValueError(f"Unknown P-value adjustment {method!r}: choose one of "
                         f"{', '.join(P_ADJUST_METHODS)}.")
    arr = np.array([np.nan if v is None else float(v) for v in p], dtype=float)
    out = arr.copy()
    known = ~np.isnan(arr)
    q = arr[known]
    n = q.size
    if method == "none" or n == 0:
        return [float(v) for v in out]
    if method == "holm":
        order = np.argsort(q, kind="mergesort")
        adj = np.minimum(1.0, np.maximum.accumulate((n - np.arange(n)) * q[order]))
    else:   # BH
        order = np.argsort(q, kind="mergesort")[::-1]
        adj = np.minimum(1.0, np.minimum.accumulate(n / np.arange(n, 0, -1) * q[order]))
    res = np.empty(n)
    res[order] = adj
    out[known] = res
    return [float(v) for v in out]


def adjustment_phrase(method: str) -> str:
    """The footnote words for a method, e.g. 'P values unadjusted for multiplicity'."""
    if method == "none":
        return N_("P values unadjusted for multiplicity (as the paper)")
    return N_(f"P values {_NAMES[method]} for multiplicity within each item")
