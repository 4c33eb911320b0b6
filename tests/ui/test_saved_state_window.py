"""The window and the study's side file: a settings change re-runs only its stage, saving
keeps the mapping, and bad or unwritable side files are sentences that stay visible."""
import json
import sys
from collections import Counter
from pathlib import Path

import pytest

from her2desk.cohort.settings import StudySettings

sys.path.insert(0, str(Path(__file__).parent))
import study_factory  # noqa: E402

MAPPING = {"Patients!Zzqx notes": ""}


@pytest.fixture(scope="module")
def master(tmp_path_factory):
    """The window-test study with one column nothing recognises, which MAPPING ignores."""
    import openpyxl

    path = study_factory.write_study(tmp_path_factory.mktemp("saved") / "study.xlsx", n=60)
    wb = openpyxl.load_workbook(path)
    ws = wb["Patients"]
    header_row = next(r for r in range(1, 6) if "Patient ID" in [c.value for c in ws[r]])
    ws.cell(row=header_row, column=ws.max_column + 1, value="Zzqx notes")
    wb.save(path)
    return path


@pytest.fixture
def study(tmp_path, master):
    path = tmp_path / "study.xlsx"
    path.write_bytes(master.read_bytes())
    return path


@pytest.fixture
def calls(monkeypatch):
    """Counts of the pipeline's stages, observed where the window's workers call them."""
    import her2desk.analysis.study as analysis_study
    import her2desk.cohort.derive as derive
    import her2desk.crf.reader as reader

    seen = Counter()

    def counting(module, name):
        real = getattr(module, name)

        def wrapper(*args, **kwargs):
            seen[name] += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    counting(reader, "read_crf")
    counting(derive, "derive_cohort")
    counting(analysis_study, "run_study")
    return seen


def _open(window, qtbot, path):
    with qtbot.waitSignal(window.results_ready, timeout=60000):
        assert window.open_study(path)
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=10000)


def _side(study):
    return study.with_name("study.her2desk.json")


def test_each_setting_re_runs_only_its_stage(window, qtbot, study, calls):
    _side(study).write_text(json.dumps({"column_mapping": MAPPING}), encoding="utf-8")
    _open(window, qtbot, study)
    assert calls == {"read_crf": 1, "derive_cohort": 1, "run_study": 1}
    assert window.loaded.crf.unmatched_columns == []          # the saved mapping was used
    survival = window.panels["Survival"]
    crf, cohort = window.loaded.crf, window.loaded.cohort

    # display only: redrawn from the results in memory
    calls.clear()
    window.apply_settings(window.study_settings.replace(time_unit="years"))
    assert survival.time_unit == "years" and window.results.settings.time_unit == "years"
    assert "years" in survival.plot.plot.getAxis("bottom").labelText
    qtbot.wait(50)
    assert not window.runner.is_busy() and calls == {}
    assert window.loaded.cohort is cohort

    # analysis: re-run on the cohort in memory
    with qtbot.waitSignal(window.results_ready, timeout=60000):
        window.apply_settings(window.study_settings.replace(cox_ties="breslow"))
    assert calls == {"run_study": 1}
    assert window.loaded.cohort is cohort and window.results.settings.cox_ties == "breslow"
    assert window.results.settings.time_unit == "years"

    # cohort: re-derived from the CRF in memory, the workbook is not read again
    calls.clear()
    with qtbot.waitSignal(window.results_ready, timeout=60000):
        window.apply_settings(window.study_settings.replace(cutoff=StudySettings().cutoff.replace(year=2021),
                                                            enrol_to=StudySettings().enrol_to.replace(year=2020)))
    assert calls == {"derive_cohort": 1, "run_study": 1}
    assert window.loaded.crf is crf and window.loaded.cohort is not cohort
    assert window.loaded.settings.cutoff.year == 2021

    # every change was saved, and the mapping kept
    data = json.loads(_side(study).read_text(encoding="utf-8"))
    assert data == {"column_mapping": MAPPING, "settings": window.study_settings.to_dict()}
    assert data["settings"]["time_unit"] == "years" and data["settings"]["cox_ties"] == "breslow"
    assert "her2desk.json" not in window.banner.text()


