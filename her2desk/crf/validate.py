"""Cell-level checks of imported CRFs, worded for a study coordinator.

``validate_crf(crf)`` returns a :class:`ValidationReport` of
:class:`~her2desk.crf.model.Finding` objects, each pointing at one cell (sheet,
Excel row, column header as in the file, the value seen) with one plain
sentence. The reader's own parse problems (``crf.problems``) come first.

Every check works on whole columns (pandas/numpy masks); Python objects are
built only for offending rows, so 100,000 patients validate in a few seconds.

The work is split by job: :mod:`.checks` (the rules), :mod:`.validation_report` (the
report model and summaries), :mod:`.findings_xlsx` (the .xlsx export). This module is
the entry point and keeps the names other code imports from here.
"""
from __future__ import annotations

import datetime as _dt

from . import codebook as cb
from .checks import Checker
from .findings_xlsx import write_validation_report
from .model import ERROR, WARNING, CRFData, Finding
from .validation_report import FINDING_COLUMNS, RULES, ValidationReport

__all__ = ["FINDING_COLUMNS", "RULES", "ValidationReport", "validate_crf",
           "write_validation_report"]

_SEVERITY_ORDER = {ERROR: 0, WARNING: 1}


def _sort_key(order: dict[str, int]):
    def key(f: Finding):
        return (0 if f.rule == "parse" else 1, order.get(f.sheet, len(order)),
                f.row if f.row is not None else -1, _SEVERITY_ORDER.get(f.severity, 2))
    return key


def validate_crf(crf: CRFData, *, cutoff: _dt.date | None = None, fish_threshold: float = 2.2,
                 today: _dt.date | None = None, de_novo_window_days: int = 30
                 ) -> ValidationReport:
    """Check imported CRFs; findings are ordered by sheet, then Excel row.

    ``cutoff``: the data cutoff; any date after it is an error. ``fish_threshold``:
    the HER2/CEP17 ratio from which IHC 2+ counts as HER2-positive. ``today``
    (for tests) replaces the current date in the "date in the future" check.
    ``de_novo_window_days``: a distant metastasis dated at most this many days before
    the diagnosis is de novo disease (a warning), not an impossible date order.
    """
    checker = Checker(crf, cutoff, fish_threshold, today, de_novo_window_days)
    checker.run()
    sheets = [str(checker.forms[n].sheet[0]) if checker.forms[n].n else cb.FORMS[n]
              for n in cb.FORMS]
    order = {s: i for i, s in enumerate(sheets)}
    # stable sort keeps the checks' order within one row
    findings = sorted(checker.findings, key=_sort_key(order))
    if crf.redcap is not None:
        findings = _name_redcap_places(findings, crf.redcap)
    return ValidationReport(tuple(findings))


def _name_redcap_places(findings: list[Finding], layout) -> list[Finding]:
    """Each finding of a REDCap export opens with the record, instrument, instance and
    variable it is about, the words a REDCap user searches by."""
    from dataclasses import replace

    return [replace(f, message=layout.name_place(f.sheet, f.row, f.column, f.message))
            for f in findings]

