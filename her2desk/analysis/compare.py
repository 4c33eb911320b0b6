"""Group comparisons for the baseline tables (Table 1-style "n (%)" and "median (range)").

Conventions follow the paper's tables and R, so numbers can be checked against either:

* categorical rows: Pearson's chi-square *without* continuity correction; Fisher's exact test
  when any expected count is < 5 (2x2: exact as R ``fisher.test``; larger tables: exact
  Freeman-Halton enumeration when the table has two rows or two columns and is small enough,
  else a seeded Monte Carlo p-value as R ``fisher.test(simulate.p.value=TRUE)``);
* continuous rows: Mann-Whitney U (= R ``wilcox.test(exact=FALSE, correct=TRUE)``) for two
  groups, Kruskal-Wallis (= R ``kruskal.test``) for more;
* "Unknown"-type levels are shown but left out of the test unless asked for.

Everything here is pure: Series in, frozen dataclasses out.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

import numpy as np
import pandas as pd
from scipy import special, stats

__all__ = [
    "ALL",
    "UNKNOWN",
    "TEST_CHISQ",
    "TEST_FISHER",
    "TEST_FISHER_MC",
    "TEST_MWU",
    "TEST_KW",
    "DEFAULT_MC_REPLICATES",
    "DEFAULT_MC_SEED",
    "TestChoice",
    "TestResult",
    "CategoricalComparison",
    "ContinuousComparison",
    "RowSpec",
    "TableRow",
    "contingency_test",
    "fisher_exact_rx2",
    "fisher_monte_carlo",
    "categorical_comparison",
    "continuous_comparison",
    "comparison_table",
    "table_rows",
    "format_p",
    "format_n_percent",
    "format_number",
]

ALL = "All"
UNKNOWN = "Unknown"

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
        return TestResult(None, None, "No test: fewer than 2 levels with observations.")
    if c < 2:
        return TestResult(None, None, "No test: fewer than 2 groups with observations.")

    n = obs.sum()
    expected = np.outer(obs.sum(axis=1), obs.sum(axis=0)) / n
    n_small = int((expected < 5).sum())
    small_txt = (
        f"{n_small} of {obs.size} cells have expected count < 5"
        if n_small
        else "all expected counts ≥ 5"
    )

    use_chisq = test == "chi-square" or (test == "auto" and n_small == 0)
    if use_chisq:
        stat = float(((obs - expected) ** 2 / expected).sum())
        df = (r - 1) * (c - 1)
        p = float(stats.chi2.sf(stat, df))
        forced = " (requested)" if test == "chi-square" else ""
        return TestResult(
            TEST_CHISQ,
            p,
            f"Pearson's chi-square test without continuity correction{forced}: {small_txt}",
            statistic=stat,
            df=df,
        )

    forced = " (requested)" if test == "fisher" else ""
    if min(r, c) == 2:
        p = fisher_exact_rx2(obs if c == 2 else obs.T)
        if p is not None:
            how = "" if (r, c) == (2, 2) else f", Freeman–Halton exact for the {r}×{c} table"
            return TestResult(TEST_FISHER, p, f"Fisher's exact test{how}{forced}: {small_txt}")
    p = fisher_monte_carlo(obs, replicates=mc_replicates, seed=seed)
    return TestResult(
        TEST_FISHER_MC,
        p,
        f"Fisher's exact test, Monte Carlo p-value ({mc_replicates} tables with fixed margins, "
        f"seed {seed}) for the {r}×{c} table{forced}: {small_txt}",
        replicates=mc_replicates,
        seed=seed,
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
    sims = stats.random_table(obs.sum(axis=1), obs.sum(axis=0)).rvs(replicates, random_state=rng)
    # log(1/prob) up to a constant is sum(log(x_ij!)); larger means less likely.
    stat_sim = special.gammaln(sims + 1).sum(axis=(1, 2))
    stat_obs = float(special.gammaln(obs + 1).sum())
    almost_one = 1.0 + 64.0 * np.finfo(float).eps
    extreme = int(np.sum(stat_sim >= stat_obs / almost_one))
    return (1 + extreme) / (replicates + 1)


# --------------------------------------------------------------------------------------------
# Categorical comparison
# --------------------------------------------------------------------------------------------


def _aligned(values: pd.Series, groups: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(values, pd.Series) or not isinstance(groups, pd.Series):
        raise TypeError("values and groups must be pandas Series")
    if len(values) != len(groups) or not values.index.equals(groups.index):
        raise ValueError("values and groups must share the same index")
    keep = groups.notna().to_numpy()
    return values.to_numpy(dtype=object)[keep], groups.to_numpy(dtype=object)[keep]


def _resolve_groups(g: np.ndarray, group_order: Sequence[Hashable] | None) -> tuple:
    present = list(pd.unique(g))
    if group_order is None:
        try:
            order = sorted(present)
        except TypeError:
            order = sorted(present, key=str)
    else:
        order = list(group_order)
        extra = [x for x in present if x not in order]
        if extra:
            raise ValueError(f"groups not listed in group_order: {extra!r}")
    if ALL in order:
        raise ValueError(f"a group may not be called {ALL!r}; it is the total column")
    return tuple(order)


def _crosstab(v: np.ndarray, g: np.ndarray, levels: Sequence[Hashable],
              groups: Sequence[Hashable]) -> np.ndarray:
    """levels x groups counts in one pass (hash lookups, not a scan per cell)."""
    vi = pd.Index(list(levels), dtype=object).get_indexer(v)
    gi = pd.Index(list(groups), dtype=object).get_indexer(g)
    ok = (vi >= 0) & (gi >= 0)
    flat = np.bincount(vi[ok] * len(groups) + gi[ok], minlength=len(levels) * len(groups))
    return flat.reshape(len(levels), len(groups)).astype(np.int64)


def _is_missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA or x is pd.NaT


@dataclass(frozen=True, eq=False)
class CategoricalComparison:
    """Counts, column percentages and the test for one categorical table row block.

    ``counts`` and ``percent`` are levels x (groups + "All"); percentages are of the column
    total including unknowns, as in the paper. ``test_levels``/``test_groups`` are what the
    test actually used.
    """

    variable: str
    label: str
    levels: tuple
    groups: tuple
    counts: pd.DataFrame
    totals: pd.Series
    percent: pd.DataFrame
    p_value: float | None
    test: str | None
    test_reason: str
    statistic: float | None
    df: int | None
    footnote: str
    test_levels: tuple
    test_groups: tuple
    excluded_levels: tuple = ()
    kind: str = field(default="categorical", init=False)

    def cell(self, level: Hashable, group: Hashable = ALL) -> str:
        """The "n (%)" text for one level and group (group "All" for the total column)."""
        return format_n_percent(int(self.counts.at[level, group]), int(self.totals[group]))


def categorical_comparison(
    values: pd.Series,
    groups: pd.Series,
    *,
    levels: Sequence[Hashable] | None = None,
    group_order: Sequence[Hashable] | None = None,
    unknown_levels: Iterable[Hashable] = (UNKNOWN,),
    include_unknown_in_test: bool = False,
    variable: str = "",
    label: str = "",
    test: TestChoice = "auto",
    mc_replicates: int = DEFAULT_MC_REPLICATES,
    seed: int = DEFAULT_MC_SEED,
) -> CategoricalComparison:
    """Cross-tabulate ``values`` by ``groups`` and test independence.

    Missing values become level "Unknown". Levels default to a categorical's categories, else
    the sorted observed values. Levels listed in ``levels`` are shown even when
    empty (the paper prints "Nx 0 (0.0)"); observed levels not listed are appended so counts
    always add up. Rows with a missing group are dropped. Levels in ``unknown_levels`` (e.g.
    "Unknown", "Nx") are excluded from the test unless ``include_unknown_in_test``.
    """
    if levels is None and isinstance(values.dtype, pd.CategoricalDtype):
        levels = list(values.cat.categories)
    v, g = _aligned(values, groups)
    v = np.where(pd.isna(v), UNKNOWN, v).astype(object)
    group_tuple = _resolve_groups(g, group_order)

    level_list = list(levels) if levels is not None else []
    observed = [x for x in pd.unique(v) if x not in level_list and x != UNKNOWN]
    if levels is None:
        try:
            observed = sorted(observed)
        except TypeError:
            observed = sorted(observed, key=str)
    elif observed:
        observed = sorted(observed, key=str)
    level_list += observed
    if UNKNOWN not in level_list and np.any(v == UNKNOWN):
        level_list.append(UNKNOWN)
    level_tuple = tuple(level_list)

    counts = _crosstab(v, g, level_tuple, group_tuple)
    counts_df = pd.DataFrame(counts, index=pd.Index(level_tuple, dtype=object),
                             columns=pd.Index(group_tuple, dtype=object))
    counts_df[ALL] = counts.sum(axis=1)
    totals = counts_df.sum(axis=0).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = counts_df / totals.replace(0, np.nan) * 100.0

    unknown_set = [u for u in unknown_levels]
    excluded = tuple(
        lvl for lvl in level_tuple if lvl in unknown_set and not include_unknown_in_test
    )
    test_rows = [i for i, lvl in enumerate(level_tuple) if lvl not in excluded]
    sub = counts[test_rows]
    row_keep = sub.sum(axis=1) > 0
    col_keep = sub[row_keep].sum(axis=0) > 0
    test_levels = tuple(level_tuple[test_rows[i]] for i in np.flatnonzero(row_keep))
    test_groups = tuple(group_tuple[j] for j in np.flatnonzero(col_keep))
    result = contingency_test(sub, test=test, mc_replicates=mc_replicates, seed=seed)

    notes = []
    present_unknown = [lvl for lvl in level_tuple if lvl in unknown_set
                       and counts_df.at[lvl, ALL] > 0]
    if excluded and any(counts_df.at[lvl, ALL] > 0 for lvl in excluded):
        shown = ", ".join(str(x) for x in excluded if counts_df.at[x, ALL] > 0)
        notes.append(f"P excludes {shown}.")
    elif include_unknown_in_test and present_unknown:
        notes.append(f"P includes {', '.join(str(x) for x in present_unknown)}.")
    if result.test == TEST_FISHER:
        notes.append("Fisher's exact test.")
    elif result.test == TEST_FISHER_MC:
        notes.append("Fisher's exact test (Monte Carlo P).")
    return CategoricalComparison(
        variable=variable,
        label=label or variable,
        levels=level_tuple,
        groups=group_tuple,
        counts=counts_df,
        totals=totals,
        percent=percent,
        p_value=result.p_value,
        test=result.test,
        test_reason=result.reason,
        statistic=result.statistic,
        df=result.df,
        footnote=" ".join(notes),
        test_levels=test_levels,
        test_groups=test_groups,
        excluded_levels=excluded,
    )


# --------------------------------------------------------------------------------------------
# Continuous comparison
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ContinuousComparison:
    """Per-group summaries (indexed by groups + "All") and the rank test.

    Quantiles use numpy's default linear interpolation (= R ``quantile`` type 7). For two
    groups ``statistic`` is R's W: the Mann–Whitney U of the first group in ``groups``.
    """

    variable: str
    label: str
    groups: tuple
    n: pd.Series
    n_missing: pd.Series
    median: pd.Series
    q1: pd.Series
    q3: pd.Series
    minimum: pd.Series
    maximum: pd.Series
    p_value: float | None
    test: str | None
    test_reason: str
    statistic: float | None
    df: int | None
    footnote: str
    kind: str = field(default="continuous", init=False)

    @property
    def iqr(self) -> pd.Series:
        return self.q3 - self.q1

    def median_range(self, group: Hashable = ALL, digits: int = 0) -> str:
        """The paper's "median (min–max)" text."""
        if self.n[group] == 0:
            return "—"
        return (f"{format_number(self.median[group], digits)} "
                f"({format_number(self.minimum[group], digits)}–"
                f"{format_number(self.maximum[group], digits)})")


