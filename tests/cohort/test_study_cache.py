"""The parsed-study cache: a hit gives the same study as reading the file, and a stale,
corrupt, foreign or other-version entry is never used but rebuilt, silently."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from her2desk.cohort import loading, study_cache
from her2desk.cohort.loading import load_study
from her2desk.cohort.settings import StudySettings
from tests.ui.study_factory import write_study


@pytest.fixture
def counted(monkeypatch):
    """How many times the file was really read and derived."""
    calls = []
    real = loading._read_and_derive

    def spy(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(loading, "_read_and_derive", spy)
    return calls


@pytest.fixture(scope="module")
def study_file(tmp_path_factory) -> Path:
    return write_study(tmp_path_factory.mktemp("study") / "study.xlsx", n=40)


def _same(a, b) -> None:
    pd.testing.assert_frame_equal(a.cohort, b.cohort)
    assert a.flowchart == b.flowchart
    assert list(a.validation.findings) == list(b.validation.findings)
    assert a.settings == b.settings
    assert a.form_notes == b.form_notes
    assert sorted(a.crf.forms) == sorted(b.crf.forms)
    for name in a.crf.forms:
        pd.testing.assert_frame_equal(a.crf.forms[name], b.crf.forms[name])


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*" + study_cache.SUFFIX))


def test_hit_skips_reading_and_gives_the_same_study(tmp_path, study_file, counted):
    cache = tmp_path / "cache"
    first = load_study(study_file, mapping={}, cache_dir=cache)
    second = load_study(study_file, mapping={}, cache_dir=cache)
    assert len(counted) == 1 and len(_entries(cache)) == 1
    _same(first, second)
    _same(second, load_study(study_file, mapping={}))          # no cache at all
    assert second.path == study_file and second.crf.source == study_file
    assert second.cache_key is not None and second.cache_key["file_sha256"] == \
        study_cache.file_digest(study_file)


def test_same_bytes_elsewhere_hit_and_point_at_the_new_place(tmp_path, study_file, counted):
    cache = tmp_path / "cache"
    load_study(study_file, mapping={}, cache_dir=cache)
    moved = shutil.copy(study_file, tmp_path / "renamed.xlsx")
    again = load_study(moved, mapping={}, cache_dir=cache)
    assert len(counted) == 1
    assert again.path == Path(moved) and again.crf.source == Path(moved)


def test_edited_file_is_read_again(tmp_path, counted):
    cache = tmp_path / "cache"
    path = write_study(tmp_path / "s.xlsx", n=30)
    before = load_study(path, mapping={}, cache_dir=cache)
    write_study(path, n=36)                                     # the coordinator edits it
    after = load_study(path, mapping={}, cache_dir=cache)
    assert len(counted) == 2
    assert before.flowchart.admitted == 30 and after.flowchart.admitted == 36
    _same(after, load_study(path, mapping={}))


def test_other_settings_or_mapping_are_other_entries(tmp_path, study_file, counted):
    cache = tmp_path / "cache"
    load_study(study_file, mapping={}, cache_dir=cache)
    other = StudySettings().replace(fish_threshold=2.0)
    got = load_study(study_file, other, mapping={}, cache_dir=cache)
    assert got.settings == other and len(counted) == 2
    load_study(study_file, mapping={"Patients!Notes": ""}, cache_dir=cache)
    assert len(counted) == 3 and len(_entries(cache)) == 3


@pytest.mark.parametrize("damage", ["truncate", "flip_payload", "garbage", "empty", "header"])
def test_corrupt_entry_is_rebuilt_silently(tmp_path, study_file, counted, damage):
    cache = tmp_path / "cache"
    good = load_study(study_file, mapping={}, cache_dir=cache)
    (entry,) = _entries(cache)
    data = entry.read_bytes()
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip_payload":
        data = data[:-10] + bytes(b ^ 0xFF for b in data[-10:])
    elif damage == "garbage":
        data = b"\x80\x04not a cache at all"
    elif damage == "empty":
        data = b""
    else:                                                       # header no longer JSON
        data = data.replace(b'{"key"', b'{"kez', 1)
    entry.write_bytes(data)
    rebuilt = load_study(study_file, mapping={}, cache_dir=cache)
    assert len(counted) == 2
    _same(good, rebuilt)
    again = load_study(study_file, mapping={}, cache_dir=cache)  # the rewritten entry is good
    assert len(counted) == 2
    _same(good, again)


def test_entry_of_another_version_is_not_trusted(tmp_path, study_file, counted, monkeypatch):
    cache = tmp_path / "cache"
    load_study(study_file, mapping={}, cache_dir=cache)
    monkeypatch.setattr("her2desk.__version__", "99.0")
    load_study(study_file, mapping={}, cache_dir=cache)
    assert len(counted) == 2


def test_edited_code_is_another_version(tmp_path, monkeypatch):
    """From a checkout the version number stays while the code changes under it."""
    fake = tmp_path / "her2desk"
    (fake / "cohort").mkdir(parents=True)
    module = fake / "cohort" / "derive.py"
    module.write_text("x = 1\n")
    monkeypatch.setattr(study_cache, "_HERE", fake)
    before = study_cache.code_fingerprint(frozen=False)
    module.write_text("x = 22\n")
    assert study_cache.code_fingerprint(frozen=False) != before
    assert study_cache.code_fingerprint(frozen=True).endswith("frozen")


def test_a_key_mismatch_is_never_unpickled(tmp_path, monkeypatch):
    """A file whose header names another key is refused before pickle sees its payload."""
    entry = tmp_path / "x.h2cache"
    assert study_cache.write_entry(entry, {"kind": "loaded", "file_sha256": "a"}, [1, 2])
    seen = []
    monkeypatch.setattr(study_cache.pickle, "loads", lambda b: seen.append(b) or None)
    assert study_cache.read_entry(entry, {"kind": "loaded", "file_sha256": "b"}) is None
    assert seen == []


def test_future_dates_tie_an_entry_to_its_day():
    """Validation names today's date in 'is in the future' findings."""
    class F:
        def __init__(self, rule):
            self.rule = rule

    def entry(*rules):
        return "2026-12-02", type("L", (), {"validation": type("V", (), {
            "findings": [F(r) for r in rules]})()})()

    assert loading._still_valid(entry("date_order"), "2027-03-01")
    assert not loading._still_valid(entry("date_order"), "2026-12-01")   # clock went back
    assert loading._still_valid(entry("future_date"), "2026-12-02")
    assert not loading._still_valid(entry("future_date"), "2026-12-03")
    assert not loading._still_valid(("junk",), "2026-12-02")


