"""Figure options…: a style chosen on a plot is saved with the study, reloaded when the study is
opened again, and drawn in the exported figure and the report's figures alike."""
import io
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtWidgets import QDialog

sys.path.insert(0, str(Path(__file__).parent))
import study_factory  # noqa: E402

from her2desk.crf.side_file import read_side_file  # noqa: E402
from her2desk.report.figure_style import STYLES_KEY, FigureStyle, load_styles  # noqa: E402
from her2desk.ui.dialogs.figure_options import FigureOptionsDialog  # noqa: E402
from her2desk.ui.main_window import MainWindow  # noqa: E402
from her2desk.ui.report_figures import figure_plan, render_one  # noqa: E402


@pytest.fixture(scope="module")
def study_file(tmp_path_factory):
    return study_factory.write_study(tmp_path_factory.mktemp("styles") / "study.xlsx", n=120)


def _open(qtbot, qsettings, path):
    w = MainWindow(settings_store=qsettings)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.results_ready, timeout=60000):
        w.open_study(path)
    return w


def _rgb(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _saturated(rgb: np.ndarray) -> float:
    """Share of pixels with a colour (not a grey): max - min channel above 40."""
    return float(((rgb.max(axis=2) - rgb.min(axis=2)) > 40).mean())


def _tinted(rgb: np.ndarray) -> float:
    """Share of pixels with any tint (the flowchart's group boxes are pale): channels 10 apart."""
    return float(((rgb.max(axis=2) - rgb.min(axis=2)) > 10).mean())


def test_styles_reach_the_exported_figure(qtbot, sample_results, tmp_path):
    plan = dict(figure_plan(sample_results))
    km = plan[next(t for t in plan if t.startswith("Fig 4b"))]()
    qtbot.addWidget(km)
    plain_png = tmp_path / "plain.png"
    km.export_journal(plain_png, width_mm=85, dpi=300)
    km.export_journal(tmp_path / "plain.svg", width_mm=85, dpi=300)
    km.set_style(FigureStyle(show_title=True, title="Overall survival, HR+ vs HR−",
                             palette="greyscale", at_risk=False,
                             legend_labels=(("HR+/HER2+", "Hormone receptor positive"),)))
    km.export_journal(tmp_path / "styled.png", width_mm=85, dpi=300)
    km.export_journal(tmp_path / "styled.svg", width_mm=85, dpi=300)
    plain_svg = (tmp_path / "plain.svg").read_text(encoding="utf-8")
    styled_svg = (tmp_path / "styled.svg").read_text(encoding="utf-8")
    assert "Overall survival, HR+ vs HR" not in plain_svg and "Overall survival, HR+ vs HR" in styled_svg
    assert "Hormone receptor positive" in styled_svg
    assert "Number at risk" in plain_svg and "Number at risk" not in styled_svg
    plain, styled = _rgb(plain_png.read_bytes()), _rgb((tmp_path / "styled.png").read_bytes())
    assert _saturated(plain) > 0.005 and _saturated(styled) == 0.0      # greyscale: no colour
    assert plain.shape[1] == styled.shape[1] == round(85 / 25.4 * 300)
    assert styled.shape[0] < plain.shape[0]                               # no table: less height


def test_cumulative_events_row(qtbot, sample_results):
    plan = dict(figure_plan(sample_results))
    km = plan[next(t for t in plan if t.startswith("Fig 4b"))]()
    qtbot.addWidget(km)
    km.set_style(FigureStyle(cumulative_events=True, x_max=120.0, x_tick=24.0))
    assert list(km.at_risk_table()[0]) == [0, 24, 48, 72, 96, 120]
    texts = [i.toPlainText() for i in km._risk_items]
    curve = km.curves[0]
    events_by_60 = int(np.asarray(curve.n_event)[np.asarray(curve.time) <= 48].sum())
    assert texts[0].endswith("(0)") and texts[2].endswith(f"({events_by_60})")


def test_figure_options_from_the_plot_are_saved_reloaded_and_in_the_report(
        qtbot, qsettings, study_file, monkeypatch):
    window = _open(qtbot, qsettings, study_file)
    plot = window.panels["Survival"].plot
    assert plot.options_action in plot.graphics.actions()       # right-click on the plot

    def fill_and_accept(dialog):
        dialog.palette.setCurrentText("greyscale")
        dialog.title_check.setChecked(True)
        dialog.title_edit.setText("My KM title")
        dialog.at_risk.setChecked(False)
        dialog.label_edits[next(iter(dialog.label_edits))].setText("Group one")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(FigureOptionsDialog, "exec", fill_and_accept)
    plot.options_action.trigger()
    saved = read_side_file(study_file).data[STYLES_KEY]["km"]
    assert saved["palette"] == "greyscale" and saved["at_risk"] is False
    assert plot.figure_style.title == "My KM title"
    assert plot.plot.titleLabel.text == "My KM title" and plot.risk not in plot.graphics.ci.items
    window.runner.shutdown(5000)
    window.close()

    again = _open(qtbot, qsettings, study_file)            # reopened: the style comes back
    assert again.panels["Survival"].plot.figure_style == FigureStyle.from_dict(saved)
    styles = load_styles(study_file)
    plan = dict(figure_plan(again.results, styles))
    title = next(t for t in plan if t.startswith("Fig 4b"))
    png = _rgb(render_one(title, plan[title], width_mm=85, dpi=150))
    assert _saturated(png) == 0.0                            # the report draws it greyscale too
    bars = next(t for t in plan if "pCR" in t)
    assert _saturated(_rgb(render_one(bars, plan[bars], width_mm=85, dpi=150))) > 0.005
    again.runner.shutdown(5000)


def test_flowchart_options_are_saved_drawn_exported_and_in_the_report(
        qtbot, qsettings, tmp_path, monkeypatch):
    study = study_factory.write_study(tmp_path / "flow-study.xlsx", n=80)
    window = _open(qtbot, qsettings, study)
    view = window.panels["Eligibility"].flowchart
    assert view.options_action in view.actions()                 # right-click on the chart
    groups = list(view.flow.groups)
    first = groups[0]
    view.export_journal(tmp_path / "plain.png", width_mm=85, dpi=150)
    view.export_journal(tmp_path / "plain.svg", width_mm=85, dpi=150)
    assert view.title_item is None                                # no title by default
    seen = {}

    def fill_and_accept(dialog):
        seen["axes"] = dialog.x_label.parentWidget()               # a flowchart has no axes
        seen["groups"] = list(dialog.label_edits)
        dialog.palette.setCurrentText("greyscale")
        dialog.title_check.setChecked(True)
        dialog.label_edits[first].setText("Hormone receptor positive")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(FigureOptionsDialog, "exec", fill_and_accept)
    view.options_action.trigger()
    assert seen == {"axes": None, "groups": groups}
    saved = read_side_file(study).data[STYLES_KEY]["flowchart"]
    assert saved == {"show_title": True, "palette": "greyscale",
                     "legend_labels": {first: "Hormone receptor positive"}}
    assert view.title_item.text() == "Study flowchart"
    assert view.box_text(f"group:{first}") == f"Hormone receptor positive (n = {view.flow.groups[first]})"
    fill = view.boxes[f"group:{first}"].brush().color()
    assert fill.red() == fill.green() == fill.blue()              # a grey box
    view.export_journal(tmp_path / "styled.png", width_mm=85, dpi=150)
    view.export_journal(tmp_path / "styled.svg", width_mm=85, dpi=150)
    plain, styled = _rgb((tmp_path / "plain.png").read_bytes()), _rgb((tmp_path / "styled.png").read_bytes())
    assert _tinted(plain) > 0.05 and _tinted(styled) == 0.0       # pale group boxes: a tint
    assert plain.shape[1] == styled.shape[1] == round(85 / 25.4 * 150)
    assert styled.shape[0] > plain.shape[0]                       # the title takes a line
    meta = "<title>Study flowchart</title>"                        # the file's own metadata
    plain_svg = (tmp_path / "plain.svg").read_text(encoding="utf-8").replace(meta, "")
    styled_svg = (tmp_path / "styled.svg").read_text(encoding="utf-8").replace(meta, "")
    assert "Study flowchart" not in plain_svg and "Study flowchart" in styled_svg
    assert "Hormone receptor positive" in styled_svg
    window.runner.shutdown(5000)
    window.close()

    again = _open(qtbot, qsettings, study)                       # reopened: the style comes back
    assert again.panels["Eligibility"].flowchart.figure_style == FigureStyle.from_dict(saved)
    plan = dict(figure_plan(again.results, load_styles(study)))
    flow_title = next(t for t in plan if t.startswith("Fig 1"))
    png = _rgb(render_one(flow_title, plan[flow_title], width_mm=85, dpi=150))
    assert _tinted(png) == 0.0                                    # the report's Fig 1 too
    again.runner.shutdown(5000)


def test_bar_chart_options_saved_for_one_paper_item_only(qtbot, qsettings, tmp_path, monkeypatch):
    study = study_factory.write_study(tmp_path / "bars-study.xlsx", n=120)
    window = _open(qtbot, qsettings, study)
    neo = window.panels["Neoadjuvant"]
    window.tabs.setCurrentWidget(neo)
    neo.select("hr")
    assert neo.pcr_chart.paper_item == neo.grade_chart.paper_item == "Fig 2a"

    def only_this_item(dialog):
        dialog.palette.setCurrentText("greyscale")
        dialog.applies.setCurrentIndex(dialog.applies.findData("Fig 2a"))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(FigureOptionsDialog, "exec", only_this_item)
    neo.pcr_chart.options_action.trigger()
    assert read_side_file(study).data[STYLES_KEY] == {"Fig 2a": {"palette": "greyscale"}}
    assert neo.pcr_chart.figure_style.palette == neo.grade_chart.figure_style.palette == "greyscale"
    neo.select("erpr")                                       # Fig 2b keeps the shipped colours
    assert neo.pcr_chart.paper_item == "Fig 2b" and neo.pcr_chart.figure_style is None
    neo.select("hr")                                         # and Fig 2a finds its own again
    assert neo.pcr_chart.figure_style.palette == "greyscale"
    plan = dict(figure_plan(window.results, load_styles(study)))
    for title in plan:
        if title.startswith("Fig 2"):
            tint = _tinted(_rgb(render_one(title, plan[title], width_mm=85, dpi=100)))
            assert (tint == 0.0) is title.startswith("Fig 2a"), title
    window.runner.shutdown(5000)


def test_forest_plot_options_saved_for_its_table_only(qtbot, qsettings, tmp_path, monkeypatch):
    study = study_factory.write_study(tmp_path / "cox-study.xlsx", n=120)
    window = _open(qtbot, qsettings, study)
    cox = window.panels["Cox"]
    window.tabs.setCurrentWidget(cox)
    cox.set_endpoint("OS")
    qtbot.waitUntil(lambda: getattr(cox.forest, "paper_item", "") == "Table S5", timeout=30000)

    def only_this_item(dialog):
        dialog.palette.setCurrentText("greyscale")
        dialog.applies.setCurrentIndex(dialog.applies.findData("Table S5"))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(FigureOptionsDialog, "exec", only_this_item)
    cox.forest.options_action.trigger()
    assert read_side_file(study).data[STYLES_KEY] == {"Table S5": {"palette": "greyscale"}}
    assert cox.forest.figure_style.palette == "greyscale"
    cox.set_endpoint("DFS")                                  # Table S6 keeps the shipped look
    qtbot.waitUntil(lambda: cox.forest.paper_item == "Table S6", timeout=30000)
    assert cox.forest.figure_style is None
    cox.set_endpoint("OS")
    qtbot.waitUntil(lambda: cox.forest.paper_item == "Table S5", timeout=30000)
    assert cox.forest.figure_style.palette == "greyscale"
    window.runner.shutdown(5000)
