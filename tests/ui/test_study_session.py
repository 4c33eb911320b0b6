"""A study that remembers: save, close and reopen a .her2desk study, and undo/redo of
settings, the column mapping and the pages' choices (each restoring the state and the results)."""
import json
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from her2desk.cohort.settings import StudySettings
from her2desk.ui.main_window import MainWindow

sys.path.insert(0, str(Path(__file__).parent))
import study_factory  # noqa: E402

UNMATCHED = "Patients!Zzqx notes"


@pytest.fixture(scope="module")
def master(tmp_path_factory):
    """The window-test study with one column nothing recognises."""
    import openpyxl

    path = study_factory.write_study(tmp_path_factory.mktemp("session") / "study.xlsx", n=60)
    wb = openpyxl.load_workbook(path)
    ws = wb["Patients"]
    header_row = next(r for r in range(1, 6) if "Patient ID" in [c.value for c in ws[r]])
    ws.cell(row=header_row, column=ws.max_column + 1, value="Zzqx notes")
    wb.save(path)
    return path


@pytest.fixture
def study(tmp_path, master):
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "study.xlsx"
    path.write_bytes(master.read_bytes())
    return path


@pytest.fixture(autouse=True)
def no_blocking_question(monkeypatch):
    """"Save changes to the study?" is answered Discard unless a test answers it (_reply):
    a modal box would block an offscreen test run for good."""
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))


def _window(qtbot, qsettings):
    w = MainWindow(settings_store=qsettings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _answer(answers, sentence):
    answers["asked"].append(sentence)
    return answers["reply"]


@pytest.fixture
def window(qtbot, qsettings):
    w = _window(qtbot, qsettings)
    yield w
    w.runner.shutdown(5000)


def _idle(window, qtbot):
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=60000)


def _open(window, qtbot, path):
    with qtbot.waitSignal(window.results_ready, timeout=60000):
        assert window.open_path(path)
    _idle(window, qtbot)


def _user_picks(box, text):
    """Choose an entry the way a click does: the index changes, then ``activated``."""
    i = box.findText(text)
    assert i >= 0, text
    box.setCurrentIndex(i)
    box.activated.emit(i)


def _survival_key(window, qtbot):
    panel = window.panels["Survival"]
    qtbot.waitUntil(lambda: panel.current is not None and panel.current.key == panel.current_spec().key,
                    timeout=30000)
    return panel.current.key


def _cox_variables(window, qtbot):
    panel = window.panels["Cox"]
    qtbot.waitUntil(lambda: panel.model is not None and sorted(panel.model.variables) == sorted(panel.chosen())
                    and not panel._debounce.isActive(), timeout=30000)
    _idle(window, qtbot)
    return sorted(panel.model.variables)


def _tick(window, variable, checked):
    picker = window.panels["Cox"].picker
    item = next(picker.item(i) for i in range(picker.count())
                if picker.item(i).data(Qt.ItemDataRole.UserRole) == variable)
    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)


def _cox_extra(window):
    """A covariate shown on the Cox page that the paper's model does not tick."""
    panel = window.panels["Cox"]
    chosen = set(panel.chosen())
    return next(panel.picker.item(i).data(Qt.ItemDataRole.UserRole) for i in range(panel.picker.count())
                if not panel.picker.item(i).isHidden()
                and panel.picker.item(i).data(Qt.ItemDataRole.UserRole) not in chosen)


def _change_settings(window, qtbot, **changes):
    with qtbot.waitSignal(window.results_ready, timeout=60000):
        window.history.change_settings(window.study_settings.replace(**changes))
    _idle(window, qtbot)