def test_no_cache_folder_or_unwritable_folder_still_loads(tmp_path, study_file, counted):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    got = load_study(study_file, mapping={}, cache_dir=blocker / "cache")
    assert got.flowchart.admitted == 40 and len(counted) == 1


def test_user_cache_dir_follows_the_platform(monkeypatch, tmp_path):
    monkeypatch.setenv("HER2DESK_CACHE_DIR", str(tmp_path / "c"))
    assert study_cache.user_cache_dir() == tmp_path / "c"
    monkeypatch.setenv("HER2DESK_CACHE_DIR", "")
    assert study_cache.user_cache_dir() is None
    monkeypatch.delenv("HER2DESK_CACHE_DIR")
    monkeypatch.setattr(study_cache.sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert study_cache.user_cache_dir() == tmp_path / "xdg" / "her2desk"
    monkeypatch.setattr(study_cache.sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "local"))
    assert study_cache.user_cache_dir() == tmp_path / "local" / "her2desk" / "Cache"


def test_entries_are_pruned_to_the_most_recent(tmp_path):
    for i in range(study_cache.MAX_ENTRIES + 3):
        assert study_cache.write_entry(tmp_path / f"{i}.h2cache", {"i": i}, i)
    assert len(_entries(tmp_path)) == study_cache.MAX_ENTRIES


def test_shipped_sample_entry_is_used_for_the_sample(tmp_path, counted, monkeypatch):
    """The packaging step's entry (keyed as the bundle will look it up) answers the sample."""
    from her2desk.resources import sample_study_path

    sample = sample_study_path()
    if not sample.exists():
        pytest.skip("no sample study")
    shipped = study_cache.build_shipped_sample(tmp_path / "sample.h2cache", for_bundle=False)
    counted.clear()
    monkeypatch.setattr(loading, "shipped_entry", lambda path: shipped)
    got = load_study(sample, mapping={}, cache_dir=tmp_path / "user")
    assert counted == [] and got.flowchart.eligible == 828
    assert _entries(tmp_path / "user") == []                    # nothing copied
    header = json.loads(shipped.read_bytes().split(b"\n")[1])
    assert header["key"]["file_sha256"] == study_cache.file_digest(sample)
    assert header["key"] == study_cache.shipped_sample_key(for_bundle=False)
    # The bundle's key differs only in the code fingerprint ("<version> frozen").
    frozen = study_cache.shipped_sample_key(for_bundle=True)
    assert frozen["code"].endswith(" frozen")
    assert {k: v for k, v in frozen.items() if k != "code"} == \
        {k: v for k, v in header["key"].items() if k != "code"}


def test_an_entry_over_the_size_limit_is_not_written(tmp_path, monkeypatch):
    monkeypatch.setattr(study_cache, "MAX_ENTRY_BYTES", 100)
    assert not study_cache.write_entry(tmp_path / "big.h2cache", {"k": 1}, b"x" * 1000)
    assert _entries(tmp_path) == []
    assert study_cache.write_entry(tmp_path / "small.h2cache", {"k": 1}, b"x")
