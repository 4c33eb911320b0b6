"""File ▸ Compare with another version…: the open study against an edited copy, in a tab
whose tables are the ones `her2desk diff` writes, saved as the same workbook."""
import shutil
import sys
from pathlib import Path

import openpyxl
import pytest

from her2desk.ui import compare_freeze

sys.path.insert(0, str(Path(__file__).parent))
import study_factory  # noqa: E402


def test_compare_tab_lists_the_edit_and_saves_it(window, qtbot, tmp_path, monkeypatch):
    new = study_factory.write_study(tmp_path / "freeze2.xlsx", n=80)
    old = tmp_path / "freeze1.xlsx"
    shutil.copy(new, old)
    wb = openpyxl.load_workbook(old)
    ws = wb["Patients"]
    header = [c.value for c in ws[1]]
    col = next(i for i, h in enumerate(header, start=1) if h == "ECOG PS")
    pid, before = ws.cell(2, 1).value, ws.cell(2, col).value
    ws.cell(2, col).value = 4 if before != 4 else 3
    wb.save(old)

    with qtbot.waitSignal(window.study_loaded, timeout=30000):
        window.open_study(new)
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=60000)
    assert window.results is not None
    import her2desk.analysis.study as study

    analysed, real = [], study.run_study
    monkeypatch.setattr(study, "run_study", lambda cohort, *a, **k: analysed.append(cohort) or real(cohort, *a, **k))
    assert compare_freeze.compare_with(window, old)
    qtbot.waitUntil(lambda: getattr(window, "compare_panel", None) is not None, timeout=60000)
    assert len(analysed) == 1 and analysed[0] is not window.loaded.cohort   # the open study's results reused
    panel = window.compare_panel
    assert window.tabs.currentWidget() is panel
    assert window.tabs.tabText(window.tabs.currentIndex()) == compare_freeze.TAB_TITLE
    cells = panel.tables["Cells changed"]
    assert cells.rowCount() == 1
    shown = [cells.item(0, j).text() for j in range(cells.columnCount())]
    # The other file is the earlier freeze: its value is "old", the open study's "new".
    assert shown == [pid, "Patients", "2", "ECOG PS", "ecog_ps", str(ws.cell(2, col).value),
                     "" if before is None else str(before)]
    assert panel.tables["Patients"].rowCount() == 0
    frame = panel.export_frame()                      # Ctrl+E sees the visible table
    assert frame is not None and len(frame) == 0
    out = tmp_path / "diff.xlsx"
    compare_freeze.save_diff(window, panel, str(out))
    qtbot.waitUntil(out.exists, timeout=20000)
    saved = openpyxl.load_workbook(out)
    assert [tuple(r) for r in saved["Cells changed"].iter_rows(min_row=2, values_only=True)] == [
        (pid, "Patients", 2, "ECOG PS", "ecog_ps", str(ws.cell(2, col).value),
         None if before is None else str(before))]
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=20000)


def test_compare_without_a_study_says_so(window):
    assert not compare_freeze.compare_with(window, Path("elsewhere.xlsx"))
    assert window.banner.isVisible() and "Open a study first" in window.banner.text()
