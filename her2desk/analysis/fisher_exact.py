"""Fisher's exact test for r x c tables: exact where a desktop can enumerate, Monte Carlo beyond.

R's ``fisher.test`` runs FEXACT (Mehta & Patel's network algorithm) and stops with "FEXACT
error 6/7 ... too small" on tables her2desk meets (Miller–Payne grade by ER/PR subgroup, a few
hundred patients), even with ``workspace = 2e8``. Here the same network idea is kept simple
and vectorised:

* the table is filled one column at a time; a node is the multiset of row totals still to
  fill (rows are exchangeable for what remains, so the key is the sorted vector), and every
  node holds the distinct "past" values ``sum log x_ij!`` of the columns filled so far, with
  how many partial tables share each (hashing of partial states, as FEXACT);
* at a node, bounds on the rest of the table decide whole subtrees at once: if even the most
  probable completion is no more probable than the observed table, every completion counts
  and the subtree's total probability is added in closed form; if even the least probable
  completion is more probable, the subtree is dropped; only the rest is expanded. The bounds
  relax the remaining table to its columns alone and to its rows alone (each solved exactly:
  water-filling for the most probable, greedy filling for the least), and take the tighter.

A table is "at least as extreme" when its probability is at most the observed one's times
(1 + 1e-7) for a 2 x 2 table (R's ``relErr``) and within FEXACT's tolerance 3.45254e-7 on the
log scale otherwise, as R. When the enumeration would exceed ``max_work`` partial tables
(seconds of desktop time), the p-value is simulated instead (Patefield's algorithm, seeded),
in batches until its standard error is small enough that the three-decimal P is stable, and
that standard error is reported.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from .lazy_scipy import special  # scipy.special on first use (desktop start-up)

__all__ = [
    "FisherResult",
    "fisher_exact_rxc",
    "fisher_network_p",
    "fisher_simulated_p",
    "DEFAULT_MAX_WORK",
    "FEXACT_TOL",
]


def _stats():
    """scipy.stats, imported on first use: it takes about a second (the window's panels
    import this module before the first paint)."""
    from scipy import stats

    return stats


#: FEXACT's tie tolerance on the log-probability scale (R ``fisher.test`` for r x c tables).
FEXACT_TOL = 3.45254e-7
#: R's relative tolerance for 2 x 2 tables.
R_REL_ERR_2X2 = 1.0 + 1e-7
#: Partial tables the exact enumeration may touch before giving way to simulation (≈ seconds).
DEFAULT_MAX_WORK = 600_000
#: Simulation: first batch, largest total, and the target standard error.
MC_BATCH = 20_000
MC_MAX = 60_000


@dataclass(frozen=True)
class FisherResult:
    """A Fisher p-value and how it was obtained.

    ``exact`` is False for a simulated p-value, which then carries ``replicates``, ``seed`` and
    ``mc_se`` (the binomial standard error of the simulated proportion).
    """

    p_value: float
    exact: bool
    replicates: int | None = None
    seed: int | None = None
    mc_se: float | None = None


class _TooBig(Exception):
    """The exact enumeration would exceed its work budget."""


def _lgam_table(n: int) -> np.ndarray:
    return special.gammaln(np.arange(n + 2) + 1.0)


def _compositions(caps: np.ndarray, total: int) -> np.ndarray:
    """All integer vectors x with 0 <= x_i <= caps_i and sum x = total (rows of the result)."""
    k = caps.size
    suffix = np.concatenate((np.cumsum(caps[::-1])[::-1], [0]))   # capacity from i on
    part = np.zeros((1, 0), dtype=np.int64)
    acc = np.zeros(1, dtype=np.int64)
    for i in range(k - 1):
        lo = np.maximum(total - acc - suffix[i + 1], 0)
        hi = np.minimum(total - acc, caps[i])
        cnt = hi - lo + 1
        rep = np.repeat(np.arange(part.shape[0]), cnt)
        offs = np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        val = lo[rep] + offs
        part = np.column_stack((part[rep], val))
        acc = acc[rep] + val
    last = total - acc
    return np.column_stack((part, last))


def _n_compositions(caps: np.ndarray, total: int, cap: float = np.inf) -> float:
    """How many vectors :func:`_compositions` would return (counts above ``cap`` stop there).

    By convolution of the per-entry ranges, without building the vectors.
    """
    ways = np.zeros(total + 1)
    ways[0] = 1.0
    for c in caps:
        c = min(int(c), total)
        csum = np.cumsum(ways)
        if c < total:
            csum[c + 1:] -= csum[:total - c].copy()
        ways = np.minimum(csum, cap)
    return float(ways[total])


def _over_budget(caps: np.ndarray, total: int, work: int, per: int, max_work: int) -> bool:
    """Whether enumerating this node (``per`` units per composition) would pass ``max_work``.

    Decided before building the compositions: at 100,000 patients one node of a 5 x 4 table
    has billions, which must not be materialised only to find the budget exceeded. The
    product of the entries' ranges settles most nodes; the exact count the rest, so the
    verdict is exactly that of counting them after building them.
    """
    room = (max_work - work) / max(per, 1)
    if room < 0:
        return True
    bound = 1.0
    for c in caps[:-1]:
        bound *= min(int(c), total) + 1
    if bound <= room:
        return False
    return _n_compositions(caps, total, cap=room + 1.0) > room


def _min_fill(caps: np.ndarray, demand: np.ndarray, lg: np.ndarray) -> np.ndarray:
    """min sum log x_i! over 0 <= x_i <= caps_i, sum x_i = demand; caps (m, k), demand (m,).

    log x! is convex, so spreading as evenly as the caps allow (water-filling) is optimal.
    """
    m = caps.shape[0]
    lo = np.zeros(m, dtype=np.int64)                      # f(lo) < demand <= f(hi)
    hi = np.maximum(demand, 1).astype(np.int64)
    for _ in range(int(np.max(hi, initial=1)).bit_length() + 1):
        mid = (lo + hi) // 2
        f = np.minimum(caps, mid[:, None]).sum(axis=1)
        up = f >= demand
        hi = np.where(up & (mid > lo), mid, hi)
        lo = np.where(~up & (mid > lo), mid, lo)
    t = hi                                                # smallest level reaching demand
    base = np.minimum(caps, (t - 1)[:, None])
    rem = demand - base.sum(axis=1)
    out = lg[base].sum(axis=1) + rem * np.log(np.maximum(t, 1))
    return np.where(demand > 0, out, 0.0)


def _max_fill(caps_desc: np.ndarray, demand: np.ndarray, lg: np.ndarray) -> np.ndarray:
    """max sum log x_i! under the same constraints: fill the largest caps first (caps sorted
    descending along axis 1), optimal for a convex function."""
    before = np.cumsum(caps_desc, axis=1) - caps_desc
    x = np.clip(demand[:, None] - before, 0, caps_desc)
    return lg[x].sum(axis=1)


def _bounds(keys: np.ndarray, cols_rest: np.ndarray, lg: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For row-total vectors ``keys`` (m, k) and the columns still to fill: lower and upper
    bounds of the rest's ``sum log x!`` and log of the rest's total weight sum prod 1/x!."""
    m = keys.shape[0]
    if cols_rest.size == 0:
        z = np.zeros(m)
        return z, z, z
    ntot = keys.sum(axis=1)
    logw = lg[ntot] - lg[keys].sum(axis=1) - lg[cols_rest].sum()
    if cols_rest.size == 1:          # the last column is forced
        v = lg[keys].sum(axis=1)
        return v, v, logw
    # Relaxation 1: each remaining column alone, caps = the row totals.
    lb_c = np.zeros(m)
    ub_c = np.zeros(m)
    keys_desc = -np.sort(-keys, axis=1)
    for c in cols_rest:
        d = np.full(m, c, dtype=np.int64)
        lb_c += _min_fill(keys, d, lg)
        ub_c += _max_fill(keys_desc, d, lg)
    # Relaxation 2: each row alone, caps = the remaining column totals.
    caps = np.broadcast_to(np.sort(cols_rest)[::-1], (m, cols_rest.size))
    lb_r = np.zeros(m)
    ub_r = np.zeros(m)
    for i in range(keys.shape[1]):
        lb_r += _min_fill(caps, keys[:, i], lg)
        ub_r += _max_fill(caps, keys[:, i], lg)
    return np.maximum(lb_c, lb_r), np.minimum(ub_c, ub_r), logw


