"""Every file of the hostile corpus through every door: a clean answer, bounded, nothing left.

Doors: ``validate --out``, ``cohort --json`` and ``report`` (in subprocesses with an
address-space limit, heavy files each in their own so their memory is measured), the
window's open function, and the real ``python -m her2desk`` for a closed pipe, a
SIGTERM during a report and ``her2desk app loop.xlsx``.
"""
from __future__ import annotations

import hashlib
import json
import os
import signal
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from hostile_corpus import Case, build_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("door_driver.py")
MEMORY_MB = 1024
SECONDS = 30
#: Readable files whose report adds something (escaping, names, extent); every refused file
#: goes through the report door too. The others' report is the cohort's load plus the
#: analyses, which the rest of the suite covers (and would double this test's CI time).
REPORT_TOO = {"clean", "stray_last_cell", "injection", "formula_name", "control_chars",
              "long_name", "odd_name", "extremes", "mac_1904", "tsv", "control_in_name"}


def _env() -> dict:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _digest(p: Path) -> str | None:
    try:
        if not stat.S_ISREG(os.stat(p).st_mode):
            return None
        return hashlib.sha256(p.read_bytes()).hexdigest()
    except OSError:
        return None


def _listing(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, list[Case]]:
    root = tmp_path_factory.mktemp("hostile")
    return root, build_corpus(root / "in")


def _run_job(job: list[dict], work: Path, tag: str) -> dict:
    spec = work / f"job-{tag}.json"
    spec.write_text(json.dumps(job))
    proc = subprocess.run([sys.executable, str(DRIVER), str(spec)], capture_output=True, text=True,
                          env=_env(), cwd=work, timeout=600 + SECONDS * 3 * len(job))
    assert proc.returncode == 0, f"{tag}: the process died ({proc.returncode}): {proc.stderr[-2000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def door_results(corpus):
    root, cases = corpus
    inputs = root / "in"
    before_hash = {c.name: _digest(c.path) for c in cases}
    before_list = _listing(inputs)
    outs = root / "out"
    jobs: list[tuple[str, list[dict]]] = []
    light = [c for c in cases if not c.slow]
    def item(c: Case) -> dict:
        return {"name": c.name, "path": str(c.path), "out": str(outs / c.name),
                "report": c.exit != (0,) or c.name in REPORT_TOO}

    jobs.append(("heavy", [item(c) for c in cases if c.slow]))   # memory measured apart
    half = (len(light) + 1) // 2
    for k, group in enumerate((light[:half], light[half:])):
        jobs.append((f"light{k}", [item(c) for c in group]))
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda j: (j[0], _run_job(j[1], root, j[0])), jobs))
    return {"cases": {c.name: c for c in cases}, "results": dict(results), "outs": outs,
            "before_hash": before_hash, "before_list": before_list, "inputs": inputs}


def test_every_door_gives_a_clean_answer(door_results):
    problems = []
    for tag, result in door_results["results"].items():
        for r in result["records"]:
            case: Case = door_results["cases"][r["case"]]
            door = r["argv"][0]
            where = f"{case.name} / {door}"
            text = r["stdout"] + r["stderr"]
            if r["traceback"] or "Traceback" in text:
                problems.append(f"{where}: traceback {r['traceback'] or text}"[:1500])
                continue
            if r["code"] not in case.exit:
                problems.append(f"{where}: exit {r['code']} (want {case.exit}): {r['stderr'][:300]}")
            if r["code"] == 1:
                lines = [ln for ln in r["stderr"].splitlines() if ln.strip()]
                if len(lines) != 1 or not lines[0].startswith("her2desk: "):
                    problems.append(f"{where}: stderr is not one sentence: {r['stderr'][:500]!r}")
            if r["cpu"] > SECONDS:
                problems.append(f"{where}: took {r['cpu']:.1f} s of CPU")
            if case.says and (r["code"] == 1 or door == "validate") and case.says not in text:
                problems.append(f"{where}: answer lacks {case.says!r}: {text[-400:]!r}")
            if "\x1b" in text or "\x07" in text:
                problems.append(f"{where}: raw control characters reached the terminal")
        if result["peak_mb"] > MEMORY_MB:
            problems.append(f"{tag}: peak memory {result['peak_mb']:.0f} MB")
    costly = sorted(((r["cpu"], r["case"], r["argv"][0]) for res in door_results["results"].values()
                     for r in res["records"]), reverse=True)[:8]
    print("most CPU:", ", ".join(f"{c}/{d} {t:.1f}s" for t, c, d in costly))
    assert not problems, "\n".join(problems)