def test_a_saved_study_reopens_with_every_choice(qtbot, qsettings, study, tmp_path):
    w = _window(qtbot, qsettings)
    _open(w, qtbot, study)
    assert len(w.loaded.crf.unmatched_columns) == 1
    with qtbot.waitSignal(w.results_ready, timeout=60000):
        w.history.change_mapping(w.column_mapping(), {UNMATCHED: ""})
    _idle(w, qtbot)
    assert not w.loaded.crf.unmatched_columns
    _change_settings(w, qtbot, p_adjust="BH", time_unit="years", km_conf_type="log-log")
    _user_picks(w.panels["Survival"].grouping_box, "ER/PR subgroup")
    _user_picks(w.panels["Survival"].endpoint_box, "Disease-free survival (DFS)")
    survival_key = _survival_key(w, qtbot)
    extra = _cox_extra(w)
    _tick(w, extra, True)
    covariates = _cox_variables(w, qtbot)
    assert extra in covariates
    _user_picks(w.panels["Baseline"].grouping_box, w.panels["Baseline"].grouping_box.itemText(1))
    baseline = w.panels["Baseline"].grouping_box.currentData()
    qtbot.waitUntil(lambda: w.panels["Baseline"].grouping == baseline, timeout=30000)
    (tmp_path / "studies").mkdir()
    saved = w.session.save_as(tmp_path / "studies" / "trial")
    assert saved == tmp_path / "studies" / "trial.her2desk"
    raw = json.loads(saved.read_text(encoding="utf-8"))
    assert raw["data"][0]["path"] == "../data/study.xlsx"
    assert raw["column_mapping"] == {UNMATCHED: ""} and raw["settings"]["p_adjust"] == "BH"
    assert len(raw["results_sha256"]) == 64
    w.close()
    w.runner.shutdown(5000)

    # Another session, with the study's side file gone: everything comes from the study file.
    study.with_name("study.her2desk.json").unlink()
    again = _window(qtbot, qsettings)
    try:
        from her2desk.ui.app import initial_study

        assert str(saved.resolve()) in again.recent_files()
        # The app starts on the last study, a study file here, through open_path (run_app).
        assert initial_study(again, None) == saved.resolve()
        _open(again, qtbot, initial_study(again, None))
        assert again.study_settings == StudySettings(p_adjust="BH", time_unit="years", km_conf_type="log-log")
        assert again.results.settings.p_adjust == "BH"
        assert not again.loaded.crf.unmatched_columns and again.column_mapping() == {UNMATCHED: ""}
        assert _survival_key(again, qtbot) == survival_key
        assert again.panels["Survival"].unit_box.currentData() == "years"
        assert _cox_variables(again, qtbot) == covariates
        qtbot.waitUntil(lambda: again.panels["Baseline"].grouping == baseline, timeout=30000)
        assert again.session.path == saved and "trial.her2desk" in again.windowTitle()
        from her2desk.ui.study_session import results_sha256

        assert results_sha256(again.results) == raw["results_sha256"]     # same data, same numbers
    finally:
        again.runner.shutdown(5000)


def test_changed_data_is_said_and_the_user_may_go_on(qtbot, qsettings, study, tmp_path):
    import openpyxl

    w = _window(qtbot, qsettings)
    _open(w, qtbot, study)
    saved = w.session.save(tmp_path / "s.her2desk")
    w.runner.shutdown(5000)
    wb = openpyxl.load_workbook(study)
    ws = wb["Patients"]
    ws.cell(row=ws.max_row, column=2, value="edited")
    wb.save(study)

    answers = {"asked": [], "reply": False}
    again = _window(qtbot, qsettings)
    again.session.confirm = lambda sentence: _answer(answers, sentence)
    try:
        assert not again.session.open(saved)
        assert len(answers["asked"]) == 1 and "study.xlsx has changed since the study was saved" in answers["asked"][0]
        assert again.loaded is None and not again.runner.is_busy()
        answers["reply"] = True
        with qtbot.waitSignal(again.results_ready, timeout=60000):
            assert again.session.open(saved)
        assert "has changed" in again.banner.text()
    finally:
        again.runner.shutdown(5000)


def test_a_file_that_is_not_a_study_is_one_sentence(window, tmp_path):
    bad = tmp_path / "bad.her2desk"
    bad.write_text('{"settings": {}}', encoding="utf-8")
    assert not window.open_path(bad)
    assert window.banner.kind == "error" and "is not a her2desk study file" in window.banner.text()
    assert bad.read_text(encoding="utf-8") == '{"settings": {}}'
    assert window.loaded is None


