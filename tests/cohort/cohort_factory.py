"""Tiny hand-made CRFs for the cohort tests: one dict per patient, any field overridable.

``typed_form`` / ``crf_from_forms`` build :class:`CRFData` straight from canonical form
tables, without an Excel round trip (the reader's own typing is tested in tests/crf).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from her2desk.crf import codebook as cb
from her2desk.crf.model import ERROR, ROW_COL, SHEET_COL, CRFData, Finding

BASE = dict(
    sex="female", admission_date="2015-03-01", birth_date="1965-06-15", age_at_diagnosis=49,
    diagnosis_date="2015-02-20", ecog_ps=0, menopausal_status="premenopausal",
    bilateral_ovariectomy=False, laterality="left", family_history=False, histological_type="idc",
    histological_grade="2", her2_ihc="3+", her2_fish_ratio=None, er_percent=80, pr_percent=30,
    ki67_percent=20, t_stage="T2", n_stage="N1", m_stage="M0", second_primary_tumor=False,
    surgery_type="mastectomy", surgery_date="2015-03-10", neoadjuvant_therapy=False,
    neoadjuvant_chemotherapy=False, neoadjuvant_trastuzumab=False, neoadjuvant_pertuzumab=False,
    adjuvant_chemotherapy=True, adjuvant_radiotherapy=False, adjuvant_her2_targeted=True,
    adjuvant_endocrine=True, last_followup_date="2020-03-10", vital_status="alive",
)


def patient(pid: str, **fields) -> dict:
    row = dict(BASE, patient_id=pid)
    row.update(fields)
    return row


def make_crf(patients: list[dict], rebiopsies: list[dict] | None = None):
    forms = {}
    for form in cb.ONE_ROW_FORMS:
        names = [f.name for f in cb.fields_of(form)]
        forms[form] = pd.DataFrame([{k: p.get(k) for k in names} for p in patients])
    forms["rebiopsy"] = pd.DataFrame(rebiopsies or [],
                                     columns=[f.name for f in cb.fields_of("rebiopsy")])
    return crf_from_forms(forms)


def typed_form(form: str, frame: pd.DataFrame | None,
               problems: list[Finding] | None = None) -> pd.DataFrame:
    """A form table with every codebook column, typed as the reader types them.

    A value of a coded field that is not one of its codes becomes missing and,
    when ``problems`` is given, a "bad_code" finding, as the reader reports it.
    """
    frame = pd.DataFrame() if frame is None else frame.reset_index(drop=True)
    out = pd.DataFrame(index=frame.index)
    for f in cb.fields_of(form):
        col = frame[f.name] if f.name in frame else pd.Series([None] * len(frame), index=frame.index)
        if f.type == cb.DATE:
            out[f.name] = pd.to_datetime(col, errors="coerce")
        elif f.type in (cb.NUMBER, cb.PERCENT, cb.INTEGER):
            out[f.name] = pd.to_numeric(col, errors="coerce").astype(float)
        elif f.type == cb.YESNO:
            out[f.name] = col.astype("boolean")
        else:
            values = col.astype("object").where(col.notna(), np.nan)
            if f.type == cb.CODE:
                codes = {c.code for c in f.codes}
                bad = values.notna() & ~values.astype(str).isin(codes)
                for pos in np.flatnonzero(bad.to_numpy()):
                    if problems is not None:
                        pid = frame["patient_id"].iloc[pos] if "patient_id" in frame else ""
                        problems.append(Finding(
                            ERROR, str(pid), cb.FORMS[form], int(pos) + 2, f.header,
                            str(values.iloc[pos]), f"{f.label} '{values.iloc[pos]}' is not one of "
                            "the allowed values.", field=f.name, rule="bad_code"))
                values = values.where(~bad, np.nan)
            out[f.name] = values
    out[SHEET_COL] = cb.FORMS[form]
    out[ROW_COL] = np.arange(len(out)) + 2
    return out


def crf_from_forms(forms: dict[str, pd.DataFrame]) -> CRFData:
    """Build :class:`CRFData` straight from canonical form tables (no Excel round trip)."""
    problems: list[Finding] = []
    typed = {form: typed_form(form, forms.get(form), problems) for form in cb.FORMS}
    raw = {form: (forms[form].astype(str) if form in forms else t.astype(str))
           for form, t in typed.items()}
    headers = {form: {f.name: f.header for f in cb.fields_of(form)} for form in cb.FORMS}
    return CRFData(forms=typed, raw=raw, headers=headers, layout="template", problems=problems)
