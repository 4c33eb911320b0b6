"""Atomic writers for the report's files: a half-written file never replaces a good one."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from ..crf.atomic import atomic_write


def write_json(path: Path, payload: Any) -> Path:
    text = json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False)
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text + "\n", encoding="utf-8"))


def write_workbook(path: Path, workbook: Workbook) -> Path:
    return atomic_write(path, lambda tmp: workbook.save(tmp))


def write_docx(path: Path, document) -> Path:
    """A python-docx ``Document``, saved whole or not at all."""
    return atomic_write(path, lambda tmp: document.save(tmp))


def write_bytes(path: Path, data: bytes) -> Path:
    return atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))