def test_sources_unchanged_and_nothing_left_behind(door_results):
    inputs = door_results["inputs"]
    for name, case in door_results["cases"].items():
        assert _digest(case.path) == door_results["before_hash"][name], name
    assert _listing(inputs) == door_results["before_list"]
    leftovers = [str(p) for p in door_results["outs"].rglob("*")
                 if ".tmp" in p.name or p.name.startswith(".")]
    assert not leftovers


def test_no_output_holds_a_live_formula(door_results):
    outputs = list(door_results["outs"].rglob("*.xlsx"))
    assert any(p.name == "findings.xlsx" for p in outputs)
    assert any(p.parent.parent.name == "injection" for p in outputs)
    live = []
    for p in outputs:
        wb = openpyxl.load_workbook(p)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith("=")
                                              and not c.quotePrefix):
                        live.append(f"{p.parent.name}/{p.name}!{ws.title}!{c.coordinate}={c.value!r}")
    assert not live, live[:20]


def test_injection_values_are_kept_as_text(door_results):
    wb = openpyxl.load_workbook(door_results["outs"] / "injection" / "findings.xlsx")
    values = {c.value for row in wb["Findings"].iter_rows() for c in row if isinstance(c.value, str)}
    assert '=HYPERLINK("http://example.invalid/?"&A1,"click")' in values
    assert "+cmd|' /C calc'!A0" in values
    assert not any("\x1b" in v for v in values)


def test_what_is_read_is_what_the_file_shows(corpus):
    from her2desk.crf.reader import read_crf

    _, cases = corpus
    by = {c.name: c for c in cases}
    mac = read_crf(by["mac_1904"].path).forms["patients"]
    assert set(mac["diagnosis_date"].dt.date) == {by["mac_1904"].extra["diagnosis_date"]}
    for name in ("cp1252_csv", "utf16_bom_csv", "utf16_nobom_tsv", "gb18030_csv", "padded_ids"):
        ids = set(read_crf(by[name].path).forms["patients"]["patient_id"])
        assert by[name].extra["id"] in ids, (name, ids)
    crf = read_crf(by["hidden_sheet"].path)
    assert {f.rule for f in crf.problems} >= {"hidden_sheet"}
    assert set(crf.forms["patients"]["patient_id"]) >= {"P0050", "P0001"}
    stray = read_crf(by["stray_last_cell"].path)
    assert len(stray.forms["patients"]) == 6
    assert [f.rule for f in stray.problems if f.rule == "outside_table"] == ["outside_table"]


#: Readable files the window opens besides every refused one: the formats and odd names.
WINDOW_TOO = {"clean", "tsv", "utf16_bom_csv", "cp1252_csv", "control_chars", "formula_name",
              "odd_name", "long_name"}


def test_the_window_opens_through_the_same_door(corpus, qtbot, qsettings):
    from her2desk.ui.main_window import MainWindow

    _, cases = corpus
    w = MainWindow(settings_store=qsettings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    try:
        for case in cases:
            if case.slow or (case.exit == (0,) and case.name not in WINDOW_TOO):
                continue
            w.loaded = None
            w.banner.hide()
            started = w.open_study(case.path)
            if started:
                qtbot.waitUntil(lambda: not w.runner.is_busy("load"), timeout=20000)
                w.runner.cancel("analyse")     # the analyses are the report door's business
                qtbot.waitUntil(lambda: not w.runner.is_busy(), timeout=20000)
            text = w.banner.text() if w.banner.isVisible() else ""
            assert "Traceback" not in text and "Something went wrong" not in text, (case.name, text)
            if case.exit == (1,):
                assert w.banner.kind == "error" and text, case.name
                if case.says:
                    assert case.says in text, (case.name, text)
            elif case.exit == (0,):
                assert w.loaded is not None, (case.name, text)
    finally:
        w.runner.shutdown(5000)


def _cli(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "her2desk", *args], capture_output=True,
                          text=True, env=_env(), timeout=120, **kw)


def test_a_closed_pipe_is_not_a_traceback(corpus):
    _, cases = corpus
    by = {c.name: c for c in cases}
    cmd = f"{sys.executable} -m her2desk validate '{by['injection'].path}' | head -n 1"
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True,
                          env=_env(), timeout=120)
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr, proc.stderr
    assert len(proc.stdout.splitlines()) == 1


def test_the_app_starts_on_a_symlink_loop(corpus, tmp_path):
    _, cases = corpus
    loop = {c.name: c for c in cases}["symlink_loop"].path
    env = _env() | {"HOME": str(tmp_path),
                    "XDG_CONFIG_HOME": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "her2desk", "app", str(loop)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        try:
            out, err = proc.communicate(timeout=6)
        except subprocess.TimeoutExpired:      # still running: it survived start-up
            proc.send_signal(signal.SIGTERM)   # and closes like the close button
            out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert "Traceback" not in err, err
