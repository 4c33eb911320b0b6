"""Metastatic disease of the eligible MBC patients: sites, first-line therapy, rebiopsies.

Sites and first sites come from a small integer program so that every Table 3 margin
holds at once; first-line classes are dealt to Table 4's counts; rebiopsies reproduce
the published receptor conversion and HER2 heterogeneity counts.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .dealing import deal, pick
from .targets import CT, CT_ET, ET, HER2, HER2_CT, HER2_CT_ET, HER2_ET, NONE, GroupSpec

SITE_KEYS = ("lung", "liver", "brain_cns", "bone", "distant_lymph_node", "other", "other_visceral")
FIRST_KEYS = ("lung", "liver", "brain_cns", "bone", "distant_lymph_node", "other")


def _assign_sites(rng, spec: GroupSpec, m: int) -> pd.DataFrame:
    """Sites and first sites for m MBC patients meeting every Table 3 margin at once.

    A 0/1 integer program (scipy/HiGHS) with a random objective for variety:
    per-site totals, visceral-count totals (lung, liver, brain/CNS, other-visceral),
    first-site totals, first-site visceral total (lung/liver/brain), first sites
    among the sites, other-visceral only with 'other', at least one first site.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import lil_matrix

    S, F = len(SITE_KEYS), len(FIRST_KEYS)
    K = S + F + 1 + 4
    nv = m * K
    s = lambda i, j: i * K + j                      # noqa: E731
    f = lambda i, j: i * K + S + j                  # noqa: E731
    fv = lambda i: i * K + S + F                    # noqa: E731
    z = lambda i, k: i * K + S + F + 1 + k          # noqa: E731
    rows_per = 1 + 1 + 1 + F + 3 + 1 + 1
    A = lil_matrix((m * rows_per + S + F + 1 + 4, nv))
    lo, hi = [], []
    r = 0
    vis = [SITE_KEYS.index(k) for k in ("lung", "liver", "brain_cns", "other_visceral")]
    for i in range(m):
        for j in vis:
            A[r, s(i, j)] = 1
        for k in range(4):
            A[r, z(i, k)] = -k
        lo.append(0), hi.append(0)
        r += 1
        for k in range(4):
            A[r, z(i, k)] = 1
        lo.append(1), hi.append(1)
        r += 1
        A[r, s(i, SITE_KEYS.index("other_visceral"))] = 1
        A[r, s(i, SITE_KEYS.index("other"))] = -1
        lo.append(-np.inf), hi.append(0)
        r += 1
        for j, key in enumerate(FIRST_KEYS):
            A[r, f(i, j)] = 1
            A[r, s(i, SITE_KEYS.index(key))] = -1
            lo.append(-np.inf), hi.append(0)
            r += 1
        for j in range(3):
            A[r, f(i, j)] = 1
            A[r, fv(i)] = -1
            lo.append(-np.inf), hi.append(0)
            r += 1
        A[r, fv(i)] = 1
        for j in range(3):
            A[r, f(i, j)] = -1
        lo.append(-np.inf), hi.append(0)
        r += 1
        for j in range(F):
            A[r, f(i, j)] = 1
        lo.append(1), hi.append(np.inf)
        r += 1
    for j, key in enumerate(SITE_KEYS):
        for i in range(m):
            A[r, s(i, j)] = 1
        lo.append(spec.sites[key]), hi.append(spec.sites[key])
        r += 1
    for j, key in enumerate(FIRST_KEYS):
        for i in range(m):
            A[r, f(i, j)] = 1
        lo.append(spec.first_sites[key]), hi.append(spec.first_sites[key])
        r += 1
    for i in range(m):
        A[r, fv(i)] = 1
    lo.append(spec.first_visceral), hi.append(spec.first_visceral)
    r += 1
    for k in range(4):
        for i in range(m):
            A[r, z(i, k)] = 1
        lo.append(spec.visceral_count[k]), hi.append(spec.visceral_count[k])
        r += 1
    cost = np.zeros(nv)
    for i in range(m):
        for j in range(S):
            cost[s(i, j)] = rng.uniform(-1, 1)
        for j in range(F):
            cost[f(i, j)] = rng.uniform(-1, 1)
    res = milp(cost, constraints=LinearConstraint(A.tocsr(), lo, hi), integrality=np.ones(nv),
               bounds=Bounds(0, 1), options={"disp": False, "presolve": True})
    if res.x is None:
        raise RuntimeError(f"metastatic site allocation is infeasible: {res.message}")
    x = np.round(res.x).astype(int)
    out = {}
    for j, key in enumerate(SITE_KEYS):
        out["met_" + key] = [bool(x[s(i, j)]) for i in range(m)]
    for j, key in enumerate(FIRST_KEYS):
        out["first_met_" + key] = [bool(x[f(i, j)]) for i in range(m)]
    return pd.DataFrame(out)


