"""Derived variables: every number in the study's tables, one named function each.

:func:`derive_cohort` turns a :class:`~her2desk.crf.model.CRFData` into one row
per admitted patient: ``patient_id``, ``eligible``, ``exclusion_reason`` and the
derived columns. Column names that feed Tables 1–4 are exactly the ``variable``
names of the paper's tables and their values exactly the table's level labels;
missing is NaN (the tables layer shows it as "Unknown").

Conventions
-----------
* Cells with an **error** finding (matched on ``Finding.patient_id`` +
  ``Finding.field``) are masked to missing before deriving, so the analyses
  that need them become incomplete for that patient (an impossible death date
  makes OS missing). Warnings change nothing, and neither do "after the data
  cutoff" errors (:data:`UNMASKED_RULES`): the cutoff itself is applied here,
  so a death after the cutoff is censored at the cutoff instead of making OS
  missing. Eligibility is decided on these same masked cells
  (see :mod:`her2desk.cohort.eligibility`), and receptor calls are made once from
  them (:mod:`her2desk.cohort.receptors`).
* Times are in months = days / 30.4375, censored at the earlier of the last
  follow-up and ``settings.cutoff``; an event after the cutoff is censored at
  the cutoff.
* Follow-up (``followup_months``) runs from the diagnosis date to death or last
  follow-up, whichever applies, capped at the cutoff (the paper does not say
  where its follow-up starts; diagnosis is the one origin every patient has).
* Metastatic sites (Table 3) — a deliberate reconciliation. The paper's
  per-site counts do not add up to its "number of visceral sites" rows
  (HR+: lung 47 + liver 52 + brain 35 = 134 but 1×52 + 2×27 + 3×11 = 139;
  HR−: 147 vs 152). Its visceral count must include visceral organs among the
  "other" sites (pleura, peritoneum, adrenal). The codebook therefore has
  ``met_other_visceral``; ``visceral_site_count`` and ``site_visceral`` count
  lung, liver, brain/CNS and other-visceral. ``first_site_visceral`` counts
  lung, liver and brain/CNS at first metastasis (the CRF has no first-site
  other-visceral field, and these three reproduce the paper's first-site row).
* Receptor conversion (Table S7) compares the primary with the *first*
  rebiopsy (by date) and is reported only for patients whose rebiopsy has ER,
  PR and HER2 (``receptor_conversion_assessable``), so all three receptors share
  one denominator (131 in the paper).
"""
from __future__ import annotations

import re
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from ..crf import codebook as cb
from ..crf.model import ERROR, CRFData, Finding
from .eligibility import apply_eligibility
from .receptors import NEGATIVE, POSITIVE, ReceptorCalls, call_to_bool, receptor_calls, receptor_positive
from .schema import (ER_PR_GROUPS, FL_CLASSES, HR_NEG, HR_POS, NEO_CT, NEO_T, NEO_TP, NO, YES,
                     conform, check_schema)
from .settings import DAYS_PER_MONTH, StudySettings

# ---- small helpers ------------------------------------------------------------


def _obj(index) -> pd.Series:
    return pd.Series(np.nan, index=index, dtype="object")


def yes_no(flag: pd.Series) -> pd.Series:
    """Nullable boolean → "Yes"/"No", missing stays NaN."""
    flag = flag.astype("boolean")
    out = _obj(flag.index)
    out[flag == True] = YES  # noqa: E712
    out[flag == False] = NO  # noqa: E712
    return out


def _bool(series: pd.Series) -> pd.Series:
    return series.astype("boolean")


def _dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, errors="coerce")