def continuous_comparison(
    values: pd.Series,
    groups: pd.Series,
    *,
    group_order: Sequence[Hashable] | None = None,
    variable: str = "",
    label: str = "",
) -> ContinuousComparison:
    """Median/range/IQR per group and a rank test between groups.

    Two groups: Mann–Whitney U, normal approximation with tie and continuity correction
    (R ``wilcox.test(exact=FALSE, correct=TRUE)``), chosen over the exact test so that the
    P does not depend on ties or sample size. More groups: Kruskal–Wallis with tie correction
    (R ``kruskal.test``). Groups with no non-missing values are left out of the test.
    """
    v_raw, g = _aligned(values, groups)
    v = pd.to_numeric(pd.Series(v_raw), errors="raise").to_numpy(dtype=float)
    group_tuple = _resolve_groups(g, group_order)
    cols = list(group_tuple) + [ALL]
    samples: dict[Hashable, np.ndarray] = {}
    n_missing: dict[Hashable, int] = {}
    for grp in group_tuple:
        x = v[g == grp]
        samples[grp] = x[~np.isnan(x)]
        n_missing[grp] = int(np.isnan(x).sum())
    samples[ALL] = v[~np.isnan(v)]
    n_missing[ALL] = int(np.isnan(v).sum())

    def summary(fn) -> pd.Series:
        return pd.Series({k: (float(fn(samples[k])) if samples[k].size else np.nan) for k in cols},
                         dtype=float)

    tested = [grp for grp in group_tuple if samples[grp].size > 0]
    p = stat = None
    df = None
    test_name = None
    if len(tested) < 2:
        reason = "No test: fewer than 2 groups with observations."
    elif np.ptp(np.concatenate([samples[k] for k in tested])) == 0:
        reason = "No test: all values are identical."
    elif len(tested) == 2:
        x, y = samples[tested[0]], samples[tested[1]]
        res = stats.mannwhitneyu(x, y, alternative="two-sided", use_continuity=True,
                                 method="asymptotic")
        p, stat, test_name = float(res.pvalue), float(res.statistic), TEST_MWU
        reason = ("Mann–Whitney U test (Wilcoxon rank-sum), two-sided, normal approximation "
                  "with tie and continuity correction")
    else:
        res = stats.kruskal(*[samples[k] for k in tested])
        p, stat, test_name = float(res.pvalue), float(res.statistic), TEST_KW
        df = len(tested) - 1
        reason = f"Kruskal–Wallis rank-sum test across {len(tested)} groups, tie-corrected"
    notes = []
    if n_missing[ALL]:
        notes.append(f"{n_missing[ALL]} missing value{'s' if n_missing[ALL] != 1 else ''} "
                     "excluded.")
    if len(tested) < len(group_tuple) and test_name is not None:
        notes.append("Groups without observations are not tested.")
    return ContinuousComparison(
        variable=variable,
        label=label or variable,
        groups=group_tuple,
        n=pd.Series({k: samples[k].size for k in cols}, dtype=np.int64),
        n_missing=pd.Series(n_missing, dtype=np.int64),
        median=summary(np.median),
        q1=summary(lambda a: np.quantile(a, 0.25)),
        q3=summary(lambda a: np.quantile(a, 0.75)),
        minimum=summary(np.min),
        maximum=summary(np.max),
        p_value=p,
        test=test_name,
        test_reason=reason,
        statistic=stat,
        df=df,
        footnote=" ".join(notes),
    )


