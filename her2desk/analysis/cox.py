"""Cox proportional-hazards regression, hazard ratios and the PH check.

Our own vectorised Newton-Raphson in numpy rather than lifelines: it replays
R's ``coxph`` iteration (``coxfit6``: start at 0, iter.max 20, eps 1e-9 on the
relative log-likelihood change, step halving) so coefficients, tests and
warnings agree with R to printed precision, and it is fast enough for
100,000-row cohorts (lifelines needs several seconds there).

Ties default to Efron (R's default); Breslow is offered because SPSS, Stata
and EZR use it and co-authors may compare.  Checked against R fixtures in
``tests/fixtures/r_survival``.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from typing import Any, Hashable, Mapping, NamedTuple, Sequence

import numpy as np
import pandas as pd
from .lazy_scipy import special  # scipy.special on first use (desktop start-up)

from .survival import LogRankResult, _group_codes, kaplan_meier, logrank_test

__all__ = [
    "ChiSqTest",
    "CoxData",
    "CoxResult",
    "HazardRatioResult",
    "PHTestResult",
    "fit_cox",
    "fit_cox_arrays",
    "dummies",
    "estimable",
    "hazard_ratio",
    "ph_test",
]

_TIES = ("efron", "breslow")


def estimable(hazard_ratio: float, ci: tuple[float, float], converged: bool = True) -> bool:
    """Whether a hazard ratio is an estimate worth printing, the one rule for every HR.

    The fit converged, and the HR and both CI limits are finite and positive: under
    separation (no events in a level) a fit still returns numbers such as HR 0.00 with CI
    0.00–inf, which are not estimates.
    """
    values = (hazard_ratio, *ci)
    return bool(converged) and all(v is not None and np.isfinite(v) and v > 0 for v in values)


class ChiSqTest(NamedTuple):
    """A chi-square test: statistic, degrees of freedom, p-value."""

    stat: float
    df: int
    p: float


#: Per thread, the last fit's engine: (weak reference to its data, engine, columns used,
#: ties). ``ph_test`` right after ``fit_cox`` (as every model here does) reuses it; only one
#: is kept, so fits held in results do not keep their engines in memory.
_LAST_FIT = threading.local()


def _chisq(stat: float, df: int) -> ChiSqTest:
    return ChiSqTest(float(stat), int(df), float(special.chdtrc(df, stat)) if df > 0 else float("nan"))


def _ro(a: Any) -> np.ndarray:
    out = np.array(a, dtype=float)
    out.setflags(write=False)
    return out


@dataclass(frozen=True, eq=False)
class CoxData:
    """The complete-case data a model was fitted on (kept for diagnostics such as ``ph_test``)."""

    time: np.ndarray
    event: np.ndarray
    x: np.ndarray


@dataclass(frozen=True, eq=False)
class CoxResult:
    """A fitted Cox model, with the numbers R's ``summary(coxph(...))`` prints.

    Coefficient arrays follow ``names``; a covariate that is collinear with
    earlier ones (or constant) gets NaN, as R gives NA.  ``loglik`` is
    (null model, final); the three global tests are R's likelihood-ratio, Wald
    and score (= log-rank for a single binary covariate) tests.
    """

    names: tuple[str, ...]
    coef: np.ndarray
    se: np.ndarray
    z: np.ndarray
    p: np.ndarray
    hazard_ratio: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    var: np.ndarray
    loglik: tuple[float, float]
    lr_test: ChiSqTest
    wald_test: ChiSqTest
    score_test: ChiSqTest
    n: int
    events: int
    n_dropped: int
    ties: str
    conf_level: float
    iterations: int
    converged: bool
    warnings: tuple[str, ...]
    data: CoxData = field(repr=False)
    #: Per covariate: dropped as collinear/constant by R's ``toler.chol`` rule (NA coefficient).
    aliased: tuple[bool, ...] = ()


# --------------------------------------------------------------------------------------
# Engine
# --------------------------------------------------------------------------------------

class _CoxEngine:
    """Partial-likelihood pieces for one data set, vectorised over risk sets.

    Times are sorted once; each evaluation is a few cumulative sums and one
    p x p matrix product, so the cost is O(n p^2) per Newton step.

    Tied deaths are handled through "slots": a time with d deaths contributes d
    terms whose denominators hold the earlier-surviving risk set plus a fraction
    f of the dying subjects' risk (Efron: f = 1/d, 2/d, ..., 1 - the order R's
    C code uses; Breslow: f = 1 throughout).
    """

    def __init__(self, time: np.ndarray, event: np.ndarray, x: np.ndarray, ties: str):
        order = np.argsort(time, kind="stable")
        self.t = time[order]
        self.d = event[order].astype(bool)
        xs = x[order]
        self.x_mean = xs.mean(axis=0)
        self.x = xs - self.x_mean       # centred as R does, for a stable exp()
        self.order = order
        ut, first, inv = np.unique(self.t, return_index=True, return_inverse=True)
        dcount = np.bincount(inv, weights=self.d, minlength=ut.size)
        ev = np.nonzero(dcount > 0)[0]
        self.evtime = ut[ev]
        self.first_ev = first[ev]                      # start of the risk set (sorted rows)
        self.nd = dcount[ev].astype(int)               # deaths per event time
        self.m = ev.size
        self.dead = np.nonzero(self.d)[0]              # sorted by time, so grouped
        self.slot_group = np.repeat(np.arange(self.m), self.nd)
        self.slot_start = np.concatenate(([0], np.cumsum(self.nd)[:-1]))
        if ties == "efron":
            k = np.arange(self.dead.size) - self.slot_start[self.slot_group]
            self.f = (k + 1.0) / self.nd[self.slot_group]
        else:
            self.f = np.ones(self.dead.size)
        # Event times strictly before / up to each subject's own time (risk-set membership).
        self.n_before = np.searchsorted(self.evtime, self.t, side="left")
        self.n_upto = np.searchsorted(self.evtime, self.t, side="right")
        self.dead_group = self.slot_group  # death j (in sorted order) sits in slot j

    def pieces(self, beta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Risk weights r, slot denominators, slot weighted means, and H (sum_slots w/den)."""
        eta = self.x @ beta
        self._shift = float(eta.max())     # exp() overflow guard; cancels in every term
        r = np.exp(eta - self._shift)
        rx = r[:, None] * self.x
        rcum = np.cumsum(r[::-1])[::-1]
        acum = np.cumsum(rx[::-1], axis=0)[::-1]
        rt, at = rcum[self.first_ev], acum[self.first_ev]
        dsum = np.add.reduceat(r[self.dead], self.slot_start)
        adsum = np.add.reduceat(rx[self.dead], self.slot_start, axis=0)
        g = self.slot_group
        den = (rt - dsum)[g] + self.f * dsum[g]
        a = (at - adsum)[g] + self.f[:, None] * adsum[g]
        return eta, r, den, a

    def weight_sums(self, r: np.ndarray, den: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Per-subject sum over the slots whose risk set holds it of v/den, times r."""
        g = self.slot_group
        gsum = np.bincount(g, weights=v / den, minlength=self.m)
        fsum = np.bincount(g, weights=v * self.f / den, minlength=self.m)
        cum = np.concatenate(([0.0], np.cumsum(gsum)))
        h = cum[self.n_upto]                           # censored: in every set up to own time
        h[self.dead] = cum[self.n_before[self.dead]] + fsum[self.dead_group]
        return r * h

    def _row_patterns(self) -> tuple[np.ndarray, np.ndarray] | None:
        """``(distinct rows, row -> pattern)`` when every covariate takes at most two values
        (treatment dummies, flags) and the patterns are few; None otherwise.

        Then sum_i w_i x_i x_i' is sum_k (sum of w over pattern k) x_k x_k': one bincount
        over the patients and a matrix product over the patterns instead of over 100,000
        rows, on each Newton step and PH test.
        """
        if hasattr(self, "_patterns"):
            return self._patterns
        self._patterns = None
        n, p = self.x.shape
        if p == 0 or p > 40 or n < 256:
            return None
        code = np.zeros(n, dtype=np.int64)
        for j in range(p):
            col = self.x[:, j]
            other = col != col[0]
            if other.any():
                rest = col[other]
                if not np.all(rest == rest[0]):
                    return None                 # a continuous covariate
            code |= other.astype(np.int64) << j
        uniq, first, inv = np.unique(code, return_index=True, return_inverse=True)
        if uniq.size * 8 > n:
            return None
        self._patterns = (self.x[first], inv.ravel())
        return self._patterns

    def info_block(self, x1: np.ndarray, x2: np.ndarray, r: np.ndarray, den: np.ndarray,
                   a: np.ndarray, v: np.ndarray) -> np.ndarray:
        """sum over slots of v * (C/den - a a'/den^2), with C from x1, x2."""
        w = self.weight_sums(r, den, v)
        abar = a / den[:, None]
        patterns = self._row_patterns() if x1 is self.x and x2 is self.x else None
        if patterns is not None:
            ux, inv = patterns
            wk = np.bincount(inv, weights=w, minlength=ux.shape[0])
            first = (ux * wk[:, None]).T @ ux
        else:
            first = (x1 * w[:, None]).T @ x2
        return first - (abar * v[:, None]).T @ abar

    def evaluate(self, beta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """Log partial likelihood, score and information at beta.

        The last evaluation's pieces are kept (:meth:`pieces_at`): the PH test of a fit
        needs them at the fitted beta, where the Newton iteration ended.
        """
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            eta, r, den, a = self.pieces(beta)
            loglik = float(np.sum(eta[self.dead] - self._shift) - np.sum(np.log(den)))
            u = self.x[self.dead].sum(axis=0) - (a / den[:, None]).sum(axis=0)
            imat = self.info_block(self.x, self.x, r, den, a, np.ones(den.size))
        self._last = (np.array(beta, dtype=float), r, den, a, imat)
        return loglik, u, imat

    def pieces_at(self, beta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(r, den, a, information)`` at beta: the last evaluation's when it was at this very
        beta (the same numbers, bit for bit), else computed."""
        last = getattr(self, "_last", None)
        if last is not None and last[0].shape == beta.shape and np.array_equal(last[0], beta):
            return last[1], last[2], last[3], last[4]
        self.evaluate(beta)
        return self._last[1], self._last[2], self._last[3], self._last[4]


def _solve(imat: np.ndarray, u: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.solve(imat, u)
    except np.linalg.LinAlgError:
        return np.linalg.lstsq(imat, u, rcond=None)[0]


#: R ``coxph.control()$toler.chol``: a pivot below this fraction of the largest diagonal of
#: the information matrix marks its covariate as collinear (coefficient NA).
TOLER_CHOL = float(np.finfo(float).eps) ** 0.75


def _r_scale(x: np.ndarray) -> np.ndarray:
    """coxfit6's covariate scaling: 1 for columns coded within {-1, 0, 1}, else 1/mean|x - mean|."""
    scale = np.ones(x.shape[1])
    for j in range(x.shape[1]):
        col = x[:, j]
        if np.isin(col, (-1.0, 0.0, 1.0)).all():
            continue
        mad = float(np.mean(np.abs(col - col.mean())))
        scale[j] = 1.0 / mad if mad > 0 else 1.0
    return scale


def _cholesky2_singular(imat: np.ndarray, toler: float = TOLER_CHOL) -> np.ndarray:
    """Columns R's ``cholesky2`` (survival's C code) sets aside as singular.

    An LDL' decomposition in column order; a pivot that is not finite or is below
    ``toler`` times the largest diagonal is zeroed and its column skipped, so a covariate is
    dropped when it is (numerically) a combination of earlier ones.
    """
    m = np.array(imat, dtype=float)
    n = m.shape[0]
    eps = float(np.max(np.diag(m), initial=0.0))
    eps = toler if eps <= 0 else eps * toler
    singular = np.zeros(n, dtype=bool)
    for i in range(n):
        pivot = m[i, i]
        if not np.isfinite(pivot) or pivot < eps:
            m[i, i] = 0.0
            singular[i] = True
            continue
        for j in range(i + 1, n):
            temp = m[j, i] / pivot
            m[j, i] = temp
            m[j, j] -= temp * temp * pivot
            m[j + 1:, j] -= temp * m[j + 1:, i]
    return singular


def _aliased_columns(engine: "_CoxEngine", at_zero: tuple | None = None) -> np.ndarray:
    """Covariates R's ``coxph`` reports as NA: singular in the information matrix at beta = 0.

    The matrix is that of the covariates scaled as coxfit6 scales them, decomposed by
    :func:`_cholesky2_singular` with ``toler.chol``; a constant column has a zero pivot.
    ``at_zero``: the engine's evaluation at beta = 0, when the caller has it.
    """
    p = engine.x.shape[1]
    if p == 0:
        return np.zeros(0, dtype=bool)
    _, _, imat = at_zero if at_zero is not None else engine.evaluate(np.zeros(p))
    sc = _r_scale(engine.x + engine.x_mean)
    return _cholesky2_singular(imat * np.outer(sc, sc))


def _newton(engine: _CoxEngine, p: int, max_iter: int, eps: float,
            at_zero: tuple | None = None) -> dict[str, Any]:
    """R's coxfit6 iteration, step for step (see module docstring).

    ``at_zero``: ``engine.evaluate(zeros)`` already done by the caller (the aliasing check
    evaluates the same engine at the same point: the same numbers).
    """
    beta = np.zeros(p)
    ll0, u, imat = at_zero if at_zero is not None else engine.evaluate(beta)
    step = _solve(imat, u)
    sctest = float(u @ step)
    loglik_best = ll0
    newbeta = beta + step
    halving = 0
    converged = False
    it = 0
    newlk = ll0
    for it in range(1, max_iter + 1):
        newlk, u, imat = engine.evaluate(newbeta)
        finite = np.isfinite(newlk) and np.all(np.isfinite(u)) and np.all(np.isfinite(imat))
        if finite and abs(1 - loglik_best / newlk) <= eps:
            beta = newbeta
            loglik_best = newlk
            converged = True
            break
        if not finite or newlk < loglik_best:
            halving += 1     # not improving: move back toward the last good point
            newbeta = (newbeta + halving * beta) / (halving + 1.0)
        else:
            halving = 0
            loglik_best = newlk
            step = _solve(imat, u)
            beta = newbeta
            newbeta = newbeta + step
    if not converged:
        loglik_best, u, imat = engine.evaluate(beta)
    try:
        var = np.linalg.inv(imat)
    except np.linalg.LinAlgError:
        var = np.linalg.pinv(imat)
    return dict(beta=beta, loglik=(ll0, loglik_best), u=u, imat=imat, var=var,
                sctest=sctest, iterations=it, converged=converged)


# --------------------------------------------------------------------------------------
# Public fitting API
# --------------------------------------------------------------------------------------

def _as_event(e: np.ndarray) -> np.ndarray:
    ok = ~np.isnan(e)
    if not np.isin(e[ok], (0.0, 1.0)).all():
        raise ValueError("event must be coded 0 (censored) / 1 (event)")
    return e


def fit_cox_arrays(time: Any, event: Any, x: Any, names: Sequence[str] | None = None, *,
                   ties: str = "efron", conf_level: float = 0.95,
                   max_iter: int = 20, eps: float = 1e-9) -> CoxResult:
    """Fit a Cox model from arrays; rows with any missing value are dropped (R: na.omit).

    ``x`` is an (n, p) numeric matrix (or 1-D for one covariate).  Defaults
    replicate ``coxph.control()``; Wald CIs as ``summary.coxph``.
    """
    if ties not in _TIES:
        raise ValueError(f"ties must be one of {_TIES}, got {ties!r}")
    t = np.asarray(time, dtype=float).ravel()
    e = _as_event(np.asarray(event, dtype=float).ravel())
    xm = np.asarray(x, dtype=float)
    if xm.ndim == 1:
        xm = xm[:, None]
    if xm.shape[0] != t.size or e.size != t.size:
        raise ValueError("time, event and x must have the same number of rows")
    p_all = xm.shape[1]
    names = tuple(names) if names is not None else tuple(f"x{j + 1}" for j in range(p_all))
    if len(names) != p_all:
        raise ValueError("names must match the number of columns of x")
    ok = ~(np.isnan(t) | np.isnan(e) | np.isnan(xm).any(axis=1))
    if np.isinf(t[ok]).any() or np.isinf(xm[ok]).any():
        raise ValueError("time or covariates contain infinite values")
    t, e, xm = t[ok], e[ok].astype(bool), xm[ok]
    n_dropped = int((~ok).sum())
    n_events = int(e.sum())
    if n_events == 0:
        raise ValueError("no events: a Cox model cannot be fitted")

    warnings: list[str] = []
    full = _CoxEngine(t, e, xm, ties) if p_all else None
    at_zero = full.evaluate(np.zeros(p_all)) if full is not None else None
    alias = _aliased_columns(full, at_zero) if full is not None else np.zeros(0, bool)
    if alias.any():
        # R's coxph prints NA and, only with singular.ok = FALSE, stops with "X matrix deemed
        # to be singular; variable <k>"; we warn in those words, naming the covariate.
        r_msg = "X matrix deemed to be singular; variable " + " ".join(
            str(j + 1) for j in np.nonzero(alias)[0])
        for j in np.nonzero(alias)[0]:
            warnings.append(f"'{names[j]}' is constant or collinear with earlier covariates "
                            "(R's coxph, toler.chol): not estimable, coefficient NA. "
                            f"R: \"{r_msg}\".")
    use = ~alias
    p = int(use.sum())
    coef = np.full(p_all, np.nan)
    var = np.full((p_all, p_all), np.nan)
    if p == 0:
        raise ValueError("no estimable covariates")
    if alias.any():
        engine, at_zero = _CoxEngine(t, e, xm[:, use], ties), None
    else:                       # the same data: reuse the sorted engine and its beta = 0 step
        engine = full
    fit = _newton(engine, p, max_iter, eps, at_zero)
    b = fit["beta"]
    coef[use] = b
    var[np.ix_(use, use)] = fit["var"]

    with np.errstate(invalid="ignore"):  # a degenerate fit's variance: NaN SE, as R's NA
        se = np.sqrt(np.diag(var))
    z = coef / se
    pval = 2 * special.ndtr(-np.abs(z))
    zq = special.ndtri(1 - (1 - conf_level) / 2)
    with np.errstate(over="ignore"):   # separation: exp() of a huge CI limit is inf, as in R
        hr, lo, hi = np.exp(coef), np.exp(coef - zq * se), np.exp(coef + zq * se)
    ll0, ll1 = fit["loglik"]
    wald = float(b @ _solve(fit["var"], b))

    # Warnings, following coxph.fit's checks but in plain words.
    idx = np.nonzero(use)[0]
    if not fit["converged"]:
        warnings.append(f"The model did not converge in {max_iter} iterations; estimates are unreliable.")
        lp = engine.x @ b
        if np.max(lp) > 500 or not np.all(np.isfinite(fit["u"] @ fit["var"])):
            warnings.append("One or more coefficients may be infinite (possible separation).")
    else:
        infs = np.abs(fit["u"] @ fit["var"])
        flag = ~np.isfinite(fit["u"]) | ((infs > eps) & (infs > np.sqrt(eps) * np.abs(b)))
        for j in np.nonzero(flag)[0]:
            warnings.append(
                f"The estimate for '{names[idx[j]]}' may be infinite: the likelihood keeps rising "
                "as it grows (separation, e.g. no events in one category). Its HR, CI and Wald p "
                "are not meaningful; use the likelihood-ratio test or merge categories.")
    epv = n_events / p
    if epv < 10:
        warnings.append(f"Only {epv:.1f} events per covariate (fewer than 10): the model may be "
                        "over-fitted; consider fewer covariates.")

    data = CoxData(time=_ro(t), event=_ro(e), x=_ro(xm))
    _LAST_FIT.entry = (weakref.ref(data), engine, use.copy(), ties)
    return CoxResult(
        names=names, coef=_ro(coef), se=_ro(se), z=_ro(z), p=_ro(pval),
        hazard_ratio=_ro(hr), ci_low=_ro(lo), ci_high=_ro(hi), var=_ro(var),
        loglik=(ll0, ll1), lr_test=_chisq(2 * (ll1 - ll0), p),
        wald_test=_chisq(wald, p), score_test=_chisq(fit["sctest"], p),
        n=int(t.size), events=n_events, n_dropped=n_dropped, ties=ties,
        conf_level=conf_level, iterations=int(fit["iterations"]),
        converged=bool(fit["converged"]), warnings=tuple(warnings),
        data=data,
        aliased=tuple(bool(a) for a in alias),
    )


def fit_cox(data: pd.DataFrame, duration_col: str, event_col: str,
            covariates: Sequence[str] | None = None, *, ties: str = "efron",
            conf_level: float = 0.95, max_iter: int = 20, eps: float = 1e-9) -> CoxResult:
    """Fit ``Surv(duration, event) ~ covariates`` like R's ``coxph``.

    Covariates must be numeric (bool is accepted); make 0/1 columns for
    categorical variables with :func:`dummies` so the reference level is an
    explicit choice.  ``covariates=None`` uses every other column.
    """
    if covariates is None:
        covariates = [c for c in data.columns if c not in (duration_col, event_col)]
    covariates = list(covariates)
    if not covariates:
        raise ValueError("no covariates given")
    cols = []
    for c in covariates:
        s = data[c]
        if pd.api.types.is_bool_dtype(s):
            s = s.astype(float)
        elif not pd.api.types.is_numeric_dtype(s):
            raise TypeError(f"covariate {c!r} is not numeric ({s.dtype}); "
                            "make 0/1 columns with her2desk.analysis.cox.dummies()")
        cols.append(np.asarray(s, dtype=float))
    return fit_cox_arrays(
        pd.to_numeric(data[duration_col], errors="coerce"),
        pd.to_numeric(data[event_col], errors="coerce"),
        np.column_stack(cols), names=[str(c) for c in covariates],
        ties=ties, conf_level=conf_level, max_iter=max_iter, eps=eps)


def dummies(series: pd.Series | Sequence[Any], reference: Hashable | None = None,
            prefix: str | None = None) -> pd.DataFrame:
    """Treatment-coded 0/1 columns, one per non-reference level, named as R does.

    Levels are in R factor order (categorical order, else sorted); the default
    reference is the first level.  Names are ``prefix + level`` (prefix = the
    series name), e.g. ``size20-50``, as ``coxph(~ size)`` labels them.
    Missing values stay missing so the model drops those rows.
    """
    s = series if isinstance(series, pd.Series) else pd.Series(series)
    codes, levels, has = _group_codes(s, keep_unused=True)   # R keeps empty factor levels
    if reference is None:
        reference = levels[0]
    if reference not in levels:
        raise ValueError(f"reference {reference!r} is not one of the levels {levels}")
    prefix = ("" if s.name is None else str(s.name)) if prefix is None else prefix
    out = {}
    r = levels.index(reference)
    for j, lev in enumerate(levels):
        if j == r:
            continue
        col = (codes == j).astype(float)
        col[~has] = np.nan
        out[f"{prefix}{lev}"] = col
    return pd.DataFrame(out, index=s.index)


# --------------------------------------------------------------------------------------
# Two-or-more group hazard ratio
# --------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class HazardRatioResult:
    """HR of each level vs the reference (Cox, Wald CI and p) plus the log-rank p beside it."""

    reference: Hashable
    levels: tuple[Hashable, ...]
    hazard_ratio: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    p_value: np.ndarray
    logrank_p: float
    cox: CoxResult = field(repr=False)
    logrank: LogRankResult = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({
            "hazard_ratio": self.hazard_ratio, "ci_low": self.ci_low, "ci_high": self.ci_high,
            "p_value": self.p_value,
        }, index=pd.Index(self.levels, name=f"vs {self.reference}"))


def hazard_ratio(time: Any, event: Any, group: Any, reference: Hashable | None = None, *,
                 ties: str = "efron", conf_level: float = 0.95) -> HazardRatioResult:
    """Cox HR of each non-reference group vs ``reference`` (default: first level).

    The log-rank p is the score test of the same model, reported separately
    because it is what KM figures quote.
    """
    g = group if isinstance(group, (pd.Series, pd.Categorical)) else pd.Series(np.asarray(group).ravel())
    g = pd.Series(g).reset_index(drop=True)
    dm = dummies(g, reference=reference, prefix="")
    ref = reference if reference is not None else _group_codes(g)[1][0]
    res = fit_cox_arrays(time, event, dm.to_numpy(), names=list(dm.columns), ties=ties,
                         conf_level=conf_level)
    lr = logrank_test(time, event, g)
    levels = tuple(lev for lev in _group_codes(g)[1] if lev != ref)
    return HazardRatioResult(
        reference=ref, levels=levels, hazard_ratio=res.hazard_ratio, ci_low=res.ci_low,
        ci_high=res.ci_high, p_value=res.p, logrank_p=lr.p_value, cox=res, logrank=lr)


# --------------------------------------------------------------------------------------
# Proportional hazards (cox.zph)
# --------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class PHTestResult:
    """Score tests for a time-varying effect, per covariate and global (R ``cox.zph``)."""

    terms: tuple[str, ...]
    chisq: np.ndarray
    df: np.ndarray
    p: np.ndarray
    global_test: ChiSqTest
    transform: str
    flags: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """R's ``cox.zph(fit)$table`` layout, GLOBAL as the last row."""
        return pd.DataFrame({
            "chisq": np.append(self.chisq, self.global_test.stat),
            "df": np.append(self.df, self.global_test.df),
            "p": np.append(self.p, self.global_test.p),
        }, index=pd.Index(list(self.terms) + ["GLOBAL"], name="term"))


#: P below which a proportional-hazards check is flagged.
PH_ALPHA = 0.05


def ph_test(fit: CoxResult, transform: str = "km", alpha: float = PH_ALPHA,
            terms: Mapping[str, Sequence[str]] | None = None) -> PHTestResult:
    """Proportional-hazards test matching R survival 3.x ``cox.zph(fit)``.

    3.x replaced 2.x's Schoenfeld-residual regression by a proper score test
    of adding ``x * g(t)`` to the model at the fitted beta, so results differ
    from old R/SAS/lifelines output; we replicate 3.x (C routine ``zph1``).
    ``transform``: "km" (R default: g = 1 - KM(t-)), "identity", "rank", "log".
    ``terms`` groups dummy columns into one multi-df test, as R does for a
    factor, e.g. ``{"size": ["size20-50", "size>50"]}``; other covariates are
    tested one by one.
    """
    use = ~np.isnan(fit.coef)
    names = [n for n, u in zip(fit.names, use) if u]
    col_term: dict[str, str] = {n: n for n in names}
    for term, cols in (terms or {}).items():
        for c in cols:
            if c not in fit.names:
                raise ValueError(f"term {term!r}: {c!r} is not a covariate of the model")
            if c in col_term:
                col_term[c] = term
    term_names = list(dict.fromkeys(col_term[n] for n in names))
    term_cols = [[j for j, n in enumerate(names) if col_term[n] == tn] for tn in term_names]
    beta = fit.coef[use]
    t, e, x = fit.data.time, fit.data.event.astype(bool), fit.data.x[:, use]
    if transform == "km":
        km = kaplan_meier(t, e)
        idx = np.searchsorted(km.time, t, side="left")   # times strictly below t
        ttimes = 1 - np.concatenate(([1.0], km.survival))[idx]
    elif transform == "identity":
        ttimes = t.copy()
    elif transform == "rank":
        from scipy.stats import rankdata  # only this rarely used option needs scipy.stats
        ttimes = rankdata(t)
    elif transform == "log":
        ttimes = np.log(t)
    else:
        raise ValueError("transform must be 'km', 'identity', 'rank' or 'log'")
    gtime = ttimes - ttimes[e].mean()

    last = getattr(_LAST_FIT, "entry", None)
    if (last is not None and last[0]() is fit.data and last[3] == fit.ties
            and np.array_equal(last[2], use)):
        eng = last[1]                        # the fit's own engine, ended at this beta
    else:
        eng = _CoxEngine(t, e, x, fit.ties)
    p = beta.size
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        r, den, a, i11 = eng.pieces_at(beta)
    gs = gtime[eng.order][eng.dead]          # g(t) of each slot (constant within a time)
    abar = a / den[:, None]
    u2 = (gs[:, None] * (eng.x[eng.dead] - abar)).sum(axis=0)
    i12 = eng.info_block(eng.x, eng.x, r, den, a, gs)
    i22 = eng.info_block(eng.x, eng.x, r, den, a, gs * gs)
    imat = np.block([[i11, i12], [i12.T, i22]])

    chisq = np.empty(len(term_names))
    df = np.array([len(jj) for jj in term_cols], dtype=int)
    for i, jj in enumerate(term_cols):
        kk = np.r_[np.arange(p), p + np.asarray(jj)]
        u = np.concatenate((np.zeros(p), u2[jj]))
        chisq[i] = u @ np.linalg.solve(imat[np.ix_(kk, kk)], u)
    ug = np.concatenate((np.zeros(p), u2))
    glob = _chisq(float(ug @ np.linalg.solve(imat, ug)), p)
    pv = special.chdtrc(df, chisq)
    # Verdicts only: the P values themselves are in ``p``/``global_test`` and are written by
    # report.format beside these sentences (one way to print a P).
    flags = tuple(
        f"Proportional hazards is doubtful for '{n}' (PH test P < {alpha:g}): its effect seems to "
        "change over follow-up; look at the KM curves/Schoenfeld plot and consider a time-split "
        "or stratified model."
        for n, pj in zip(term_names, pv) if pj < alpha)
    if glob.p < alpha:
        flags += (f"The global proportional-hazards test is significant (P < {alpha:g}).",)
    df.setflags(write=False)
    return PHTestResult(terms=tuple(term_names), chisq=_ro(chisq), df=df,
                        p=_ro(pv), global_test=glob, transform=transform, flags=flags)