def fisher_network_p(table: np.ndarray | Sequence[Sequence[int]], *,
                     max_work: int = DEFAULT_MAX_WORK) -> float | None:
    """Exact two-sided Fisher p for any r x c table (None when over ``max_work``).

    See the module docstring for the algorithm and R's tie rule.
    """
    try:
        return _network_p(table, max_work)
    except _TooBig:
        return None


def _network_p(table: np.ndarray | Sequence[Sequence[int]], max_work: int) -> float | None:
    obs = np.asarray(table, dtype=np.int64)
    obs = obs[obs.sum(axis=1) > 0][:, obs.sum(axis=0) > 0]
    if obs.ndim != 2 or min(obs.shape) < 2:
        return 1.0
    if obs.shape[0] > obs.shape[1]:
        obs = obs.T                     # keys over the shorter side
    rows = obs.sum(axis=1)
    cols = np.sort(obs.sum(axis=0))     # small columns first: few branches early, forced last
    n = int(rows.sum())
    lg = _lgam_table(n)
    log_const = lg[rows].sum() + lg[cols].sum() - lg[n]
    stat_obs = float(lg[obs].sum())
    if obs.shape == (2, 2):
        thr = stat_obs - math.log(R_REL_ERR_2X2)
    else:
        thr = stat_obs - FEXACT_TOL
    k = rows.size
    radix = np.int64(int(rows.max()) + 1)
    if float(radix) ** k >= 2.0 ** 62:
        return None                     # keys would not fit an int64 code
    weights = radix ** np.arange(k - 1, -1, -1, dtype=np.int64)

    key0 = np.sort(rows)
    node_keys = key0[None, :]
    node_stats = [np.zeros(1)]
    node_mult = [np.ones(1)]
    p_log_terms: list[np.ndarray] = []
    work = 0
    for j, c in enumerate(cols[:-1]):
        rest = cols[j + 1:]
        if rest.size == 1:
            # Last free column: each node's completions are enumerated once, sorted by their
            # value, and every past value at the node is answered by one search in the
            # suffix log-sums (no past x completion product).
            for key, s_past, m_past in zip(node_keys, node_stats, node_mult):
                if _over_budget(key, int(c), work + s_past.size, 1, max_work):
                    raise _TooBig
                xs = _compositions(key, int(c))
                work += xs.shape[0] + s_past.size
                inc = np.sort(lg[xs].sum(axis=1) + lg[key[None, :] - xs].sum(axis=1))
                tail = np.logaddexp.accumulate(-inc[::-1])[::-1]
                pos = np.searchsorted(inc, thr - s_past, side="left")
                ok = pos < inc.size
                if np.any(ok):
                    p_log_terms.append(np.log(m_past[ok]) - s_past[ok] + tail[pos[ok]]
                                       + log_const)
            break
        ch_code, ch_keys, ch_stat, ch_mult = [], [], [], []
        for key, s_past, m_past in zip(node_keys, node_stats, node_mult):
            if _over_budget(key, int(c), work, s_past.size, max_work):
                raise _TooBig
            xs = _compositions(key, int(c))
            inc = lg[xs].sum(axis=1)
            kids = np.sort(key[None, :] - xs, axis=1)
            codes = kids @ weights
            work += xs.shape[0] * s_past.size
            ch_code.append(np.repeat(codes, s_past.size))
            ch_keys.append(kids)
            ch_stat.append((inc[:, None] + s_past[None, :]).ravel())
            ch_mult.append(np.tile(m_past, xs.shape[0]))
        code = np.concatenate(ch_code)
        stat = np.concatenate(ch_stat)
        mult = np.concatenate(ch_mult)
        all_keys = np.concatenate(ch_keys)
        ukey_codes, first = np.unique(all_keys @ weights, return_index=True)
        ukeys = all_keys[first]
        lb, ub, logw = _bounds(ukeys, rest, lg)
        kid = np.searchsorted(ukey_codes, code)
        total = stat + lb[kid]
        done = total >= thr
        if np.any(done):
            p_log_terms.append(np.log(mult[done]) - stat[done] + logw[kid[done]] + log_const)
        alive = ~done & (stat + ub[kid] >= thr)
        kid, stat, mult = kid[alive], stat[alive], mult[alive]
        if kid.size == 0:
            node_keys = ukeys[:0]
            break
        # Merge partial tables with the same key and the same past value (to 1e-10).
        rs = np.round(stat, 10)
        order = np.lexsort((rs, kid))
        kid, rs, mult = kid[order], rs[order], mult[order]
        newgrp = np.ones(kid.size, dtype=bool)
        newgrp[1:] = (kid[1:] != kid[:-1]) | (rs[1:] != rs[:-1])
        starts = np.flatnonzero(newgrp)
        kid_g, rs_g = kid[starts], rs[starts]
        mult_g = np.add.reduceat(mult, starts)
        node_starts = np.flatnonzero(np.r_[True, kid_g[1:] != kid_g[:-1]])
        node_ids = kid_g[node_starts]
        bounds_ = np.r_[node_starts, kid_g.size]
        node_keys = ukeys[node_ids]
        node_stats = [rs_g[a:b] for a, b in zip(bounds_[:-1], bounds_[1:])]
        node_mult = [mult_g[a:b] for a, b in zip(bounds_[:-1], bounds_[1:])]
    if not p_log_terms:
        return 0.0
    terms = np.concatenate(p_log_terms)
    return float(min(1.0, np.exp(terms).sum()))