# --------------------------------------------------------------------------------------------
# Generic table builder
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowSpec:
    """One variable of a comparison table; study-specific lists of these live elsewhere."""

    variable: str
    label: str = ""
    kind: Literal["categorical", "continuous"] = "categorical"
    levels: tuple | None = None
    unknown_levels: tuple = (UNKNOWN,)
    include_unknown_in_test: bool = False
    test: TestChoice = "auto"
    #: Decimals for continuous summaries.
    digits: int = 0


@dataclass(frozen=True)
class TableRow:
    """A display row: a variable header (``level`` None) or one level of a variable."""

    variable: str
    label: str
    level: Hashable | None
    cells: tuple[str, ...]
    p: str = ""
    test: str | None = None
    test_reason: str = ""
    footnote: str = ""


def comparison_table(
    frame: pd.DataFrame,
    group_col: str,
    row_specs: Sequence[RowSpec],
    *,
    group_order: Sequence[Hashable] | None = None,
    mc_replicates: int = DEFAULT_MC_REPLICATES,
    seed: int = DEFAULT_MC_SEED,
) -> list[CategoricalComparison | ContinuousComparison]:
    """Run the comparison for each spec, in order, against ``frame[group_col]``."""
    groups = frame[group_col]
    if group_order is None:
        group_order = _resolve_groups(groups.dropna().to_numpy(dtype=object), None)
    out: list[CategoricalComparison | ContinuousComparison] = []
    for spec in row_specs:
        if spec.variable not in frame.columns:
            raise KeyError(f"column {spec.variable!r} not in frame")
        if spec.kind == "categorical":
            out.append(categorical_comparison(
                frame[spec.variable], groups, levels=spec.levels, group_order=group_order,
                unknown_levels=spec.unknown_levels,
                include_unknown_in_test=spec.include_unknown_in_test,
                variable=spec.variable, label=spec.label, test=spec.test,
                mc_replicates=mc_replicates, seed=seed))
        elif spec.kind == "continuous":
            out.append(continuous_comparison(
                frame[spec.variable], groups, group_order=group_order,
                variable=spec.variable, label=spec.label))
        else:
            raise ValueError(f"unknown kind {spec.kind!r}")
    return out


