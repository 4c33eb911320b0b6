"""What the CRF layer hands upward: typed tables that remember where each cell came from.

Reading, validation and the cohort layer meet here. Values are typed by the
codebook (dates as ``datetime64``, numbers and percents as floats with percent on a
0–100 scale, codes as the canonical code string, yes/no as pandas ``boolean``);
the raw text of each cell and its sheet/row are kept so that a finding can say
exactly where a coordinator should look.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import codebook as cb

ERROR, WARNING = "error", "warning"

#: Columns added to every form table besides the codebook fields.
SHEET_COL, ROW_COL = "_sheet", "_row"


@dataclass(frozen=True)
class Finding:
    """One problem in one cell, worded for a study coordinator."""
    severity: str          # "error" | "warning"
    patient_id: str        # "" when the row has no usable ID
    sheet: str             # worksheet name as in the file ("" for whole-file problems)
    row: int | None        # row number as Excel shows it (1-based, header counted)
    column: str            # header text as in the file ("" when not a cell)
    value: str             # the value seen, as text
    message: str           # the plain-language sentence
    field: str = ""        # canonical codebook field, when there is one
    rule: str = ""         # short machine name of the check, e.g. "date_order"

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class CRFData:
    """A study's case report forms after import.

    ``forms[name]`` holds the codebook fields of that form (all of them, absent
    ones as missing) plus ``_sheet`` and ``_row``; ``raw[name]`` the same cells as
    the text seen in the file; ``headers[name][field]`` the header text matched.
    """
    forms: dict[str, pd.DataFrame]
    raw: dict[str, pd.DataFrame]
    headers: dict[str, dict[str, str]]
    source: Path | None = None
    sha256: str = ""
    layout: str = ""                       # "template" | "flat" | "csv"
    problems: list[Finding] = field(default_factory=list)   # cells the reader could not parse
    unmatched_columns: list[tuple[str, str]] = field(default_factory=list)  # (sheet, header)
    ignored_sheets: list[str] = field(default_factory=list)
    mapping_used: dict[str, str] = field(default_factory=dict)
    #: A REDCap export: the data dictionary it was read with (``layout == "redcap"``).
    dictionary: Path | None = None
    #: A REDCap export: record, instrument and instance of each (sheet, row); see crf/redcap.py.
    redcap: object | None = None

    @property
    def dictionary_path(self) -> Path | None:
        """The REDCap data dictionary this export was read with (the study file stores it)."""
        return self.dictionary

    def missing_forms(self) -> tuple[str, ...]:
        """The codebook forms no sheet of the file provided a column for (a CSV saved from the
        Patients sheet alone has no Treatment, Outcomes, First-line or Rebiopsy form)."""
        return tuple(form for form in cb.FORMS
                     if not any(name != "patient_id" for name in self.headers.get(form, {})))

    def patients(self) -> pd.DataFrame:
        """One row per patient: every one-row form joined on patient_id (first row wins)."""
        base = None
        for name in cb.ONE_ROW_FORMS:
            frame = self.forms[name]
            cols = [f.name for f in cb.fields_of(name)]
            part = frame[cols].dropna(subset=["patient_id"]).drop_duplicates("patient_id")
            base = part if base is None else base.merge(part, on="patient_id", how="outer"
                                                        if name == "patients" else "left")
        assert base is not None
        return base.reset_index(drop=True)

    def rebiopsies(self) -> pd.DataFrame:
        cols = [f.name for f in cb.fields_of("rebiopsy")]
        return self.forms["rebiopsy"][cols].dropna(subset=["patient_id"]).reset_index(drop=True)


from ..errors import CRFReadError  # noqa: E402,F401 (re-exported: defined with the other user errors)