def test_undo_redo_of_a_setting_restores_it_and_its_results(window, qtbot, study):
    _open(window, qtbot, study)
    before = window.results
    assert not window.history.undo_action.isEnabled()
    _change_settings(window, qtbot, p_adjust="holm")
    assert window.results.settings.p_adjust == "holm"
    assert window.history.undo_action.text() == "&Undo Change the P-value adjustment"
    assert window.history.undo_action.shortcut().toString() == "Ctrl+Z"
    assert window.history.redo_action.shortcut().toString() == "Ctrl+Shift+Z"
    with qtbot.waitSignal(window.results_ready, timeout=60000):
        window.history.undo_action.trigger()
    _idle(window, qtbot)
    assert window.study_settings.p_adjust == "none" and window.results.settings.p_adjust == "none"
    assert [c.key for c in window.results.survival] == [c.key for c in before.survival]
    side = json.loads(study.with_name("study.her2desk.json").read_text(encoding="utf-8"))
    assert side["settings"]["p_adjust"] == "none"
    # A cohort setting: undo re-derives the cohort and gives back the eligible count.
    eligible = int(window.loaded.cohort["eligible"].sum())
    _change_settings(window, qtbot, enrol_to=StudySettings().enrol_from.replace(year=2016))
    assert int(window.loaded.cohort["eligible"].sum()) < eligible
    with qtbot.waitSignal(window.results_ready, timeout=60000):
        window.history.undo_action.trigger()
    _idle(window, qtbot)
    assert int(window.loaded.cohort["eligible"].sum()) == eligible
    with qtbot.waitSignal(window.results_ready, timeout=60000):
        window.history.redo_action.trigger()
    _idle(window, qtbot)
    assert int(window.loaded.cohort["eligible"].sum()) < eligible


def test_undo_redo_of_the_mapping(window, qtbot, study):
    _open(window, qtbot, study)
    assert [h for _, h in window.loaded.crf.unmatched_columns] == ["Zzqx notes"]
    with qtbot.waitSignal(window.results_ready, timeout=60000):
        window.history.change_mapping(window.column_mapping(), {UNMATCHED: ""})
    _idle(window, qtbot)
    assert not window.loaded.crf.unmatched_columns
    assert window.history.undo_action.text() == "&Undo Map columns: Zzqx notes"
    with qtbot.waitSignal(window.results_ready, timeout=60000):
        window.history.undo_action.trigger()
    _idle(window, qtbot)
    assert [h for _, h in window.loaded.crf.unmatched_columns] == ["Zzqx notes"]
    assert window.column_mapping() == {}
    with qtbot.waitSignal(window.results_ready, timeout=60000):
        window.history.redo_action.trigger()
    _idle(window, qtbot)
    assert not window.loaded.crf.unmatched_columns and window.column_mapping() == {UNMATCHED: ""}


def test_undo_redo_of_page_choices_restores_what_is_shown(window, qtbot, study):
    _open(window, qtbot, study)
    survival = window.panels["Survival"]
    first = _survival_key(window, qtbot)
    _user_picks(survival.grouping_box, "ER/PR subgroup")
    second = _survival_key(window, qtbot)
    assert second != first
    assert window.history.undo_action.text() == "&Undo Change survival: grouping"
    saved = window.session.save(window.study_path.with_name("s.her2desk"))
    assert not window.isWindowModified() and window.windowTitle().startswith("s.her2desk")
    window.history.undo_action.trigger()
    assert window.isWindowModified()             # back before the save: unsaved again
    assert _survival_key(window, qtbot) == first and survival.grouping_box.currentText() == "HR status"
    assert json.loads(saved.read_text(encoding="utf-8"))["choices"]["survival"]["grouping"] == "ER/PR subgroup"
    window.history.redo_action.trigger()
    assert _survival_key(window, qtbot) == second

    paper = _cox_variables(window, qtbot)
    extra = _cox_extra(window)
    _tick(window, extra, True)
    assert _cox_variables(window, qtbot) == sorted([*paper, extra])
    window.history.undo_action.trigger()
    assert _cox_variables(window, qtbot) == paper
    window.history.redo_action.trigger()
    assert _cox_variables(window, qtbot) == sorted([*paper, extra])
    # Choices survive a setting that re-runs the analyses, and undoing it.
    _change_settings(window, qtbot, cox_ties="breslow")
    assert _cox_variables(window, qtbot) == sorted([*paper, extra])
    assert _survival_key(window, qtbot) == second
    assert window.results.settings.cox_ties == "breslow"


def test_results_that_moved_on_unchanged_data_are_said(window, qtbot, study, tmp_path):
    _open(window, qtbot, study)
    saved = window.session.save(tmp_path / "s.her2desk")
    raw = json.loads(saved.read_text(encoding="utf-8"))
    raw["results_sha256"] = "0" * 64
    saved.write_text(json.dumps(raw), encoding="utf-8")
    with qtbot.waitSignal(window.results_ready, timeout=60000):
        assert window.session.open(saved)
    qtbot.waitUntil(lambda: "results differ from the saved ones" in window.banner.text(), timeout=10000)


