"""The side file <study>.her2desk.json: every writer merges, writes atomically, and a bad
file is set aside (kept) instead of locking the study."""
import json
import os

import pytest

from her2desk.cohort.saved_state import open_saved_state, save_settings
from her2desk.cohort.settings import StudySettings
from her2desk.crf import side_file as sf
from her2desk.crf.headers import load_mapping, save_mapping

MAPPING = {"Patients!手术": "surgery_type", "Notes": ""}
OTHER = {"written_by": "a later version", "nested": [1, {"a": 2}]}


def _side(tmp_path):
    return tmp_path / "study.her2desk.json"


def _data(tmp_path):
    return json.loads(_side(tmp_path).read_text(encoding="utf-8"))


def test_path_is_next_to_the_study(tmp_path):
    assert sf.side_file_path(tmp_path / "study.xlsx") == _side(tmp_path)
    assert sf.side_file_path(_side(tmp_path)) == _side(tmp_path)


def test_saving_settings_keeps_the_mapping_and_every_other_key(tmp_path):
    study = tmp_path / "study.xlsx"
    _side(tmp_path).write_text(json.dumps({"column_mapping": MAPPING, "other": OTHER}), encoding="utf-8")
    chosen = StudySettings(fish_threshold=2.0, time_unit="years", cox_ties="breslow")
    assert save_settings(study, chosen) == _side(tmp_path)
    data = _data(tmp_path)
    assert data == {"column_mapping": MAPPING, "other": OTHER, "settings": chosen.to_dict()}
    assert load_mapping(study) == MAPPING
    assert open_saved_state(study).settings == chosen
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study.her2desk.json"]  # no temp file


def test_saving_the_mapping_keeps_the_settings_and_every_other_key(tmp_path):
    study = tmp_path / "study.xlsx"
    chosen = StudySettings(cutoff=StudySettings().cutoff.replace(year=2023), km_conf_type="plain")
    save_settings(study, chosen)
    sf.update_side_file(study, other=OTHER)
    save_mapping(study, MAPPING)
    assert _data(tmp_path) == {"settings": chosen.to_dict(), "other": OTHER, "column_mapping": MAPPING}
    state = open_saved_state(study)
    assert (state.settings, state.mapping, state.notices) == (chosen, MAPPING, ())
    # every settings key round-trips through the file
    assert set(_data(tmp_path)["settings"]) == set(StudySettings().to_dict())


def test_refused_settings_are_not_written(tmp_path):
    with pytest.raises(ValueError, match="fish_threshold"):
        save_settings(tmp_path / "study.xlsx", StudySettings(fish_threshold=float("nan")))
    assert not _side(tmp_path).exists()


@pytest.mark.parametrize("raw, why", [
    (b"", "it is empty"),
    (b"  \n", "it is empty"),
    (b'{"settings": {"cutoff": "2022-', "not valid JSON"),
    (b"PK\x03\x04\x00\x00binary", "not a text file"),
    (b"\xff\xfe{\x00}\x00", "not a text file"),
    (b"[1, 2, 3]", "does not hold an object"),
    (b'"settings"', "does not hold an object"),
])
def test_an_unreadable_file_is_set_aside_and_the_study_opens_on_defaults(tmp_path, raw, why):
    study = tmp_path / "study.xlsx"
    _side(tmp_path).write_bytes(raw)
    state = open_saved_state(study)
    assert state.settings == StudySettings() and state.mapping == {}
    assert state.set_aside is not None and state.set_aside.read_bytes() == raw   # kept, unchanged
    assert state.set_aside.name.startswith("study.her2desk.json.corrupt-")
    assert not _side(tmp_path).exists()
    (notice,) = state.notices
    assert why in notice and state.set_aside.name in notice and "defaults" in notice
    # the next save starts a clean file beside the kept one
    save_settings(study, StudySettings(time_unit="years"))
    assert open_saved_state(study).settings.time_unit == "years"
    assert state.set_aside.read_bytes() == raw


def test_two_bad_files_in_one_second_are_both_kept(tmp_path):
    study = tmp_path / "study.xlsx"
    for raw in (b"{", b"}"):
        _side(tmp_path).write_bytes(raw)
        open_saved_state(study)
    kept = sorted(p.read_bytes() for p in tmp_path.iterdir() if ".corrupt-" in p.name)
    assert kept == [b"{", b"}"]


def test_read_only_reading_reports_without_moving(tmp_path):
    _side(tmp_path).write_text("{oops", encoding="utf-8")
    side = sf.read_side_file(tmp_path / "study.xlsx", set_aside=False)
    assert side.data == {} and side.set_aside is None and "not valid JSON" in side.problems[0]
    assert _side(tmp_path).read_text(encoding="utf-8") == "{oops"
    assert load_mapping(tmp_path / "study.xlsx") == {}


def test_a_huge_file_is_set_aside_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(sf, "MAX_BYTES", 100)
    _side(tmp_path).write_text(json.dumps({"other": "x" * 200}), encoding="utf-8")
    side = sf.read_side_file(tmp_path / "study.xlsx")
    assert side.set_aside is not None and "far larger" in side.problems[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_not_opened(tmp_path):
    os.mkfifo(_side(tmp_path))
    side = sf.read_side_file(tmp_path / "study.xlsx")       # would hang if it were opened
    assert side.data == {} and "not a regular file" in side.problems[0]


def test_a_corrupt_mapping_part_is_reported_not_ignored(tmp_path):
    study = tmp_path / "study.xlsx"
    _side(tmp_path).write_text(json.dumps({"column_mapping": ["ID", "patient_id"]}), encoding="utf-8")
    state = open_saved_state(study)
    assert state.mapping == {} and "column mapping" in state.notices[0] and "ignored" in state.notices[0]
    _side(tmp_path).write_text(json.dumps({"column_mapping": {"Op": 3, "Sex": "sex", "X": None}}),
                               encoding="utf-8")
    state = open_saved_state(study)
    assert state.mapping == {"Sex": "sex", "X": ""}
    assert state.notices == ("The saved column mapping in study.her2desk.json gives no field name for "
                             "'Op', so that column is matched automatically.",)


def test_a_mapping_that_hides_the_patient_id_gives_a_hint(tmp_path):
    study = tmp_path / "study.xlsx"
    save_mapping(study, {"Patients!Patient ID": "", "Notes": ""})
    hint = open_saved_state(study).patient_id_hint()
    assert "'Patients!Patient ID'" in hint and "Patient ID column" in hint and "delete that entry from study.her2desk.json" in hint
    save_mapping(study, {"Notes": ""})
    assert open_saved_state(study).patient_id_hint() is None


def test_a_folder_that_cannot_be_written_is_one_sentence(tmp_path, monkeypatch):
    from her2desk.crf.atomic import AtomicWriteError

    def refuse(path, writer):
        raise AtomicWriteError(f"Cannot save {path.name}: the folder {path.parent} cannot be "
                               "written to (Permission denied).", path)

    monkeypatch.setattr(sf, "atomic_write", refuse)
    _side(tmp_path).write_text(json.dumps({"column_mapping": MAPPING}), encoding="utf-8")
    with pytest.raises(sf.SideFileError) as info:
        save_settings(tmp_path / "study.xlsx", StudySettings())
    assert str(info.value).startswith("Cannot save study.her2desk.json: the folder")
    assert _data(tmp_path) == {"column_mapping": MAPPING}


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores folder permissions")
def test_a_read_only_folder_is_one_sentence(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(sf.SideFileError, match="cannot be written to"):
            save_settings(folder / "study.xlsx", StudySettings())
    finally:
        folder.chmod(0o755)