def _num(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce")


def months_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """(end − start) in months of 30.4375 days; NaN when either is missing."""
    return (_dates(end) - _dates(start)).dt.days / DAYS_PER_MONTH


def _bands(values: pd.Series, edges: Sequence[float], labels: Sequence[str]) -> pd.Series:
    """values < edges[0] → labels[0], < edges[1] → labels[1], …, else labels[-1]."""
    values = _num(values)
    out = _obj(values.index)
    lower = -np.inf
    for edge, label in zip(list(edges) + [np.inf], labels):
        out[(values >= lower) & (values < edge)] = label
        lower = edge
    return out


# ---- masking of cells that failed validation ------------------------------------

#: Error rules whose cells stay as entered: every derivation already stops at the cutoff.
UNMASKED_RULES = frozenset({"after_cutoff"})


def mask_error_cells(frame: pd.DataFrame, findings: Iterable[Finding] | None) -> pd.DataFrame:
    """Copy of ``frame`` with every cell that has an *error* finding set to missing.

    Findings are grouped by field so the cost is one ``isin`` per field, not one scan of the
    frame per finding (a messy 100,000-patient workbook has hundreds of thousands of them).
    When the frame still knows each row's sheet and Excel row, only the exact row is masked.
    """
    frame = frame.copy()
    if not findings:
        return frame
    by_field: dict[str, tuple[set, set]] = {}
    columns = set(frame.columns) - {"patient_id"}      # a set: one hash per finding
    for f in findings:
        if f.severity != ERROR or f.field not in columns or f.rule in UNMASKED_RULES:
            continue
        ids, cells = by_field.setdefault(f.field, (set(), set()))
        ids.add(f.patient_id)
        if f.sheet and f.row is not None:
            cells.add((f.sheet, int(f.row)))
    located = "_row" in frame and "_sheet" in frame
    keys = (pd.Series(list(zip(frame["_sheet"], frame["_row"])), index=frame.index)
            if located and by_field else None)
    for name, (ids, cells) in by_field.items():
        rows = frame["patient_id"].isin(ids)
        if keys is not None and cells:
            exact = rows & keys.isin(cells)
            located_ids = set(frame.loc[exact, "patient_id"])
            rows = exact | (rows & ~frame["patient_id"].isin(located_ids))
        if rows.any():
            frame.loc[rows, name] = pd.NA if str(frame[name].dtype) in (
                "boolean", "Float64", "Int64", "string") else np.nan
    return frame


def masked_cells(raw: pd.DataFrame, masked: pd.DataFrame,
                 findings: Iterable[Finding]) -> dict[tuple[str, str], str]:
    """(patient_id, field) -> "Patients row 17" for every cell of ``raw`` that masking
    emptied, located by the error finding that emptied it (so an exclusion can name it)."""
    emptied: dict[tuple[str, str], str] = {}
    ids = raw["patient_id"].astype(str).to_numpy()
    for name in raw.columns:
        if name in ("patient_id", "_sheet", "_row") or name not in masked:
            continue
        gone = (raw[name].notna() & masked[name].isna()).to_numpy()
        for pid in ids[gone]:
            emptied[(pid, name)] = ""
    for f in findings:
        key = (f.patient_id, f.field)
        if f.severity == ERROR and key in emptied and not emptied[key] and f.sheet:
            emptied[key] = f"{f.sheet} row {f.row}" if f.row is not None else f.sheet
    return {k: v or "masked by validation" for k, v in emptied.items()}


# ---- Table 1: patient and tumour ----------------------------------------------------


def age_at_diagnosis(p: pd.DataFrame) -> pd.Series:
    """Age in years: the recorded field, else whole years from birth to diagnosis."""
    recorded = _num(p["age_at_diagnosis"])
    birth, dx = _dates(p["birth_date"]), _dates(p["diagnosis_date"])
    years = dx.dt.year - birth.dt.year
    before_birthday = (dx.dt.month < birth.dt.month) | (
        (dx.dt.month == birth.dt.month) & (dx.dt.day < birth.dt.day))
    computed = years - before_birthday.astype(float)
    computed[birth.isna() | dx.isna()] = np.nan
    return recorded.fillna(computed).astype(float)


def age_group(age: pd.Series) -> pd.Series:
    return _bands(age, [50], ["<50", ">=50"])


def ecog_group(ecog: pd.Series) -> pd.Series:
    return _bands(ecog, [2], ["0-1", "2+"])


def menopausal_status(p: pd.DataFrame, age: pd.Series) -> pd.Series:
    """Recorded status; when blank, postmenopausal if bilateral ovariectomy or age ≥ 60,
    premenopausal if younger without ovariectomy, NaN when age is unknown too."""
    recorded = p["menopausal_status"].map({"premenopausal": "Premenopausal",
                                           "postmenopausal": "Postmenopausal"})
    ovx = _bool(p["bilateral_ovariectomy"]).fillna(False).astype(bool)
    derived = _obj(p.index)
    derived[age < 60] = "Premenopausal"
    derived[(age >= 60) | ovx] = "Postmenopausal"
    return recorded.where(recorded.notna(), derived)


def affected_breast(laterality: pd.Series) -> pd.Series:
    return laterality.map({"left": "Left", "right": "Right"})


def histological_type(code: pd.Series) -> pd.Series:
    return code.map({"idc": "IDC", "ilc": "Non-IDC", "mixed": "Non-IDC", "other": "Non-IDC"})


def histological_grade(code: pd.Series) -> pd.Series:
    return code.astype("object").map({"1": "I/II", "2": "I/II", "3": "III"})


def er_percent_group(er: pd.Series) -> pd.Series:
    return _bands(er, [10, 50], ["<10%", "10-49%", ">=50%"])


def pr_percent_group(pr: pd.Series) -> pd.Series:
    return _bands(pr, [20], ["<20%", ">=20%"])


def ki67_group(ki67: pd.Series) -> pd.Series:
    ki67 = _num(ki67)
    out = _obj(ki67.index)
    out[ki67 <= 30] = "<=30%"
    out[ki67 > 30] = ">30%"
    return out


def t_stage(code: pd.Series) -> pd.Series:
    return code.where(code.isin(["T1", "T2", "T3", "T4", "Tx"]))


def n_stage(code: pd.Series) -> pd.Series:
    return code.where(code.isin(["N0", "N1", "N2", "N3", "Nx"]))


def axillary_nodes(n: pd.Series) -> pd.Series:
    """Clinical axillary lymph nodes, "Positive" (N1–N3) or "Negative" (N0), from the derived
    N stage, so the Cox models' "positive axillary nodes" cannot disagree with Table 1's N
    stage; Nx (not assessable) and unknown stay missing."""
    out = _obj(n.index)
    out[(n == "N0").fillna(False).to_numpy(dtype=bool)] = "Negative"
    out[n.isin(["N1", "N2", "N3"]).to_numpy(dtype=bool)] = "Positive"
    return out


def hr_status(calls: ReceptorCalls) -> pd.Series:
    """"HR+/HER2+" / "HR-/HER2+" from the primary's ER/PR; only for HER2+ patients."""
    hr, pos = calls.hr_positive, calls.her2_positive
    out = _obj(hr.index)
    out[(hr.fillna(False) & pos).astype(bool)] = HR_POS
    out[((~hr).fillna(False) & pos).astype(bool)] = HR_NEG
    return out


def er_pr_subgroup(calls: ReceptorCalls) -> pd.Series:
    """ER+/PR+, ER+/PR-, ER-/PR+ or ER-/PR- of the primary; missing when either is unknown."""
    er, pr = calls.er_positive, calls.pr_positive
    out = _obj(er.index)
    known = (er.notna() & pr.notna()).to_numpy()
    pairs = ((True, True), (True, False), (False, True), (False, False))
    for (e, r), label in zip(pairs, ER_PR_GROUPS):
        out[known & (er == e).fillna(False).to_numpy() & (pr == r).fillna(False).to_numpy()] = label
    return out


# ---- metastatic disease ----------------------------------------------------------------


def mbc(p: pd.DataFrame, settings: StudySettings) -> pd.Series:
    """Metastatic breast cancer by the cutoff: M1 at diagnosis or a distant metastasis date."""
    met = _dates(p["distant_metastasis_date"])
    has_date = met.notna() & (met <= pd.Timestamp(settings.cutoff))
    return ((p["m_stage"] == "M1") | has_date).astype("boolean")


def de_novo(p: pd.DataFrame, settings: StudySettings) -> pd.Series:
    """De novo MBC: M1 at diagnosis, or metastasis confirmed within
    ``settings.de_novo_window_days`` days of the diagnosis date."""
    days = (_dates(p["distant_metastasis_date"]) - _dates(p["diagnosis_date"])).dt.days
    within = (days <= settings.de_novo_window_days).fillna(False).astype(bool)
    return ((p["m_stage"] == "M1") | within).astype("boolean")


def mbc_type(is_mbc: pd.Series, is_de_novo: pd.Series) -> pd.Series:
    out = _obj(is_mbc.index)
    out[(is_mbc == True) & (is_de_novo == True)] = "De novo"  # noqa: E712
    out[(is_mbc == True) & (is_de_novo == False)] = "Recurrent"  # noqa: E712
    return out


def tnm_stage(is_de_novo: pd.Series) -> pd.Series:
    """I-III, or IV for de novo metastatic disease."""
    return is_de_novo.map({True: "IV", False: "I-III"}).astype("object")


SITES = cb.MET_SITES
VISCERAL = ("lung", "liver", "brain_cns")


def metastatic_site(p: pd.DataFrame, site: str, is_mbc: pd.Series, first: bool = False) -> pd.Series:
    """Yes/No for one site (or first site) among MBC patients; NaN otherwise."""
    col = ("first_met_" if first else "met_") + site
    return yes_no(_bool(p[col]).where(is_mbc == True))  # noqa: E712


def metastasis_at_site(site_yes_no: pd.Series, is_mbc: pd.Series) -> pd.Series:
    """Yes/No for every patient: metastasis to the site by the cutoff (the Cox models'
    "liver metastasis", "brain/CNS metastasis"). Patients without MBC are "No"; an MBC
    patient whose site is unrecorded stays missing. Built from ``site_<site>`` (Table 3's
    cell), so both read the same CRF cell one way."""
    out = site_yes_no.astype("object").copy()
    out[(is_mbc == False).fillna(False).to_numpy(dtype=bool)] = NO  # noqa: E712
    return out


def her2_heterogeneity_seen(heterogeneity: pd.Series) -> pd.Series:
    """Yes when HER2 heterogeneity was shown (≥ 2 HER2 assays that disagree), No for every
    other patient, including those with a single assay: the covariate a Cox model over all
    patients can use (``her2_heterogeneity`` itself is missing with fewer than two assays)."""
    out = pd.Series(NO, index=heterogeneity.index, dtype="object")
    out[(heterogeneity == True).fillna(False).to_numpy(dtype=bool)] = YES  # noqa: E712
    return out


def visceral_site_count(p: pd.DataFrame, is_mbc: pd.Series) -> pd.Series:
    """Number of visceral sites ("0".."3"; 3 = three or more) among MBC patients: lung,
    liver, brain/CNS and other-visceral (blank other-visceral counts as no)."""
    parts = [_bool(p["met_" + s]) for s in VISCERAL]
    known = pd.concat(parts, axis=1).notna().all(axis=1)
    other_visc = _bool(p["met_other_visceral"]).fillna(False)
    n = sum(part.fillna(False).astype(int) for part in parts) + other_visc.astype(int)
    out = n.clip(upper=3).astype(int).astype(str).astype("object")
    return out.where(known & (is_mbc == True))  # noqa: E712


def site_visceral(count: pd.Series) -> pd.Series:
    out = _obj(count.index)
    out[count.notna() & (count != "0")] = YES
    out[count == "0"] = NO
    return out


def first_site_visceral(p: pd.DataFrame, is_mbc: pd.Series) -> pd.Series:
    parts = pd.concat([_bool(p["first_met_" + s]) for s in VISCERAL], axis=1)
    anyv = parts.fillna(False).any(axis=1).astype("boolean")
    anyv[parts.isna().all(axis=1)] = pd.NA
    return yes_no(anyv.where(is_mbc == True))  # noqa: E712


# ---- Table 2: early treatment ---------------------------------------------------------


def surgery(code: pd.Series) -> pd.Series:
    return code.map({"mastectomy": "Radical mastectomy", "bcs": "BCS and other",
                     "other": "BCS and other", "none": "No surgery"})


def neoadjuvant_therapy(p: pd.DataFrame) -> pd.Series:
    """The neoadjuvant field; when blank, Yes if any neoadjuvant drug is recorded."""
    flag = _bool(p["neoadjuvant_therapy"])
    drugs = pd.concat([_bool(p[c]) for c in ("neoadjuvant_chemotherapy", "neoadjuvant_trastuzumab",
                                                 "neoadjuvant_pertuzumab")], axis=1)
    any_drug = drugs.fillna(False).any(axis=1)
    return flag.where(flag.notna(), any_drug.where(any_drug, pd.NA)).astype("boolean")


def neoadjuvant_her2_targeted(p: pd.DataFrame, neo: pd.Series) -> pd.Series:
    targeted = (_bool(p["neoadjuvant_trastuzumab"]).fillna(False)
                | _bool(p["neoadjuvant_pertuzumab"]).fillna(False))
    out = (neo.fillna(False) & targeted).astype("boolean")
    out[neo.isna()] = pd.NA
    return out


def neoadjuvant_regimen(p: pd.DataFrame, neo: pd.Series) -> pd.Series:
    """chemotherapy only / trastuzumab + chemotherapy / trastuzumab + pertuzumab +
    chemotherapy, for neoadjuvant patients (pertuzumab counts as the dual regimen)."""
    t = _bool(p["neoadjuvant_trastuzumab"]).fillna(False).astype(bool)
    pz = _bool(p["neoadjuvant_pertuzumab"]).fillna(False).astype(bool)
    out = _obj(p.index)
    out[:] = NEO_CT
    out[t] = NEO_T
    out[pz] = NEO_TP
    return out.where(neo == True)  # noqa: E712


def miller_payne_grade(p: pd.DataFrame, neo: pd.Series) -> pd.Series:
    grade = _num(p["miller_payne_grade"]).where(neo == True)  # noqa: E712
    return grade.astype("Int64")


def pcr(grade: pd.Series, ypn_positive: pd.Series) -> pd.Series:
    """pCR: Miller–Payne grade 5 and not ypN+ (grade 5 with ypN missing counts as pCR)."""
    ypn = _bool(ypn_positive).fillna(False).astype(bool)
    out = ((grade == 5).fillna(False) & ~ypn).astype("boolean")
    out[grade.isna()] = pd.NA
    return out


ADJUVANT = ("adjuvant_radiotherapy", "adjuvant_chemotherapy", "adjuvant_her2_targeted",
            "adjuvant_endocrine")


def adjuvant_therapy(p: pd.DataFrame) -> pd.Series:
    """Any adjuvant therapy: Yes if any is Yes, No if all four are No, else missing."""
    parts = pd.concat([_bool(p[c]) for c in ADJUVANT], axis=1)
    anyy = parts.fillna(False).any(axis=1)
    out = anyy.astype("boolean")
    out[~anyy & parts.isna().any(axis=1)] = pd.NA
    return out


# ---- Table 4: first line ----------------------------------------------------------------

HER2_AGENTS = {
    "trastuzumab": ("trastuzumab", "herceptin", "曲妥珠单抗", "赫赛汀", "h"),
    "pertuzumab": ("pertuzumab", "perjeta", "帕妥珠单抗", "帕捷特", "p"),
    "lapatinib": ("lapatinib", "tykerb", "拉帕替尼"),
    "neratinib": ("neratinib", "nerlynx", "来那替尼", "奈拉替尼"),
    "tucatinib": ("tucatinib", "图卡替尼"),
    "pyrotinib": ("pyrotinib", "吡咯替尼", "艾瑞妮"),
}
_SPLIT = re.compile(r"\s*(?:\+|,|/|，|、|;|；|&|＋|\band\b|和)\s*", re.IGNORECASE)


def her2_agents(text) -> tuple[str, ...]:
    """Distinct HER2 agents named in a free-text cell, canonical English names in order.
    Unrecognised words are kept (lower-cased) so that they still count as an agent."""
    if text is None or (isinstance(text, float) and np.isnan(text)) or text is pd.NA:
        return ()
    found: list[str] = []
    for token in _SPLIT.split(str(text).strip()):
        token = token.strip().lower()
        if not token or token in ("none", "no", "无", "-"):
            continue
        name = next((canon for canon, words in HER2_AGENTS.items()
                     if token in words or any(len(w) > 2 and w in token for w in words)), token)
        if name not in found:
            found.append(name)
    return tuple(found)


def her2_agent_count(texts: pd.Series) -> pd.Series:
    """Number of distinct HER2 agents per cell (0 when blank); each distinct text parsed once."""
    table = {t: len(her2_agents(t)) for t in texts.dropna().unique()}
    return texts.map(table).fillna(0).astype(int)


def first_line_class(p: pd.DataFrame, is_mbc: pd.Series) -> pd.Series:
    """Table 4 class from HER2 agents, chemotherapy and endocrine (DOMAIN's order).
    HER2 + chemotherapy with any endocrine is the '-> endocrine' class; a first line
    with all three fields blank is unknown (NaN)."""
    her2 = her2_agent_count(p["first_line_her2_agents"]) > 0
    chemo_raw = _bool(p["first_line_chemotherapy"])
    endo_raw = p["first_line_endocrine"]
    chemo = chemo_raw.fillna(False).astype(bool)
    endo = endo_raw.isin(["concurrent", "maintenance"])
    out = _obj(p.index)
    table = [
        (her2 & chemo & endo, FL_CLASSES[0]), (her2 & chemo & ~endo, FL_CLASSES[1]),
        (her2 & ~chemo & endo, FL_CLASSES[2]), (~her2 & chemo & endo, FL_CLASSES[3]),
        (~her2 & chemo & ~endo, FL_CLASSES[4]), (her2 & ~chemo & ~endo, FL_CLASSES[5]),
        (~her2 & ~chemo & endo, FL_CLASSES[6]), (~her2 & ~chemo & ~endo, FL_CLASSES[7]),
    ]
    for mask, label in table:
        out[mask] = label
    blank = ~her2 & chemo_raw.isna() & endo_raw.isna()
    return out.where(~blank & (is_mbc == True))  # noqa: E712


def first_line_targets(p: pd.DataFrame, is_mbc: pd.Series) -> pd.Series:
    n = her2_agent_count(p["first_line_her2_agents"])
    out = _obj(p.index)
    out[n == 1] = "single-target"
    out[n >= 2] = "dual-target"
    return out.where(is_mbc == True)  # noqa: E712


def first_line_subclass(cls: pd.Series, targets: pd.Series) -> pd.Series:
    """Table 4 sub-rows, e.g. 'dual-target + chemotherapy -> endocrine'."""
    out = _obj(cls.index)
    has = cls.notna() & targets.notna() & cls.astype(str).str.startswith("HER2-targeted +")
    out[has] = targets[has] + cls[has].str.replace("HER2-targeted", "", n=1)
    return out


def first_line_endocrine_any(p: pd.DataFrame, cls: pd.Series) -> pd.Series:
    """Fig 7 grouping: any endocrine therapy in first line (Yes) vs none (No), MBC only."""
    with_et = cls.isin([FL_CLASSES[0], FL_CLASSES[2], FL_CLASSES[3], FL_CLASSES[6]])
    return yes_no(with_et.astype("boolean").where(cls.notna()))


def sequential_endocrine(cls: pd.Series) -> pd.Series:
    """Fig 8 grouping: HER2 + chemotherapy → endocrine (Yes) vs HER2 + chemotherapy (No)."""
    out = _obj(cls.index)
    out[cls == FL_CLASSES[0]] = YES
    out[cls == FL_CLASSES[1]] = NO
    return out


# ---- survival -------------------------------------------------------------------------------


def time_to_event(origin: pd.Series, event_date: pd.Series, last_followup: pd.Series,
                  settings: StudySettings) -> tuple[pd.Series, pd.Series]:
    """(months, event) from origin to an event, censored at min(last follow-up, cutoff).
    An event after the cutoff is censored at the cutoff (the patient was event-free
    then, whatever the last follow-up says). NaN when the origin or the end is
    missing, or the end falls before the origin."""
    cutoff = pd.Timestamp(settings.cutoff)
    origin, event_date = _dates(origin), _dates(event_date)
    censor = _dates(last_followup).clip(upper=cutoff)
    censor[event_date > cutoff] = cutoff
    event = event_date.notna() & (event_date <= cutoff)
    end = event_date.where(event, censor)
    months = months_between(origin, end)
    months[months < 0] = np.nan
    ev = event.astype("boolean")
    ev[months.isna()] = pd.NA
    return months, ev


def _earliest(p: pd.DataFrame, cols: Sequence[str]) -> pd.Series:
    return pd.concat([_dates(p[c]) for c in cols], axis=1).min(axis=1)


def _death_date(p: pd.DataFrame) -> pd.Series:
    return _dates(p["death_date"]).where(p["vital_status"] == "dead")


def _death_date_unknown(p: pd.DataFrame) -> pd.Series:
    """Dead, but the date is missing (or was masked): every endpoint with death is unknown."""
    return ((p["vital_status"] == "dead") & _dates(p["death_date"]).isna()).astype(bool)


def _unknown_if_death_undated(p, months, event):
    bad = _death_date_unknown(p)
    months, event = months.copy(), event.copy()
    months[bad] = np.nan
    event[bad] = pd.NA
    return months, event


def operated(p: pd.DataFrame) -> pd.Series:
    return (p["surgery_type"].notna() & (p["surgery_type"] != "none")).astype(bool)


def overall_survival(p: pd.DataFrame, settings: StudySettings):
    """OS from surgery to death; patients without surgery from diagnosis
    (returns months, event, origin label)."""
    op = operated(p)
    origin = _dates(p["surgery_date"]).where(op, _dates(p["diagnosis_date"]))
    months, event = time_to_event(origin, _death_date(p), p["last_followup_date"], settings)
    months, event = _unknown_if_death_undated(p, months, event)
    label = pd.Series(np.where(op, "surgery", "diagnosis"), index=p.index, dtype="object")
    return months, event, label


DFS_EVENTS = ("locoregional_recurrence_date", "contralateral_breast_cancer_date",
              "second_malignancy_date", "distant_metastasis_date")


def dfs_population(p: pd.DataFrame, is_de_novo: pd.Series) -> pd.Series:
    """Patients with surgery and without de novo MBC."""
    return (operated(p) & (is_de_novo != True)).astype(bool)  # noqa: E712


def disease_free_survival(p: pd.DataFrame, in_population: pd.Series, settings: StudySettings):
    """DFS from surgery to the first of locoregional recurrence, contralateral breast
    cancer, second malignancy, distant recurrence, death; NaN outside the population."""
    first_event = pd.concat([_earliest(p, DFS_EVENTS), _death_date(p)], axis=1).min(axis=1)
    months, event = time_to_event(p["surgery_date"], first_event, p["last_followup_date"], settings)
    months, event = _unknown_if_death_undated(p, months, event)
    return months.where(in_population), event.where(in_population)


def advanced_os(p: pd.DataFrame, is_mbc: pd.Series, is_de_novo: pd.Series,
                settings: StudySettings):
    """Advanced-OS: metastatic diagnosis (diagnosis date for de novo) → death; MBC only."""
    origin = _dates(p["diagnosis_date"]).where(is_de_novo == True,  # noqa: E712
                                               _dates(p["distant_metastasis_date"]))
    months, event = time_to_event(origin, _death_date(p), p["last_followup_date"], settings)
    months, event = _unknown_if_death_undated(p, months, event)
    keep = is_mbc == True  # noqa: E712
    return months.where(keep), event.where(keep)


def progression_free_survival(p: pd.DataFrame, is_mbc: pd.Series, settings: StudySettings):
    """PFS: first-line start → progression or death; MBC patients with a start date."""
    first_event = pd.concat([_dates(p["progression_date"]), _death_date(p)], axis=1).min(axis=1)
    months, event = time_to_event(p["first_line_start_date"], first_event,
                                  p["last_followup_date"], settings)
    months, event = _unknown_if_death_undated(p, months, event)
    keep = (is_mbc == True)  # noqa: E712
    return months.where(keep), event.where(keep)


def followup_months(p: pd.DataFrame, settings: StudySettings) -> pd.Series:
    """Observed follow-up: diagnosis → death (if dead) or last follow-up, capped at the cutoff."""
    end = _death_date(p).fillna(_dates(p["last_followup_date"]))
    end[_death_date_unknown(p)] = pd.NaT
    end = end.clip(upper=pd.Timestamp(settings.cutoff))
    months = months_between(p["diagnosis_date"], end)
    return months.where(months >= 0)


# ---- receptors at metastasis -------------------------------------------------------------


def first_rebiopsy(p: pd.DataFrame, calls: ReceptorCalls) -> pd.DataFrame:
    """The first rebiopsy (by date, then file order) per patient, aligned to ``p``."""
    calls = calls.rebiopsies.drop_duplicates("patient_id")
    for f in cb.fields_of("rebiopsy"):
        if f.name not in calls:
            calls[f.name] = np.nan
    return calls.set_index("patient_id").reindex(p["patient_id"]).set_index(p.index)


def _conversion(primary_pos: pd.Series, met_pos: pd.Series, assessable: pd.Series) -> pd.Series:
    out = _obj(primary_pos.index)
    known = primary_pos.notna() & met_pos.notna() & assessable
    out[known & (primary_pos == met_pos)] = "concordant"
    out[known & (primary_pos == True) & (met_pos == False)] = "pos->neg"  # noqa: E712
    out[known & (primary_pos == False) & (met_pos == True)] = "neg->pos"  # noqa: E712
    return out


def receptor_conversion_assessable(first: pd.DataFrame) -> pd.Series:
    """The first rebiopsy has ER, PR and a HER2 result (positive or negative)."""
    return (_num(first["rebiopsy_er_percent"]).notna() & _num(first["rebiopsy_pr_percent"]).notna()
            & first["her2_call"].isin([POSITIVE, NEGATIVE])).astype(bool)


def receptor_conversions(first: pd.DataFrame, calls: ReceptorCalls) -> dict[str, pd.Series]:
    """ER, PR and HER2 conversion primary → first rebiopsy, for assessable patients."""
    ok = receptor_conversion_assessable(first)
    return {
        "er_conversion": _conversion(calls.er_positive,
                                     receptor_positive(first["rebiopsy_er_percent"]), ok),
        "pr_conversion": _conversion(calls.pr_positive,
                                     receptor_positive(first["rebiopsy_pr_percent"]), ok),
        "her2_conversion": _conversion(call_to_bool(calls.primary_her2),
                                       call_to_bool(first["her2_call"]), ok),
    }


def her2_heterogeneity(p: pd.DataFrame, receptors: ReceptorCalls) -> pd.Series:
    """≥ 2 HER2 assays (primary and rebiopsies, positive/negative calls) that disagree;
    NaN with fewer than two assays."""
    primary = pd.DataFrame({"patient_id": p["patient_id"].to_numpy(),
                            "her2_call": receptors.primary_her2.to_numpy()})
    calls = pd.concat([primary, receptors.rebiopsies[["patient_id", "her2_call"]]])
    calls = calls[calls["her2_call"].isin([POSITIVE, NEGATIVE])]
    grouped = calls.groupby("patient_id")["her2_call"]
    n = grouped.size()
    disagree = grouped.nunique() > 1
    out = pd.Series(pd.NA, index=p.index, dtype="boolean")
    n_p = p["patient_id"].map(n).fillna(0)
    het = p["patient_id"].map(disagree)
    out[n_p >= 2] = het[n_p >= 2].astype(bool)
    return out


# ---- the whole cohort ---------------------------------------------------------------------


def _patient_frame(crf: CRFData) -> pd.DataFrame:
    frame = crf.patients()
    for f in cb.FIELDS:
        if f.form != "rebiopsy" and f.name not in frame:
            frame[f.name] = np.nan
    return frame


def derive_cohort(crf: CRFData, settings: StudySettings | None = None,
                  findings: Iterable[Finding] | None = None) -> pd.DataFrame:
    """One row per admitted patient with eligibility and every derived column."""
    settings = settings or StudySettings()
    findings = list(findings or [])
    raw = _patient_frame(crf)
    p = mask_error_cells(raw, findings)
    reb = mask_error_cells(crf.forms["rebiopsy"], findings)
    reb = reb[[f.name for f in cb.fields_of("rebiopsy")]].dropna(subset=["patient_id"])
    calls = receptor_calls(p, reb, settings)
    elig = apply_eligibility(p, reb, settings, receptors=calls,
                             masked_cells=masked_cells(raw, p, findings))

    out = pd.DataFrame({"patient_id": p["patient_id"].to_numpy()}, index=p.index)
    reason = p["patient_id"].map(elig.reason)
    out["eligible"] = reason.isna().to_numpy()
    out["exclusion_reason"] = reason.astype("object")
    out["exclusion_fields"] = p["patient_id"].map(elig.fields).to_numpy()

    age = age_at_diagnosis(p)
    out["age_at_diagnosis"] = age
    out["age_group"] = age_group(age)
    out["ecog_ps"] = ecog_group(p["ecog_ps"])
    out["menopausal_status"] = menopausal_status(p, age)
    out["affected_breast"] = affected_breast(p["laterality"])
    out["family_history"] = yes_no(_bool(p["family_history"]))
    out["histological_type"] = histological_type(p["histological_type"])
    out["histological_grade"] = histological_grade(p["histological_grade"])
    out["her2_positive"] = calls.her2_positive
    out["her2_status"] = calls.her2_label
    out["er_percent_group"] = er_percent_group(p["er_percent"])
    out["pr_percent_group"] = pr_percent_group(p["pr_percent"])
    out["ki67_group"] = ki67_group(p["ki67_percent"])
    out["t_stage"] = t_stage(p["t_stage"])
    out["n_stage"] = n_stage(p["n_stage"])
    out["axillary_nodes"] = axillary_nodes(out["n_stage"])
    is_mbc, is_dn = mbc(p, settings), de_novo(p, settings)
    out["tnm_stage"] = tnm_stage(is_dn)
    out["followup_months"] = followup_months(p, settings)
    out["hr_status"] = hr_status(calls)
    out["er_pr_subgroup"] = er_pr_subgroup(calls)

    out["surgery"] = surgery(p["surgery_type"])
    neo = neoadjuvant_therapy(p)
    out["neoadjuvant_therapy"] = yes_no(neo)
    out["neoadjuvant_her2_targeted"] = yes_no(neoadjuvant_her2_targeted(p, neo))
    out["adjuvant_therapy"] = yes_no(adjuvant_therapy(p))
    for col in ADJUVANT:
        out[col] = yes_no(_bool(p[col]))
    out["neoadjuvant_regimen"] = neoadjuvant_regimen(p, neo)
    grade = miller_payne_grade(p, neo)
    out["miller_payne_grade"] = grade
    out["pcr"] = pcr(grade, p["ypn_positive"])

    out["mbc"] = is_mbc
    out["de_novo"] = is_dn.where(is_mbc == True)  # noqa: E712
    out["mbc_type"] = mbc_type(is_mbc, is_dn)
    for site in SITES:
        out["site_" + site] = metastatic_site(p, site, is_mbc)
    for site in SITES:
        out["metastasis_" + site] = metastasis_at_site(out["site_" + site], is_mbc)
    count = visceral_site_count(p, is_mbc)
    out["site_visceral"] = site_visceral(count)
    out["visceral_site_count"] = count
    for site in SITES:
        out["first_site_" + site] = metastatic_site(p, site, is_mbc, first=True)
    out["first_site_visceral"] = first_site_visceral(p, is_mbc)

    cls = first_line_class(p, is_mbc)
    out["first_line_class"] = cls
    out["first_line_targets"] = first_line_targets(p, is_mbc)
    out["first_line_subclass"] = first_line_subclass(cls, out["first_line_targets"])
    out["first_line_endocrine_any"] = first_line_endocrine_any(p, cls)
    out["sequential_endocrine"] = sequential_endocrine(cls)

    out["os_months"], out["os_event"], out["os_origin"] = overall_survival(p, settings)
    in_dfs = dfs_population(p, is_dn)
    out["dfs_population"] = in_dfs
    out["dfs_months"], out["dfs_event"] = disease_free_survival(p, in_dfs, settings)
    out["advanced_os_months"], out["advanced_os_event"] = advanced_os(p, is_mbc, is_dn, settings)
    out["pfs_months"], out["pfs_event"] = progression_free_survival(p, is_mbc, settings)

    first = first_rebiopsy(p, calls)
    out["receptor_conversion_assessable"] = receptor_conversion_assessable(first)
    for col, values in receptor_conversions(first, calls).items():
        out[col] = values
    out["her2_heterogeneity"] = her2_heterogeneity(p, calls)
    out["her2_heterogeneity_seen"] = her2_heterogeneity_seen(out["her2_heterogeneity"])
    out = conform(out.reset_index(drop=True))
    check_schema(out)
    return out
