"""The whole study report: ``report.xlsx``, ``results.json`` and ``report.docx`` from one
:class:`StudyResults`, replaced as one (:func:`~.report_folder.replace_as_one`)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Mapping

from ..analysis.study import StudyResults
from ..crf.escape import neutralise_workbook
from ..crf.source import file_sha256
from .excel_report import build_report_workbook
from .files import json_text
from .report_folder import replace_as_one
from .results_json import results_to_dict


def write_study_report(results: StudyResults, out_dir: Path, *, source: Path | None = None,
                       figures: Mapping[str, bytes] | None = None, docx: bool = True,
                       figure_width_mm: float | None = None, language: str = "en") -> list[Path]:
    """Write report.xlsx, results.json and (unless ``docx=False``) report.docx into ``out_dir``
    (created if needed). All are built first, then written into a fresh staging folder and
    swapped in together: a reader never sees a new workbook beside old numbers."""
    out_dir = Path(out_dir)
    sha = file_sha256(source) if source and Path(source).is_file() else ""
    name = Path(source).name if source else ""
    workbook = build_report_workbook(results, source=Path(source) if source else None, sha256=sha,
                                     figures=figures, language=language)
    payload = results_to_dict(results, source_name=name, source_sha256=sha)
    text = json_text(payload)             # serialised first: a bad value fails before any write
    neutralise_workbook(workbook)
    writers: dict[str, Callable[[Path], object]] = {
        "report.xlsx": lambda tmp: workbook.save(tmp),
        "results.json": lambda tmp: Path(tmp).write_text(text, encoding="utf-8"),
    }
    if docx:
        from .docx_report import DEFAULT_FIGURE_WIDTH_MM, build_report_document

        document = build_report_document(
            results, figures=figures, source=Path(source) if source else None,
            figure_width_mm=figure_width_mm or DEFAULT_FIGURE_WIDTH_MM, language=language)
        writers["report.docx"] = lambda tmp: document.save(str(tmp))
    # Without Word output, an older report.docx would sit beside numbers it no longer matches.
    return replace_as_one(out_dir, writers, stale=() if docx else ("report.docx",))
