"""Survival tab: choices drive the curves, table and at-risk numbers; custom comparisons compute off-thread."""
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
import study_factory  # noqa: E402

from her2desk.analysis import endpoints as ep  # noqa: E402
from her2desk.analysis.study import run_study  # noqa: E402
from her2desk.analysis.survival import annual_hazard  # noqa: E402
from her2desk.cohort.loading import load_study  # noqa: E402
from her2desk.ui.panels import survival_panel as sp  # noqa: E402
from her2desk.report.format import format_hr  # noqa: E402
from her2desk.ui.text import p_text  # noqa: E402


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    path = study_factory.write_study(tmp_path_factory.mktemp("surv") / "study.xlsx", n=120)
    loaded = load_study(path)
    return loaded, run_study(loaded.cohort, loaded.settings, flowchart=loaded.flowchart)


@pytest.fixture
def panel(qtbot, study):
    loaded, results = study
    p = sp.SurvivalPanel()
    qtbot.addWidget(p)
    p.resize(1100, 800)
    p.set_results(results.survival, cohort=loaded.cohort, settings=results.settings)
    yield p
    if p._own_runner is not None:
        p._own_runner.shutdown(5000)


def _check_matches(panel, comparison):
    assert [c.label for c in panel.plot.curves] == [g.label for g in comparison.groups]
    assert [(c.n, c.events) for c in panel.plot.curves] == [(g.n, g.events) for g in comparison.groups]
    assert panel.table.column_texts("n")[:len(comparison.groups)] == [str(g.n) for g in comparison.groups]
    assert panel.table.column_texts("Events")[:len(comparison.groups)] == [str(g.events) for g in comparison.groups]


def test_endpoint_and_grouping_change_the_curves(panel, study):
    _, results = study
    panel.select("OS", "HR status")
    os_hr = results.survival_by_key("os_hr")
    assert panel.current is os_hr
    _check_matches(panel, os_hr)
    assert len(os_hr.groups) == 2 and os_hr.groups[0].n + os_hr.groups[1].n > 50
    # The HR and log-rank P on the plot are the comparison's.
    hr = os_hr.hazard_ratios[0]
    assert f"HR {format_hr(hr.hazard_ratio)}" in panel.plot.annotation.toPlainText()
    assert panel.table.text(0, "HR (95 % CI)").startswith(f"{format_hr(hr.hazard_ratio)} (")

    panel.select("DFS", "ER/PR subgroup")
    dfs = results.survival_by_key("dfs_erpr")
    assert panel.current is dfs
    _check_matches(panel, dfs)
    assert panel.table.text(len(dfs.groups), "Log-rank P") == p_text(dfs.logrank_p)  # overall row


def test_at_risk_numbers_equal_analysis(panel, study):
    _, results = study
    panel.select("OS", "HR status")
    ticks, rows = panel.plot.at_risk_table()
    comparison = results.survival_by_key("os_hr")
    for (label, counts), curve in zip(rows, comparison.curves):
        assert label == curve.label
        assert counts == list(ep.at_risk(curve, ticks))
    assert rows[0][1][0] == comparison.groups[0].n   # everyone is at risk at time 0
    panel.unit_box.setCurrentIndex(panel.unit_box.findData("years"))
    ticks_y, rows_y = panel.plot.at_risk_table()
    assert panel.plot.time_unit == "years"
    assert rows_y[0][1] == list(ep.at_risk(comparison.curves[0], ticks_y * 12))
    assert "years" in panel.table.headers[3]


def test_custom_comparison_computed_in_background(qtbot, study):
    loaded, results = study
    p = sp.SurvivalPanel()
    qtbot.addWidget(p)
    # Without the precomputed DFS-by-HR, the panel must build the spec and compute it itself.
    p.set_results([c for c in results.survival if c.key != "dfs_hr"], cohort=loaded.cohort,
                  settings=results.settings)
    with qtbot.waitSignal(p.comparison_shown, timeout=20000) as blocker:
        p.select("DFS", "HR status")
    got = blocker.args[0]
    want = ep.survival_comparison(loaded.cohort, sp.spec_for("DFS", p.grouping))
    assert got.key == "dfs_hr"
    assert [(g.label, g.n, g.events) for g in got.groups] == [(g.label, g.n, g.events) for g in want.groups]
    assert got.logrank_p == pytest.approx(want.logrank_p)
    _check_matches(p, got)
    p._own_runner.shutdown(5000)


def test_spec_for_builds_new_specs():
    spec = sp.spec_for("OS", next(o for o in sp.grouping_options() if o.column == "her2_heterogeneity"))
    assert spec.key.startswith("custom:") and spec.endpoint == "OS" and spec.subset == ""
    assert spec.labels == {True: "HER2 heterogeneous", False: "HER2 homogeneous"}
    assert sp.spec_for("advanced_OS", sp.grouping_options()[1]).key == "aos_hr"


def test_double_click_lists_patients(panel, study, qtbot):
    loaded, results = study
    panel.select("OS", "HR status")
    group = results.survival_by_key("os_hr").groups[0]
    with qtbot.waitSignal(panel.table.patients_requested) as blocker:
        assert panel.table.request_patients(0, "n")
    assert blocker.args[1] == group.patient_ids
    with qtbot.waitSignal(panel.table.patients_requested) as blocker:
        panel.table.request_patients(0, "Events")
    ids = set(blocker.args[1])
    assert len(ids) == group.events
    cohort = loaded.cohort.set_index("patient_id")
    assert cohort.loc[list(ids), "os_event"].astype(bool).all()


