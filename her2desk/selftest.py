"""``her2desk --self-test``: open the app on the bundled sample study and check it end to end.

Opens the real MainWindow (offscreen unless ``QT_QPA_PLATFORM`` asks for a display),
waits for the load and the analyses through the window's own signals, checks the
paper's cohort numbers, exports the study report to a temporary folder, re-reads
``report.xlsx`` and ``results.json`` and checks that they agree with the results.
Prints a short summary with timings. Exit code 0 on success, 1 with one sentence on
failure. The same code runs from a checkout and from the frozen bundle.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

from .cohort.schema import HR_NEG, HR_POS

#: The sample study reproduces the paper's Fig 1 (Ran et al., BMC Cancer 2024).
EXPECTED_ADMITTED = 3012
EXPECTED_ELIGIBLE = 828
EXPECTED_GROUPS = {HR_POS: 466, HR_NEG: 362}
TIMEOUT_S = float(os.environ.get("HER2DESK_SELFTEST_TIMEOUT", "300"))


class SelfTestFailure(Exception):
    """One sentence saying what did not hold."""


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise SelfTestFailure(message)


def _wait_for(window, signal, what: str, timeout_s: float):
    """Run the event loop until ``signal`` fires (its value returned), a task fails, or timeout."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    outcome: dict = {}

    def done(value=None) -> None:
        outcome.setdefault("value", value)
        loop.quit()

    def failed(key: str, message: str) -> None:
        outcome.setdefault("error", f"{what} failed ({key}): {message}")
        loop.quit()

    def timed_out() -> None:
        outcome.setdefault("error", f"{what} did not finish within {timeout_s:.0f} s")
        loop.quit()

    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(timed_out)
    signal.connect(done)
    window.runner.failed.connect(failed)
    timer.start(int(timeout_s * 1000))
    try:
        loop.exec()
    finally:
        timer.stop()
        signal.disconnect(done)
        window.runner.failed.disconnect(failed)
    if "error" in outcome:
        raise SelfTestFailure(outcome["error"])
    return outcome.get("value")