def fisher_simulated_p(table: np.ndarray | Sequence[Sequence[int]], *, seed: int,
                       batch: int = MC_BATCH, max_replicates: int = MC_MAX
                       ) -> FisherResult:
    """Monte Carlo Fisher p as R ``fisher.test(simulate.p.value=TRUE)``: (1 + #≤) / (B + 1).

    Tables with the observed margins are drawn (Patefield, seeded) in batches until the
    three-decimal P is stable: P ± 2 standard errors round to the same three decimals (or lie
    wholly below 0.001), or ``max_replicates`` are drawn. The standard error is reported.
    """
    obs = np.asarray(table, dtype=np.int64)
    rng = np.random.default_rng(seed)
    dist = _stats().random_table(obs.sum(axis=1), obs.sum(axis=0))
    stat_obs = float(special.gammaln(obs + 1).sum())
    almost_one = 1.0 + 64.0 * np.finfo(float).eps      # R's tie tolerance for simulation
    extreme = 0
    b = 0
    while True:
        sims = dist.rvs(batch, random_state=rng)
        stat_sim = special.gammaln(sims + 1).sum(axis=(1, 2))
        extreme += int(np.sum(stat_sim >= stat_obs / almost_one))
        b += batch
        p = (1 + extreme) / (b + 1)
        se = math.sqrt(p * (1 - p) / b)
        lo, hi = p - 2 * se, p + 2 * se
        stable = hi < 0.001 or round(lo, 3) == round(hi, 3)
        if stable or b >= max_replicates:
            return FisherResult(p, False, replicates=b, seed=seed, mc_se=se)
        batch = min(b, max_replicates - b)             # double the total each round