def test_yearly_hazard_uses_the_groups_data(panel, study):
    loaded, results = study
    panel.select("OS", "HR status")
    assert panel.hazard_plot.isHidden() and panel.hazards == {}   # not computed while hidden
    panel.hazard_check.setChecked(True)
    panel.select("OS", "HR status")
    assert not panel.hazard_plot.isHidden()
    comparison = results.survival_by_key("os_hr")
    frame = ep.endpoint_frame(loaded.cohort, "OS")
    for g in comparison.groups:
        sub = frame[frame["patient_id"].astype(str).isin(set(g.patient_ids))]
        want = annual_hazard(sub["os_months"].to_numpy(float), sub["os_event"].to_numpy(bool))
        got = panel.hazards[g.label]
        assert got.events.tolist() == want.events.tolist()
        np.testing.assert_allclose(got.person_time, want.person_time)
        assert got.events.sum() == g.events


def test_figure_and_table_exports(panel, tmp_path):
    panel.select("OS", "HR status")
    png, svg = tmp_path / "km.png", tmp_path / "km.svg"
    panel.save_figure(str(png))
    panel.save_figure(str(svg))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    assert "Number at risk" in svg.read_text(encoding="utf-8")
    panel.hazard_check.setChecked(True)
    hz = tmp_path / "hazard.png"
    panel.save_figure(str(hz), which="hazard")
    assert hz.read_bytes()[:4] == b"\x89PNG"
    frame = panel.export_frame()
    assert list(frame["Group"]) == [g.label for g in panel.current.groups]
    assert list(frame["n"]) == [str(g.n) for g in panel.current.groups]


def test_separation_shows_notes_and_not_estimable(qtbot, study):
    loaded, results = study
    cohort = loaded.cohort.copy()
    cohort.loc[cohort["hr_status"] == "HR-/HER2+", "os_event"] = False   # no deaths in one group
    spec = sp.spec_for("OS", next(o for o in sp.grouping_options() if o.label == "HR status"))
    comp = ep.survival_comparison(cohort, spec)
    (hr,) = comp.hazard_ratios
    assert not np.isfinite(hr.ci[1])                  # what the analysis gives: 0.00–inf style
    assert any("separation" in n for n in comp.notes)
    p = sp.SurvivalPanel()
    qtbot.addWidget(p)
    p.resize(1100, 800)
    p.set_results([comp], cohort=cohort, settings=results.settings)
    p.select("OS", "HR status")
    assert p.current is comp
    row = [g.label for g in comp.groups].index(hr.group)
    assert p.table.text(row, "HR (95 % CI)") == "not estimable"
    assert p.table.text(row, "P (Cox)") == "—"
    assert p.table.text(row, "Log-rank P") == p_text(hr.logrank_p)   # still valid
    ref_row = [g.label for g in comp.groups].index(comp.reference_group)
    assert p.table.text(ref_row, "HR (95 % CI)") == "1 (reference)"
    annotation = p.plot.annotation.toPlainText()
    assert f"HR not estimable, {hr.group} vs {hr.reference}" in annotation
    assert "inf" not in annotation and p_text(comp.logrank_p) in annotation
    # The comparison's notes, in the yellow box under the table, once each and in order.
    assert not p.notes_label.isHidden()
    assert p.notes_label.text().split("\n") == [f"⚠ {n}" for n in dict.fromkeys(comp.notes)]
    assert "#fff4d6" in p.notes_label.styleSheet()
    assert "not estimable" in p.export_frame()["HR (95 % CI)"].tolist()


def test_non_converged_cox_hr_is_not_estimable(panel, study):
    import dataclasses

    import pandas as pd

    from her2desk.analysis.cox import fit_cox

    _, results = study
    os_hr = results.survival_by_key("os_hr")
    panel.select("OS", "HR status")
    hr = os_hr.hazard_ratios[0]
    assert np.isfinite([hr.hazard_ratio, *hr.ci]).all()
    # A normal comparison: its HR printed, its notes (if any) shown.
    assert panel.table.text([g.label for g in os_hr.groups].index(hr.group), "HR (95 % CI)") == \
        f"{hr.hazard_ratio:.2f} ({hr.ci[0]:.2f}–{hr.ci[1]:.2f})"
    assert panel.notes_label.isHidden() == (not os_hr.notes)
    # The same HR from a fit that stopped early is not an estimate, finite or not.
    data = pd.DataFrame({"t": [1.0, 2, 3, 4, 5, 6], "e": [1, 1, 0, 1, 1, 1], "x": [0, 1, 0, 1, 0, 1]})
    said = [w for w in fit_cox(data, "t", "e", ["x"], max_iter=1).warnings if "did not converge" in w]
    assert said
    unconverged = dataclasses.replace(hr, converged=False)
    stopped = dataclasses.replace(os_hr, notes=(*said, *os_hr.notes),
                                  hazard_ratios=(unconverged, *os_hr.hazard_ratios[1:]))
    assert sp.hr_estimable(hr) and not sp.hr_estimable(unconverged)
    panel._display(stopped)
    row = [g.label for g in stopped.groups].index(hr.group)
    assert panel.table.text(row, "HR (95 % CI)") == "not estimable"
    assert "did not converge" in panel.table.table_model.item(row, 7).toolTip()
    assert f"HR not estimable, {hr.group} vs {hr.reference}" in panel.plot.annotation.toPlainText()
    assert f"{hr.hazard_ratio:.2f} (95 % CI" not in panel.plot.annotation.toPlainText()
    assert panel.notes_label.text().split("\n")[0] == f"⚠ {said[0]}"