def test_a_redcap_study_reopens_with_its_dictionary(window, qtbot, tmp_path, monkeypatch):
    from her2desk.ui import redcap_open

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "crf"))
    from redcap_factory import small_project

    records, dictionary = small_project(tmp_path)
    with qtbot.waitSignal(window.study_loaded, timeout=30000):
        assert window.open_study(records, dictionary=dictionary)
    _idle(window, qtbot)
    saved = window.session.save(tmp_path / "redcap.her2desk")
    raw = json.loads(saved.read_text(encoding="utf-8"))
    assert raw["dictionary"]["path"] == dictionary.name and len(raw["dictionary"]["sha256"]) == 64
    monkeypatch.setattr(redcap_open, "ask_use_dictionary",
                        lambda *a: pytest.fail("the study file names its dictionary: no question"))
    window.study_path = window.study_dictionary = None       # as in a new session
    with qtbot.waitSignal(window.study_loaded, timeout=30000) as sig:
        assert window.session.open(saved)
    assert sig.args[0].crf.dictionary == dictionary and window.study_dictionary == dictionary
    _idle(window, qtbot)


def test_a_page_moved_by_the_program_keeps_its_choice_over_new_results(window, qtbot, study):
    """The paper navigator's "Show in tab" calls the page's own select(): not an undo step,
    but what is on screen when the next results arrive."""
    _open(window, qtbot, study)
    survival = window.panels["Survival"]
    survival.select("DFS", "ER/PR subgroup")
    shown = _survival_key(window, qtbot)
    assert not window.history.undo_action.isEnabled()
    _change_settings(window, qtbot, km_conf_type="plain")
    assert _survival_key(window, qtbot) == shown
    assert survival.endpoint == "DFS" and survival.grouping_box.currentText() == "ER/PR subgroup"


def test_figure_styles_travel_with_the_study_file(window, qtbot, study, tmp_path):
    """Whatever the figure-style module keeps under its side-file key is carried verbatim."""
    from her2desk.cohort.study_file import FIGURE_STYLES_KEY
    from her2desk.crf.side_file import read_side_file, update_side_file

    from her2desk.ui.panels.common import FIGURE_DPI, FIGURE_WIDTH_MM

    styles = {"km": {"show_title": True, "title": "Overall survival", "palette": "greyscale"}}
    update_side_file(study, **{FIGURE_STYLES_KEY: styles})
    _open(window, qtbot, study)
    window.store.setValue(FIGURE_WIDTH_MM, 170.0)
    window.store.setValue(FIGURE_DPI, 300)
    saved = window.session.save(tmp_path / "s.her2desk")
    raw = json.loads(saved.read_text(encoding="utf-8"))
    assert raw[FIGURE_STYLES_KEY] == styles
    assert raw["choices"]["figure_export"] == {"width_mm": 170.0, "dpi": 300.0}
    window.store.setValue(FIGURE_WIDTH_MM, 85.0)
    window.store.setValue(FIGURE_DPI, 600)
    study.with_name("study.her2desk.json").unlink()
    with qtbot.waitSignal(window.results_ready, timeout=60000):
        assert window.session.open(saved)
    side = read_side_file(study)
    assert side.part(FIGURE_STYLES_KEY) == styles and side.part("settings") == StudySettings().to_dict()
    assert float(window.store.value(FIGURE_WIDTH_MM)) == 170.0 and float(window.store.value(FIGURE_DPI)) == 300.0


def test_undo_redo_of_figure_options(window, qtbot, study, monkeypatch):
    """Figure options… is an undoable step: undo gives back the saved style and redraws."""
    from her2desk.report.figure_style import FigureStyle, load_styles
    from her2desk.ui import figure_styles
    from her2desk.ui.dialogs.figure_options import FigureOptionsDialog

    _open(window, qtbot, study)
    plot = window.panels["Survival"].plot
    chosen = FigureStyle(show_title=True, title="Overall survival by HR status", palette="greyscale")
    monkeypatch.setattr(FigureOptionsDialog, "exec", lambda self: FigureOptionsDialog.DialogCode.Accepted)
    monkeypatch.setattr(FigureOptionsDialog, "figure_style", lambda self: chosen)
    monkeypatch.setattr(FigureOptionsDialog, "applies_to", lambda self: "km")
    figure_styles.edit_figure_style(plot)
    assert load_styles(study)["km"] == chosen and plot.figure_style == chosen
    assert window.history.undo_action.text() == "&Undo Figure options: km"
    window.history.undo_action.trigger()
    assert "km" not in load_styles(study) and (plot.figure_style or FigureStyle()).is_default
    window.history.redo_action.trigger()
    assert load_styles(study)["km"] == chosen and plot.figure_style == chosen


