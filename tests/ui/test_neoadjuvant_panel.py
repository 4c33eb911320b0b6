"""Neoadjuvant tab: every analysis selectable; table, tooltips and patients match NeoadjuvantResults."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import study_factory  # noqa: E402

from her2desk.analysis.study import run_study  # noqa: E402
from her2desk.cohort.loading import load_study  # noqa: E402
from her2desk.ui.panels.neoadjuvant_panel import NeoadjuvantPanel, rate_text  # noqa: E402


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    path = study_factory.write_study(tmp_path_factory.mktemp("neo") / "study.xlsx", n=120)
    loaded = load_study(path)
    return loaded, run_study(loaded.cohort, loaded.settings, flowchart=loaded.flowchart)


@pytest.fixture
def panel(qtbot, study):
    loaded, results = study
    p = NeoadjuvantPanel()
    qtbot.addWidget(p)
    p.set_results(results.neoadjuvant, cohort=loaded.cohort)
    return p


def test_every_analysis_can_be_shown(panel, study):
    _, results = study
    keys = [a.key for a in results.neoadjuvant.analyses]
    assert {"hr", "erpr", "regimen"} <= set(keys)
    assert any(k.startswith("regimen_") for k in keys) and any(k.startswith("erpr_") for k in keys)
    assert panel.choice.count() == len(keys)
    for a in results.neoadjuvant.analyses:
        panel.select(a.key)
        assert panel.current is a
        rates = a.pcr.rates
        assert panel.table.column_texts("n")[:len(rates)] == [str(r.n) for r in rates]
        assert panel.table.column_texts("pCR")[:len(rates)] == [str(r.k) for r in rates]
        assert panel.table.column_texts("pCR rate (95 % CI)")[:len(rates)] == [rate_text(r) for r in rates]
        # Bars: one per group, height = rate in percent.
        heights = [v for _, _, v, _ in panel.pcr_chart.bars]
        assert heights == pytest.approx([r.rate * 100 for r in rates if r.rate is not None])


def test_p_values_and_test_tooltips(panel, study):
    _, results = study
    a = results.neoadjuvant.get("regimen")
    panel.select("regimen")
    from her2desk.report.format import format_p

    for row, r in enumerate(a.pcr.rates):
        if r.group == a.pcr.reference:
            assert panel.table.text(row, "P vs reference") == "reference"
            continue
        pw = a.pcr.pairwise_for(r.group)
        assert panel.table.text(row, "P vs reference") == format_p(pw.p_value)
        tip = panel.table.table_model.item(row, panel.table.headers.index("P vs reference")).toolTip()
        assert ("Fisher" in tip) if "fisher" in (pw.test or "").lower() else ("chi-square" in tip)
    last = len(a.pcr.rates)
    assert panel.table.text(last, "P vs reference") == format_p(a.pcr.overall.p_value)
    assert "Miller–Payne grade distribution" in panel.grade_p.text()


def test_double_click_pcr_lists_the_responders(panel, study, qtbot):
    loaded, results = study
    a = results.neoadjuvant.get("hr")
    panel.select("hr")
    r = a.pcr.rates[0]
    with qtbot.waitSignal(panel.table.patients_requested) as blocker:
        panel.table.request_patients(0, "n")
    assert blocker.args[1] == a.patient_ids[str(r.group)]
    with qtbot.waitSignal(panel.table.patients_requested) as blocker:
        panel.table.request_patients(0, "pCR")
    ids = blocker.args[1]
    assert len(ids) == r.k
    assert set(ids) <= set(a.patient_ids[str(r.group)])
    assert loaded.cohort.set_index("patient_id").loc[list(ids), "pcr"].astype(bool).all()


def test_figure_export(panel, tmp_path):
    panel.select("regimen")
    png, svg = tmp_path / "pcr.png", tmp_path / "grades.svg"
    panel.save_figure(str(png), which="pcr")
    panel.save_figure(str(svg), which="grades")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in svg.read_text(encoding="utf-8")
    assert "HP + chemo" in [c for c in panel.pcr_chart.categories]
