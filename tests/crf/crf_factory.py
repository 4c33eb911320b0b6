"""Build small ``CRFData`` objects directly, without the reader.

``make_crf(patients=[{...}], outcomes=[{...}])`` gives every form all its
codebook columns typed as the model promises (dates datetime64, numbers float,
codes canonical strings, yes/no pandas boolean), ``_sheet``/``_row`` (data
start on Excel row 2 unless ``rows`` says otherwise), ``raw`` text cells and
``headers`` (the template headers, or overrides).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from her2desk.crf import codebook as cb
from her2desk.crf.model import ROW_COL, SHEET_COL, CRFData


def _raw_text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (dt.date, pd.Timestamp)):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def typed_column(fld: cb.Field, values: list) -> pd.Series:
    if fld.type == cb.DATE:
        return pd.to_datetime(pd.Series(values, dtype=object), errors="coerce")
    if fld.type in (cb.INTEGER, cb.NUMBER, cb.PERCENT):
        return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype(float)
    if fld.type == cb.YESNO:
        return pd.Series(pd.array([None if v is None else bool(v) for v in values],
                                  dtype="boolean"))
    return pd.Series([None if v is None else str(v) for v in values], dtype=object)


def make_form(form: str, records: list[dict], rows: list[int] | None = None,
              raw: list[dict] | None = None, sheet: str | None = None
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    fields = cb.fields_of(form)
    sheet = sheet or cb.FORMS[form]
    rows = rows or list(range(2, 2 + len(records)))
    typed, text = {}, {}
    for fld in fields:
        values = [rec.get(fld.name) for rec in records]
        typed[fld.name] = typed_column(fld, values).reset_index(drop=True)
        text[fld.name] = [_raw_text(v) for v in values]
    frame = pd.DataFrame(typed, index=range(len(records)))
    raw_frame = pd.DataFrame(text, index=range(len(records)), dtype=object)
    for i, override in enumerate(raw or []):
        for name, value in override.items():
            raw_frame.loc[i, name] = value
    for table in (frame, raw_frame):
        table[SHEET_COL] = sheet
        table[ROW_COL] = rows
    return frame, raw_frame


def make_crf(*, patients=(), treatment=(), outcomes=(), first_line=(), rebiopsy=(),
             rows: dict[str, list[int]] | None = None, raw: dict[str, list[dict]] | None = None,
             headers: dict[str, dict[str, str]] | None = None, problems=()) -> CRFData:
    given = dict(patients=patients, treatment=treatment, outcomes=outcomes,
                 first_line=first_line, rebiopsy=rebiopsy)
    forms, raws, heads = {}, {}, {}
    for form in cb.FORMS:
        forms[form], raws[form] = make_form(form, list(given[form]), (rows or {}).get(form),
                                            (raw or {}).get(form))
        heads[form] = {f.name: f.header for f in cb.fields_of(form)}
        heads[form].update((headers or {}).get(form, {}))
    return CRFData(forms=forms, raw=raws, headers=heads, layout="template",
                   problems=list(problems))


def clean_patient(pid: str = "P001", **changes) -> dict[str, dict]:
    """A complete, consistent non-metastatic patient: records for each one-row form."""
    records = {
        "patients": dict(patient_id=pid, sex="female", admission_date="2016-01-02",
                         birth_date="1960-05-01", age_at_diagnosis=55,
                         diagnosis_date="2016-01-05", ecog_ps=0, laterality="left",
                         her2_ihc="3+", er_percent=80.0, pr_percent=20.0, ki67_percent=30.0,
                         t_stage="T2", n_stage="N1", m_stage="M0"),
        "treatment": dict(patient_id=pid, surgery_type="mastectomy", surgery_date="2016-02-10",
                          neoadjuvant_therapy=False),
        "outcomes": dict(patient_id=pid, last_followup_date="2020-06-30", vital_status="alive"),
    }
    for key, value in changes.items():
        form = cb.field(key).form if key != "patient_id" else "patients"
        for rec_form, rec in records.items():
            if rec_form == form:
                rec[key] = value
    return records