def test_a_study_whose_data_are_gone_is_one_sentence(window, qtbot, study, tmp_path):
    _open(window, qtbot, study)
    saved = window.session.save(tmp_path / "s.her2desk")
    window.runner.shutdown(5000)
    study.rename(study.with_name("moved.xlsx"))
    asked = []
    window.session.confirm = lambda sentence: asked.append(sentence) or True
    assert not window.session.open(saved)
    assert asked == [] and window.banner.kind == "error"
    assert "s.her2desk cannot be opened: study.xlsx is not where the study file says" in window.banner.text()


def _saved_and_changed(window, qtbot, study, tmp_path):
    """The study saved as a study file, then a setting changed: the title's "*" is on."""
    _open(window, qtbot, study)
    saved = window.session.save(tmp_path / "s.her2desk")
    assert not window.isWindowModified()
    _change_settings(window, qtbot, p_adjust="holm")
    assert window.isWindowModified()
    return saved


def _reply(monkeypatch, button):
    """QMessageBox.question answers ``button``; the questions asked are returned."""
    from PySide6.QtWidgets import QMessageBox

    asked = []

    def question(parent, title, text, buttons=None, default=None):
        asked.append(text)
        return button

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def _saved_p_adjust(saved):
    return json.loads(saved.read_text(encoding="utf-8"))["settings"]["p_adjust"]


def test_closing_with_unsaved_changes_cancel_keeps_the_window(window, qtbot, study, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    saved = _saved_and_changed(window, qtbot, study, tmp_path)
    asked = _reply(monkeypatch, QMessageBox.StandardButton.Cancel)
    assert not window.close()
    assert window.isVisible() and window.isWindowModified()
    assert len(asked) == 1 and asked[0].startswith("Save changes to the study?") and "s.her2desk" in asked[0]
    # Opening another CRF asks the same; Cancel stays on this study.
    other = study.with_name("other.xlsx")
    other.write_bytes(study.read_bytes())
    assert not window.open_path(other)
    assert len(asked) == 2 and window.study_path == study and not window.runner.is_busy()
    assert _saved_p_adjust(saved) == "none"
    _reply(monkeypatch, QMessageBox.StandardButton.Discard)   # let the fixture close it


def test_closing_with_unsaved_changes_discard_closes_without_saving(window, qtbot, study, tmp_path,
                                                                     monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    saved = _saved_and_changed(window, qtbot, study, tmp_path)
    before = saved.read_bytes()
    asked = _reply(monkeypatch, QMessageBox.StandardButton.Discard)
    assert window.close()
    assert len(asked) == 1 and not window.isVisible()
    assert saved.read_bytes() == before


def test_closing_with_unsaved_changes_save_writes_the_study(window, qtbot, study, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    saved = _saved_and_changed(window, qtbot, study, tmp_path)
    asked = _reply(monkeypatch, QMessageBox.StandardButton.Save)
    assert window.close()
    assert len(asked) == 1 and not window.isVisible()
    assert _saved_p_adjust(saved) == "holm"


def test_nothing_is_asked_without_unsaved_changes(window, qtbot, study, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    _open(window, qtbot, study)
    asked = _reply(monkeypatch, QMessageBox.StandardButton.Cancel)
    _change_settings(window, qtbot, p_adjust="holm")     # no study file yet: nothing to save into
    window.session.save(tmp_path / "s.her2desk")
    assert window.close() and asked == []


def test_undo_after_save_marks_the_title_and_saves_the_undone_state(window, qtbot, study, tmp_path):
    saved = _saved_and_changed(window, qtbot, study, tmp_path)
    assert window.session.save() == saved and not window.isWindowModified()
    assert _saved_p_adjust(saved) == "holm"
    with qtbot.waitSignal(window.results_ready, timeout=60000):
        window.history.undo_action.trigger()
    _idle(window, qtbot)
    assert window.isWindowModified() and window.windowTitle().startswith("s.her2desk[*]")
    assert window.session.save() == saved and not window.isWindowModified()
    assert _saved_p_adjust(saved) == "none"
