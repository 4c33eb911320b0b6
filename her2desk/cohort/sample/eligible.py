"""The eligible patients of one HR group: receptors, roles, Table 1 and early treatment.

:func:`eligible_group` builds one row per eligible patient of a :class:`GroupSpec` with
every variable the paper tabulates dealt to its exact count, then adds metastatic
disease (:mod:`.metastatic`) and the survival timeline (:mod:`.survival`). Dates are
relative days from diagnosis until :func:`~.survival.anchor_dates` places them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .dealing import deal, mask_of, pick
from .metastatic import assign_metastatic, assign_rebiopsies
from .survival import draw_timeline
from .targets import GroupSpec

def _ages(rng, spec: GroupSpec) -> np.ndarray:
    """Ages with the exact count below 50, minimum, maximum and median."""
    n_low, lo, hi, med = spec.age
    n = spec.n
    low = np.clip(np.round(rng.normal(42, 5.5, n_low)), lo + 1, 49)
    high = np.clip(np.round(50 + rng.gamma(1.6, 6.5, n - n_low)), 50, hi - 1)
    ages = np.sort(np.concatenate([low, high])).astype(int)
    ages[0], ages[-1] = lo, hi
    m0, m1 = (n - 1) // 2, n // 2                 # the median is the mean of these two
    ages[m0:m1 + 1] = med
    ages[:m0] = np.minimum(ages[:m0], med)        # stays sorted; the <50 count is unchanged
    ages[m1 + 1:] = np.maximum(ages[m1 + 1:], med)
    return ages[rng.permutation(n)]


# =============================================================================
# the eligible patients of one group
# =============================================================================

def eligible_group(rng: np.random.Generator, spec: GroupSpec) -> pd.DataFrame:
    n = spec.n
    g = pd.DataFrame({"group": spec.key}, index=np.arange(n))
    _receptors(rng, spec, g)
    _roles(rng, spec, g)
    _table1(rng, spec, g)
    _early_treatment(rng, spec, g)
    assign_metastatic(rng, spec, g)
    assign_rebiopsies(rng, spec, g)
    draw_timeline(rng, spec, g)
    return g


def _receptors(rng, spec: GroupSpec, g: pd.DataFrame) -> None:
    g["subgroup"] = deal(rng, spec.subgroups, spec.n)
    er_pos = g["subgroup"].str.startswith("ER+").to_numpy()
    pr_pos = g["subgroup"].str.contains("PR+", regex=False).to_numpy()
    er = np.zeros(spec.n)
    pr = np.zeros(spec.n)
    if er_pos.any():
        bands = deal(rng, spec.er_bands, int(er_pos.sum()))
        draw = {"1-9": lambda k: rng.integers(1, 10, k), "10-49": lambda k: 5 * rng.integers(2, 10, k),
                ">=50": lambda k: 5 * rng.integers(10, 20, k) + 5 * (rng.random(k) < 0.3)}
        vals = np.zeros(len(bands))
        for b, f in draw.items():
            m = bands == b
            vals[m] = f(int(m.sum()))
        er[er_pos] = np.minimum(vals, 100)
    if pr_pos.any():
        bands = deal(rng, spec.pr_bands, int(pr_pos.sum()))
        vals = np.where(bands == "1-19", rng.integers(1, 20, len(bands)),
                        5 * rng.integers(4, 20, len(bands)))
        pr[pr_pos] = vals
    g["er_percent"], g["pr_percent"] = er, pr


def _roles(rng, spec: GroupSpec, g: pd.DataFrame) -> None:
    """De novo, surgery, neoadjuvant regimen and response, recurrence, deaths."""
    n = spec.n
    idx = np.arange(n)
    de_novo = pick(rng, idx, spec.de_novo)
    g["de_novo"] = mask_of(n, de_novo)
    g["surgery"] = True
    g.loc[pick(rng, de_novo, spec.no_surgery_de_novo), "surgery"] = False
    # neoadjuvant among operated patients without de novo MBC
    g["neo_regimen"] = None
    g["pcr"] = False
    free = ~g["de_novo"].to_numpy() & g["surgery"].to_numpy()
    for (sub, reg), (k, k_pcr) in spec.neoadjuvant.items():
        pool = idx[free & (g["subgroup"] == sub).to_numpy() & g["neo_regimen"].isna().to_numpy()]
        chosen = pick(rng, pool, k)
        g.loc[chosen, "neo_regimen"] = reg
        g.loc[pick(rng, chosen, k_pcr), "pcr"] = True
    # recurrence among the rest (weighted by subgroup; pCR lowers the chance)
    pool = idx[~g["de_novo"].to_numpy()]
    w = g.loc[pool, "subgroup"].map(spec.recurrence_weights).to_numpy(float)
    w = w * np.where(g.loc[pool, "pcr"].to_numpy(), spec.model["pcr_recurrence"], 1.0)
    chosen = pick(rng, pool, spec.recurrent, w)
    g["recurrent"] = mask_of(n, chosen)
    if spec.no_surgery_recurrent:
        no_neo = chosen[g.loc[chosen, "neo_regimen"].isna().to_numpy()]
        g.loc[pick(rng, no_neo, spec.no_surgery_recurrent), "surgery"] = False
    g["mbc"] = g["de_novo"] | g["recurrent"]
    # deaths outside metastatic disease (the MBC deaths are chosen with their times)
    pool = idx[~g["mbc"].to_numpy() & g["surgery"].to_numpy()]
    g["other_death"] = mask_of(n, pick(rng, pool, spec.other_deaths))


def _table1(rng, spec: GroupSpec, g: pd.DataFrame) -> None:
    n = spec.n
    g["age"] = _ages(rng, spec)
    g["ecog"] = deal(rng, spec.ecog, n)
    # menopause: everyone ≥ 60 is postmenopausal, the rest of the quota goes to the oldest-ish
    post = np.zeros(n, dtype=bool)
    post[g["age"].to_numpy() >= 60] = True
    need = spec.postmenopausal - post.sum()
    pool = np.flatnonzero(~post & (g["age"].to_numpy() >= 44))
    w = (g["age"].to_numpy()[pool] - 42.0) ** 3
    post[pick(rng, pool, need, w)] = True
    g["postmenopausal"] = post
    g["ovariectomy"] = False
    young_post = np.flatnonzero(post & (g["age"].to_numpy() < 50))
    g.loc[pick(rng, young_post, min(3, len(young_post))), "ovariectomy"] = True
    g["laterality"] = deal(rng, {"left": spec.left, "right": n - spec.left}, n)
    g["family_history"] = deal(rng, {True: spec.family_history, False: n - spec.family_history}, n)
    non_idc = n - spec.idc
    n_ilc = round(non_idc * 0.45)
    n_mixed = round(non_idc * 0.25)
    g["histology"] = deal(rng, {"idc": spec.idc, "ilc": n_ilc, "mixed": n_mixed,
                                 "other": non_idc - n_ilc - n_mixed}, n)
    grade = deal(rng, spec.grade, n)
    g["grade"] = [None if x is None else ("3" if x == "III" else ("1" if rng.random() < 0.15 else "2"))
                  for x in grade]
    g["her2_label"] = deal(rng, spec.her2, n)
    ki = deal(rng, spec.ki67, n)
    g["ki67"] = [np.nan if x is None else (float(5 * rng.integers(1, 7)) if x == "<=30"
                                           else float(5 * rng.integers(7, 19))) for x in ki]
    g["t_stage"] = deal(rng, spec.t_stage, n)
    g["n_stage"] = deal(rng, spec.n_stage, n)


def _early_treatment(rng, spec: GroupSpec, g: pd.DataFrame) -> None:
    n = spec.n
    idx = np.arange(n)
    operated = idx[g["surgery"].to_numpy()]
    g["surgery_type"] = "none"
    mast = pick(rng, operated, spec.mastectomy)
    g.loc[operated, "surgery_type"] = "bcs"
    g.loc[mast, "surgery_type"] = "mastectomy"
    rest = np.setdiff1d(operated, mast)
    g.loc[pick(rng, rest, round(0.08 * len(rest))), "surgery_type"] = "other"
    # adjuvant therapy: none without surgery; the other 'No adjuvant' among mastectomies
    no_adj = np.concatenate([idx[~g["surgery"].to_numpy()],
                             pick(rng, mast, spec.no_adjuvant - int((~g["surgery"]).sum()))])
    adj = np.setdiff1d(idx, no_adj)
    for fld in spec.adjuvant:
        g[fld] = False
    bcs = adj[(g.loc[adj, "surgery_type"] != "mastectomy").to_numpy()]
    for fld, k in spec.adjuvant.items():
        if fld == "adjuvant_radiotherapy":
            first = bcs[: min(k, len(bcs))]
            chosen = np.concatenate([first, pick(rng, np.setdiff1d(adj, first), k - len(first))])
        else:
            chosen = pick(rng, adj, k)
        g.loc[chosen, fld] = True
    _repair_adjuvant(rng, g, adj, list(spec.adjuvant))


def _repair_adjuvant(rng, g: pd.DataFrame, adj: np.ndarray, fields: list[str]) -> None:
    """Every patient with adjuvant therapy has at least one Yes; totals stay the same."""
    for i in adj:
        if g.loc[i, fields].any():
            continue
        order = [f for f in ("adjuvant_her2_targeted", "adjuvant_chemotherapy",
                             "adjuvant_endocrine", "adjuvant_radiotherapy") if f in fields]
        for fld in order:
            donors = adj[(g.loc[adj, fld].to_numpy()) & (g.loc[adj, fields].sum(axis=1) >= 2).to_numpy()]
            if fld == "adjuvant_radiotherapy":
                donors = donors[(g.loc[donors, "surgery_type"] == "mastectomy").to_numpy()]
            if len(donors):
                d = rng.choice(donors)
                g.loc[d, fld] = False
                g.loc[i, fld] = True
                break
        else:
            raise RuntimeError("cannot give every adjuvant patient a therapy")
