"""Hypothesis tests on counts and ranks, with the conventions of the paper's tables and R.

* contingency tables: Pearson's chi-square *without* continuity correction; Fisher's exact
  test when any expected count is < 5 (2x2 and r x 2: exact as R ``fisher.test``; any r x c:
  exact network enumeration in :mod:`her2desk.analysis.fisher_exact`, also where R's FEXACT runs
  out of workspace, and only beyond a desktop's seconds a seeded Monte Carlo p-value as R
  ``fisher.test(simulate.p.value=TRUE)``, its standard error carried in ``TestResult.mc_se``);
* continuous values between groups: Mann-Whitney U (= R ``wilcox.test(exact=FALSE,
  correct=TRUE)``) for two groups, Kruskal-Wallis (= R ``kruskal.test``) for more.

Only tests live here: arrays in, :class:`TestResult` out. Building a table row from a cohort
column is :mod:`her2desk.analysis.compare`; writing a P for a reader is
:mod:`her2desk.report.format`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from .lazy_scipy import special  # scipy.special on first use (desktop start-up)

from ..i18n import N_
from .fisher_exact import fisher_exact_rxc


def _stats():
    """scipy.stats, imported on first use: it takes about a second (the window's panels
    import this module before the first paint)."""
    from scipy import stats

    return stats


__all__ = [
    "TEST_CHISQ",
    "TEST_FISHER",
    "TEST_FISHER_MC",
    "TEST_MWU",
    "TEST_KW",
    "DEFAULT_MC_REPLICATES",
    "DEFAULT_MC_SEED",
    "EXACT_PARTIAL_LIMIT",
    "TestChoice",
    "TestResult",
    "contingency_test",
    "fisher_exact_rx2",
    "fisher_monte_carlo",
    "rank_test",
]

TEST_CHISQ = "chi-square"
TEST_FISHER = "Fisher's exact"
TEST_FISHER_MC = "Fisher's exact (Monte Carlo)"
TEST_MWU = "Mann–Whitney U"
TEST_KW = "Kruskal–Wallis"

DEFAULT_MC_REPLICATES = 20_000
DEFAULT_MC_SEED = 20240101

#: Largest number of partial tables per half in the exact r x 2 enumeration before falling
#: back to Monte Carlo (memory stays in the tens of MB).
EXACT_PARTIAL_LIMIT = 2_000_000

# R fisher.test treats probabilities within this relative tolerance of the observed one as ties.
_R_REL_ERR = 1.0 + 1e-7

TestChoice = Literal["auto", "chi-square", "fisher"]


# --------------------------------------------------------------------------------------------
# Test results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TestResult:
    """Outcome of one hypothesis test; ``p_value`` is None when no test was possible."""

    __test__ = False  # not a pytest class

    test: str | None
    p_value: float | None
    reason: str
    statistic: float | None = None
    df: int | None = None
    #: Monte Carlo replicates and seed, when the p-value was simulated.
    replicates: int | None = None
    seed: int | None = None
    #: Monte Carlo standard error of a simulated p-value (None when exact or not simulated).
    mc_se: float | None = None


def contingency_test(
    table: np.ndarray | Sequence[Sequence[int]],
    *,
    test: TestChoice = "auto",
    mc_replicates: int = DEFAULT_MC_REPLICATES,
    seed: int = DEFAULT_MC_SEED,
) -> TestResult:
    """Test independence in a counts table with the study's rule.

    Rows or columns summing to zero are dropped first (they carry no information and would
    give zero expected counts). With ``test="auto"``: chi-square if every expected count is
    >= 5, otherwise Fisher's exact test. ``"chi-square"`` / ``"fisher"`` force a test (the
    reason still reports small expected counts), e.g. to reproduce a published P that was
    computed with chi-square regardless.
    """
    obs = np.asarray(table, dtype=np.int64)
    if obs.ndim != 2:
        raise ValueError("table must be two-dimensional")
    if np.any(obs < 0):
        raise ValueError("counts must be non-negative")
    if test not in ("auto", "chi-square", "fisher"):
        raise ValueError(f"unknown test {test!r}")
    obs = obs[obs.sum(axis=1) > 0][:, obs.sum(axis=0) > 0]
    r, c = obs.shape
    if r < 2:
        return TestResult(None, None, N_("No test: fewer than 2 levels with observations."))
    if c < 2:
        return TestResult(None, None, N_("No test: fewer than 2 groups with observations."))

    n = obs.sum()
    expected = np.outer(obs.sum(axis=1), obs.sum(axis=0)) / n
    n_small = int((expected < 5).sum())
    small_txt = (
        N_(f"{n_small} of {obs.size} cells have expected count < 5")
        if n_small
        else N_("all expected counts ≥ 5")
    )

    use_chisq = test == "chi-square" or (test == "auto" and n_small == 0)
    if use_chisq:
        stat = float(((obs - expected) ** 2 / expected).sum())
        df = (r - 1) * (c - 1)
        p = float(_stats().chi2.sf(stat, df))
        forced = N_(" (requested)") if test == "chi-square" else ""
        return TestResult(
            TEST_CHISQ,
            p,
            N_(f"Pearson's chi-square test without continuity correction{forced}: {small_txt}"),
            statistic=stat,
            df=df,
        )

    forced = N_(" (requested)") if test == "fisher" else ""
    if min(r, c) == 2:
        p = fisher_exact_rx2(obs if c == 2 else obs.T)
        if p is not None:
            how = "" if (r, c) == (2, 2) else N_(f", Freeman–Halton exact for the {r}×{c} table")
            return TestResult(TEST_FISHER, p, N_(f"Fisher's exact test{how}{forced}: {small_txt}"))
    res = fisher_exact_rxc(obs, seed=seed, batch=mc_replicates)
    if res.exact:
        return TestResult(TEST_FISHER, res.p_value,
                          N_(f"Fisher's exact test, Freeman–Halton exact for the {r}×{c} table "
                             f"(network enumeration){forced}: {small_txt}"))
    return TestResult(
        TEST_FISHER_MC,
        res.p_value,
        N_(f"Fisher's exact test, Monte Carlo p-value ({res.replicates} tables with fixed margins, "
           f"seed {seed}; Monte Carlo SE {res.mc_se:.2g}) for the {r}×{c} table, too large to "
           f"enumerate exactly{forced}: {small_txt}"),
        replicates=res.replicates,
        seed=seed,
        mc_se=res.mc_se,
    )


def _log_choose(n: int, k: np.ndarray) -> np.ndarray:
    return special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)


def _partials(rows: Sequence[int], cap_sum: int) -> tuple[np.ndarray, np.ndarray]:
    """All first-column prefixes for ``rows``: their sum and sum of log C(r_i, x_i)."""
    s = np.zeros(1, dtype=np.int64)
    lp = np.zeros(1)
    for r in rows:
        if s.size * (r + 1) > 4 * EXACT_PARTIAL_LIMIT:
            raise OverflowError
        x = np.arange(r + 1)
        s = (s[:, None] + x[None, :]).ravel()
        lp = (lp[:, None] + _log_choose(r, x)[None, :]).ravel()
        keep = s <= cap_sum
        s, lp = s[keep], lp[keep]
        if s.size > EXACT_PARTIAL_LIMIT:
            raise OverflowError
    return s, lp


def fisher_exact_rx2(table: np.ndarray | Sequence[Sequence[int]]) -> float | None:
    """Two-sided Fisher (Freeman–Halton) exact p for an r x 2 table, as R ``fisher.test``.

    The p-value sums the probabilities of all tables with the observed margins that are no
    more likely than the observed one (R's relative tolerance 1e-7 for ties). Tables are
    enumerated meet-in-the-middle: the rows are split in two halves, each half's first-column
    prefixes are enumerated, and the halves are joined per prefix sum with a sorted cumulative
    search. Returns None when either half would exceed ``EXACT_PARTIAL_LIMIT`` prefixes.
    """
    obs = np.asarray(table, dtype=np.int64)
    if obs.ndim != 2 or obs.shape[1] != 2:
        raise ValueError("table must have exactly two columns")
    rows = obs.sum(axis=1)
    c1 = int(obs[:, 0].sum())
    n = int(rows.sum())
    if obs.shape[0] < 2 or c1 in (0, n):
        return 1.0
    log_total = float(_log_choose(n, np.array(c1)))
    lp_obs = float(sum(_log_choose(int(r), np.array(x)) for r, x in zip(rows, obs[:, 0])))
    threshold = lp_obs + math.log(_R_REL_ERR)

    # Balance the halves by the number of prefixes, (r_i + 1) products.
    order = sorted(range(len(rows)), key=lambda i: -int(rows[i]))
    half_a: list[int] = []
    half_b: list[int] = []
    size_a = size_b = 0.0
    for i in order:
        w = math.log(int(rows[i]) + 1)
        if size_a <= size_b:
            half_a.append(int(rows[i]))
            size_a += w
        else:
            half_b.append(int(rows[i]))
            size_b += w
    try:
        s_a, lp_a = _partials(half_a, c1)
        s_b, lp_b = _partials(half_b, c1)
    except OverflowError:
        return None

    # Sort B by (prefix sum, log-prob); within each sum keep a scaled cumulative probability.
    idx = np.lexsort((lp_b, s_b))
    s_b, lp_b = s_b[idx], lp_b[idx]
    p_total = 0.0
    for target in np.unique(c1 - s_a):
        lo, hi = np.searchsorted(s_b, [target, target + 1])
        if lo == hi:
            continue
        seg = lp_b[lo:hi]
        m = seg[-1]
        cum = np.cumsum(np.exp(seg - m))
        sel = s_a == c1 - target
        a_lp = lp_a[sel]
        pos = np.searchsorted(seg, threshold - a_lp, side="right")
        ok = pos > 0
        if np.any(ok):
            p_total += float(np.sum(np.exp(a_lp[ok] + m - log_total) * cum[pos[ok] - 1]))
    return min(1.0, p_total)


def fisher_monte_carlo(
    table: np.ndarray | Sequence[Sequence[int]],
    *,
    replicates: int = DEFAULT_MC_REPLICATES,
    seed: int = DEFAULT_MC_SEED,
) -> float:
    """Monte Carlo Fisher p as R ``fisher.test(simulate.p.value=TRUE)``: (1 + #≥) / (B + 1).

    Random tables with the observed margins (Patefield's algorithm, seeded so the p-value is
    reproducible run to run) are counted when their probability is no larger than the observed
    table's, with R's 64-ulp tie tolerance.
    """
    obs = np.asarray(table, dtype=np.int64)
    rng = np.random.default_rng(seed)
    sims = _stats().random_table(obs.sum(axis=1), obs.sum(axis=0)).rvs(replicates, random_state=rng)
    # log(1/prob) up to a constant is sum(log(x_ij!)); larger means less likely.
    stat_sim = special.gammaln(sims + 1).sum(axis=(1, 2))
    stat_obs = float(special.gammaln(obs + 1).sum())
    almost_one = 1.0 + 64.0 * np.finfo(float).eps
    extreme = int(np.sum(stat_sim >= stat_obs / almost_one))
    return (1 + extreme) / (replicates + 1)


# --------------------------------------------------------------------------------------------
# Rank tests
# --------------------------------------------------------------------------------------------


def rank_test(samples: Sequence[np.ndarray]) -> TestResult:
    """Compare the distributions of two or more groups' values (NaN-free arrays) by ranks.

    Empty groups are left out. Two groups: Mann–Whitney U, normal approximation with tie and
    continuity correction (R ``wilcox.test(exact=FALSE, correct=TRUE)``), chosen over the exact
    test so that the P does not depend on ties or sample size; ``statistic`` is R's W, the U of
    the first non-empty group. More groups: Kruskal–Wallis with tie correction
    (R ``kruskal.test``).
    """
    tested = [np.asarray(x, dtype=float) for x in samples if np.asarray(x).size > 0]
    if len(tested) < 2:
        return TestResult(None, None, N_("No test: fewer than 2 groups with observations."))
    if np.ptp(np.concatenate(tested)) == 0:
        return TestResult(None, None, N_("No test: all values are identical."))
    if len(tested) == 2:
        res = _stats().mannwhitneyu(tested[0], tested[1], alternative="two-sided",
                                 use_continuity=True, method="asymptotic")
        return TestResult(
            TEST_MWU, float(res.pvalue),
            N_("Mann–Whitney U test (Wilcoxon rank-sum), two-sided, normal approximation "
               "with tie and continuity correction"),
            statistic=float(res.statistic))
    res = _stats().kruskal(*tested)
    return TestResult(
        TEST_KW, float(res.pvalue),
        N_(f"Kruskal–Wallis rank-sum test across {len(tested)} groups, tie-corrected"),
        statistic=float(res.statistic), df=len(tested) - 1)
