"""The study file: round trip, relative paths, changed data, and one sentence for a bad file."""
from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from her2desk.cohort.settings import CONF_TYPES, P_ADJUST, TIES, TIME_UNITS, StudySettings
from her2desk.cohort.study_file import (
    FORMAT,
    VERSION,
    StudyFile,
    StudyFileError,
    data_file,
    file_sha256,
    read_study_file,
    study_file_path,
    write_study_file,
)


def _study(folder: Path, **changes) -> StudyFile:
    crf = folder / "freeze 1.xlsx"
    crf.write_bytes(b"not really a workbook, but bytes to hash")
    base = dict(data=(data_file(crf),), settings=StudySettings(p_adjust="holm", time_unit="years"),
                column_mapping={"Baseline!Age at dx": "age", "Baseline!Notes": ""},
                choices={"survival": {"endpoint": "DFS", "grouping": "subgroup"},
                         "cox": {"endpoint": "OS", "covariates": ["t_stage", "n_stage"]}},
                figure_styles={"km": {"title": "Overall survival", "width_mm": 85}},
                results_sha256="ab" * 32)
    base.update(changes)
    return StudyFile(**base)


def test_round_trip_restores_every_part(tmp_path):
    study = _study(tmp_path)
    path = write_study_file(tmp_path / "study.her2desk", study, saved_by="her2desk test")
    back = read_study_file(path)
    assert back.data == study.data
    assert back.settings == study.settings
    assert back.column_mapping == study.column_mapping
    assert back.choices == study.choices
    assert back.figure_styles == study.figure_styles
    assert back.results_sha256 == study.results_sha256
    assert back.notices == ()
    assert back.data_changes() == []


def test_paths_are_relative_so_the_folder_can_move(tmp_path):
    first = tmp_path / "a"
    first.mkdir()
    write_study_file(first / "study.her2desk", _study(first))
    raw = json.loads((first / "study.her2desk").read_text(encoding="utf-8"))
    assert raw["format"] == FORMAT and raw["version"] == VERSION
    assert raw["data"][0]["path"] == "freeze 1.xlsx"
    moved = shutil.move(str(first), str(tmp_path / "b"))
    back = read_study_file(Path(moved) / "study.her2desk")
    assert back.primary == Path(moved).resolve() / "freeze 1.xlsx"
    assert back.data_changes() == []


def test_a_study_file_elsewhere_points_back_to_the_data(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "studies").mkdir()
    study = _study(tmp_path / "data")
    write_study_file(tmp_path / "studies" / "s.her2desk", study)
    raw = json.loads((tmp_path / "studies" / "s.her2desk").read_text(encoding="utf-8"))
    assert raw["data"][0]["path"] == "../data/freeze 1.xlsx"
    assert read_study_file(tmp_path / "studies" / "s.her2desk").primary.resolve() == study.primary


def test_changed_and_missing_data_are_each_one_sentence(tmp_path):
    path = write_study_file(tmp_path / "s.her2desk", _study(tmp_path))
    crf = tmp_path / "freeze 1.xlsx"
    crf.write_bytes(b"the next data freeze")
    changes = read_study_file(path).data_changes()
    assert len(changes) == 1 and "freeze 1.xlsx has changed" in changes[0]
    assert read_study_file(path).missing_files() == []
    crf.unlink()
    changes = read_study_file(path).data_changes()
    assert len(changes) == 1 and "is not where the study file says" in changes[0]
    assert read_study_file(path).missing_files() == changes


