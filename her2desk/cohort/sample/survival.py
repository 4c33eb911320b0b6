"""Survival simulation: event and follow-up times of the eligible patients, then dates.

Event times come from exponential models with the published effects as multipliers;
the patients who die are those whose event time is shortest relative to their potential
follow-up, so the published numbers of deaths hold exactly, and the follow-up median
and range are met by scaling. Calendar dates are anchored last (:func:`anchor_dates`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .dealing import largest_remainder
from .targets import (CT_ET, CUTOFF, EARLIEST_DIAGNOSIS, ENROL_FROM, ENROL_TO, ET, HER2_CT_ET,
                      HER2_ET, MONTH, NONE, GroupSpec)

def draw_timeline(rng, spec: GroupSpec, g: pd.DataFrame) -> None:
    """Relative days from diagnosis (day 0) for every event, then calendar dates."""
    p = spec.model
    n = spec.n
    mbc = g["mbc"].to_numpy()
    dn = g["de_novo"].to_numpy()
    rec = g["recurrent"].to_numpy()
    surg = g["surgery"].to_numpy()
    neo = g["neo_regimen"].notna().to_numpy()

    # surgery day
    s_day = np.where(neo, rng.integers(120, 200, n), rng.integers(5, 31, n)).astype(float)
    s_day[dn & surg] = rng.integers(150, 400, int((dn & surg).sum()))
    s_day[~surg] = np.nan
    # metastasis day
    # share of late recurrences (after 32 months), by ER/PR subgroup where the model says so
    late_p = g["subgroup"].map(p.get("subgroup_late_share", {})).fillna(p["late_share"])
    late = rng.random(n) < late_p.to_numpy(float)
    r_months = np.where(late, rng.uniform(*p["late_range"], n),
                        6 + rng.gamma(1.5, (p["early_mean"] - 6) / 1.5, n))
    m_day = np.full(n, np.nan)
    m_day[rec & surg] = (s_day + r_months * MONTH)[rec & surg]
    m_day[rec & ~surg] = rng.integers(200, 500, int((rec & ~surg).sum()))
    m_day[dn] = 0.0
    within = np.flatnonzero(dn)[:1]          # one de novo patient confirmed within 30 days
    m_day[within] = rng.integers(8, 28, len(within))
    g["m_stage"] = np.where(dn, "M1", "M0").astype(object)
    g.loc[within, "m_stage"] = "Mx"
    g.loc[dn & (g["t_stage"] == "Tx").to_numpy(), "m_stage"] = "M1"

    # first-line start and the effects of treatment on advanced-OS and PFS
    cls = g["fl_class"].to_numpy()
    treated = mbc & (cls != NONE)
    fl_day = np.full(n, np.nan)
    fl_day[treated] = m_day[treated] + rng.integers(7, 40, int(treated.sum()))
    et = np.isin(cls, [HER2_CT_ET, HER2_ET, CT_ET, ET])
    seq = cls == HER2_CT_ET
    aos_mult = np.where(seq, p["seq_aos"], np.where(et, p["et_aos"], 1.0))
    aos_mult = aos_mult * np.where(g["het"].to_numpy(), p["het_aos"], 1.0)
    pfs_mult = np.where(seq, p["seq_pfs"], np.where(et, p["et_pfs"], 1.0))
    pfs_mult = pfs_mult * np.where(g["het"].to_numpy(), p["het_pfs"], 1.0)
    aos_mult = aos_mult * np.where(cls == NONE, 6.0, 1.0)
    # per-ER/PR-subgroup advanced-OS multipliers (which MBC patients die within a group;
    # the number of deaths is fixed below)
    aos_mult = aos_mult * g["subgroup"].map(p.get("subgroup_aos", {})).fillna(1.0).to_numpy(float)

    # advanced-OS: latent event and censoring times; the exact number of deaths is shared
    # out between treatment strata in proportion to the deaths the model expects there
    # (so effects are not exaggerated), and within a stratum the patients whose event
    # comes earliest relative to their follow-up die
    lam = np.log(2) / p["aos_median"] * aos_mult
    t_aos = rng.exponential(1 / lam) * MONTH
    cmax = p["aos_censor_max"]
    c_aos = rng.uniform(1.0, cmax, n) * MONTH
    min_end = np.nan_to_num(fl_day - m_day, nan=0) + 40
    min_end = np.maximum(min_end, np.where(dn & surg, np.nan_to_num(s_day) + 40, 0))
    t_aos, c_aos = np.maximum(t_aos, min_end), np.maximum(c_aos, min_end)
    expected = 1 - (1 - np.exp(-lam * cmax)) / (lam * cmax)
    stratum = np.round(aos_mult, 4)
    dies = np.zeros(n, bool)
    levels = np.unique(stratum[mbc])
    want = np.array([expected[mbc & (stratum == s)].sum() for s in levels])
    quota = largest_remainder(want / want.sum() * spec.mbc_deaths, spec.mbc_deaths)
    ratio = t_aos / c_aos
    for s, q in zip(levels, quota):
        members = np.flatnonzero(mbc & (stratum == s))
        dies[members[np.argsort(ratio[members], kind="stable")[:q]]] = True
    end = np.full(n, np.nan)
    end[mbc] = (m_day + np.where(dies, t_aos, c_aos))[mbc]

    # non-metastatic patients: follow-up, and the few deaths from other causes
    a, b = p["nonmbc_followup"]
    fu = 3 + rng.beta(a, b, n) * 130
    od = g["other_death"].to_numpy()
    end[~mbc] = (fu * MONTH)[~mbc]
    end[od] = s_day[od] + rng.uniform(24, 70, int(od.sum())) * MONTH
    g["dead"] = dies | od

    # follow-up range and median: the largest follow-up goes to a living recurrent patient,
    # the smallest to a patient lost to follow-up early; the median by scaling the
    # follow-up of living non-metastatic patients
    med, lo, hi = spec.followup
    lost = np.zeros(n, bool)
    free_nm = np.flatnonzero(~mbc & ~g["dead"].to_numpy() & ~neo)
    i_lo = rng.choice(free_nm)
    lost[i_lo] = True
    i_hi = rng.choice(np.flatnonzero(rec & surg & ~g["dead"].to_numpy()))
    cap = (hi - 1.0) * MONTH
    over = np.flatnonzero(end > cap)
    for i in over:                                     # shorten recurrence-free intervals
        excess = end[i] - cap
        if mbc[i] and rec[i] and surg[i] and m_day[i] - s_day[i] - excess > 90:
            m_day[i] -= excess
            fl_day[i] -= excess
            end[i] -= excess
        else:
            end[i] = cap
    shift = hi * MONTH - end[i_hi]
    m_day[i_hi] += shift
    fl_day[i_hi] += shift
    end[i_hi] = hi * MONTH
    floor = (max(lo, 6.0) + 0.3) * MONTH if lo < 6 else (lo + 0.3) * MONTH
    living_nm = ~mbc & ~g["dead"].to_numpy() & ~lost
    base = end.copy()

    def median_with(k):
        e = base.copy()
        e[living_nm] = np.clip(base[living_nm] * k, floor, cap)
        e = np.maximum(e, (lo + 0.3) * MONTH)          # nobody below the published minimum
        e = np.maximum(e, np.nan_to_num(s_day, nan=0) + 30)   # seen at least once after surgery
        e[i_lo] = lo * MONTH
        return e, np.median(e / MONTH)

    k_lo, k_hi = 0.2, 5.0
    for _ in range(60):
        k = (k_lo + k_hi) / 2
        e, m_now = median_with(k)
        if m_now < med:
            k_lo = k
        else:
            k_hi = k
    end, m_now = median_with(k_hi)
    if round(m_now) != med:
        raise RuntimeError(f"follow-up median {m_now:.2f} cannot be brought to {med}")
    end = np.round(end)

    # progression on first line
    pfs_med = p["pfs_median"] / pfs_mult
    t_prog = rng.exponential(pfs_med / np.log(2)) * MONTH
    prog = treated & (fl_day + t_prog < end - 7)
    prog_day = np.where(prog, fl_day + np.maximum(t_prog, 30), np.nan)
    prog_day = np.where(prog & (prog_day > end - 7), end - 7, prog_day)
    # a few locoregional recurrences before distant disease
    lrr = rec & surg & (rng.random(n) < 0.15)
    lrr_day = np.where(lrr, s_day + (m_day - s_day) * rng.uniform(0.3, 0.8, n), np.nan)

    g["s_day"], g["m_day"], g["fl_day"], g["end_day"] = s_day, m_day, fl_day, end
    g["prog_day"], g["lrr_day"], g["lost"] = prog_day, lrr_day, lost


def anchor_dates(rng, g: pd.DataFrame) -> None:
    """Calendar dates: the end of follow-up is placed first, the rest counted back."""
    n = len(g)
    end = g["end_day"].to_numpy()
    dead = g["dead"].to_numpy()
    lost = g["lost"].to_numpy() if "lost" in g else np.zeros(n, bool)
    last = CUTOFF - pd.to_timedelta(rng.integers(0, 75, n), unit="D")
    last = pd.DatetimeIndex(last)
    out = []
    for i in range(n):
        if dead[i]:
            lo_d = max(ENROL_FROM + pd.Timedelta(days=150), EARLIEST_DIAGNOSIS + pd.Timedelta(days=end[i]))
            hi_d = min(CUTOFF, ENROL_TO + pd.Timedelta(days=end[i]))
            span = max((hi_d - lo_d).days, 0)
            anchor = lo_d + pd.Timedelta(days=int(rng.integers(0, span + 1)))
        elif lost[i]:
            lo_d = ENROL_FROM + pd.Timedelta(days=end[i] + 30)
            span = (ENROL_TO - lo_d).days
            anchor = lo_d + pd.Timedelta(days=int(rng.integers(0, max(span, 1))))
        else:
            anchor = last[i]
        out.append(anchor - pd.Timedelta(days=end[i]))
    g["dx"] = pd.DatetimeIndex(out)