def _idle(ms: int) -> None:
    """Let queued events (paints, panel updates) run for ``ms`` milliseconds."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _check_cohort(flow) -> None:
    _check(flow.admitted == EXPECTED_ADMITTED,
           f"the sample study admitted {flow.admitted} patients, expected {EXPECTED_ADMITTED}")
    _check(flow.eligible == EXPECTED_ELIGIBLE,
           f"the sample study has {flow.eligible} eligible patients, expected {EXPECTED_ELIGIBLE}")
    _check(dict(flow.groups) == EXPECTED_GROUPS,
           f"the HR groups are {dict(flow.groups)}, expected {EXPECTED_GROUPS}")
    _check(flow.admitted - flow.excluded_total == flow.eligible,
           "admitted minus excluded does not equal eligible in the flowchart")


def _render_figures(window, results):
    """Figures for the report, if this build has the renderer (optional module)."""
    try:
        from .ui.report_figures import render_report_figures
    except ImportError:
        return None
    return render_report_figures(results)


def _check_report(results, files: list[Path], with_figures: bool) -> dict:
    from openpyxl import load_workbook

    from .report.excel_report import sheet_names

    by_name = {Path(f).name: Path(f) for f in files}
    _check({"report.xlsx", "results.json"} <= set(by_name), f"the report wrote {sorted(by_name)}")
    payload = json.loads(by_name["results.json"].read_text(encoding="utf-8"))
    flow = results.flowchart
    cohort = payload.get("cohort", {})
    _check(cohort.get("admitted") == flow.admitted and cohort.get("eligible") == flow.eligible
           and cohort.get("groups") == dict(flow.groups),
           "results.json's cohort numbers differ from the analyses'")
    _check(len(payload.get("survival", [])) == len(results.survival),
           "results.json does not list every survival comparison")
    for s_json, s in zip(payload["survival"], results.survival):
        _check(s_json["key"] == s.key and [g["n"] for g in s_json["groups"]] == [g.n for g in s.groups],
               f"results.json's group sizes for {s.title} differ from the analyses'")

    wb = load_workbook(by_name["report.xlsx"], read_only=True, data_only=True)
    try:
        expected_sheets = list(sheet_names(with_figures))
        _check(list(wb.sheetnames) == expected_sheets,
               f"report.xlsx has the sheets {wb.sheetnames}, expected {expected_sheets}")
        steps = {}
        for row in wb["Flowchart"].iter_rows(min_row=3, values_only=True):
            if row and row[0] is not None:
                steps[str(row[0]).strip()] = row[1]
        _check(steps.get("Admitted") == payload["cohort"]["admitted"]
               and steps.get("Eligible") == payload["cohort"]["eligible"]
               and all(steps.get(g) == n for g, n in payload["cohort"]["groups"].items()),
               "report.xlsx's flowchart disagrees with results.json")
        survival_n = []
        for row in wb["Survival"].iter_rows(values_only=True):
            if row and len(row) > 1 and isinstance(row[1], int) and row[0] is not None:
                survival_n.append((str(row[0]).strip(), row[1]))
        expected_n = [(g["label"], g["n"]) for s in payload["survival"] for g in s["groups"]]
        _check(survival_n == expected_n, "report.xlsx's survival group sizes disagree with results.json")
    finally:
        wb.close()
    return payload


def run_self_test(out_dir: str | os.PathLike | None = None) -> int:
    """Returns the exit code; prints a summary (stdout) or the failure (stderr)."""
    if not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    try:
        return _run(out_dir)
    except SelfTestFailure as exc:
        print(f"her2desk self-test FAILED: {exc}", file=sys.stderr, flush=True)
        return 1


def _quiet_offscreen_warnings() -> None:
    """The offscreen platform warns on every window resize; keep the summary readable."""
    from PySide6.QtCore import qInstallMessageHandler

    previous = None

    def handler(kind, context, message):
        if "propagateSizeHints" in message:
            return
        if previous is not None:
            previous(kind, context, message)
        else:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(handler)


def _run(out_dir) -> int:
    from .ui.startup import FirstPaint, ms_since_start, process_age

    _quiet_offscreen_warnings()

    lines = []
    t_start = time.perf_counter()
    import_from = ms_since_start()

    from PySide6.QtCore import QSettings

    from .resources import sample_study_path
    from .ui.app import add_language_menu, make_application
    from .ui.main_window import MainWindow

    sample = sample_study_path()
    _check(sample.is_file(), f"the sample study is missing from this installation ({sample})")
    app = make_application()
    with tempfile.TemporaryDirectory(prefix="her2desk-selftest-") as tmp:
        tmp = Path(tmp)
        # A private settings file: the self-test never touches the user's recent studies.
        store = QSettings(str(tmp / "selftest.ini"), QSettings.Format.IniFormat)
        imported = ms_since_start()
        window = MainWindow(settings_store=store)
        add_language_menu(window)
        painted = FirstPaint(window)
        window.show()
        shown = ms_since_start()
        t0 = time.perf_counter()
        _check(window.open_study(sample), f"the window refused to open {sample}")
        loaded = _wait_for(window, window.study_loaded, "loading the sample study", TIMEOUT_S)
        t_loaded = time.perf_counter()
        loaded_ms = ms_since_start()
        _check_cohort(loaded.flowchart)
        results = _wait_for(window, window.results_ready, "the analyses", TIMEOUT_S)
        t_results = time.perf_counter()
        _check_cohort(results.flowchart)
        _check(window.results is results, "the window did not keep the analyses it showed")
        _idle(50)   # let the panels draw the results once
        _check(painted.ms is not None, "the window was never painted")
        # The bundle leaves these out (packaging/her2desk.spec): nothing may need them at run time.
        unwanted = sorted(m for m in ("lifelines", "matplotlib", "PySide6.QtNetwork")  # noqa: network
                          if m in sys.modules)
        _check(not unwanted, f"the app imported {', '.join(unwanted)}, which the bundle leaves out")

        from .report.study_report import write_study_report

        figures = _render_figures(window, results)
        report_dir = Path(out_dir) if out_dir else tmp / "report"
        files = write_study_report(results, report_dir, source=sample, figures=figures)
        t_export = time.perf_counter()
        _check_report(results, files, with_figures=bool(figures))
        t_check = time.perf_counter()
        window.close()
        app.processEvents()

    frozen = " (frozen)" if getattr(sys, "frozen", False) else ""
    origin = process_age()[1]
    flow = results.flowchart
    lines.append(f"her2desk self-test{frozen}: OK on {sample.name} "
                 f"({os.environ.get('QT_QPA_PLATFORM')} platform)")
    lines.append(f"  cohort: {flow.admitted} admitted, {flow.eligible} eligible, "
                 + ", ".join(f"{g} {n}" for g, n in flow.groups.items()))
    lines.append(f"  report: {', '.join(Path(f).name for f in files)}"
                 f"{f' with {len(figures)} figures' if figures else ' (no figures in this build)'}"
                 f", re-read and consistent")
    lines.append(f"  startup: window shown at {shown:.0f} ms, first paint at {painted.ms:.0f} ms "
                 f"after {origin} (UI imports {imported - import_from:.0f} ms)")
    lines.append(f"  study loaded at {loaded_ms:.0f} ms after {origin}; load {1000 * (t_loaded - t0):.0f} ms, "
                 f"analyses {1000 * (t_results - t_loaded):.0f} ms, export {1000 * (t_export - t_results):.0f} ms, "
                 f"check {1000 * (t_check - t_export):.0f} ms; self-test total {time.perf_counter() - t_start:.1f} s")
    print("\n".join(lines), flush=True)
    return 0
