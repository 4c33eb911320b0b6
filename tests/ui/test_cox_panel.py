"""Cox tab: the picker refits in the background; tables and forest plot show fit_model's numbers."""
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import study_factory  # noqa: E402

from her2desk.analysis.cox_models import PAPER_MODEL, fit_model  # noqa: E402
from her2desk.analysis.study import run_study  # noqa: E402
from her2desk.cohort.loading import load_study  # noqa: E402
from her2desk.ui.panels.cox_panel import CoxPanel  # noqa: E402
from her2desk.report.format import format_hr_with_ci, pretty_label  # noqa: E402
from her2desk.ui.plots.forest_plot import ForestPlotWidget, ForestRow, hr_text  # noqa: E402


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    path = study_factory.write_study(tmp_path_factory.mktemp("cox") / "study.xlsx", n=160)
    loaded = load_study(path)
    return loaded, run_study(loaded.cohort, loaded.settings, flowchart=loaded.flowchart)


@pytest.fixture
def panel(qtbot, study):
    loaded, results = study
    p = CoxPanel()
    qtbot.addWidget(p)
    p.resize(1200, 800)
    p.set_results(results.cox, cohort=loaded.cohort, settings=results.settings)
    yield p
    if p._own_runner is not None:
        p._own_runner.shutdown(5000)


def _multi_cells(panel):
    """{level: HR text} of the multivariate column for levels in the model."""
    out = {}
    for r in range(panel.table.table_model.rowCount()):
        text = panel.table.text(r, "Multivariate\nHR (95 % CI)")
        level = panel.table.text(r, "Level")
        if "(" in text and "ref." not in level:
            out[level] = text
    return out


def test_default_model_is_the_papers(panel, study):
    loaded, results = study
    want = results.cox.multivariate("OS")
    assert panel.model is want
    assert set(panel.chosen()) == {v for v in PAPER_MODEL["OS"] if v in loaded.cohort.columns}
    cells = _multi_cells(panel)
    assert cells, "the multivariate column shows hazard ratios"
    for t in want.terms:
        assert cells[pretty_label(t.level)] == format_hr_with_ci(t.hazard_ratio, t.ci)
    assert f"{want.n} patients, {want.events} events" in panel.model_label.text()


def test_picker_change_refits_in_background(panel, study, qtbot):
    loaded, _ = study
    chosen = ["hr_status", "neoadjuvant_therapy"]
    with qtbot.waitSignal(panel.model_shown, timeout=20000) as blocker:
        panel.set_covariates(chosen)
    model = blocker.args[0]
    want = fit_model(loaded.cohort, "OS", chosen, kind="multivariate")
    assert model.variables == tuple(chosen)
    assert [t.hazard_ratio for t in model.terms] == pytest.approx([t.hazard_ratio for t in want.terms])
    cells = _multi_cells(panel)
    for t in want.terms:
        assert cells[pretty_label(t.level)] == format_hr_with_ci(t.hazard_ratio, t.ci)
    # Covariates left out say so instead of showing a number.
    assert "not in model" in panel.table.column_texts("Multivariate\nHR (95 % CI)")
    # Forest plot draws the same hazard ratios.
    assert [round(d[1], 6) for d in panel.forest.drawn] == [round(t.hazard_ratio, 6) for t in want.terms]


def test_user_ticking_a_box_refits(panel, study, qtbot):
    from PySide6.QtCore import Qt

    loaded, _ = study
    item = next(panel.picker.item(i) for i in range(panel.picker.count())
                if panel.picker.item(i).data(Qt.ItemDataRole.UserRole) == "menopausal_status")
    with qtbot.waitSignal(panel.model_shown, timeout=20000) as blocker:
        item.setCheckState(Qt.CheckState.Checked)   # debounced like real clicks
    assert "menopausal_status" in blocker.args[0].variables


def test_immortal_time_cautions_are_in_the_warnings(panel, study):
    from her2desk.analysis.cox_models import model_cautions

    _, results = study
    cautions = model_cautions(results.cox.multivariate("OS"))
    assert cautions                       # metastasis and heterogeneity terms of the paper's model
    for c in cautions:
        assert c in panel.warnings_label.text()
    assert not panel.warnings_label.isHidden()


def test_endpoint_switch_and_warnings(panel, study, qtbot):
    _, results = study
    panel.set_endpoint("DFS")
    want = results.cox.multivariate("DFS")
    assert panel.model is want             # the paper's OS model became the paper's DFS model
    assert panel.chosen() == list(PAPER_MODEL["DFS"])
    text = panel.warnings_label.text()
    for w in want.warnings:
        assert w in text
    assert panel.warnings_label.isHidden() == (not want.warnings and not want.ph_flags and want.converged)
    uni = results.cox.univariate("DFS")
    hr_row = next(r for r in range(panel.table.table_model.rowCount())
                  if panel.table.text(r, "Level") == pretty_label(uni[0].terms[0].level))
    t = uni[0].terms[0]
    assert panel.table.text(hr_row, "Univariate\nHR (95 % CI)") == format_hr_with_ci(t.hazard_ratio, t.ci)


