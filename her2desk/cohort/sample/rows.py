"""CRF form rows from the simulated patients: the values a coordinator would have entered.

Turns the per-patient tables of :mod:`.eligible` and :mod:`.excluded` (relative days,
group labels) into the codebook's form columns with calendar dates and codes.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .metastatic import FIRST_KEYS, FL_FIELDS, SITE_KEYS
from .targets import REG_T, REG_TP

def _day(dx: pd.Series, days) -> pd.Series:
    days = pd.Series(np.asarray(days, float), index=dx.index)
    return (dx + pd.to_timedelta(days.round(), unit="D")).where(days.notna())


def _birth(rng, dx: pd.Series, age: np.ndarray) -> pd.Series:
    out = []
    for d, a in zip(dx, age):
        base = pd.Timestamp(year=d.year - int(a), month=d.month, day=min(d.day, 28))
        out.append(base - pd.Timedelta(days=int(rng.integers(1, 360))))
    return pd.Series(out, index=dx.index)


def eligible_rows(rng, g: pd.DataFrame) -> dict[str, pd.DataFrame]:
    n = len(g)
    dx = g["dx"]
    pat = pd.DataFrame(index=g.index)
    pat["sex"] = "female"
    pat["diagnosis_date"] = dx
    pat["birth_date"] = _birth(rng, dx, g["age"].to_numpy())
    pat["age_at_diagnosis"] = g["age"].astype(float).where(rng.random(n) > 0.04)
    pat["ecog_ps"] = [np.nan if e is None else float(rng.choice([0, 1], p=[0.55, 0.45]) if e == "0-1"
                                                     else rng.choice([2, 3], p=[0.8, 0.2]))
                      for e in g["ecog"]]
    # menopausal status recorded for most; blank where the rule derives the same answer
    meno = np.where(g["postmenopausal"], "postmenopausal", "premenopausal").astype(object)
    derivable = (g["ovariectomy"] | (g["age"] >= 60) | ((g["age"] < 60) & ~g["postmenopausal"])).to_numpy()
    meno[derivable & (rng.random(n) < 0.12)] = None
    pat["menopausal_status"] = meno
    pat["bilateral_ovariectomy"] = g["ovariectomy"].astype("boolean")
    pat["laterality"] = g["laterality"]
    pat["family_history"] = g["family_history"].astype(bool)
    pat["histological_type"] = g["histology"]
    pat["histological_grade"] = g["grade"]
    primary_pos = g["primary_her2"] == "pos"
    label = g["her2_label"]
    pat["her2_ihc"] = np.where(label == "3+", "3+", "2+").astype(object)
    pat["her2_fish_ratio"] = np.where(label == "2+", np.round(rng.uniform(2.3, 6.5, n), 2), np.nan)
    neg_kind = rng.choice(["0", "1+", "2+"], n, p=[0.2, 0.5, 0.3])
    pat.loc[~primary_pos, "her2_ihc"] = neg_kind[~primary_pos.to_numpy()]
    pat.loc[~primary_pos, "her2_fish_ratio"] = np.where(
        neg_kind[~primary_pos.to_numpy()] == "2+",
        np.round(rng.uniform(1.1, 2.1, int((~primary_pos).sum())), 2), np.nan)
    pat["er_percent"] = g["er_percent"]
    pat["pr_percent"] = g["pr_percent"]
    pat["ki67_percent"] = g["ki67"]
    pat["t_stage"] = g["t_stage"]
    pat["n_stage"] = g["n_stage"]
    pat["m_stage"] = g["m_stage"]
    pat["second_primary_tumor"] = False

    tr = pd.DataFrame(index=g.index)
    tr["surgery_type"] = g["surgery_type"]
    tr["surgery_date"] = _day(dx, g["s_day"])
    neo = g["neo_regimen"].notna()
    tr["neoadjuvant_therapy"] = neo
    tr["neoadjuvant_chemotherapy"] = neo
    tr["neoadjuvant_trastuzumab"] = g["neo_regimen"].isin([REG_T, REG_TP])
    tr["neoadjuvant_pertuzumab"] = g["neo_regimen"] == REG_TP
    grade = np.where(g["pcr"], "5", rng.choice(["1", "2", "3", "4"], n, p=[0.08, 0.22, 0.42, 0.28]))
    tr["miller_payne_grade"] = pd.Series(grade, index=g.index, dtype=object).where(neo)
    ypn = pd.Series(np.where(g["pcr"], False, rng.random(n) < 0.45), index=g.index)
    tr["ypn_positive"] = ypn.astype("boolean").where(neo)
    for fld in ("adjuvant_chemotherapy", "adjuvant_radiotherapy", "adjuvant_her2_targeted",
                "adjuvant_endocrine"):
        tr[fld] = g[fld].astype(bool)

    out = pd.DataFrame(index=g.index)
    out["last_followup_date"] = _day(dx, g["end_day"])
    dead = g["dead"].to_numpy()
    out["vital_status"] = np.where(dead, "dead", "alive")
    out["death_date"] = out["last_followup_date"].where(dead)
    out["cause_of_death"] = np.where(dead, np.where(g["other_death"], "non_cancer", "breast_cancer"),
                                     None)
    out.loc[dead & g["mbc"].to_numpy() & (rng.random(n) < 0.06), "cause_of_death"] = "non_cancer"
    out["locoregional_recurrence_date"] = _day(dx, g["lrr_day"])
    out["distant_metastasis_date"] = _day(dx, g["m_day"])
    for col in [c for c in g.columns if c.startswith("met_") or c.startswith("first_met_")]:
        out[col] = g[col]

    fl = pd.DataFrame(index=g.index[g["mbc"]])
    gm = g[g["mbc"]]
    fl["first_line_start_date"] = _day(dx[g["mbc"]], gm["fl_day"])
    fl["first_line_her2_agents"] = gm["fl_agents"]
    fl["first_line_chemotherapy"] = [FL_FIELDS[c][0] for c in gm["fl_class"]]
    fl["first_line_endocrine"] = [FL_FIELDS[c][1] for c in gm["fl_class"]]
    fl["progression_date"] = _day(dx[g["mbc"]], gm["prog_day"])
    return {"patients": pat, "treatment": tr, "outcomes": out, "first_line": fl,
            "rebiopsy": _rebiopsy_rows(rng, g)}


REB_SITES = {"lung": "lung", "liver": "liver", "brain_cns": "brain", "bone": "bone",
             "distant_lymph_node": "supraclavicular lymph node", "other": "chest wall"}


def _rebiopsy_rows(rng, g: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for i in np.flatnonzero(g["reb"].notna().to_numpy()):
        r = g.iloc[i]
        firsts = [k for k in FIRST_KEYS if bool(r["first_met_" + k]) and k != "brain_cns"]
        site = REB_SITES[firsts[0]] if firsts else "liver"
        day = r["m_day"] + int(rng.integers(3, 25))
        pos = r["reb_her2"] == "pos"
        if pos and r["primary_her2"] == "neg":       # the rebiopsy makes her HER2-positive
            ihc = r["her2_label"]
            fish = round(float(rng.uniform(2.4, 7.0)), 2) if ihc == "2+" else np.nan
        elif pos:
            ihc = "3+" if rng.random() < 0.75 else "2+"
            fish = round(float(rng.uniform(2.4, 7.0)), 2) if ihc == "2+" else np.nan
        else:
            ihc = str(rng.choice(["0", "1+", "2+"], p=[0.25, 0.45, 0.30]))
            fish = round(float(rng.uniform(1.0, 2.1)), 2) if ihc == "2+" else np.nan
        row = dict(patient_id=r["patient_id"], rebiopsy_date=r["dx"] + pd.Timedelta(days=int(day)),
                   rebiopsy_site=site, rebiopsy_her2_ihc=ihc, rebiopsy_her2_fish_ratio=fish)
        if r["reb"] == "full":
            row["rebiopsy_er_percent"] = float(5 * rng.integers(1, 19)) if r["reb_er_pos"] else 0.0
            row["rebiopsy_pr_percent"] = float(5 * rng.integers(1, 13)) if r["reb_pr_pos"] else 0.0
        rows.append(row)
        # a later second biopsy that agrees with the first (changes no count)
        if not pd.isna(r["prog_day"]) and rng.random() < 0.12:
            again = dict(row, rebiopsy_date=r["dx"] + pd.Timedelta(days=int(r["prog_day"]) + 5))
            rows.append(again)
    return pd.DataFrame(rows)


def excluded_rows(rng, b: pd.DataFrame) -> dict[str, pd.DataFrame]:
    n = len(b)
    dx = b["dx"]
    pat = pd.DataFrame(index=b.index)
    pat["sex"] = b["sex"]
    pat["diagnosis_date"] = dx
    pat["birth_date"] = _birth(rng, dx, b["age"].to_numpy())
    pat["age_at_diagnosis"] = b["age"].astype(float)
    pat["ecog_ps"] = rng.choice([0, 0, 1, 1, 2], n).astype(float)
    pat["menopausal_status"] = np.where(b["age"] >= 52, "postmenopausal", "premenopausal")
    pat["bilateral_ovariectomy"] = False
    pat["laterality"] = b["laterality"]
    pat["family_history"] = rng.random(n) < 0.13
    pat["histological_type"] = rng.choice(["idc", "ilc", "mixed", "other"], n, p=[0.86, 0.07, 0.03, 0.04])
    pat["histological_grade"] = rng.choice(["1", "2", "3", None], n, p=[0.08, 0.42, 0.35, 0.15])
    pat["her2_ihc"] = b["her2_ihc"]
    pat["her2_fish_ratio"] = b["her2_fish_ratio"]
    pat["er_percent"] = b["er_percent"]
    pat["pr_percent"] = b["pr_percent"]
    pat["ki67_percent"] = (5 * rng.integers(1, 17, n)).astype(float)
    pat["t_stage"] = rng.choice(["T1", "T2", "T3", "T4"], n, p=[0.35, 0.5, 0.09, 0.06])
    pat["n_stage"] = rng.choice(["N0", "N1", "N2", "N3"], n, p=[0.45, 0.35, 0.12, 0.08])
    pat["m_stage"] = "M0"
    pat["second_primary_tumor"] = b["second_primary"]

    tr = pd.DataFrame(index=b.index)
    tr["surgery_type"] = b["surgery_type"]
    tr["surgery_date"] = _day(dx, b["s_day"])
    tr["neoadjuvant_therapy"] = b["neo"]
    tr["neoadjuvant_chemotherapy"] = b["neo"]
    tr["neoadjuvant_trastuzumab"] = b["neo"] & (rng.random(n) < 0.6)
    tr["neoadjuvant_pertuzumab"] = False
    tr["miller_payne_grade"] = pd.Series(rng.choice(["1", "2", "3", "4", "5"], n), index=b.index).where(b["neo"])
    tr["ypn_positive"] = pd.Series(rng.random(n) < 0.4, index=b.index).where(b["neo"]).astype("boolean")
    tr.loc[tr["miller_payne_grade"] == "5", "ypn_positive"] = False
    operated = b["surgery_type"] != "none"
    for fld, share in (("adjuvant_chemotherapy", 0.65), ("adjuvant_radiotherapy", 0.5),
                       ("adjuvant_her2_targeted", 0.5), ("adjuvant_endocrine", 0.55)):
        tr[fld] = operated & (rng.random(n) < share)
    tr["adjuvant_endocrine"] &= b["er_percent"].fillna(0) > 0

    out = pd.DataFrame(index=b.index)
    out["last_followup_date"] = _day(dx, b["end_day"])
    dead = b["dead"].to_numpy()
    out["vital_status"] = np.where(dead, "dead", "alive")
    out["death_date"] = out["last_followup_date"].where(dead)
    out["cause_of_death"] = b["cause"].where(dead)
    out["distant_metastasis_date"] = _day(dx, b["m_day"])
    mbc = b["mbc"].to_numpy()
    for k in SITE_KEYS:
        share = {"bone": 0.5, "lung": 0.35, "liver": 0.3, "distant_lymph_node": 0.3,
                 "brain_cns": 0.15, "other": 0.15, "other_visceral": 0.0}[k]
        out["met_" + k] = pd.array(np.where(mbc, rng.random(n) < share, False), dtype="boolean")
    out.loc[mbc & ~out[[f"met_{k}" for k in FIRST_KEYS]].any(axis=1).to_numpy(), "met_bone"] = True
    for k in FIRST_KEYS:
        out["first_met_" + k] = out["met_" + k]
    for k in SITE_KEYS:
        out["met_" + k] = out["met_" + k].where(mbc)
    for k in FIRST_KEYS:
        out["first_met_" + k] = out["first_met_" + k].where(mbc)

    miss = b["missing"] if "missing" in b else pd.Series(None, index=b.index)
    out.loc[miss == "last_followup_date", "last_followup_date"] = pd.NaT
    tr.loc[miss == "surgery_date", "surgery_date"] = pd.NaT
    tr.loc[miss == "surgery_type", "surgery_type"] = None
    out.loc[miss == "vital_status", "vital_status"] = None
    died = miss == "death_date"
    out.loc[died, "vital_status"] = "dead"
    out.loc[died, "cause_of_death"] = "breast_cancer"
    out.loc[died, "death_date"] = pd.NaT

    idx = b.index[b["mbc"]]
    fl = pd.DataFrame(index=idx)
    fl["first_line_start_date"] = _day(dx[idx], b.loc[idx, "m_day"] + 14)
    fl["first_line_her2_agents"] = np.where(b.loc[idx, "her2_ihc"] == "3+", "trastuzumab", None)
    fl["first_line_chemotherapy"] = True
    fl["first_line_endocrine"] = "none"
    return {"patients": pat, "treatment": tr, "outcomes": out, "first_line": fl}
