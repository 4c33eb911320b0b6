"""The same median, hazard ratio and P read the same in the Survival tab and in the report.

Both go through her2desk.report.format; this checks the wiring on the sample study, cell by
cell, for every paper comparison: the panel's table model against the report's Survival table
as report.docx prints it (report.xlsx holds the same cells' numbers, tests/report checks those).
"""
import pytest

from her2desk.report.report_tables import survival_report_table
from her2desk.ui.panels.survival_panel import SurvivalPanel


def _block(rows, title):
    start = next(i for i, r in enumerate(rows) if r[0] == title)
    out = []
    for r in rows[start + 1:]:
        if r[1] == "":                  # the next comparison's title row
            break
        out.append(r)
    return out


@pytest.fixture(scope="module")
def survival_sheet(sample_results):
    return [[c.text for c in row.cells] for row in survival_report_table(sample_results).rows]


def test_survival_tab_and_report_write_the_same_numbers(qtbot, sample_study, sample_results,
                                                             survival_sheet):
    panel = SurvivalPanel()
    qtbot.addWidget(panel)
    panel.set_results(sample_results.survival, cohort=sample_study.cohort,
                      settings=sample_results.settings)
    median_col = "Median, months (95 % CI)"
    seen_hr = seen_nr = 0
    for s in sample_results.survival:
        panel._display(s)
        assert panel.current is s
        sheet = _block(survival_sheet, s.title)
        assert [r[0] for r in sheet] == [g.label for g in s.groups], s.key
        for i, (g, row) in enumerate(zip(s.groups, sheet)):
            assert panel.table.text(i, "n") == str(row[1]) and panel.table.text(i, "Events") == str(row[2])
            assert panel.table.text(i, median_col) == f"{row[3]} ({row[4]})", (s.key, g.label)
            seen_nr += row[3] == "NR" or "NR" in row[4]
            for col, xlsx in zip(("1-year survival", "3-year survival", "5-year survival"), row[5:8]):
                shown = panel.table.text(i, col)
                assert shown == xlsx or shown.startswith(f"{xlsx} % ("), (s.key, g.label, col)
            hr_text = panel.table.text(i, "HR (95 % CI)")
            if row[8]:
                assert hr_text == row[8], (s.key, g.label)
                seen_hr += row[8][0].isdigit() and row[8] != "1 (reference)"
            if row[9]:
                assert panel.table.text(i, "P (Cox)") == row[9], (s.key, g.label)
        if len(s.groups) == 2 and s.logrank_p is not None:
            assert panel.table.text(0, "Log-rank P") == sheet[0][10]
    assert seen_hr >= 5 and seen_nr >= 1     # the check covered real HRs and a not-reached limit