def fisher_exact_rxc(table: np.ndarray | Sequence[Sequence[int]], *, seed: int,
                     max_work: int = DEFAULT_MAX_WORK, batch: int = MC_BATCH,
                     max_replicates: int = MC_MAX) -> FisherResult:
    """Fisher's exact test for any table: exact when enumerable within ``max_work``, else
    simulated with its Monte Carlo standard error.

    Memoised on the table and the arguments (the result is a pure function of them, the
    simulation being seeded): re-running the analyses after a display or analysis setting
    changed, or the same table met twice, costs nothing the second time.
    """
    obs = np.asarray(table, dtype=np.int64)
    if obs.ndim != 2:
        return _fisher_uncached(obs, seed, max_work, batch, max_replicates)
    return _fisher_cached(tuple(map(tuple, obs.tolist())), seed, max_work, batch,
                          max_replicates)


@functools.lru_cache(maxsize=512)
def _fisher_cached(table: tuple[tuple[int, ...], ...], seed: int, max_work: int, batch: int,
                   max_replicates: int) -> FisherResult:
    return _fisher_uncached(np.array(table, dtype=np.int64), seed, max_work, batch,
                            max_replicates)


def _fisher_uncached(table: np.ndarray, seed: int, max_work: int, batch: int,
                     max_replicates: int) -> FisherResult:
    p = fisher_network_p(table, max_work=max_work)
    if p is not None:
        return FisherResult(p, True)
    return fisher_simulated_p(table, seed=seed, batch=batch, max_replicates=max_replicates)
