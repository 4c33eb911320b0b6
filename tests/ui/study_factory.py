"""A small synthetic study workbook for the window tests (written through the real template)."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from her2desk.crf import codebook as cb
from her2desk.crf.template import write_crf_workbook

from tests.cohort.cohort_factory import BASE, typed_form  # BASE: one healthy patient


def patients(n: int = 60, seed: int = 7) -> list[dict]:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        dx = date(2013, 1, 1) + timedelta(days=int(rng.integers(0, 2500)))
        hr_pos = i % 2 == 0
        follow = dx + timedelta(days=int(rng.integers(200, 3000)))
        dead = rng.random() < (0.25 if hr_pos else 0.45)
        neo = rng.random() < 0.6
        row = dict(BASE, patient_id=f"P{i + 1:03d}", diagnosis_date=dx.isoformat(),
                   admission_date=(dx + timedelta(days=5)).isoformat(),
                   surgery_date=(dx + timedelta(days=(160 if neo else 12))).isoformat(),
                   er_percent=float(rng.integers(10, 95)) if hr_pos else 0.0,
                   pr_percent=float(rng.integers(0, 60)) if hr_pos else 0.0,
                   age_at_diagnosis=int(rng.integers(30, 75)),
                   last_followup_date=follow.isoformat(),
                   vital_status="dead" if dead else "alive",
                   death_date=follow.isoformat() if dead else None,
                   cause_of_death="breast_cancer" if dead else None,
                   neoadjuvant_therapy=neo, neoadjuvant_chemotherapy=neo,
                   neoadjuvant_trastuzumab=neo and i % 3 != 0,
                   neoadjuvant_pertuzumab=neo and i % 3 == 1,
                   miller_payne_grade=str(int(rng.integers(1, 6))) if neo else None,
                   ypn_positive=bool(rng.random() < 0.3) if neo else None)
        rows.append(row)
    rows[3]["her2_ihc"] = "1+"              # not HER2-positive: excluded
    rows[5]["diagnosis_date"] = "2030-01-01"  # a date in the future: an error finding
    return rows


def _typed(form: str, records: list[dict]) -> pd.DataFrame:
    """Rows of canonical values typed exactly as the reader types them."""
    return typed_form(form, pd.DataFrame.from_records(records) if records else None)


def write_study(path: Path, n: int = 60) -> Path:
    rows = patients(n)
    forms = {form: _typed(form, rows) for form in cb.ONE_ROW_FORMS}
    forms["rebiopsy"] = _typed("rebiopsy", [])
    write_crf_workbook(path, forms)
    return path
