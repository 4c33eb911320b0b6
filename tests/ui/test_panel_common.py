"""The helpers the result panels share: P wording, the Save-figure menu and where figures go."""
from PySide6.QtWidgets import QFileDialog, QWidget

from her2desk.ui.panels import common
from her2desk.ui.panels.base import Panel
from her2desk.ui.text import p_phrase, p_text
from her2desk.ui.workers import TaskRunner


def test_p_words():
    assert p_text(0.0312) == "0.031"
    assert p_text(0.0004) == "<0.001"
    assert p_text(None) == "—" and p_text(float("nan")) == "—"
    assert p_text(float("inf")) == "—"          # format_p alone would raise on this
    assert p_text(None, none="") == ""
    assert p_phrase("Log-rank P", 0.0312) == "Log-rank P = 0.031"
    assert p_phrase("P", 0.0004) == "P <0.001"


def test_save_menu_button_lists_each_figure(qtbot):
    calls = []
    button = common.save_menu_button([("KM…", lambda: calls.append("km")),
                                      ("Hazard…", lambda: calls.append("hz"))])
    qtbot.addWidget(button)
    actions = button.menu().actions()
    assert [a.text() for a in actions] == ["KM…", "Hazard…"]
    actions[1].trigger()
    assert calls == ["hz"] and button.text() == "Save figure ▾"


def test_save_figure_to_asks_writes_and_reports(qtbot, tmp_path, monkeypatch):
    panel = QWidget()
    qtbot.addWidget(panel)
    written = []
    target = tmp_path / "fig.png"
    # cancelled dialog: nothing written
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    assert common.save_figure_to(panel, written.append) is None and written == []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    assert common.save_figure_to(panel, written.append) == str(target)
    assert written == [str(target)]

    class Window(QWidget):
        reported = []

        def run_export(self, fn, path):
            fn()
            self.reported.append(path)

    window = Window()
    qtbot.addWidget(window)
    child = QWidget(window)
    assert common.save_figure_to(child, written.append, tmp_path / "b.svg") == str(tmp_path / "b.svg")
    assert Window.reported == [str(tmp_path / "b.svg")] and written[-1] == str(tmp_path / "b.svg")


def test_panel_runner_is_the_windows_or_its_own(qtbot):
    panel = Panel()
    qtbot.addWidget(panel)
    own = panel._runner()
    assert isinstance(own, TaskRunner) and panel._runner() is own and panel._own_runner is own

    class Window(QWidget):
        def __init__(self):
            super().__init__()
            self.runner = TaskRunner(self)

    window = Window()
    qtbot.addWidget(window)
    inner = Panel(window)
    assert inner._runner() is window.runner and inner._own_runner is None
    own.shutdown(1000)
    window.runner.shutdown(1000)


def test_result_table_lists_lazy_patients_only_on_request(qtbot):
    from her2desk.ui.panels.result_table import Cell, ResultTable

    table = ResultTable()
    qtbot.addWidget(table)
    calls = []

    def events():
        calls.append(1)
        return ("P002", "P005")

    table.set_rows(["Group", "Events"], [[Cell("HR+"), Cell("2", raw=2, patients=events)],
                                        [Cell("HR−"), Cell("0", raw=0, patients=None)]])
    assert calls == []                                   # nothing listed while filling
    assert "Double-click" in table.table_model.item(0, 1).toolTip()
    with qtbot.waitSignal(table.patients_requested) as blocker:
        assert table.request_patients(0, "Events")
    assert blocker.args == ["HR+ — Events", ("P002", "P005")] and calls == [1]
    assert not table.request_patients(1, "Events")
