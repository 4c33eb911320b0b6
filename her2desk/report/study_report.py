"""The whole study report: ``report.xlsx`` and ``results.json`` from one :class:`StudyResults`."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Mapping

from ..analysis.study import StudyResults
from .excel_report import build_report_workbook
from .files import write_docx, write_json, write_workbook
from .results_json import results_to_dict


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_study_report(results: StudyResults, out_dir: Path, *, source: Path | None = None,
                       figures: Mapping[str, bytes] | None = None, docx: bool = True,
                       figure_width_mm: float | None = None) -> list[Path]:
    """Write report.xlsx, results.json and (unless ``docx=False``) report.docx into ``out_dir``
    (created if needed); each replaced only on success."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sha = file_sha256(source) if source and Path(source).is_file() else ""
    name = Path(source).name if source else ""
    workbook = build_report_workbook(results, source=Path(source) if source else None, sha256=sha,
                                     figures=figures)
    payload = results_to_dict(results, source_name=name, source_sha256=sha)
    xlsx = write_workbook(out_dir / "report.xlsx", workbook)
    js = write_json(out_dir / "results.json", payload)
    written = [xlsx, js]
    if docx:
        from .docx_report import DEFAULT_FIGURE_WIDTH_MM, build_report_document

        document = build_report_document(
            results, figures=figures, source=Path(source) if source else None,
            figure_width_mm=figure_width_mm or DEFAULT_FIGURE_WIDTH_MM)
        written.append(write_docx(out_dir / "report.docx", document))
    return written
