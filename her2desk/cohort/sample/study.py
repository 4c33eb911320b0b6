"""The whole sample study: both HR groups, the excluded patients, IDs, forms, planted errors.

:func:`generate_study` runs every step from one seeded generator, in a fixed order, so
the same forms (and the same record of planted errors) come out on every run.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from ...crf import codebook as cb
from .eligible import eligible_group
from .excluded import excluded_patients
from .planted import PlantedError, plant_errors
from .rows import eligible_rows, excluded_rows
from .survival import anchor_dates
from .targets import ENROL_FROM, ENROL_TO, EXCLUSIONS, GROUPS, SEED

def _admissions(rng, dx: pd.Series, met: pd.Series, end: pd.Series) -> pd.Series:
    """Admission inside the enrolment window: at diagnosis, or (for a diagnosis before the
    window) at the first metastasis, or else at a later follow-up visit."""
    out = []
    for d, m, e in zip(dx, met, end):
        if d - pd.Timedelta(days=7) >= ENROL_FROM:
            a = d - pd.Timedelta(days=int(rng.integers(0, 8)))
        elif pd.notna(m) and ENROL_FROM <= m <= ENROL_TO:
            a = m - pd.Timedelta(days=int(rng.integers(0, 5)))
            a = max(a, ENROL_FROM)
        else:
            hi = min(e, ENROL_FROM + pd.Timedelta(days=900))
            a = ENROL_FROM + pd.Timedelta(days=int(rng.integers(0, max((hi - ENROL_FROM).days, 1))))
        out.append(min(a, ENROL_TO))
    return pd.Series(out, index=dx.index)


def _patient_ids(rng, admission: pd.Series) -> pd.Series:
    """Hospital-style study numbers: XJ<admission year>-<sequence within the year>."""
    frame = pd.DataFrame({"a": admission.to_numpy(), "t": rng.random(len(admission))})
    order = frame.sort_values(["a", "t"], kind="stable").index
    years = frame.loc[order, "a"].dt.year.to_numpy()
    seq = pd.Series(years).groupby(years).cumcount().to_numpy() + 1
    ids = pd.Series(index=frame.index, dtype=object)
    ids[order] = [f"XJ{y}-{k:04d}" for y, k in zip(years, seq)]
    return pd.Series(ids.to_numpy(), index=admission.index)


def _form_table(form: str, parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    cols = [f.name for f in cb.fields_of(form)]
    frame = pd.concat([p for p in parts if len(p)], ignore_index=True)
    for c in cols:
        if c not in frame:
            frame[c] = None
    frame = frame[cols]
    return frame.sort_values("patient_id", kind="stable", ignore_index=True)


def generate_study(seed: int = SEED) -> tuple[dict[str, pd.DataFrame], list[PlantedError]]:
    """The sample study's forms and the list of errors planted in them."""
    rng = np.random.default_rng(seed)
    elig = pd.concat([eligible_group(rng, spec) for spec in GROUPS], ignore_index=True)
    anchor_dates(rng, elig)
    excl = excluded_patients(rng)
    elig_met = elig["dx"] + pd.to_timedelta(elig["m_day"].round(), unit="D")
    elig_end = elig["dx"] + pd.to_timedelta(elig["end_day"].round(), unit="D")
    elig["admission"] = _admissions(rng, elig["dx"], elig_met, elig_end)
    excl["admission"] = (excl["dx"] - pd.to_timedelta(rng.integers(0, 8, len(excl)), unit="D")
                         ).clip(lower=ENROL_FROM)
    ids = _patient_ids(rng, pd.concat([elig["admission"], excl["admission"]], ignore_index=True))
    elig["patient_id"] = ids.iloc[: len(elig)].to_numpy()
    excl["patient_id"] = ids.iloc[len(elig):].to_numpy()

    e_rows = eligible_rows(rng, elig)
    x_rows = excluded_rows(rng, excl)
    for rows, src in ((e_rows, elig), (x_rows, excl)):
        for form, frame in rows.items():
            if form != "rebiopsy":
                frame.insert(0, "patient_id", src.loc[frame.index, "patient_id"].to_numpy())
        rows["patients"].insert(2, "admission_date", src["admission"].to_numpy())
    forms = {form: _form_table(form, [e_rows.get(form, pd.DataFrame()),
                                      x_rows.get(form, pd.DataFrame())]) for form in cb.FORMS}
    forms["rebiopsy"] = forms["rebiopsy"].sort_values(["patient_id", "rebiopsy_date"],
                                                      kind="stable", ignore_index=True)
    excluded_ids = {r: sorted(excl.loc[excl["reason"] == r, "patient_id"]) for r in EXCLUSIONS}
    planted = plant_errors(rng, forms, excluded_ids, sorted(elig["patient_id"]))
    return forms, planted


def generate_forms(seed: int = SEED) -> dict[str, pd.DataFrame]:
    """The sample study's CRF forms (canonical typed values, codebook columns)."""
    return generate_study(seed)[0]
