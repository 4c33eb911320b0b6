"""Planted data errors: what validation must find in the sample, and the record of them.

The generator plants a handful of errors and returns one :class:`PlantedError` per
error — patient, form, field, the validation rule that must fire, and whether the
patient is eligible. That record is the only source of truth for tests about planted
errors; nothing keeps a copy of the IDs by hand.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

@dataclass(frozen=True)
class PlantedError:
    patient_id: str
    form: str
    field: str
    rule: str
    note: str = ""


def plant_errors(rng, forms: dict[str, pd.DataFrame], excluded_ids: dict[str, list[str]]
                  ) -> list[PlantedError]:
    """Data errors validation must find; all in excluded patients (or a duplicated row),
    so no eligibility decision or table count depends on them."""
    pat = forms["patients"].set_index("patient_id", drop=False)
    tr = forms["treatment"].set_index("patient_id", drop=False)
    out = forms["outcomes"].set_index("patient_id", drop=False)
    her2neg = [pid for pid in excluded_ids["her2_negative"]
               if pd.isna(out.loc[pid, "distant_metastasis_date"]) and out.loc[pid, "vital_status"] == "alive"
               and tr.loc[pid, "surgery_type"] != "none"]
    pids = [str(x) for x in rng.choice(her2neg, 8, replace=False)]
    planted = []

    p = pids[0]                                   # death before surgery
    out.loc[p, "vital_status"] = "dead"
    out.loc[p, "cause_of_death"] = "breast_cancer"
    out.loc[p, "death_date"] = tr.loc[p, "surgery_date"] - pd.Timedelta(days=400)
    planted.append(PlantedError(p, "outcomes", "death_date", "date_order",
                                "death date before the surgery date"))
    p = pids[1]
    pat.loc[p, "er_percent"] = 150.0
    planted.append(PlantedError(p, "patients", "er_percent", "out_of_range", "ER 150 %"))
    p = pids[2]
    pat.loc[p, "sex"] = "X"
    planted.append(PlantedError(p, "patients", "sex", "bad_code", "sex is not a code"))
    p = pids[3]
    pat.loc[p, "age_at_diagnosis"] = 130.0
    planted.append(PlantedError(p, "patients", "age_at_diagnosis", "out_of_range", "age 130"))
    p = pids[4]
    out.loc[p, "met_bone"] = True
    planted.append(PlantedError(p, "outcomes", "distant_metastasis_date", "metastasis_date_missing",
                                "bone metastasis without a metastasis date"))
    p = pids[5]
    fl_row = pd.DataFrame([dict(patient_id=p, first_line_start_date=tr.loc[p, "surgery_date"]
                                + pd.Timedelta(days=60), first_line_her2_agents="trastuzumab",
                                first_line_chemotherapy=True, first_line_endocrine="none")])
    forms["first_line"] = pd.concat([forms["first_line"], fl_row], ignore_index=True)
    planted.append(PlantedError(p, "first_line", "first_line_start_date", "first_line_without_mbc",
                                "first-line treatment without metastatic disease"))
    p = pids[6]
    out.loc[p, "last_followup_date"] = pd.Timestamp("2023-02-14")
    planted.append(PlantedError(p, "outcomes", "last_followup_date", "after_cutoff",
                                "follow-up after the data cutoff"))
    p = pids[7]
    dup = tr.loc[[p]].copy()
    dup["adjuvant_chemotherapy"] = ~dup["adjuvant_chemotherapy"].astype(bool)
    planted.append(PlantedError(p, "treatment", "patient_id", "duplicate_patient",
                                "a second Treatment row for the same patient"))
    p = excluded_ids["cause_of_death_unknown"][0]
    out.loc[p, "cause_of_death"] = None
    planted.append(PlantedError(p, "outcomes", "cause_of_death", "cause_of_death_missing",
                                "death without a cause (the patient is excluded anyway)"))

    forms["patients"] = pat.reset_index(drop=True)
    forms["outcomes"] = out.reset_index(drop=True)
    tr = tr.reset_index(drop=True)
    pos = int(np.flatnonzero(tr["patient_id"].to_numpy() == p_dup(planted))[0])
    forms["treatment"] = pd.concat([tr.iloc[: pos + 1], dup.reset_index(drop=True),
                                    tr.iloc[pos + 1:]], ignore_index=True)
    forms["first_line"] = forms["first_line"].sort_values("patient_id", kind="stable",
                                                          ignore_index=True)
    return planted


def p_dup(planted: list[PlantedError]) -> str:
    return next(e.patient_id for e in planted if e.rule == "duplicate_patient")