@pytest.mark.parametrize("content, words", [
    (b"", "is empty"),
    (b'{"format": "her2desk-study", "version": 1, "data": [', "not valid JSON"),
    (b"\x00\x01PK\x03\x04", "not valid JSON"),
    (b'{"settings": {}}', "is not a her2desk study file"),
    (b"[1, 2]", "is not a her2desk study file"),
    (b'{"format": "her2desk-study", "version": 99, "data": ["x.xlsx"]}', "newer her2desk"),
    (b'{"format": "her2desk-study", "version": "1", "data": ["x.xlsx"]}', "no valid study-file version"),
    (b'{"format": "her2desk-study", "version": 1, "data": []}', "names no data file"),
    (b'{"format": "her2desk-study", "version": 1, "data": [{"sha256": "x"}]}', "a path is missing"),
])
def test_a_bad_file_is_one_sentence_and_is_not_touched(tmp_path, content, words):
    path = tmp_path / "bad.her2desk"
    path.write_bytes(content)
    with pytest.raises(StudyFileError) as info:
        read_study_file(path)
    message = str(info.value)
    assert words in message and "bad.her2desk" in message
    assert message.count("\n") == 0 and "Traceback" not in message
    assert path.read_bytes() == content


def test_a_missing_file_names_itself(tmp_path):
    with pytest.raises(StudyFileError, match="does not exist"):
        read_study_file(tmp_path / "gone.her2desk")


def test_refused_settings_become_notices_and_defaults(tmp_path):
    path = write_study_file(tmp_path / "s.her2desk", _study(tmp_path))
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["settings"]["fish_threshold"] = "lots"
    raw["column_mapping"] = ["not", "a", "mapping"]
    path.write_text(json.dumps(raw), encoding="utf-8")
    back = read_study_file(path)
    assert back.settings.fish_threshold == StudySettings().fish_threshold
    assert back.settings.p_adjust == "holm"                   # the rest is kept
    assert back.column_mapping == {}
    assert len(back.notices) == 2 and all("s.her2desk" in n for n in back.notices)


def test_a_failed_write_leaves_the_old_study_whole(tmp_path):
    path = write_study_file(tmp_path / "s.her2desk", _study(tmp_path))
    before = path.read_bytes()
    bad = StudySettings(enrol_from=date(2020, 1, 1), enrol_to=date(2019, 1, 1), cutoff=date(2022, 12, 31))
    with pytest.raises(StudyFileError, match="not saved"):
        write_study_file(path, _study(tmp_path, settings=bad))
    with pytest.raises(StudyFileError, match="does not exist"):
        write_study_file(tmp_path / "no such folder" / "s.her2desk", _study(tmp_path))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["freeze 1.xlsx", "s.her2desk"]


def test_suffix_and_hash_helpers(tmp_path):
    assert study_file_path(tmp_path / "trial") == tmp_path / "trial.her2desk"
    assert study_file_path(tmp_path / "trial.HER2DESK") == tmp_path / "trial.HER2DESK"
    (tmp_path / "x").write_bytes(b"abc")
    # SHA-256("abc"), FIPS 180-2 test vector.
    assert file_sha256(tmp_path / "x") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


@given(conf=st.sampled_from(CONF_TYPES), ties=st.sampled_from(TIES), unit=st.sampled_from(TIME_UNITS),
       adjust=st.sampled_from(P_ADJUST), fish=st.floats(1.0, 10.0), window=st.integers(0, 365),
       days=st.integers(0, 4000), unknown=st.booleans(),
       choices=st.dictionaries(st.sampled_from(["survival", "cox", "baseline"]),
                               st.dictionaries(st.text(min_size=1, max_size=8),
                                               st.one_of(st.integers(), st.text(max_size=8),
                                                         st.lists(st.text(max_size=5), max_size=3)),
                                               max_size=3), max_size=3))
def test_any_valid_study_round_trips(tmp_path_factory, conf, ties, unit, adjust, fish, window, days,
                                     unknown, choices):
    folder = tmp_path_factory.mktemp("rt")
    settings = StudySettings(km_conf_type=conf, cox_ties=ties, time_unit=unit, p_adjust=adjust,
                             fish_threshold=fish, de_novo_window_days=window,
                             include_unknown_in_test=unknown,
                             cutoff=StudySettings().enrol_to + timedelta(days=days))
    study = _study(folder, settings=settings, choices=choices)
    back = read_study_file(write_study_file(folder / "s.her2desk", study))
    assert back.settings == settings and back.choices == choices and back.notices == ()
