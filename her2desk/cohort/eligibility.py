"""Who is in the study: the paper's inclusion/exclusion criteria as ordered, named rules.

Each rule is a small frozen :class:`Rule` with a key, the plain-English label the
flowchart shows, and a predicate that marks the patients it *excludes*. Rules
are applied in the paper's order and a patient is charged to the **first** rule
she fails, so every excluded patient has exactly one reason and the flowchart
adds up: admitted = Σ excluded + eligible, eligible = HR+/HER2+ + HR−/HER2+.

HER2 status (``her2_call``): IHC 3+ is positive; IHC 2+ is positive when the
FISH HER2/CEP17 ratio is ≥ ``settings.fish_threshold``, negative below it and
*unknown* without FISH; IHC 0/1+ is negative. A patient is HER2-positive when
the primary tumour **or any biopsy of metastatic tissue** is positive. That is
what the paper must have done: its Table S7 reports 13 % HER2 negative→positive
conversion among eligible patients, which is only possible if a HER2-negative
primary with a HER2-positive metastasis counts as HER2-positive. When nothing
is positive and the primary is IHC 2+ without FISH (or has no IHC at all), the
status is unknown; otherwise negative. Both are excluded by one rule.

Eligibility looks at the data as entered (the reader has already turned
unparseable cells into missing ones); cells flagged by validation are masked
later, in :mod:`her2desk.cohort.derive`, so that an impossible date makes an
analysis incomplete instead of silently moving a patient out of the study.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from .settings import StudySettings

POSITIVE, NEGATIVE, UNKNOWN = "positive", "negative", "unknown"
HR_POS_LABEL, HR_NEG_LABEL = "HR+/HER2+", "HR-/HER2+"
RECEPTOR_POSITIVE_PERCENT = 1.0  # ER/PR positive: ≥ 1 % of tumour cells stained


# ---- receptor calls ---------------------------------------------------------

def receptor_positive(percent: pd.Series) -> pd.Series:
    """ER or PR positive (≥ 1 % nuclear staining) as a nullable boolean; missing stays missing."""
    values = pd.to_numeric(percent, errors="coerce")
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    known = values.notna()
    out[known] = values[known] >= RECEPTOR_POSITIVE_PERCENT
    return out


def hr_positive(er_percent: pd.Series, pr_percent: pd.Series) -> pd.Series:
    """HR+ = ER+ or PR+; HR− = both negative; missing when either is unknown."""
    er, pr = receptor_positive(er_percent), receptor_positive(pr_percent)
    out = (er | pr).astype("boolean")
    out[er.isna() | pr.isna()] = pd.NA
    return out


def her2_call(ihc: pd.Series, fish_ratio: pd.Series, threshold: float) -> pd.Series:
    """HER2 status of one assay: 'positive' / 'negative' / 'unknown', NaN when no IHC.

    IHC 3+ → positive; 2+ → positive if FISH ratio ≥ threshold, negative if below,
    unknown without FISH; 0 or 1+ → negative. The ratio is compared at 6 decimals, so a
    ratio computed in Excel (``=6.6/3`` is 2.1999999999999997) is 2.2, on the threshold.
    """
    ihc = ihc.astype("object")
    fish = pd.to_numeric(fish_ratio, errors="coerce").round(6)
    threshold = round(float(threshold), 6)
    out = pd.Series(np.nan, index=ihc.index, dtype="object")
    out[ihc.isin(["0", "1+"])] = NEGATIVE
    out[ihc == "3+"] = POSITIVE
    two = ihc == "2+"
    out[two & fish.isna()] = UNKNOWN
    out[two & (fish >= threshold)] = POSITIVE
    out[two & (fish < threshold)] = NEGATIVE
    return out


def rebiopsy_her2_calls(rebiopsies: pd.DataFrame, settings: StudySettings) -> pd.DataFrame:
    """Rebiopsy rows in date order (then file order) with a ``her2_call`` column."""
    cols = ["patient_id", "rebiopsy_date", "rebiopsy_her2_ihc", "rebiopsy_her2_fish_ratio"]
    frame = pd.DataFrame(columns=cols) if rebiopsies is None else rebiopsies.copy()
    for col in cols:
        if col not in frame:
            frame[col] = np.nan
    frame["_order"] = np.arange(len(frame))
    if len(frame):
        frame = frame.sort_values(["patient_id", "rebiopsy_date", "_order"], na_position="last",
                                  kind="mergesort")
    frame["her2_call"] = her2_call(frame["rebiopsy_her2_ihc"], frame["rebiopsy_her2_fish_ratio"],
                                   settings.fish_threshold)
    return frame


def patient_her2_status(patients: pd.DataFrame, rebiopsies: pd.DataFrame,
                        settings: StudySettings) -> pd.Series:
    """Patient-level HER2 status: positive in the primary or any rebiopsy → 'positive';
    else 'unknown' when the primary is unknown or untested; else 'negative'."""
    primary = her2_call(patients["her2_ihc"], patients["her2_fish_ratio"], settings.fish_threshold)
    reb = rebiopsy_her2_calls(rebiopsies, settings)
    positive_ids = set(reb.loc[reb["her2_call"] == POSITIVE, "patient_id"])
    status = primary.copy()
    status[primary.isna()] = UNKNOWN
    status[patients["patient_id"].isin(positive_ids).to_numpy()] = POSITIVE
    return status


# ---- the rules ---------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """One exclusion criterion; ``excludes`` returns True for the patients it removes."""
    key: str
    label: str
    excludes: Callable[[pd.DataFrame, StudySettings], pd.Series]


def _date(d) -> pd.Timestamp:
    return pd.Timestamp(d)


def _outside_window(p: pd.DataFrame, s: StudySettings) -> pd.Series:
    """Admitted before or after the window; a missing admission date is 'incomplete' instead."""
    adm = pd.to_datetime(p["admission_date"])
    outside = (adm < _date(s.enrol_from)) | (adm > _date(s.enrol_to))
    return outside.fillna(False).astype(bool)


def _male(p: pd.DataFrame, s: StudySettings) -> pd.Series:
    return (p["sex"] == "male").fillna(False).astype(bool)


def _her2_not_positive(p: pd.DataFrame, s: StudySettings) -> pd.Series:
    return p["_her2"] != POSITIVE


def _er_pr_unknown(p: pd.DataFrame, s: StudySettings) -> pd.Series:
    er = pd.to_numeric(p["er_percent"], errors="coerce")
    pr = pd.to_numeric(p["pr_percent"], errors="coerce")
    return er.isna() | pr.isna()


def _yes(series: pd.Series) -> pd.Series:
    return series.astype("boolean").fillna(False).astype(bool)


def _second_primary(p: pd.DataFrame, s: StudySettings) -> pd.Series:
    return _yes(p["second_primary_tumor"])


def _bilateral(p: pd.DataFrame, s: StudySettings) -> pd.Series:
    return (p["laterality"] == "bilateral").fillna(False).astype(bool)


def _incomplete(p: pd.DataFrame, s: StudySettings) -> pd.Series:
    """Missing sex, admission or diagnosis date, surgery type, last follow-up or vital status;
    an operation without its date; a death without its date."""
    missing = (p["sex"].isna() | p["admission_date"].isna() | p["diagnosis_date"].isna()
               | p["surgery_type"].isna()
               | p["last_followup_date"].isna() | p["vital_status"].isna())
    operated = p["surgery_type"].notna() & (p["surgery_type"] != "none")
    no_surgery_date = operated & p["surgery_date"].isna()
    no_death_date = (p["vital_status"] == "dead") & p["death_date"].isna()
    return (missing | no_surgery_date | no_death_date).fillna(True).astype(bool)


def _cause_of_death_unknown(p: pd.DataFrame, s: StudySettings) -> pd.Series:
    dead = p["vital_status"] == "dead"
    unknown = p["cause_of_death"].isna() | (p["cause_of_death"] == "unknown")
    return (dead & unknown).fillna(False).astype(bool)


RULES: tuple[Rule, ...] = (
    Rule("outside_window", "Admitted outside the enrolment window", _outside_window),
    Rule("male", "Male", _male),
    Rule("her2_not_positive", "HER2-negative or HER2 status unknown", _her2_not_positive),
    Rule("er_pr_unknown", "ER and/or PR status unknown", _er_pr_unknown),
    Rule("second_primary", "Second primary tumour", _second_primary),
    Rule("bilateral", "Bilateral breast cancer", _bilateral),
    Rule("incomplete", "Incomplete clinical information", _incomplete),
    Rule("cause_of_death_unknown", "Missing or unknown cause of death", _cause_of_death_unknown),
)
RULE_BY_KEY: dict[str, Rule] = {r.key: r for r in RULES}

_NEEDED = ("patient_id", "sex", "admission_date", "diagnosis_date", "her2_ihc", "her2_fish_ratio",
           "er_percent", "pr_percent", "second_primary_tumor", "laterality", "surgery_type",
           "surgery_date", "last_followup_date", "vital_status", "death_date", "cause_of_death")


@dataclass(frozen=True)
class EligibilityResult:
    """Per-patient first failing rule and the flowchart counts.

    ``reason`` is indexed by patient_id: the key of the first rule the patient
    fails, or None when eligible. ``her2`` is the patient-level HER2 status and
    ``hr_positive`` the primary tumour's HR status (nullable boolean).
    """
    reason: pd.Series
    her2: pd.Series
    hr_positive: pd.Series
    rules: tuple[Rule, ...] = RULES

    @property
    def eligible(self) -> pd.Series:
        return self.reason.isna()

    @property
    def eligible_ids(self) -> list[str]:
        return list(self.reason.index[self.reason.isna()])

    def excluded_counts(self) -> "OrderedDict[str, int]":
        """Excluded patients per rule key, in rule order (zeros kept)."""
        counts = self.reason.value_counts()
        return OrderedDict((r.key, int(counts.get(r.key, 0))) for r in self.rules)

    def flow(self) -> "OrderedDict[str, object]":
        """admitted → excluded (per rule label, ordered) → eligible → HR+/HER2+, HR−/HER2+."""
        elig = self.eligible
        hr = self.hr_positive[elig]
        excluded = OrderedDict((RULE_BY_KEY[k].label if k in RULE_BY_KEY else k, n)
                               for k, n in self.excluded_counts().items())
        return OrderedDict([
            ("admitted", int(len(self.reason))),
            ("excluded", excluded),
            ("excluded_total", int((~elig).sum())),
            ("eligible", int(elig.sum())),
            (HR_POS_LABEL, int((hr == True).sum())),  # noqa: E712 (nullable boolean)
            (HR_NEG_LABEL, int((hr == False).sum())),  # noqa: E712
        ])

    def her2_breakdown(self) -> "OrderedDict[str, int]":
        """Patients excluded as HER2 not positive, split into negative and unknown."""
        mask = self.reason == "her2_not_positive"
        counts = self.her2[mask].value_counts()
        return OrderedDict((k, int(counts.get(k, 0))) for k in (NEGATIVE, UNKNOWN))


def apply_eligibility(patients: pd.DataFrame, rebiopsies: pd.DataFrame | None,
                      settings: StudySettings | None = None) -> EligibilityResult:
    """Apply :data:`RULES` in order; each patient is charged to the first rule she fails."""
    settings = settings or StudySettings()
    frame = patients.copy()
    for col in _NEEDED:
        if col not in frame:
            frame[col] = np.nan
    frame = frame.reset_index(drop=True)
    reb = rebiopsies if rebiopsies is not None else pd.DataFrame(columns=["patient_id"])
    frame["_her2"] = patient_her2_status(frame, reb, settings).to_numpy()
    reason = pd.Series([None] * len(frame), index=frame["patient_id"].to_numpy(), dtype="object")
    open_ = np.ones(len(frame), dtype=bool)
    for rule in RULES:
        hit = np.asarray(rule.excludes(frame, settings), dtype=bool) & open_
        reason.iloc[np.flatnonzero(hit)] = rule.key
        open_ &= ~hit
    reason.index.name = "patient_id"
    her2 = pd.Series(frame["_her2"].to_numpy(), index=reason.index, name="her2")
    hr = hr_positive(frame["er_percent"], frame["pr_percent"])
    hr.index = reason.index
    return EligibilityResult(reason=reason, her2=her2, hr_positive=hr)
