"""Tiny hand-made CRFs for the cohort tests: one dict per patient, any field overridable."""
from __future__ import annotations

import pandas as pd

from her2desk.crf import codebook as cb
from her2desk.cohort.sample import crf_from_forms

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
