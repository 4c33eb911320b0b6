"""Who is in the study: the paper's inclusion/exclusion criteria as ordered, named rules.

Each rule is a small frozen :class:`Rule` with a key, the plain-English label the
flowchart shows, and a predicate that marks the patients it *excludes*. Rules
are applied in the paper's order and a patient is charged to the **first** rule
she fails, so every excluded patient has exactly one reason and the flowchart
adds up: admitted = Σ excluded + eligible, eligible = HR+/HER2+ + HR−/HER2+.

Receptor calls (HER2 status, ER/PR) come from :mod:`her2desk.cohort.receptors`, the
one place they are made. Eligibility is decided on the data **after** validation
masked its error cells (:func:`her2desk.cohort.derive.mask_error_cells`): a cell
validation calls an error is missing here exactly as it is in every derived
variable, so an ER of 150 % makes the patient "ER and/or PR status unknown" instead
of an eligible patient in neither HR group. Each exclusion names the field(s) that
decided it (``EligibilityResult.fields``), and a masked cell by sheet and row.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from .receptors import POSITIVE, NEGATIVE, UNKNOWN, ReceptorCalls, receptor_calls
from .schema import HR_NEG, HR_POS
from .settings import StudySettings
from ..i18n import N_

#: Explains one rule: for each field, the patients for whom that field decided it.
Explain = Callable[[pd.DataFrame, StudySettings], "dict[str, pd.Series]"]


# ---- the rules ---------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """One exclusion criterion; ``excludes`` returns True for the patients it removes and
    ``explain`` says, per field, for whom that field decided it (the fields an excluded
    patient's record names)."""
    key: str
    label: str
    excludes: Callable[[pd.DataFrame, StudySettings], pd.Series]
    explain: Explain


def _date(d) -> pd.Timestamp:
    return pd.Timestamp(d)


def _flag(mask: pd.Series) -> pd.Series:
    """A comparison's result as a plain boolean mask; missing counts as False."""
    return mask.astype("boolean").fillna(False).astype(bool)


def _outside_window(p: pd.DataFrame, s: StudySettings) -> pd.Series:
    """Admitted before or after the window; a missing admission date is 'incomplete' instead."""
    adm = pd.to_datetime(p["admission_date"])
    return _flag((adm < _date(s.enrol_from)) | (adm > _date(s.enrol_to)))


def _male(p: pd.DataFrame, s: StudySettings) -> pd.Series:
    return _flag(p["sex"] == "male")


def _her2_not_positive(p: pd.DataFrame, s: StudySettings) -> pd.Series:
    return p["_her2"] != POSITIVE


def _her2_fields(p: pd.DataFrame, s: StudySettings) -> dict[str, pd.Series]:
    """HER2 IHC names a negative or untested primary; the FISH ratio an IHC 2+ without it."""
    no_fish = _flag(p["her2_ihc"] == "2+") & p["her2_fish_ratio"].isna()
    return {"her2_ihc": ~no_fish, "her2_fish_ratio": no_fish}


def _er_pr_unknown(p: pd.DataFrame, s: StudySettings) -> pd.Series:
    return p["er_percent"].isna() | p["pr_percent"].isna()


def _second_primary(p: pd.DataFrame, s: StudySettings) -> pd.Series:
    return _flag(p["second_primary_tumor"])


def _bilateral(p: pd.DataFrame, s: StudySettings) -> pd.Series:
    return _flag(p["laterality"] == "bilateral")


#: Fields every eligible patient must have ("Incomplete clinical information" otherwise).
REQUIRED_FIELDS = ("sex", "admission_date", "diagnosis_date", "surgery_type",
                   "last_followup_date", "vital_status")


def _incomplete_fields(p: pd.DataFrame, s: StudySettings) -> dict[str, pd.Series]:
    """Missing sex, admission or diagnosis date, surgery type, last follow-up or vital status;
    an operation without its date; a death without its date."""
    out = {name: p[name].isna().to_numpy() for name in REQUIRED_FIELDS}
    operated = _flag(p["surgery_type"].notna() & (p["surgery_type"] != "none"))
    out["surgery_date"] = (operated & p["surgery_date"].isna()).to_numpy()
    out["death_date"] = (_flag(p["vital_status"] == "dead") & p["death_date"].isna()).to_numpy()
    return {k: pd.Series(v, index=p.index) for k, v in out.items()}


def _incomplete(p: pd.DataFrame, s: StudySettings) -> pd.Series:
    return pd.concat(_incomplete_fields(p, s), axis=1).any(axis=1)


def _cause_of_death_unknown(p: pd.DataFrame, s: StudySettings) -> pd.Series:
    dead = p["vital_status"] == "dead"
    unknown = p["cause_of_death"].isna() | (p["cause_of_death"] == "unknown")
    return _flag(dead & unknown)


def _missing(*names: str) -> Explain:
    """The named fields that are blank (or were masked)."""
    return lambda p, s: {n: p[n].isna() for n in names}


def _always(*names: str) -> Explain:
    """The named fields, for every patient the rule excludes."""
    return lambda p, s: {n: pd.Series(True, index=p.index) for n in names}


RULES: tuple[Rule, ...] = (
    Rule("outside_window", N_("Admitted outside the enrolment window"), _outside_window,
         _always("admission_date")),
    Rule("male", N_("Male"), _male, _always("sex")),
    Rule("her2_not_positive", N_("HER2-negative or HER2 status unknown"), _her2_not_positive,
         _her2_fields),
    Rule("er_pr_unknown", N_("ER and/or PR status unknown"), _er_pr_unknown,
         _missing("er_percent", "pr_percent")),
    Rule("second_primary", N_("Second primary tumour"), _second_primary,
         _always("second_primary_tumor")),
    Rule("bilateral", N_("Bilateral breast cancer"), _bilateral, _always("laterality")),
    Rule("incomplete", N_("Incomplete clinical information"), _incomplete, _incomplete_fields),
    Rule("cause_of_death_unknown", N_("Missing or unknown cause of death"), _cause_of_death_unknown,
         _always("cause_of_death")),
)
RULE_BY_KEY: dict[str, Rule] = {r.key: r for r in RULES}

ELIGIBILITY_FIELDS = ("patient_id", "sex", "admission_date", "diagnosis_date", "her2_ihc", "her2_fish_ratio",
           "er_percent", "pr_percent", "second_primary_tumor", "laterality", "surgery_type",
           "surgery_date", "last_followup_date", "vital_status", "death_date", "cause_of_death")

#: (patient_id, field) -> where validation found the error that masked that cell, e.g.
#: "Patients row 17"; a field so masked is named with its cell.
CellNames = "dict[tuple[str, str], str]"


@dataclass(frozen=True)
class EligibilityResult:
    """Per-patient first failing rule, the fields behind it, and the flowchart counts.

    ``reason`` is indexed by patient_id: the key of the first rule the patient
    fails, or None when eligible. ``fields`` (same index) is a tuple of the fields
    that decided that rule — ``"er_percent (Patients row 17)"`` when validation
    masked the cell — empty for eligible patients. ``her2`` is the patient-level HER2
    status and ``hr_positive`` the primary tumour's HR status (nullable boolean).
    """
    reason: pd.Series
    her2: pd.Series
    hr_positive: pd.Series
    fields: pd.Series
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
            (HR_POS, int(_flag(hr).sum())),
            (HR_NEG, int(_flag(~hr).sum())),
        ])

    def her2_breakdown(self) -> "OrderedDict[str, int]":
        """Patients excluded as HER2 not positive, split into negative and unknown."""
        mask = self.reason == "her2_not_positive"
        counts = self.her2[mask].value_counts()
        return OrderedDict((k, int(counts.get(k, 0))) for k in (NEGATIVE, UNKNOWN))


