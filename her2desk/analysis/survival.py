"""Kaplan-Meier curves, log-rank tests and crude interval hazards.

Pure numpy/scipy.  Every statistic follows the conventions of R's ``survival``
package (3.x) by default, because R is what reviewers and co-authors re-run our
numbers in; the test-suite compares against fixtures produced by R itself
(``tests/fixtures/r_survival``).

Conventions shared by all functions
-----------------------------------
* ``time`` is any numeric unit (the UI uses months); ``event`` is 1/True for the
  event and 0/False for censoring.
* Rows whose time or event is missing are dropped (R's ``na.omit``) and counted.
* Ties: an event and a censoring at the same time -> the censored subject is
  still at risk at that time (everyone with ``time >= t`` is at risk).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any, Hashable

import numpy as np
import pandas as pd
from .lazy_scipy import special  # scipy.special on first use (desktop start-up)

__all__ = [
    "KMCurve",
    "LogRankResult",
    "IntervalHazard",
    "kaplan_meier",
    "survival_at",
    "number_at_risk",
    "cumulative_events",
    "reverse_km_median_followup",
    "logrank_test",
    "pairwise_logrank",
    "annual_hazard",
]

_CONF_TYPES = ("log", "log-log", "plain")
# R's print.survfit / summary()$table compares survival to 0.5 with this tolerance.
_MEDIAN_TOL = np.sqrt(np.finfo(float).eps)


def _frozen_array(a: Any, dtype: Any = float) -> np.ndarray:
    out = np.array(a, dtype=dtype)  # copy: callers cannot mutate results through inputs
    out.setflags(write=False)
    return out


def _clean_time_event(time: Any, event: Any) -> tuple[np.ndarray, np.ndarray, int]:
    """Float times and boolean events with missing rows removed (R: na.omit)."""
    t = np.asarray(pd.to_numeric(pd.Series(np.asarray(time).ravel()), errors="coerce"), dtype=float)
    e_raw = pd.to_numeric(pd.Series(np.asarray(event).ravel()), errors="coerce")
    e = np.asarray(e_raw, dtype=float)
    if t.shape != e.shape:
        raise ValueError(f"time and event lengths differ ({t.size} vs {e.size})")
    ok = ~(np.isnan(t) | np.isnan(e))
    bad = ~np.isin(e[ok], (0.0, 1.0))
    if bad.any():
        raise ValueError("event must be coded 0 (censored) / 1 (event); found "
                         f"{sorted(set(e[ok][bad].tolist()))[:5]}")
    if np.isinf(t[ok]).any():
        raise ValueError("time contains infinite values")
    return t[ok], e[ok].astype(bool), int((~ok).sum())


# --------------------------------------------------------------------------------------
# Kaplan-Meier
# --------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class KMCurve:
    """One Kaplan-Meier curve, laid out like R's ``survfit`` object.

    Arrays run over every distinct observed time (event *or* censoring), as in
    ``survfit$time``, so ``n_censor`` and tick marks line up with R's output.
    ``std_err`` is R's ``std.err``: Greenwood standard error of log S.
    """

    label: str
    n: int
    events: int
    time: np.ndarray
    survival: np.ndarray
    std_err: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    n_risk: np.ndarray
    n_event: np.ndarray
    n_censor: np.ndarray
    censor_times: np.ndarray
    median: float
    median_ci: tuple[float, float]
    conf_type: str
    conf_level: float
    n_dropped: int = 0

    def to_frame(self, start: bool = False) -> pd.DataFrame:
        """The curve as a table (one row per distinct time), for export/display.

        ``start=True`` prepends R ``survfit0``'s start row at time min(0, first time):
        everyone at risk, no events, S = 1, std.err 0 and limits 1–1 whatever the CI type
        (unless the first observed time already is that start).
        """
        cols = {
            "time": self.time, "n_risk": self.n_risk, "n_event": self.n_event,
            "n_censor": self.n_censor, "survival": self.survival,
            "std_err": self.std_err, "ci_low": self.ci_low, "ci_high": self.ci_high,
        }
        t0 = min(0.0, float(self.time[0])) if self.time.size else 0.0
        if start and (not self.time.size or self.time[0] != t0):
            first = {"time": t0, "n_risk": self.n_risk[0] if self.n_risk.size else self.n,
                     "n_event": 0, "n_censor": 0, "survival": 1.0, "std_err": 0.0,
                     "ci_low": 1.0, "ci_high": 1.0}
            cols = {k: np.concatenate(([first[k]], v)) for k, v in cols.items()}
        return pd.DataFrame(cols)


def _conf_limits(surv: np.ndarray, se_log: np.ndarray, conf_type: str,
                 conf_level: float) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise CI exactly as R's ``survival:::survfit_confint`` (logse=TRUE).

    NaN where R returns NA: log at S=0, log-log at S in {0, 1}.
    """
    z = special.ndtri(1 - (1 - conf_level) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        if conf_type == "plain":
            half = z * se_log * surv
            lo = np.maximum(surv - half, 0.0)
            hi = np.minimum(surv + half, 1.0)
            # np.maximum propagates NaN as R's pmax does (0 * Inf at S = 0).
        elif conf_type == "log":
            xx = np.where(surv == 0, np.nan, surv)
            lo = np.exp(np.log(xx) - z * se_log)
            hi = np.minimum(np.exp(np.log(xx) + z * se_log), 1.0)
        elif conf_type == "log-log":
            xx = np.where((surv == 0) | (surv == 1), np.nan, surv)
            se2 = z * se_log / np.log(xx)
            lo = np.exp(-np.exp(np.log(-np.log(xx)) - se2))
            hi = np.exp(-np.exp(np.log(-np.log(xx)) + se2))
        else:  # pragma: no cover - validated by caller
            raise ValueError(conf_type)
    return lo, hi


def _minmin(y: np.ndarray, x: np.ndarray) -> float:
    """R's median rule from ``survival:::survmean`` (print.survfit, summary()$table).

    First time the curve is <= 0.5; if it sits exactly on 0.5 there, the
    midpoint to the time it next drops (R's convention), else that time.
    """
    keep = ~np.isnan(y) & (y < 0.5 + _MEDIAN_TOL)
    if not keep.any():
        return float("nan")
    xs, ys = x[keep], y[keep]
    if abs(ys[0] - 0.5) < _MEDIAN_TOL:
        lower = np.nonzero(ys < ys[0])[0]
        if lower.size:
            return float((xs[0] + xs[lower[0]]) / 2)
    return float(xs[0])


def kaplan_meier(time: Any, event: Any, label: str = "", conf_type: str = "log",
                 conf_level: float = 0.95) -> KMCurve:
    """Kaplan-Meier estimate with Greenwood CIs, identical to R ``survfit(Surv(time, event) ~ 1)``.

    ``conf_type`` "log" is R's default (and differs from SAS/SPSS "log-log");
    the median and its CI follow ``print.survfit``: NaN means "not reached".
    """
    if conf_type not in _CONF_TYPES:
        raise ValueError(f"conf_type must be one of {_CONF_TYPES}, got {conf_type!r}")
    if not 0 < conf_level < 1:
        raise ValueError("conf_level must be in (0, 1)")
    t, e, n_dropped = _clean_time_event(time, event)
    if t.size == 0:
        raise ValueError("no observations with non-missing time and event")

    utime, inv = np.unique(t, return_inverse=True)
    n_event = np.bincount(inv, weights=e, minlength=utime.size)
    n_total = np.bincount(inv, minlength=utime.size).astype(float)
    n_censor = n_total - n_event
    n_risk = t.size - np.concatenate(([0.0], np.cumsum(n_total)[:-1]))

    with np.errstate(divide="ignore", invalid="ignore"):
        surv = np.cumprod(1.0 - n_event / n_risk)
        # Greenwood on the log scale; d == n gives Inf, as R does.
        term = np.where(n_event > 0, n_event / (n_risk * (n_risk - n_event)), 0.0)
    std_err = np.sqrt(np.cumsum(term))
    lo, hi = _conf_limits(surv, std_err, conf_type, conf_level)

    med = _minmin(surv, utime)
    med_ci = (_minmin(lo, utime), _minmin(hi, utime))
    return KMCurve(
        label=label, n=int(t.size), events=int(e.sum()),
        time=_frozen_array(utime), survival=_frozen_array(surv),
        std_err=_frozen_array(std_err),
        ci_low=_frozen_array(lo), ci_high=_frozen_array(hi),
        n_risk=_frozen_array(n_risk, int), n_event=_frozen_array(n_event, int),
        n_censor=_frozen_array(n_censor, int),
        censor_times=_frozen_array(np.sort(t[~e])),
        median=med, median_ci=med_ci, conf_type=conf_type, conf_level=conf_level,
        n_dropped=n_dropped,
    )


def survival_at(curve: KMCurve, times: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """S(t) and CI at given times, as R's ``summary(fit, times=)``.

    The curve is a right-continuous step: the value at t includes events at t.
    Before the group's first observed time S = 1 with limits 1–1 for every CI
    type, as R's ``survfit0`` adds that start row (std.err 0, lower = upper = 1)
    and ``summary(fit, times=)`` reads it; from the first observed time on, the
    limits are the curve's own (so log-log is NaN while S is still 1, as R's NA).
    After the last observed time the result is NaN, because R drops such times
    (``extend = FALSE``) rather than extrapolating.
    """
    tq = np.atleast_1d(np.asarray(times, dtype=float))
    idx = np.searchsorted(curve.time, tq, side="right") - 1
    s = np.full(tq.shape, np.nan)
    lo = np.full(tq.shape, np.nan)
    hi = np.full(tq.shape, np.nan)
    inside = (idx >= 0) & (tq <= curve.time[-1])
    s[inside] = curve.survival[idx[inside]]
    lo[inside] = curve.ci_low[idx[inside]]
    hi[inside] = curve.ci_high[idx[inside]]
    before = (idx < 0) & ~np.isnan(tq)
    s[before] = 1.0
    lo[before] = 1.0
    hi[before] = 1.0
    return s, lo, hi


def number_at_risk(time: Any, times: Any) -> np.ndarray:
    """Count of subjects with ``time >= t`` for each t (R's n.risk convention).

    Used for the at-risk table under KM plots; missing times are ignored.
    """
    t = np.asarray(time, dtype=float).ravel()
    t = np.sort(t[~np.isnan(t)])
    tq = np.atleast_1d(np.asarray(times, dtype=float))
    return (t.size - np.searchsorted(t, tq, side="left")).astype(int)


def cumulative_events(curve: KMCurve, times: Any) -> np.ndarray:
    """Events up to and including each t, from the curve's own event table (survminer's
    "cumevents" row under a KM plot): ``n - n_risk(t) - censored before t`` counted directly."""
    time = np.asarray(curve.time, dtype=float)
    cum = np.concatenate(([0], np.cumsum(np.asarray(curve.n_event, dtype=int))))
    tq = np.atleast_1d(np.asarray(times, dtype=float))
    return cum[np.searchsorted(time, tq, side="right")].astype(int)


def reverse_km_median_followup(time: Any, event: Any) -> float:
    """Median follow-up by the reverse Kaplan-Meier method (Schemper & Smith 1996).

    Censoring is treated as the event, so deaths do not shorten follow-up as
    they do in a naive median of observed times.  NaN if not reached.
    """
    t, e, _ = _clean_time_event(time, event)
    return kaplan_meier(t, ~e).median


# --------------------------------------------------------------------------------------
# Log-rank
# --------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class LogRankResult:
    """Result of a (k-group) log-rank test, laid out like R's ``survdiff``."""

    chisq: float
    df: int
    p_value: float
    groups: tuple[Hashable, ...]
    n: np.ndarray
    observed: np.ndarray
    expected: np.ndarray
    variance: np.ndarray
    n_dropped: int = 0


def _group_codes(group: Any, keep_unused: bool = False) -> tuple[np.ndarray, list[Hashable], np.ndarray]:
    """Integer codes in R factor order: categorical order if given, else sorted levels."""
    if isinstance(group, pd.Series):
        s = group
    elif isinstance(group, pd.Categorical):
        s = pd.Series(group)
    else:
        s = pd.Series(np.asarray(group).ravel())
    if isinstance(s.dtype, pd.CategoricalDtype):
        cat = s.array if keep_unused else s.cat.remove_unused_categories().array
    else:
        cat = pd.Categorical(s)
    codes = np.asarray(cat.codes)
    return codes, list(cat.categories), codes >= 0


def logrank_test(time: Any, event: Any, group: Any) -> LogRankResult:
    """Log-rank test for 2+ groups, identical to R ``survdiff(..., rho = 0)``.

    Groups are ordered as an R factor would order them (categorical order, else
    sorted); the chi-square uses all groups with expected > 0, as R does.
    """
    t_all = np.asarray(time, dtype=float).ravel()
    codes, levels, has_group = _group_codes(group)
    e_all = np.asarray(pd.to_numeric(pd.Series(np.asarray(event).ravel()), errors="coerce"), dtype=float)
    ok = has_group & ~np.isnan(t_all) & ~np.isnan(e_all)
    t, e, _ = _clean_time_event(t_all[ok], e_all[ok])
    codes = codes[ok]
    n_dropped = int((~ok).sum())
    present = np.unique(codes)
    levels = [levels[i] for i in present]
    codes = np.searchsorted(present, codes)
    k = len(levels)
    if k < 2:
        raise ValueError("log-rank test needs at least two groups with data")

    utime, inv = np.unique(t, return_inverse=True)
    m = utime.size
    tot = np.zeros((m, k))
    dead = np.zeros((m, k))
    np.add.at(tot, (inv, codes), 1.0)
    np.add.at(dead, (inv, codes), e.astype(float))
    n_risk = np.cumsum(tot[::-1], axis=0)[::-1]          # per group, time >= t
    n_all = n_risk.sum(axis=1)
    d_all = dead.sum(axis=1)
    use = d_all > 0
    nr, na, da = n_risk[use], n_all[use], d_all[use]
    frac = nr / na[:, None]
    observed = dead.sum(axis=0)
    expected = (da[:, None] * frac).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(na > 1, da * (na - da) / (na - 1), 0.0)
    variance = (np.einsum("t,tj->j", w, frac)[:, None] * np.eye(k)
                - np.einsum("t,tj,tk->jk", w, frac, frac))

    keep = expected > 0
    if keep.sum() < 2:
        chisq = 0.0
    else:
        diff = (observed - expected)[keep][1:]
        vv = variance[np.ix_(keep, keep)][1:, 1:]
        try:
            chisq = float(diff @ np.linalg.solve(vv, diff))
        except np.linalg.LinAlgError:
            # No variance to test against (e.g. every event at a time when a single patient
            # was at risk): R's survdiff stops here; we report "no test possible".
            chisq = float("nan")
    df = int(keep.sum() - 1)
    p = float(special.chdtrc(df, chisq)) if df > 0 and not np.isnan(chisq) else float("nan")
    return LogRankResult(
        chisq=chisq, df=df, p_value=p, groups=tuple(levels),
        n=_frozen_array(tot.sum(axis=0), int), observed=_frozen_array(observed),
        expected=_frozen_array(expected), variance=_frozen_array(variance),
        n_dropped=n_dropped,
    )


def pairwise_logrank(time: Any, event: Any, group: Any,
                     reference: Hashable | None = None) -> dict[tuple[Hashable, Hashable], LogRankResult]:
    """Two-group log-rank tests between levels, each on just the two groups' data.

    With ``reference`` every other level is compared to it; otherwise all
    pairs.  P-values are unadjusted (apply Holm/Bonferroni in the report).
    Keys are ``(level_a, level_b)`` in factor order (reference first).
    """
    t = np.asarray(time, dtype=float).ravel()
    e = np.asarray(event).ravel()
    codes, levels, has_group = _group_codes(group)
    if reference is not None:
        if reference not in levels:
            raise ValueError(f"reference {reference!r} is not a level of group ({levels})")
        r = levels.index(reference)
        pairs = [(r, j) for j in range(len(levels)) if j != r]
    else:
        pairs = list(combinations(range(len(levels)), 2))
    out: dict[tuple[Hashable, Hashable], LogRankResult] = {}
    for a, b in pairs:
        sel = has_group & np.isin(codes, (a, b))
        # order the pair as (a, b) so "reference first" holds in the result too
        sub = pd.Categorical.from_codes(np.where(codes[sel] == a, 0, 1), categories=[levels[a], levels[b]])
        out[(levels[a], levels[b])] = logrank_test(t[sel], e[sel], pd.Series(sub))
    return out


# --------------------------------------------------------------------------------------
# Piecewise (interval) hazard
# --------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class IntervalHazard:
    """Crude hazard per time interval: events / person-time (constant-hazard MLE).

    ``ci_low``/``ci_high`` are exact Poisson limits for the rate.  Units are
    events per unit of ``time`` (e.g. per person-month); multiply by ``width``
    for a per-interval rate.
    """

    start: np.ndarray
    end: np.ndarray
    n_at_risk: np.ndarray
    events: np.ndarray
    person_time: np.ndarray
    hazard: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({
            "start": self.start, "end": self.end, "n_at_risk": self.n_at_risk,
            "events": self.events, "person_time": self.person_time,
            "hazard": self.hazard, "ci_low": self.ci_low, "ci_high": self.ci_high,
        })


def annual_hazard(time: Any, event: Any, width: float = 12.0,
                  conf_level: float = 0.95) -> IntervalHazard:
    """Events / person-time in consecutive intervals [0, w), [w, 2w), ...

    Meant to show *when* risk accrues (e.g. a late excess after ~6 years that
    makes KM curves cross), where a single Cox HR would average it away.
    An event exactly at a boundary counts in the later interval.  Intervals
    stop at the last observed time.
    """
    if width <= 0:
        raise ValueError("width must be positive")
    t, e, _ = _clean_time_event(time, event)
    if t.size == 0:
        raise ValueError("no observations")
    n_int = max(1, int(np.floor(t.max() / width)) + 1)
    start = np.arange(n_int) * width
    end = start + width
    # person-time each subject spends in each interval: clip(t - start, 0, width)
    pt = np.clip(t[None, :] - start[:, None], 0.0, width).sum(axis=1)
    k = np.minimum((t // width).astype(int), n_int - 1)
    events = np.bincount(k[e], minlength=n_int).astype(float)
    at_risk = (t[None, :] >= start[:, None]).sum(axis=1)
    keep = at_risk > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard = np.where(pt > 0, events / pt, np.nan)
        a = 1 - conf_level
        lo = np.where(events > 0, special.chdtri(2 * events, 1 - a / 2) / 2, 0.0) / pt
        hi = special.chdtri(2 * events + 2, a / 2) / 2 / pt
    return IntervalHazard(
        start=_frozen_array(start[keep]), end=_frozen_array(end[keep]),
        n_at_risk=_frozen_array(at_risk[keep], int), events=_frozen_array(events[keep], int),
        person_time=_frozen_array(pt[keep]), hazard=_frozen_array(hazard[keep]),
        ci_low=_frozen_array(lo[keep]), ci_high=_frozen_array(hi[keep]),
    )
