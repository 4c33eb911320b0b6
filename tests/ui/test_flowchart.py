"""Eligibility flowchart (Fig 1): box texts, fitting, double-click to patients, PNG/SVG export."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import OrderedDict
from types import SimpleNamespace

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from her2desk.cohort.loading import Flowchart, flowchart
from her2desk.ui.panels.eligibility_panel import EligibilityPanel, flow_patients
from her2desk.ui.plots.flowchart import FlowchartView

PAPER = Flowchart(
    3012,
    OrderedDict([("Admitted outside the enrolment window", 0), ("Male", 18),
                 ("HER2-negative or HER2 status unknown", 1985), ("ER and/or PR status unknown", 41),
                 ("Second primary tumour", 37), ("Bilateral breast cancer", 29),
                 ("Incomplete clinical information", 52), ("Missing or unknown cause of death", 22)]),
    828, OrderedDict([("HR+/HER2+", 466), ("HR-/HER2+", 362)]))


@pytest.fixture
def view(qtbot):
    v = FlowchartView()
    qtbot.addWidget(v)
    v.resize(900, 520)
    v.set_flowchart(PAPER)
    v.show()
    qtbot.waitExposed(v)
    return v


def test_box_texts_are_the_counts(view):
    assert view.box_text("admitted") == "Admitted (n = 3012)"
    assert view.box_text("eligible") == "Eligible (n = 828)"
    assert view.box_text("group:HR+/HER2+") == "HR+/HER2+ (n = 466)"
    assert view.box_text("group:HR-/HER2+") == "HR−/HER2+ (n = 362)"
    assert view.box_text("excluded").splitlines()[0] == "Excluded (n = 2184)"
    assert view.box_text("excluded:HER2-negative or HER2 status unknown") == \
        "HER2-negative or HER2 status unknown (n = 1985)"
    assert view.box_text("excluded:Male") == "Male (n = 18)"
    # A rule that excluded nobody is not drawn.
    assert "excluded:Admitted outside the enrolment window" not in view.boxes
    assert len(view.box_text("excluded").splitlines()) == 1 + 7


def test_layout_follows_fig1(view):
    b = {k: view.boxes[k].sceneBoundingRect() for k in
         ("admitted", "excluded", "eligible", "group:HR+/HER2+", "group:HR-/HER2+")}
    assert b["admitted"].bottom() < b["eligible"].top() < b["group:HR+/HER2+"].top()
    assert b["excluded"].left() > b["admitted"].right()            # the side box
    assert b["group:HR+/HER2+"].right() < b["group:HR-/HER2+"].left()
    assert b["group:HR+/HER2+"].top() == b["group:HR-/HER2+"].top()
    # Each reason row sits inside the excluded box.
    row = view.boxes["excluded:Male"].sceneBoundingRect()
    assert b["excluded"].contains(row)


@pytest.mark.parametrize("size", [(300, 200), (900, 520), (1600, 500), (400, 900)])
def test_whole_chart_visible_at_any_size(view, qtbot, size):
    view.resize(*size)
    qtbot.wait(10)
    shown = view.mapFromScene(view.scene().sceneRect()).boundingRect()
    viewport = view.viewport().rect().adjusted(-1, -1, 1, 1)
    assert viewport.contains(shown), (shown, viewport)
    # Every box's text fits its box (boxes are sized from the font metrics).
    for item in view.boxes.values():
        if hasattr(item, "fonts"):
            assert item.rect().height() >= item.line_height * len(item.lines)


def test_double_click_box_emits_its_key(view, qtbot):
    centre = view.mapFromScene(view.boxes["group:HR+/HER2+"].sceneBoundingRect().center())
    with qtbot.waitSignal(view.box_double_clicked, timeout=1000) as blocker:
        # (a lone press first would be ignored by the view, and QTest warns about that)
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert blocker.args == ["group:HR+/HER2+"]
    # A reason row wins over the excluded box around it.
    row = view.mapFromScene(view.boxes["excluded:Male"].sceneBoundingRect().center())
    assert view.key_at(row) == "excluded:Male"


def test_export_png_and_svg(view, tmp_path):
    png = view.export(str(tmp_path / "fig1.png"), width=1600)
    image = QImage(str(png))
    assert not image.isNull() and image.width() == 1600
    # The chart itself, not the view's blank margins: its aspect ratio is the scene's.
    rect = view.scene().sceneRect()
    assert abs(image.height() - round(1600 * rect.height() / rect.width())) <= 1
    colours = {image.pixelColor(x, y).name() for x in range(0, 1600, 7) for y in range(0, image.height(), 7)}
    assert "#ffffff" in colours and len(colours) > 5
    svg = view.export(str(tmp_path / "fig1.svg"))
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    text = "".join(root.itertext())
    for words in ("Admitted (n = 3012)", "Eligible (n = 828)", "HR+/HER2+ (n = 466)", "Male (n = 18)"):
        assert words in text
    pdf = view.export(str(tmp_path / "fig1.pdf"))
    assert pdf.read_bytes()[:5] == b"%PDF-"


def _cohort() -> pd.DataFrame:
    return pd.DataFrame({
        "patient_id": ["P1", "P2", "P3", "P4", "P5", "P6"],
        "eligible": [True, True, True, False, False, False],
        "exclusion_reason": [None, None, None, "male", "her2_not_positive", "her2_not_positive"],
        "hr_status": ["HR+/HER2+", "HR-/HER2+", "HR+/HER2+", None, None, None],
        "age_at_diagnosis": [40.0, 50.0, 60.0, 45.0, 55.0, 65.0],
    })


def test_eligibility_panel_draws_the_cohort_and_lists_box_patients(qtbot, tmp_path):
    cohort = _cohort()
    flow = flowchart(cohort)
    loaded = SimpleNamespace(flowchart=flow, cohort=cohort, settings=None)
    panel = EligibilityPanel()
    qtbot.addWidget(panel)
    panel.resize(1000, 700)
    panel.set_results(loaded)
    panel.show()
    chart = panel.flowchart
    assert chart.box_text("admitted") == "Admitted (n = 6)"
    assert chart.box_text("eligible") == "Eligible (n = 3)"
    assert chart.box_text("group:HR+/HER2+") == "HR+/HER2+ (n = 2)"
    her2 = next(label for label, key in flow.rule_keys.items() if key == "her2_not_positive")
    assert chart.box_text(f"excluded:{her2}") == f"{her2} (n = 2)"
    # The existing excluded-patients table is still there.
    assert panel.table.model.rowCount() == 6

    dialog = panel.open_box(f"excluded:{her2}")
    assert dialog.heading == f"Excluded: {her2}: 2 patients"
    assert dialog.patient_ids == ["P5", "P6"]
    assert list(dialog.frame["exclusion_reason"]) == [her2, her2]   # the words, not the key
    dialog.close()
    assert panel.open_box("group:HR+/HER2+").patient_ids == ["P1", "P3"]
    assert flow_patients(cohort, "excluded", flow.rule_keys) == ["P4", "P5", "P6"]
    assert flow_patients(cohort, "admitted") == ["P1", "P2", "P3", "P4", "P5", "P6"]

    out = panel.save_figure(str(tmp_path / "flow.png"))
    assert QImage(str(out)).width() > 1000


def test_eligibility_table_headers_are_readable(qtbot):
    from her2desk.analysis.tables import TABLE1_ROWS, TABLE3_ROWS
    from her2desk.ui.text import column_label, pretty_name

    cohort = _cohort().assign(ecog_ps=["0-1"] * 6, site_lung=["Yes", "No"] * 3,
                              os_months=[1.0] * 6, first_line_start_days=[3] * 6)
    loaded = SimpleNamespace(flowchart=flowchart(cohort), cohort=cohort, settings=None)
    panel = EligibilityPanel()
    qtbot.addWidget(panel)
    panel.set_results(loaded)
    model = panel.table.model
    headers = {model.dataframe.columns[c]: model.headerData(c, Qt.Orientation.Horizontal)
               for c in range(model.columnCount())}
    table1 = {r.variable: r.label for r in TABLE1_ROWS}
    assert headers == {
        "patient_id": "Patient", "eligible": "Eligible", "exclusion_reason": "Excluded because",
        "hr_status": "HR status",
        "age_at_diagnosis": "Age at diagnosis (years)",            # Table 1 row labels
        "ecog_ps": "ECOG performance status",
        "site_lung": "Metastatic site: Lung",                     # Table 3
        "os_months": "OS (months)",                               # no table row: prettified
        "first_line_start_days": "First-line start (days)",
    }
    assert headers["age_at_diagnosis"] == table1["age_at_diagnosis"]
    assert headers["site_lung"] == next(r.label for r in TABLE3_ROWS if r.variable == "site_lung")
    # The raw name is one hover away, and the "Reason" filter still works on the column.
    col = list(model.dataframe.columns).index("ecog_ps")
    assert model.headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == "Column: ecog_ps"
    assert column_label("ki67_group") == "Ki-67" and pretty_name("her2_conversion") == "HER2 conversion"
    panel.table.choice.setCurrentText(next(k for k, v in loaded.flowchart.rule_keys.items() if v == "male"))
    assert panel.table.proxy.rowCount() == 1
