"""First-line & conversion tab on a hand-made MBC cohort run through the real analysis functions."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from her2desk.analysis.conversion import her2_heterogeneity, receptor_conversion
from her2desk.analysis.endpoints import STANDARD_COMPARISONS, survival_comparison
from her2desk.analysis.tables import first_line_table
from her2desk.ui.panels.firstline_panel import FirstLinePanel

HR_POS, HR_NEG = "HR+/HER2+", "HR-/HER2+"
CHEMO_ENDO = "HER2-targeted + chemotherapy -> endocrine"
CHEMO = "HER2-targeted + chemotherapy"


@pytest.fixture(scope="module")
def cohort() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    rows = []
    # 10 HR+ with MBC: 4 HER2-targeted + chemo -> endocrine (3 single-, 1 dual-target),
    # 6 HER2-targeted + chemo (2 single, 4 dual). 8 HR-: 8 HER2-targeted + chemo (5 single, 3 dual).
    specs = ([(HR_POS, CHEMO_ENDO, "single-target")] * 3 + [(HR_POS, CHEMO_ENDO, "dual-target")]
             + [(HR_POS, CHEMO, "single-target")] * 2 + [(HR_POS, CHEMO, "dual-target")] * 4
             + [(HR_NEG, CHEMO, "single-target")] * 5 + [(HR_NEG, CHEMO, "dual-target")] * 3)
    for i, (hr, cls, targets) in enumerate(specs):
        rows.append(dict(
            patient_id=f"M{i + 1:02d}", eligible=True, mbc=True, hr_status=hr,
            first_line_class=cls, first_line_targets=targets,
            # 10 assessable rebiopsies: ER pos->neg for M01, M02; neg->pos for M03.
            receptor_conversion_assessable=i < 10,
            er_conversion=("pos->neg" if i < 2 else "neg->pos" if i == 2 else "concordant") if i < 10 else None,
            pr_conversion="concordant" if i < 10 else None,
            her2_conversion=("pos->neg" if i == 9 else "concordant") if i < 10 else None,
            # Heterogeneity known for 12 patients, 4 of them heterogeneous.
            her2_heterogeneity=(i % 3 == 0) if i < 12 else pd.NA,
            advanced_os_months=float(rng.integers(5, 80)), advanced_os_event=bool(i % 2),
            pfs_months=float(rng.integers(2, 30)), pfs_event=bool(i % 4 != 3)))
    rows.append(dict(patient_id="N01", eligible=True, mbc=False, hr_status=HR_POS,
                     first_line_class=None, first_line_targets=None, receptor_conversion_assessable=False,
                     her2_heterogeneity=pd.NA))
    frame = pd.DataFrame(rows)
    frame["her2_heterogeneity"] = frame["her2_heterogeneity"].astype("boolean")
    return frame


@pytest.fixture
def panel(qtbot, cohort):
    specs = [s for s in STANDARD_COMPARISONS if s.key in ("aos_het", "pfs_het", "aos_het_hr", "pfs_het_hr")]
    survival = tuple(survival_comparison(cohort, s) for s in specs)
    results = SimpleNamespace(tables={"table4": first_line_table(cohort)},
                              conversion=receptor_conversion(cohort), survival=survival,
                              heterogeneity=her2_heterogeneity(cohort),
                              settings=SimpleNamespace(time_unit="months"))
    p = FirstLinePanel()
    qtbot.addWidget(p)
    p.resize(1100, 700)
    p.set_results(results, cohort=cohort)
    p.show()
    qtbot.waitExposed(p)
    p.survival = {s.key: s for s in survival}
    return p


def _texts(model, r):
    return [model.index(r, c).data() for c in range(model.columnCount())]


def test_table4_rows_with_indented_target_rows(panel):
    model = panel.table4.model
    assert model.headers() == ["First-line regimen", "HR+/HER2+ (n = 10)", "HR−/HER2+ (n = 8)",
                               "Total (n = 18)"]
    assert _texts(model, 0) == ["HER2-targeted + chemotherapy → endocrine", "4 (40.0)", "0 (0.0)",
                                "4 (22.2)"]
    assert _texts(model, 1) == ["    single-target + chemotherapy → endocrine", "3 (30.0)", "0 (0.0)",
                                "3 (16.7)"]
    assert _texts(model, 2)[:2] == ["    dual-target + chemotherapy → endocrine", "1 (10.0)"]
    assert _texts(model, 3) == ["HER2-targeted + chemotherapy", "6 (60.0)", "8 (100.0)", "14 (77.8)"]
    assert _texts(model, 5) == ["    dual-target + chemotherapy", "4 (40.0)", "3 (37.5)", "7 (38.9)"]
    assert model.index(0, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(1, 0).data(Qt.ItemDataRole.FontRole) is None


def test_table4_count_lists_its_patients(panel, qtbot):
    view, model = panel.table4.view, panel.table4.model
    pos = view.visualRect(model.index(5, 2)).center()     # dual-target + chemo, HR-
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    dialog = panel.last_dialog
    assert dialog.heading == "HR−/HER2+, first line: dual-target + chemotherapy: 3 patients"
    assert dialog.patient_ids == ["M16", "M17", "M18"]
    assert set(dialog.frame["first_line_targets"]) == {"dual-target"}
    QApplication.clipboard().clear()
    dialog.copy_ids_button.click()
    assert QApplication.clipboard().text() == "M16\nM17\nM18"
    dialog.close()


def test_conversion_table(panel):
    panel.tabs.setCurrentIndex(1)
    model = panel.conversion.model
    assert model.headers() == ["Receptor", "Concordant", "Positive → negative", "Negative → positive",
                               "Discordant"]
    assert _texts(model, 0) == ["ER", "7 (70.0)", "2 (20.0)", "1 (10.0)", "3 (30.0)"]
    assert _texts(model, 1) == ["PR", "10 (100.0)", "0 (0.0)", "0 (0.0)", "0 (0.0)"]
    assert _texts(model, 2) == ["HER2", "9 (90.0)", "1 (10.0)", "0 (0.0)", "1 (10.0)"]
    assert "(n = 10)" in panel.conversion.subtitle_label.text()
    assert panel.conversion.request_patients(model.index(0, 4))
    assert panel.last_dialog.heading == "ER discordant: 3 patients"
    assert panel.last_dialog.patient_ids == ["M01", "M02", "M03"]
    panel.last_dialog.close()
    frame = panel.export_frame()
    assert list(frame.iloc[0]) == ["ER", "7 (70.0)", "2 (20.0)", "1 (10.0)", "3 (30.0)"]


def test_heterogeneity_summary_and_survival_rows(panel):
    panel.tabs.setCurrentIndex(2)
    # 12 of the MBC patients were assessed; M01, M04, M07, M10 are heterogeneous.
    assert "12 patients" in panel.het_summary.text() and "4 (33.3%)" in panel.het_summary.text()
    assert panel.heterogeneous_ids == ("M01", "M04", "M07", "M10")
    model = panel.heterogeneity.model
    assert model.headers() == ["Comparison / group", "n", "Events", "Median (months) (95% CI)",
                               "Log-rank P", "HR (95% CI)"]
    aos = panel.survival["aos_het"]
    top = model.find_row(lambda row: row.key == "aos_het")
    assert model.index(top, 0).data() == aos.title
    from her2desk.report.format import format_p
    assert model.index(top, 4).data() == format_p(aos.logrank_p)
    het = model.find_row(lambda row: row.key == ("aos_het", "HER2 heterogeneous"))
    g = next(x for x in aos.groups if x.label == "HER2 heterogeneous")
    events = int(sum(1 for pid in g.patient_ids if int(pid[1:]) % 2 == 0))  # odd index -> event
    assert _texts(model, het)[1:3] == ["4", str(events)]
    hr = aos.hazard_ratios[0]
    assert model.index(het, 5).data() == f"{hr.hazard_ratio:.2f} ({hr.ci[0]:.2f}–{hr.ci[1]:.2f})"
    ref = model.find_row(lambda row: row.key == ("aos_het", "HER2 homogeneous"))
    assert model.index(ref, 1).data() == "8" and model.index(ref, 5).data() == "1 (reference)"
    assert panel.heterogeneity.request_patients(model.index(het, 1))
    assert panel.last_dialog.patient_ids == ["M01", "M04", "M07", "M10"]
    panel.last_dialog.close()
    # The subgroup comparisons (heterogeneous patients by HR status) are listed too.
    assert model.find_row(lambda row: row.key == "pfs_het_hr") > 0


def test_empty_results_say_so(qtbot):
    p = FirstLinePanel()
    qtbot.addWidget(p)
    from her2desk.analysis.conversion import ConversionTable
    p.set_results(SimpleNamespace(tables={}, conversion=ConversionTable(0, (), {}, ""), survival=(),
                                  settings=None))
    assert "No eligible patient has metastatic breast cancer" in p.table4.subtitle_label.text()
    assert "could not be assessed" in p.het_summary.text()
