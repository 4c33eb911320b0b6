"""The excluded patients: plausible admitted patients, each failing one intended rule.

:data:`~.targets.EXCLUSIONS` says how many fail each eligibility rule first; the
background is HER2-positive and complete, then each patient is changed just enough
to fail her rule.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .targets import CUTOFF, ENROL_FROM, ENROL_TO, EXCLUSIONS

def _background(rng, n: int) -> pd.DataFrame:
    """Plausible admitted patients (HER2-positive, complete) to be turned into exclusions."""
    g = pd.DataFrame(index=np.arange(n))
    span = (ENROL_TO - ENROL_FROM).days - 20
    g["dx"] = ENROL_FROM + pd.to_timedelta(rng.integers(10, span, n), unit="D")
    g["age"] = np.clip(np.round(rng.normal(51, 11, n)), 22, 88).astype(int)
    g["sex"] = "female"
    hr = rng.random(n) < 0.7
    g["er_percent"] = np.where(hr, 5 * rng.integers(1, 20, n), 0).astype(float)
    g["pr_percent"] = np.where(hr & (rng.random(n) < 0.75), 5 * rng.integers(1, 16, n), 0).astype(float)
    g["her2_ihc"] = "3+"
    g["her2_fish_ratio"] = np.nan
    g["laterality"] = np.where(rng.random(n) < 0.52, "left", "right")
    g["second_primary"] = False
    g["surgery_type"] = rng.choice(["mastectomy", "bcs", "other", "none"], n, p=[0.58, 0.33, 0.03, 0.06])
    g["s_day"] = np.where(g["surgery_type"] == "none", np.nan, rng.integers(5, 31, n))
    g["neo"] = (g["surgery_type"] != "none") & (rng.random(n) < 0.2)
    g.loc[g["neo"], "s_day"] = rng.integers(120, 200, int(g["neo"].sum()))
    horizon = (CUTOFF - g["dx"]).dt.days.to_numpy()
    g["end_day"] = np.maximum(horizon - rng.integers(0, 75, n), 35)
    mbc = rng.random(n) < 0.1
    g["m_day"] = np.where(mbc, np.round(np.nan_to_num(g["s_day"].to_numpy(), nan=0)
                                        + rng.uniform(0.2, 0.8, n) * (g["end_day"] - 30)), np.nan)
    g["mbc"] = mbc & (g["m_day"] > np.nan_to_num(g["s_day"].to_numpy(), nan=0) + 40)
    g.loc[~g["mbc"], "m_day"] = np.nan
    dead = g["mbc"] & (rng.random(n) < 0.35)
    g["dead"] = dead
    g.loc[dead, "end_day"] = np.round(g.loc[dead, "m_day"] + rng.uniform(0.3, 1.0, int(dead.sum()))
                                      * (g.loc[dead, "end_day"] - g.loc[dead, "m_day"]))
    g["cause"] = np.where(dead, "breast_cancer", None)
    return g


def excluded_patients(rng) -> pd.DataFrame:
    """All excluded patients, each made to fail exactly the intended first rule."""
    parts = []
    for reason, k in EXCLUSIONS.items():
        b = _background(rng, k)
        b["reason"] = reason
        if reason == "male":
            b["sex"] = "male"
        elif reason == "her2_negative":
            kind = rng.choice(["0", "1+", "2+"], k, p=[0.38, 0.42, 0.20])
            b["her2_ihc"] = kind
            b["her2_fish_ratio"] = np.where(kind == "2+", np.round(rng.uniform(1.0, 2.15, k), 2), np.nan)
        elif reason == "her2_unknown":
            b["her2_ihc"] = "2+"
        elif reason == "er_pr_unknown":
            which = rng.choice(["er", "pr", "both"], k)
            b.loc[which != "pr", "er_percent"] = np.nan
            b.loc[which != "er", "pr_percent"] = np.nan
        elif reason == "second_primary":
            b["second_primary"] = True
        elif reason == "bilateral":
            b["laterality"] = "bilateral"
        elif reason == "incomplete":
            b["missing"] = rng.choice(["last_followup_date", "surgery_date", "surgery_type",
                                       "vital_status", "death_date"], k)
            b.loc[b["missing"] == "surgery_date", "surgery_type"] = "mastectomy"
            b.loc[b["missing"] == "surgery_date", "s_day"] = 20
        elif reason == "cause_of_death_unknown":
            b["dead"] = True
            b["end_day"] = np.round(b["end_day"] * rng.uniform(0.3, 0.9, k))
            b["cause"] = "unknown"
            b.loc[b["mbc"] & (b["m_day"] >= b["end_day"] - 10), "mbc"] = False
            b.loc[~b["mbc"], "m_day"] = np.nan
        parts.append(b)
    return pd.concat(parts, ignore_index=True)