def _named(field: str, patient_id: str, cells: "dict[tuple[str, str], str]") -> str:
    where = cells.get((patient_id, field))
    return f"{field} ({where})" if where else field


def apply_eligibility(patients: pd.DataFrame, rebiopsies: pd.DataFrame | None,
                      settings: StudySettings | None = None, *,
                      receptors: ReceptorCalls | None = None,
                      masked_cells: "dict[tuple[str, str], str] | None" = None
                      ) -> EligibilityResult:
    """Apply :data:`RULES` in order; each patient is charged to the first rule she fails.

    ``patients`` should already have validation's error cells masked (``masked_cells``
    says where each was, so an exclusion can name it); ``receptors`` are the calls made
    from those same cells, computed here when not given.
    """
    settings = settings or StudySettings()
    cells = masked_cells or {}
    frame = patients.copy()
    for col in ELIGIBILITY_FIELDS:
        if col not in frame:
            frame[col] = np.nan
    frame = frame.reset_index(drop=True)
    if receptors is None:
        receptors = receptor_calls(frame, rebiopsies, settings)
    frame["_her2"] = receptors.her2.to_numpy()
    ids = frame["patient_id"].to_numpy()
    reason = pd.Series([None] * len(frame), index=ids, dtype="object")
    fields = pd.Series([()] * len(frame), index=ids, dtype="object")
    open_ = np.ones(len(frame), dtype=bool)
    for rule in RULES:
        hit = np.asarray(rule.excludes(frame, settings), dtype=bool) & open_
        where = np.flatnonzero(hit)
        if len(where):
            reason.iloc[where] = rule.key
            why = {name: np.asarray(mask, dtype=bool)
                   for name, mask in rule.explain(frame, settings).items()}
            fields.iloc[where] = [
                tuple(_named(name, str(ids[i]), cells) for name, mask in why.items() if mask[i])
                for i in where]
        open_ &= ~hit
    reason.index.name = fields.index.name = "patient_id"
    her2 = pd.Series(receptors.her2.to_numpy(), index=reason.index, name="her2")
    hr = pd.Series(receptors.hr_positive.to_numpy(), index=reason.index, dtype="boolean")
    return EligibilityResult(reason=reason, her2=her2, hr_positive=hr, fields=fields)
