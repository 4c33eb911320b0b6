"""The limits and the escaping on their own: exact sentences, exact outputs."""
from __future__ import annotations

import io

import openpyxl
import pytest

from her2desk.crf import archive
from her2desk.crf.escape import formula_like, printable, safe_text
from her2desk.errors import CRFReadError, Her2deskError


def _xlsx(rows) -> bytes:
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_sheet_past_the_cell_limit_is_refused_with_its_size(monkeypatch):
    monkeypatch.setattr(archive, "MAX_CELLS", 20)
    data = _xlsx([["patient_id", "sex"]] + [[f"P{i}", "F"] for i in range(10)])
    with pytest.raises(CRFReadError) as info:
        archive.inspect_workbook(data, "big.xlsx")
    assert str(info.value).startswith("Sheet 'Sheet' of 'big.xlsx' holds 22 cells, more than this "
                                      "program reads (20, far above a 100,000-patient CRF)")


def test_extent_counts_only_real_cells():
    wb = openpyxl.Workbook()
    wb.active.append(["patient_id"])
    wb.active["XFD1048576"] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    facts = archive.inspect_workbook(buf.getvalue(), "s.xlsx")
    sheet = facts.sheets["Sheet"]
    assert (sheet.max_row, sheet.max_col, sheet.cells) == (1048576, 16384, 2)
    assert facts.needs_streaming


@pytest.mark.parametrize("text, live", [
    ("=1+1", True), ("+cmd|' /C calc'!A0", True), ("@SUM(1)", True), ("-2+3", True),
    ("\t=1+1", True), ("\r=1+1", True), ("-5", False), ("+1.5", False), ("12%", False),
    ("P001", False), ("", False)])
def test_formula_like(text, live):
    assert formula_like(text) is live
    assert safe_text(text).startswith("'") is live


def test_control_characters_are_shown_not_sent():
    assert printable("P\x1b[31mRED\x07") == "P\\x1b[31mRED\\x07"
    assert printable("a\u202eb") == "a\\u202eb"
    assert safe_text("line1\nline2\x00") == "line1\nline2\\x00"


def test_user_errors_share_one_base():
    from her2desk.cli import UserError
    from her2desk.crf.atomic import AtomicWriteError

    assert issubclass(CRFReadError, Her2deskError) and issubclass(UserError, Her2deskError)
    assert issubclass(AtomicWriteError, Her2deskError) and issubclass(AtomicWriteError, OSError)
