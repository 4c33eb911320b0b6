"""A report's files change together or not at all, and nothing temporary is left behind."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from her2desk.crf.atomic import AtomicWriteError
from her2desk.report.report_folder import STAGING_PREFIX, replace_as_one

ROOT = Path(__file__).resolve().parents[2]


def _writer(text):
    return lambda p: Path(p).write_text(text)


def _old(folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "report.xlsx").write_text("old report")
    (folder / "results.json").write_text("old results")


def test_both_files_replaced(tmp_path):
    _old(tmp_path / "r")
    replace_as_one(tmp_path / "r", {"report.xlsx": _writer("new report"),
                                    "results.json": _writer("new results")})
    assert (tmp_path / "r" / "report.xlsx").read_text() == "new report"
    assert (tmp_path / "r" / "results.json").read_text() == "new results"
    assert sorted(os.listdir(tmp_path / "r")) == ["report.xlsx", "results.json"]


def test_a_fresh_folder_appears_whole(tmp_path):
    out = tmp_path / "a" / "b"
    replace_as_one(out, {"report.xlsx": _writer("x"), "results.json": _writer("y")})
    assert sorted(os.listdir(out)) == ["report.xlsx", "results.json"]
    assert not [p for p in (tmp_path / "a").iterdir() if p.name.startswith(STAGING_PREFIX)]


@pytest.mark.parametrize("failure", [RuntimeError, KeyboardInterrupt])
def test_a_failing_second_file_changes_nothing(tmp_path, failure):
    _old(tmp_path / "r")

    def boom(p):
        raise failure("stop")

    with pytest.raises(failure):
        replace_as_one(tmp_path / "r", {"report.xlsx": _writer("new"), "results.json": boom})
    assert (tmp_path / "r" / "report.xlsx").read_text() == "old report"
    assert sorted(os.listdir(tmp_path / "r")) == ["report.xlsx", "results.json"]


def test_results_json_being_a_folder_fails_before_anything_is_replaced(tmp_path):
    out = tmp_path / "r"
    out.mkdir()
    (out / "report.xlsx").write_text("old report")
    (out / "results.json").mkdir()
    called = []
    with pytest.raises(AtomicWriteError) as info:
        replace_as_one(out, {"report.xlsx": lambda p: called.append(p),
                             "results.json": lambda p: called.append(p)})
    assert str(info.value) == (f"Cannot save results.json: {out / 'results.json'} is a folder, not "
                               f"a file; rename or remove that folder and save again (nothing was "
                               f"replaced).")
    assert not called and (out / "report.xlsx").read_text() == "old report"
    assert sorted(os.listdir(out)) == ["report.xlsx", "results.json"]


def test_sigterm_during_report_leaves_a_consistent_folder(tmp_path):
    sys.path.insert(0, str(Path(__file__).parent))
    from hostile_corpus import _valid_rows, _workbook

    sample = tmp_path / "study.xlsx"
    _workbook(_valid_rows(40)).save(sample)
    out = tmp_path / "r"
    _old(out)
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "her2desk", "report", str(sample), "--out",
                             str(out), "--no-figures"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 180
    while proc.poll() is None and time.monotonic() < deadline:
        if any(p.name.startswith(STAGING_PREFIX) for p in out.iterdir()):
            proc.send_signal(signal.SIGTERM)
            break
        time.sleep(0.002)
    _, err = proc.communicate(timeout=60)
    assert "Traceback" not in err, err
    names = sorted(os.listdir(out))
    assert names == ["report.xlsx", "results.json"], (names, proc.returncode, err)
    old = (out / "report.xlsx").read_bytes() == b"old report"
    assert old == ((out / "results.json").read_text() == "old results")
    if not old:
        assert json.loads((out / "results.json").read_text())["cohort"]
    assert proc.returncode in (0, 143), (proc.returncode, err)


def test_report_without_docx_removes_the_older_docx(sample_results, tmp_path):
    """--no-docx: the folder must not keep a report.docx that disagrees with the new numbers."""
    from her2desk.report.study_report import write_study_report

    write_study_report(sample_results, tmp_path)
    assert (tmp_path / "report.docx").is_file()
    write_study_report(sample_results, tmp_path, docx=False)
    assert sorted(os.listdir(tmp_path)) == ["report.xlsx", "results.json"]