def test_too_few_events_per_variable_is_visible(qtbot, study):
    loaded, results = study
    small = loaded.cohort.iloc[:70]          # fewer events, so the model is over-fitted
    p = CoxPanel()
    qtbot.addWidget(p)
    p.set_results(results.cox, cohort=small, settings=results.settings)
    chosen = ["hr_status", "age_group", "neoadjuvant_therapy"]
    with qtbot.waitSignal(p.model_shown, timeout=20000) as blocker:
        p.set_covariates(chosen)
    model = blocker.args[0]
    assert model.events / len(model.terms) < 10
    assert any("events per covariate" in w for w in model.warnings)
    assert not p.warnings_label.isHidden()
    assert "events per covariate" in p.warnings_label.text()
    assert f"{model.n} patients, {model.events} events" in p.model_label.text()
    p._own_runner.shutdown(5000)


def test_forest_plot_exports(qtbot, tmp_path):
    w = ForestPlotWidget()
    qtbot.addWidget(w)
    w.resize(800, 420)
    w.show()
    qtbot.waitExposed(w)
    rows = [ForestRow("A: yes vs no", 0.5, 0.25, 1.0), ForestRow("B: high vs low", 2.0, 1.2, 3.4),
            ForestRow("C: wide", 1.1, 0.001, 1e6)]
    w.set_rows(rows, title="test")
    assert w.drawn[0][1:] == pytest.approx((0.5, 0.25, 1.0))
    assert w.drawn[2][2] >= 0.01 and w.drawn[2][3] <= 100   # clipped to the axis, not lost
    assert hr_text(rows[1]) == "2.00 (1.20–3.40)"
    png, svg = tmp_path / "forest.png", tmp_path / "forest.svg"
    w.export(png)
    w.export(svg)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert ET.parse(svg).getroot().tag.endswith("svg")
    assert "B: high vs low" in svg.read_text(encoding="utf-8")


def test_did_not_converge_is_said_once(panel, study):
    import dataclasses

    import pandas as pd

    from her2desk.analysis.cox import fit_cox
    from her2desk.ui.panels.common import distinct_notes

    _, results = study
    # The analysis layer's own words for a fit stopped early (one Newton step allowed).
    data = pd.DataFrame({"t": [1.0, 2, 3, 4, 5, 6, 7, 8], "e": [1, 1, 0, 1, 1, 0, 1, 1],
                         "x": [0, 1, 0, 1, 0, 1, 1, 0]})
    stopped = fit_cox(data, "t", "e", ["x"], max_iter=1)
    assert not stopped.converged
    model_says = next(w for w in stopped.warnings if "did not converge" in w)
    assert model_says == "The model did not converge in 1 iterations; estimates are unreliable."
    base = results.cox.multivariate("OS")
    epv = "Only 4.0 events per covariate (fewer than 10): the model may be over-fitted; consider fewer covariates."
    model = dataclasses.replace(base, converged=False, ph_flags=(),
                                warnings=(model_says, epv, epv))
    panel._show_model(model)
    from her2desk.analysis.cox_models import model_cautions

    lines = panel.warnings_label.text().split("\n")
    assert lines == [
        "⚠ The model did not converge: its hazard ratios are not reliable; tick fewer covariates.",
        f"⚠ {epv}",
        # then the immortal-time cautions of the covariates known after the origin (once each)
        *(f"⚠ {c}" for c in model_cautions(model)),
    ]
    assert not panel.warnings_label.isHidden()
    # Order kept, blanks and exact repeats (spacing/case aside) dropped.
    assert distinct_notes(["b", "", None, "a", "B ", "a  ", "c"]) == ["b", "a", "c"]


def test_a_hazard_ratio_with_an_infinite_limit_reads_not_estimable():
    from her2desk.analysis.cox_models import CoxTerm
    from her2desk.ui.panels.cox_panel import hr_cell

    def term(hr, ci, converged=True):
        return CoxTerm("x", "X", "Yes", "No", hr, ci, 0.5, converged=converged)

    separated = term(1e-9, (0.0, float("inf")))
    assert not separated.estimable and hr_cell(separated).text == "not estimable"
    fine = term(0.61, (0.39, 0.96))
    assert fine.estimable and hr_cell(fine).text == "0.61 (0.39–0.96)"
    stopped = term(0.61, (0.39, 0.96), converged=False)        # numbers, but from a failed fit
    assert not stopped.estimable and hr_cell(stopped).text == "not estimable"
    assert "did not converge" in hr_cell(stopped).tooltip


def test_any_derived_variable_is_in_the_picker_and_a_choice_survives_the_endpoint(panel, study, qtbot):
    from PySide6.QtCore import Qt

    from her2desk.analysis.cox_models import ALL_COVARIATES

    listed = [panel.picker.item(i).data(Qt.ItemDataRole.UserRole) for i in range(panel.picker.count())]
    assert listed == [c.variable for c in ALL_COVARIATES]
    assert {"er_pr_subgroup", "age_at_diagnosis", "pcr", "metastasis_liver"} <= set(listed)
    with qtbot.waitSignal(panel.model_shown, timeout=20000):
        panel.set_covariates(["hr_status", "age_at_diagnosis"])
    with qtbot.waitSignal(panel.model_shown, timeout=20000) as blocker:
        panel.set_endpoint("DFS")          # not a paper's model: the ticks stay
    assert blocker.args[0].variables == ("hr_status", "age_at_diagnosis")
    assert "Age at diagnosis (years)" in panel.table.column_texts("Covariate")
    panel.reset_covariates()
    assert panel.chosen() == [v for v in PAPER_MODEL["DFS"]]
