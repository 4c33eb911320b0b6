"""The result of validating a CRF: findings, and the summaries the UI and exports show.

A :class:`ValidationReport` is a frozen tuple of :class:`~her2desk.crf.model.Finding`
objects (one cell each) with the counts a coordinator asks for: errors and warnings,
by rule, by patient. The checks that produce it live in :mod:`her2desk.crf.checks`;
the .xlsx export in :mod:`her2desk.crf.findings_xlsx`.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .model import ERROR, WARNING, Finding
from ..i18n import N_

#: Short description of every rule, for the summary sheet and the UI.
RULES: dict[str, str] = {
    "parse": N_("Cell could not be read"),
    # found while reading the workbook (crf.reader / crf.values)
    "bad_date": N_("Date that could not be read"),
    "bad_number": N_("Number that could not be read"),
    "bad_code": N_("Value not among the allowed choices"),
    "bad_yesno": N_("Yes/No value that could not be read"),
    "percent_range": N_("Percentage given as a range or bound"),
    "no_patient_id": N_("Sheet without a Patient ID column"),
    "duplicate_column": N_("Column appears twice"),
    "bad_mapping": N_("Saved column mapping names an unknown field"),
    "missing_patient_id": N_("Row without a Patient ID"),
    "duplicate_patient": N_("Patient ID repeated on a one-row sheet"),
    "unknown_patient": N_("Patient not on the Patients sheet"),
    "missing_form_row": N_("Patient missing from a sheet"),
    "required_column": N_("Required column missing from the file"),
    "required": N_("Required value blank"),
    "out_of_range": N_("Number outside the allowed range"),
    "date_order": N_("Dates in an impossible order"),
    "followup_order": N_("Event after the last follow-up"),
    "after_cutoff": N_("Date after the data cutoff"),
    "future_date": N_("Date in the future"),
    "age_mismatch": N_("Age does not match birth and diagnosis dates"),
    "her2_fish_missing": N_("HER2 IHC 2+ without a FISH ratio"),
    "death_date_missing": N_("Dead without a death date"),
    "vital_status_conflict": N_("Death date for a patient recorded alive"),
    "cause_of_death_missing": N_("Death without a cause"),
    "metastasis_date_missing": N_("Metastatic site without a metastasis date"),
    "first_site_conflict": N_("First metastatic site not among the sites"),
    "first_line_without_mbc": N_("First-line MBC data without metastatic disease"),
    "miller_payne_without_neoadjuvant": N_("Miller–Payne grade without neoadjuvant therapy"),
    "miller_payne_missing": N_("Neoadjuvant therapy without a Miller–Payne grade"),
    "ypn_missing": N_("Miller–Payne grade 5 with ypN blank"),
}

FINDING_COLUMNS = ("severity", "patient_id", "sheet", "row", "column", "value", "message",
                   "field", "rule")


@dataclass(frozen=True)
class ValidationReport:
    findings: tuple[Finding, ...] = ()

    def __len__(self) -> int:
        return len(self.findings)

    def __iter__(self):
        return iter(self.findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == WARNING)

    @property
    def n_errors(self) -> int:
        return sum(f.severity == ERROR for f in self.findings)

    @property
    def n_warnings(self) -> int:
        return sum(f.severity == WARNING for f in self.findings)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return self.n_errors == 0

    def counts(self) -> dict[str, int]:
        """{"error": n, "warning": n}."""
        return {ERROR: self.n_errors, WARNING: self.n_warnings}

    def counts_by_rule(self) -> pd.DataFrame:
        """rule, description, errors, warnings, total — one row per rule that fired."""
        frame = self.to_frame()
        if frame.empty:
            return pd.DataFrame(columns=["rule", "description", ERROR + "s", WARNING + "s",
                                         "total"])
        table = (pd.crosstab(frame["rule"], frame["severity"])
                 .reindex(columns=[ERROR, WARNING], fill_value=0))
        table.columns = [ERROR + "s", WARNING + "s"]
        table["total"] = table.sum(axis=1)
        table = table.reset_index()
        table.insert(1, "description", table["rule"].map(RULES).fillna(""))
        order = {rule: i for i, rule in enumerate(RULES)}
        table["_o"] = table["rule"].map(order).fillna(len(order))
        return (table.sort_values(["_o", "rule"]).drop(columns="_o")
                .reset_index(drop=True))

    def errors_by_patient(self) -> dict[str, set[str]]:
        """{patient_id: fields with an error} (findings without a patient ID left out)."""
        out: dict[str, set[str]] = {}
        for f in self.findings:
            if f.severity == ERROR and f.patient_id:
                out.setdefault(f.patient_id, set()).add(f.field)
        return out

    def to_frame(self) -> pd.DataFrame:
        columns = {c: [getattr(f, c) for f in self.findings] for c in FINDING_COLUMNS}
        frame = pd.DataFrame(columns, columns=list(FINDING_COLUMNS))
        frame["row"] = pd.array(frame["row"].tolist(), dtype="Int64")
        return frame