SINGLE_AGENTS = (("trastuzumab", 0.62), ("曲妥珠单抗", 0.08), ("pyrotinib", 0.2), ("lapatinib", 0.1))
DUAL_AGENTS = (("trastuzumab+pertuzumab", 0.6), ("曲妥珠单抗+帕妥珠单抗", 0.1),
               ("trastuzumab + pyrotinib", 0.2), ("Trastuzumab/Lapatinib", 0.1))
FL_FIELDS = {  # class -> (chemotherapy, endocrine)
    HER2_CT_ET: (True, "maintenance"), HER2_CT: (True, "none"), HER2_ET: (False, "concurrent"),
    CT_ET: (True, "maintenance"), CT: (True, "none"), HER2: (False, "none"),
    ET: (False, "concurrent"), NONE: (False, "none")}


def _agents(rng, targets) -> str | None:
    if targets is None:
        return None
    table = SINGLE_AGENTS if targets == "single" else DUAL_AGENTS
    names, p = zip(*table)
    return str(rng.choice(names, p=np.array(p) / sum(p)))


def assign_metastatic(rng, spec: GroupSpec, g: pd.DataFrame) -> None:
    mbc = np.flatnonzero(g["mbc"].to_numpy())
    order = mbc[rng.permutation(len(mbc))]
    sites = _assign_sites(rng, spec, len(order))
    for col in sites:
        g[col] = pd.array([pd.NA] * spec.n, dtype="boolean")
        g.loc[order, col] = sites[col].to_numpy()
    fl = deal(rng, {k: v for k, v in spec.first_line.items()}, len(mbc))
    g["fl_class"] = None
    g["fl_targets"] = None
    g.loc[mbc, "fl_class"] = [k[0] for k in fl]
    g.loc[mbc, "fl_targets"] = [k[1] for k in fl]
    g["fl_agents"] = [(_agents(rng, t) if c is not None else None)
                      for c, t in zip(g["fl_class"], g["fl_targets"])]


def assign_rebiopsies(rng, spec: GroupSpec, g: pd.DataFrame) -> None:
    """Which MBC patients had metastatic tissue re-tested, and what it showed.

    ``reb`` is 'full' (ER, PR and HER2) or 'her2' (HER2 only); ``primary_her2``
    and ``reb_her2`` are 'pos'/'neg'; ``reb_er_pos``/``reb_pr_pos`` the receptor
    calls of the metastasis.
    """
    c = spec.conversions
    n = spec.n
    idx = np.arange(n)
    treated = (g["mbc"] & (g["fl_class"] != NONE)).to_numpy()
    g["reb"] = None
    sub = g["subgroup"].to_numpy()
    er_pos = np.char.startswith(sub.astype(str), "ER+")
    pr_pos = np.char.find(sub.astype(str), "PR+") >= 0
    g["reb_er_pos"] = pd.array([pd.NA] * n, dtype="boolean")
    g["reb_pr_pos"] = pd.array([pd.NA] * n, dtype="boolean")
    free = treated.copy()
    chosen_full: list[int] = []

    def take(mask, k):
        pool = idx[free & mask]
        picked = pick(rng, pool, k)
        free[picked] = False
        chosen_full.extend(picked.tolist())
        return picked

    # receptor conversions first, so the primaries with the right status are available
    er_pn = take(er_pos, c["er_pos_neg"])
    er_np = take(~er_pos, c["er_neg_pos"])
    pr_pn = take(pr_pos, c["pr_pos_neg"])
    pr_np = take(~pr_pos, c["pr_neg_pos"])
    take(np.ones(n, bool), spec.rebiopsy_full - len(chosen_full))
    full = np.array(chosen_full)
    g.loc[full, "reb"] = "full"
    g.loc[full, "reb_er_pos"] = er_pos[full]
    g.loc[full, "reb_pr_pos"] = pr_pos[full]
    g.loc[er_pn, "reb_er_pos"] = False
    g.loc[er_np, "reb_er_pos"] = True
    g.loc[pr_pn, "reb_pr_pos"] = False
    g.loc[pr_np, "reb_pr_pos"] = True
    only = pick(rng, idx[free], spec.rebiopsy_her2 - spec.rebiopsy_full)
    g.loc[only, "reb"] = "her2"
    # HER2 discordance: in the full set per the conversion table, plus a few HER2-only
    g["primary_her2"] = "pos"
    g["reb_her2"] = None
    g.loc[full, "reb_her2"] = "pos"
    g.loc[only, "reb_her2"] = "pos"
    disc = pick(rng, full, c["her2_pos_neg"] + c["her2_neg_pos"])
    g.loc[disc[: c["her2_pos_neg"]], "reb_her2"] = "neg"
    g.loc[disc[c["her2_pos_neg"]:], "primary_her2"] = "neg"
    disc = pick(rng, only, c["het_only_pos_neg"] + c["het_only_neg_pos"])
    g.loc[disc[: c["het_only_pos_neg"]], "reb_her2"] = "neg"
    g.loc[disc[c["het_only_pos_neg"]:], "primary_her2"] = "neg"
    g["het"] = (g["reb"].notna() & (g["primary_her2"] != g["reb_her2"])).to_numpy()
