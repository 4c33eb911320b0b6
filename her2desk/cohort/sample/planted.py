"""Planted data errors: what validation must find in the sample, and the record of them.

The generator plants a handful of errors and returns one :class:`PlantedError` per
error — patient, form, field, the validation rule that must fire, and whether the
patient is eligible. That record is the only source of truth for tests about planted
errors; nothing keeps a copy of the IDs by hand.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ...crf import codebook as cb


@dataclass(frozen=True)
class PlantedError:
    """One planted error: the cell validation must flag, and whose patient it is in."""
    patient_id: str
    form: str
    field: str
    rule: str                  # the validation rule that must fire on that cell
    eligible: bool             # the patient is eligible (the error's masking touches analyses)
    note: str = ""

    @property
    def sheet(self) -> str:
        """The sheet of the CRF template the cell is on."""
        return cb.FORMS[self.form]

    def as_dict(self) -> dict[str, object]:
        return dict(asdict(self), sheet=self.sheet)


def plant_errors(rng, forms: dict[str, pd.DataFrame], excluded_ids: dict[str, list[str]],
                 eligible_ids: list[str]) -> list[PlantedError]:
    """Data errors validation must find.

    Most sit in excluded patients (or a duplicated row), so no eligibility decision
    depends on them. Two sit in eligible patients, in cells no eligibility rule and no
    published count reads: once validation masks them, one patient's DFS and another's
    PFS run to a later event, and every count of the paper still holds.
    """
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
    planted.append(PlantedError(p, "outcomes", "death_date", "date_order", False,
                                "death date before the surgery date"))
    p = pids[1]
    pat.loc[p, "er_percent"] = 150.0
    planted.append(PlantedError(p, "patients", "er_percent", "out_of_range", False, "ER 150 %"))
    p = pids[2]
    pat.loc[p, "sex"] = "X"
    planted.append(PlantedError(p, "patients", "sex", "bad_code", False, "sex is not a code"))
    p = pids[3]
    pat.loc[p, "age_at_diagnosis"] = 130.0
    planted.append(PlantedError(p, "patients", "age_at_diagnosis", "out_of_range", False, "age 130"))
    p = pids[4]
    out.loc[p, "met_bone"] = True
    planted.append(PlantedError(p, "outcomes", "distant_metastasis_date", "metastasis_date_missing",
                                False, "bone metastasis without a metastasis date"))
    p = pids[5]
    fl_row = pd.DataFrame([dict(patient_id=p, first_line_start_date=tr.loc[p, "surgery_date"]
                                + pd.Timedelta(days=60), first_line_her2_agents="trastuzumab",
                                first_line_chemotherapy=True, first_line_endocrine="none")])
    forms["first_line"] = pd.concat([forms["first_line"], fl_row], ignore_index=True)
    planted.append(PlantedError(p, "first_line", "first_line_start_date", "first_line_without_mbc",
                                False, "first-line treatment without metastatic disease"))
    p = pids[6]
    out.loc[p, "last_followup_date"] = pd.Timestamp("2023-02-14")
    planted.append(PlantedError(p, "outcomes", "last_followup_date", "after_cutoff", False,
                                "follow-up after the data cutoff"))
    p = pids[7]
    dup = tr.loc[[p]].copy()
    dup["adjuvant_chemotherapy"] = ~dup["adjuvant_chemotherapy"].astype(bool)
    planted.append(PlantedError(p, "treatment", "patient_id", "duplicate_patient", False,
                                "a second Treatment row for the same patient"))
    p = excluded_ids["cause_of_death_unknown"][0]
    out.loc[p, "cause_of_death"] = None
    planted.append(PlantedError(p, "outcomes", "cause_of_death", "cause_of_death_missing",
                                False, "death without a cause (the patient is excluded anyway)"))

    planted += _plant_in_eligible(rng, forms, out, eligible_ids)

    forms["patients"] = pat.reset_index(drop=True)
    forms["outcomes"] = out.reset_index(drop=True)
    tr = tr.reset_index(drop=True)
    pos = int(np.flatnonzero(tr["patient_id"].to_numpy() == p_dup(planted))[0])
    forms["treatment"] = pd.concat([tr.iloc[: pos + 1], dup.reset_index(drop=True),
                                    tr.iloc[pos + 1:]], ignore_index=True)
    forms["first_line"] = forms["first_line"].sort_values("patient_id", kind="stable",
                                                          ignore_index=True)
    return planted


def _year_earlier(d: pd.Timestamp) -> pd.Timestamp:
    """The same day a year earlier: the typing slip behind many impossible date orders."""
    return pd.Timestamp(year=d.year - 1, month=d.month, day=min(d.day, 28))


def _plant_in_eligible(rng, forms: dict[str, pd.DataFrame], out: pd.DataFrame,
                       eligible_ids: list[str]) -> list[PlantedError]:
    """Errors in eligible patients whose masking keeps every published count.

    - A locoregional recurrence dated in the year before the diagnosis, in a patient
      whose distant recurrence came later: masked, her DFS runs to the distant
      recurrence; she stays a DFS event and every count holds.
    - A progression dated a year too early, before first-line treatment started, in a
      patient who died: masked, her PFS runs to her death; she stays a PFS event.
    Neither field is read by eligibility, Tables 1–4, neoadjuvant response, conversion or
    any count of deaths, metastatic patients or the DFS population.
    """
    dx = forms["patients"].set_index("patient_id")["diagnosis_date"]
    o = out.loc[out.index.isin(pd.Index(eligible_ids))]
    pool = o.index[o["locoregional_recurrence_date"].notna()
                   & o["distant_metastasis_date"].notna()]
    p = str(rng.choice(sorted(pool)))
    lrr = out.loc[p, "locoregional_recurrence_date"]
    out.loc[p, "locoregional_recurrence_date"] = pd.Timestamp(
        year=dx[p].year - 1, month=lrr.month, day=min(lrr.day, 28))
    planted = [PlantedError(p, "outcomes", "locoregional_recurrence_date", "date_order", True,
                            "locoregional recurrence dated the year before the diagnosis")]

    fl = forms["first_line"]
    dead = set(o.index[o["vital_status"] == "dead"]) - {p}
    start, prog = fl["first_line_start_date"], fl["progression_date"]
    early = prog.map(lambda d: _year_earlier(d) if pd.notna(d) else pd.NaT)
    ok = (fl["patient_id"].isin(dead) & prog.notna() & (early < start)
          & (early > fl["patient_id"].map(dx)))
    pos = int(rng.choice(np.flatnonzero(ok.to_numpy())))
    fl.loc[pos, "progression_date"] = early.iloc[pos]
    planted.append(PlantedError(str(fl.loc[pos, "patient_id"]), "first_line", "progression_date",
                                "date_order", True,
                                "progression a year before first-line treatment started"))
    return planted


def p_dup(planted: list[PlantedError]) -> str:
    return next(e.patient_id for e in planted if e.rule == "duplicate_patient")
