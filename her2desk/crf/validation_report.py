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

#: Short description of every rule, for the summary sheet and the UI.
RULES: dict[str, str] = {
    "parse": "Cell could not be read",
    # found while reading the workbook (crf.reader / crf.values)
    "bad_date": "Date that could not be read",
    "bad_number": "Number that could not be read",
    "bad_code": "Value not among the allowed choices",
    "bad_yesno": "Yes/No value that could not be read",
    "percent_range": "Percentage given as a range or bound",
    "no_patient_id": "Sheet without a Patient ID column",
    "duplicate_column": "Column appears twice",
    "bad_mapping": "Saved column mapping names an unknown field",
    "missing_patient_id": "Row without a Patient ID",
    "duplicate_patient": "Patient ID repeated on a one-row sheet",
    "unknown_patient": "Patient not on the Patients sheet",
    "missing_form_row": "Patient missing from a sheet",
    "required_column": "Required column missing from the file",
    "required": "Required value blank",
    "out_of_range": "Number outside the allowed range",
    "date_order": "Dates in an impossible order",
    "followup_order": "Event after the last follow-up",
    "after_cutoff": "Date after the data cutoff",
    "future_date": "Date in the future",
    "age_mismatch": "Age does not match birth and diagnosis dates",
    "her2_fish_missing": "HER2 IHC 2+ without a FISH ratio",
    "death_date_missing": "Dead without a death date",
    "vital_status_conflict": "Death date for a patient recorded alive",
    "cause_of_death_missing": "Death without a cause",
    "metastasis_date_missing": "Metastatic site without a metastasis date",
    "first_site_conflict": "First metastatic site not among the sites",
    "first_line_without_mbc": "First-line MBC data without metastatic disease",
    "miller_payne_without_neoadjuvant": "Miller–Payne grade without neoadjuvant therapy",
    "miller_payne_missing": "Neoadjuvant therapy without a Miller–Payne grade",
    "ypn_missing": "Miller–Payne grade 5 with ypN blank",
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