def test_a_change_while_the_cohort_is_re_derived_is_not_lost(window, qtbot, study, calls):
    _open(window, qtbot, study)
    calls.clear()
    window.apply_settings(window.study_settings.replace(fish_threshold=2.4))
    assert window.runner.is_busy("load")
    with qtbot.waitSignal(window.results_ready, timeout=60000):
        window.apply_settings(window.study_settings.replace(cox_ties="breslow"))
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=10000)
    assert window.results.settings == StudySettings(fish_threshold=2.4, cox_ties="breslow")
    assert window.loaded.settings == window.results.settings and calls["read_crf"] == 0


def test_saved_settings_and_mapping_are_used_when_the_study_is_opened(window, qtbot, study, calls):
    chosen = StudySettings(fish_threshold=2.0, time_unit="years")
    _side(study).write_text(json.dumps({"settings": chosen.to_dict(), "column_mapping": MAPPING}),
                            encoding="utf-8")
    _open(window, qtbot, study)
    assert window.loaded.settings == chosen and window.panels["Survival"].time_unit == "years"
    assert calls["read_crf"] == 1 and window.loaded.crf.unmatched_columns == []
    assert "her2desk.json" not in window.banner.text()


def test_nan_in_the_side_file_is_refused_with_the_command_lines_sentence(window, qtbot, study):
    _side(study).write_text('{"settings": {"fish_threshold": NaN, "cox_ties": "breslow"}}',
                            encoding="utf-8")
    _open(window, qtbot, study)
    assert window.loaded.settings == StudySettings(cox_ties="breslow")
    assert window.banner.isVisible() and window.banner.kind == "warning"
    assert ("The FISH ratio threshold (fish_threshold) NaN must be a HER2/CEP17 ratio from 1 to 10, such "
            "as 2.2. In study.her2desk.json it was refused and 2.2 is used instead.") in window.banner.text()


@pytest.mark.parametrize("raw", [b"", b'{"settings": {"cutoff": "2022-', b"\x00\x01\x02PK"])
def test_an_unreadable_side_file_is_set_aside_with_a_banner(window, qtbot, study, raw):
    _side(study).write_bytes(raw)
    _open(window, qtbot, study)
    assert window.loaded.settings == StudySettings()
    (kept,) = [p for p in study.parent.iterdir() if ".corrupt-" in p.name]
    assert kept.read_bytes() == raw
    text = window.banner.text()
    assert window.banner.isVisible() and kept.name in text and "defaults" in text
    # the analyses finishing do not hide it
    assert window.results is not None and window.banner.isVisible()


def test_a_settings_save_that_fails_stays_visible_after_the_reload(window, qtbot, study, monkeypatch,
                                                                    caplog):
    import her2desk.crf.side_file as side_file
    from her2desk.crf.atomic import AtomicWriteError

    _open(window, qtbot, study)

    def read_only(path, writer):
        raise AtomicWriteError(f"Cannot save {Path(path).name}: the folder {Path(path).parent} cannot "
                               "be written to (Permission denied).", path)

    monkeypatch.setattr(side_file, "atomic_write", read_only)
    with qtbot.waitSignal(window.results_ready, timeout=60000):
        window.apply_settings(window.study_settings.replace(fish_threshold=2.5))
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=10000)
    text = window.banner.text()
    assert window.banner.isVisible()
    assert text.startswith("The settings could not be saved next to the study, so they last only until "
                           "her2desk is closed. Cannot save study.her2desk.json: the folder")
    assert window.loaded.settings.fish_threshold == 2.5          # used all the same
    assert "Traceback" not in caplog.text and not [r for r in caplog.records if r.exc_info]
    # a display change keeps the sentence too, and reopening the same study keeps the settings
    window.apply_settings(window.study_settings.replace(time_unit="years"))
    assert window.banner.isVisible() and "could not be saved" in window.banner.text()
    _open(window, qtbot, study)
    assert window.loaded.settings.fish_threshold == 2.5 and "could not be saved" in window.banner.text()


def test_without_the_mapping_the_column_is_unmatched(window, qtbot, study):
    _open(window, qtbot, study)
    assert [h for _, h in window.loaded.crf.unmatched_columns] == ["Zzqx notes"]


def test_a_mapping_that_hides_the_patient_id_gives_a_hint(window, qtbot, study):
    _side(study).write_text(json.dumps({"column_mapping": {"Patient ID": ""}}), encoding="utf-8")
    window.open_study(study)
    qtbot.waitUntil(lambda: window.banner.isVisible() and window.banner.kind == "error", timeout=30000)
    assert "tells her2desk to ignore 'Patient ID', which is the Patient ID column" in window.banner.text()