def table_rows(
    comparisons: Sequence[CategoricalComparison | ContinuousComparison],
    *,
    include_all: bool = True,
    digits: dict[str, int] | None = None,
) -> list[TableRow]:
    """Flatten comparisons into display rows; cells are the groups then (optionally) "All".

    Categorical variables give a header row carrying the P and one row per level with
    "n (%)"; continuous variables give a single row with "median (min–max)" and the P.
    """
    rows: list[TableRow] = []
    digits = digits or {}
    for comp in comparisons:
        cols = list(comp.groups) + ([ALL] if include_all else [])
        p = format_p(comp.p_value)
        if isinstance(comp, CategoricalComparison):
            rows.append(TableRow(comp.variable, comp.label, None, tuple("" for _ in cols), p,
                                 comp.test, comp.test_reason, comp.footnote))
            for lvl in comp.levels:
                rows.append(TableRow(comp.variable, str(lvl), lvl,
                                     tuple(comp.cell(lvl, c) for c in cols)))
        else:
            d = digits.get(comp.variable, 0)
            rows.append(TableRow(comp.variable, comp.label, None,
                                 tuple(comp.median_range(c, d) for c in cols), p,
                                 comp.test, comp.test_reason, comp.footnote))
    return rows


# --------------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------------


def format_p(p: float | None, *, none: str = "—") -> str:
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


def _round_half_up(x: Decimal, digits: int) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def format_n_percent(n: int, total: int, digits: int = 1) -> str:
    """ "245 (52.6)": count and column percent, rounded half up on the exact ratio.

    Exact decimal arithmetic avoids binary-float half-even surprises (1/16 → 6.3, not 6.2),
    matching SPSS/Excel-prepared tables. A zero total gives "0 (—)".
    """
    n, total = int(n), int(total)
    if n < 0 or total < 0 or n > total:
        raise ValueError(f"invalid count {n} of {total}")
    if total == 0:
        return f"{n} (—)"
    pct = _round_half_up(Decimal(n) * 100 / Decimal(total), digits)
    return f"{n} ({pct:.{digits}f})"


def format_number(x: float, digits: int = 0) -> str:
    """Fixed decimals, rounded half up (so medians like 49.5 show as 50 with digits=0)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    d = _round_half_up(Decimal(repr(float(x))), digits)
    if d == 0:
        d = abs(d)
    return f"{d:.{digits}f}"
