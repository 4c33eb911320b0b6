"""Command line: the same layers the app uses, one verb per job.

``her2desk`` with no verb opens the app. Bad input ends with exit code 1 and one
plain sentence on stderr, never a traceback; a bug still shows its traceback.
"""
from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import Sequence

from . import __version__
from .errors import Her2deskError

#: Findings printed by ``validate``; the rest are counted (all of them go to ``--out``).
MAX_PRINTED_FINDINGS = 500


class UserError(Her2deskError):
    """Bad input from the user: shown as one sentence, exit code 1."""


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; write it as 2022-12-31") from None


def _add_language_arg(p: argparse.ArgumentParser, what: str) -> None:
    from .i18n import LANGUAGES

    p.add_argument("--language", choices=LANGUAGES, default=None,
                   help=f"language of {what}: en (default) or zh_CN (简体中文); "
                        "HER2DESK_REPORT_LANGUAGE sets the default")


def _output_language(args) -> str:
    from .i18n import normalise_language

    return normalise_language(args.language or os.environ.get("HER2DESK_REPORT_LANGUAGE", "en"))


def _add_settings_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("study settings (default: saved with the study, else the paper's)")
    g.add_argument("--cutoff", type=_iso_date, help="data cutoff date (default 2022-12-31)")
    g.add_argument("--enrol-from", type=_iso_date, help="start of the enrolment window (default 2012-01-01)")
    g.add_argument("--enrol-to", type=_iso_date, help="end of the enrolment window (default 2022-06-30)")
    g.add_argument("--fish-threshold", type=float, help="HER2/CEP17 ratio for FISH positivity (default 2.2)")


def _settings_from(args: argparse.Namespace, study: Path | None):
    """The saved settings (checked, with a sentence on stderr for anything refused or set
    aside), overridden by the flags; a refused flag is exit 1."""
    from .cohort.settings import StudySettings

    settings = _saved_state(study).settings if study else StudySettings()
    changes = {k: v for k, v in {
        "cutoff": args.cutoff, "enrol_from": args.enrol_from, "enrol_to": args.enrol_to,
        "fish_threshold": args.fish_threshold}.items() if v is not None}
    settings = settings.replace(**changes)
    problems = settings.validate()
    if problems:
        raise UserError(problems[0])
    return settings


_SAVED: dict[Path, object] = {}


def _saved_state(study: Path):
    """The study's side file, read once per run; its notices go to stderr once."""
    from .cohort.saved_state import open_saved_state

    key = Path(study).resolve()
    if key not in _SAVED:
        state = open_saved_state(study)
        for sentence in state.notices:
            print(f"her2desk: {sentence}", file=sys.stderr)
        _SAVED[key] = state
    return _SAVED[key]


def _with_hint(message: str, study: Path) -> str:
    hint = _saved_state(study).patient_id_hint()
    return f"{message} {hint}" if hint else message


def _crf_path(text: str) -> Path:
    from .crf.source import check_crf_path

    return check_crf_path(text)           # the window's door too: same formats, same sentences


def _dictionary_path(args) -> Path | None:
    """The REDCap data dictionary given with --dictionary (checked like a CRF, CSV only)."""
    if not getattr(args, "dictionary", None):
        return None
    from .crf.source import check_dictionary_path

    return check_dictionary_path(args.dictionary)


def _add_dictionary_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dictionary", metavar="DICTIONARY.csv",
                   help="the REDCap data dictionary (CSV) when CRF is a REDCap records export")


class _Parser(argparse.ArgumentParser):
    """Usage mistakes are bad input too: one sentence on stderr and exit code 1, as documented."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(1, f"{self.prog}: {message[:1].upper()}{message[1:].rstrip('.')}. "
                     f"See '{self.prog} --help'.\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="her2desk",
        description="Study workbench for HER2-positive breast cancer cohorts. "
                    "With no command, opens the desktop app.")
    p.add_argument("--version", action="version", version=f"her2desk {__version__}")
    p.add_argument("--self-test", action="store_true",
                   help="open the app offscreen on the sample study, run every analysis, export and check the report")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    a = sub.add_parser("app", help="open the desktop app (default)")
    a.add_argument("crf", nargs="?", help="CRF workbook or her2desk study file (.her2desk) to open "
                                          "(default: the last study, or the sample)")

    t = sub.add_parser("template", help="write the empty CRF workbook")
    t.add_argument("out", help="where to write the .xlsx")
    t.add_argument("--force", action="store_true", help="replace an existing file")

    v = sub.add_parser("validate", help="check a CRF workbook cell by cell")
    v.add_argument("crf")
    v.add_argument("--out", help="write the findings to this .xlsx")
    _add_language_arg(v, "the findings workbook")
    _add_dictionary_arg(v)
    _add_settings_args(v)

    c = sub.add_parser("cohort", help="apply the eligibility rules and print the flowchart")
    c.add_argument("crf")
    c.add_argument("--json", help="write settings, flowchart counts and group sizes to this file")
    _add_dictionary_arg(c)
    _add_settings_args(c)

    r = sub.add_parser("report", help="run every analysis and write report.xlsx, results.json "
                                      "and report.docx")
    r.add_argument("crf")
    r.add_argument("--out", required=True, help="folder for report.xlsx, results.json and report.docx")
    r.add_argument("--no-figures", action="store_true", help="leave the KM and pCR figures out")
    r.add_argument("--no-docx", action="store_true", help="do not write report.docx")
    r.add_argument("--figure-width-mm", type=float, default=85.0, metavar="MM",
                   help="figure width on the page: 85 (single column), 170 (double) or any 10-400")
    r.add_argument("--dpi", type=int, default=600, help="raster figure resolution (300, 600, 1200)")
    r.add_argument("--figure-format", choices=("png", "tiff", "svg", "pdf"), default="png",
                   help="format of the figure files written to OUT/figures")
    _add_language_arg(r, "report.xlsx (sheet names included), report.docx and the figures")
    _add_dictionary_arg(r)
    _add_settings_args(r)
    d = sub.add_parser("diff", help="what changed between two data freezes: patients, cells, "
                                    "eligibility, events and headline results")
    d.add_argument("old", help="the earlier freeze (any CRF file her2desk reads)")
    d.add_argument("new", help="the later freeze")
    d.add_argument("--out", help="write the comparison to this .xlsx")
    d.add_argument("--dictionary", metavar="DICTIONARY.csv",
                   help="REDCap data dictionary for both freezes when they are REDCap records exports")
    d.add_argument("--new-dictionary", metavar="DICTIONARY.csv",
                   help="the new freeze's own dictionary, when it differs from --dictionary")
    _add_settings_args(d)
    return p


def _cmd_diff(args) -> int:
    from .analysis.freeze_diff import compare_freezes
    from .analysis.study import run_study
    from .cohort.loading import load_study
    from .report.diff_report import diff_summary, write_diff_workbook

    old, new = _crf_path(args.old), _crf_path(args.new)
    if args.out and Path(args.out).suffix.lower() != ".xlsx":
        raise UserError(f"The comparison is written as an Excel workbook: give a name ending in "
                        f".xlsx, not {Path(args.out).name}.")
    old_dic = _dictionary_path(args)
    new_dic = _dictionary_path(argparse.Namespace(dictionary=args.new_dictionary)) or old_dic
    settings = _settings_from(args, new)          # one set of settings for both freezes
    studies = [_load(load_study, path, settings, dic) for path, dic in ((old, old_dic),
                                                                       (new, new_dic))]
    results = [run_study(s.cohort, settings, flowchart=s.flowchart) for s in studies]
    diff = compare_freezes(studies[0], studies[1], results[0], results[1],
                           old_name=old.name, new_name=new.name)
    for label, value in diff_summary(diff):
        print(_shown(f"{label}: {value}"))
    for r in diff.moved:
        if r.section == "Flowchart":
            print(_shown(f"  {r.item}: {r.old:g} → {r.new:g}"))
    if args.out:
        out = Path(args.out)
        try:
            write_diff_workbook(diff, out)
        except OSError as exc:
            raise UserError(_write_failure(out, exc)) from None
        print(_shown(f"Wrote the comparison to {out}"))
    return 0


def _cmd_template(args) -> int:
    from .crf.template import write_crf_workbook

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"The template is an Excel workbook: give a name ending in .xlsx, not {out.name}.")
    if out.exists() and not args.force:
        raise UserError(f"{out} already exists and may hold study data; choose another name "
                        "or add --force to replace it.")
    try:
        write_crf_workbook(out)
    except OSError as exc:
        raise UserError(_write_failure(out, exc)) from None
    print(_shown(f"Wrote the CRF template to {out}"))
    return 0


def _shown(text: str) -> str:
    """Text for the terminal: control characters in names shown as \\x1b, never sent raw."""
    from .crf.escape import printable

    return printable(text)


def _write_failure(path: Path, exc: OSError) -> str:
    reason = str(getattr(exc, "strerror", None) or exc).rstrip(".")
    return f"Could not write {path}: {reason}."


def _read(path: Path, dictionary: Path | None = None):
    from .crf.model import CRFReadError
    from .crf.reader import read_crf

    try:
        return read_crf(path, _saved_state(path).mapping, dictionary=dictionary)
    except CRFReadError as exc:
        raise UserError(_with_hint(str(exc), path)) from None


def _cmd_validate(args) -> int:
    from .crf.validate import validate_crf, write_validation_report

    path = _crf_path(args.crf)
    crf = _read(path, _dictionary_path(args))
    settings = _settings_from(args, path)
    report = validate_crf(crf, cutoff=settings.cutoff, fish_threshold=settings.fish_threshold,
                          de_novo_window_days=settings.de_novo_window_days)
    frame = report.to_frame()
    errors = int((frame["severity"] == "error").sum()) if len(frame) else 0
    warnings = len(frame) - errors
    from .crf.escape import printable

    for f in report.findings[:MAX_PRINTED_FINDINGS]:
        where = f.sheet or "file"
        if f.sheet and f.column:
            where += f"!{f.column}"
        if f.row:
            where += f" row {f.row}"
        print(printable(f"{f.severity.upper():8} {f.patient_id or '-':14} {where}: {f.message}"))
    rest = len(report.findings) - MAX_PRINTED_FINDINGS
    if rest > 0:
        print(f"... and {rest:,} more findings not listed here"
              f"{'' if args.out else '; add --out findings.xlsx to get all of them'}.")
    print(f"{errors} errors, {warnings} warnings in {crf.forms['patients']['patient_id'].notna().sum()} patients")
    _print_form_notes(crf)
    if args.out:
        out = Path(args.out)
        if out.suffix.lower() != ".xlsx":
            raise UserError(f"The findings are written as an Excel workbook: give a name ending in "
                            f".xlsx, not {out.name}.")
        try:
            write_validation_report(report, out, language=_output_language(args))
        except OSError as exc:
            raise UserError(_write_failure(out, exc)) from None
        print(_shown(f"Wrote the findings to {args.out}"))
    return 0


def _cmd_cohort(args) -> int:
    from .cohort.loading import load_study

    path = _crf_path(args.crf)
    settings = _settings_from(args, path)
    study = _load(load_study, path, settings, _dictionary_path(args))
    flow = study.flowchart
    _print_form_notes(study.crf)
    print(f"Admitted: {flow.admitted}")
    for reason, n in flow.excluded.items():
        print(f"  excluded, {reason}: {n}")
    print(f"Eligible: {flow.eligible}")
    for label, n in flow.groups.items():
        print(f"  {label}: {n}")
    if args.json:
        from .report.files import write_json

        payload = {"her2desk_version": __version__, "source": path.name,
                   "settings": settings.to_dict(), "cohort": flow.as_dict(),
                   "excluded_detail": flow.excluded_detail,
                   "missing_forms": list(study.crf.missing_forms())}
        try:
            write_json(Path(args.json), payload)
        except OSError as exc:
            raise UserError(_write_failure(Path(args.json), exc)) from None
    return 0


def _print_form_notes(crf) -> None:
    """Say which forms the file lacks and what that does to eligibility (never silently 0)."""
    from .cohort.forms import missing_form_notes

    for note in missing_form_notes(crf):
        print(f"Note: {note}")


def _load(load_study, path, settings, dictionary: Path | None = None):
    from .crf.model import CRFReadError

    try:
        return load_study(path, settings, mapping=_saved_state(path).mapping,
                          dictionary=dictionary)
    except CRFReadError as exc:
        raise UserError(_with_hint(str(exc), path)) from None


def _cmd_report(args) -> int:
    from .analysis.study import run_study
    from .cohort.loading import load_study
    from .report.study_report import write_study_report

    path = _crf_path(args.crf)
    settings = _settings_from(args, path)
    study = _load(load_study, path, settings, _dictionary_path(args))
    _print_form_notes(study.crf)
    results = run_study(study.cohort, settings, flowchart=study.flowchart)
    if not 10.0 <= args.figure_width_mm <= 400.0:
        raise UserError(f"--figure-width-mm {args.figure_width_mm:g} is outside 10–400 mm "
                        "(journals ask for 85 or 170).")
    if not 72 <= args.dpi <= 2400:
        raise UserError(f"--dpi {args.dpi} is outside 72–2400 (journals ask for 300–600).")
    language = _output_language(args)
    out = Path(args.out)
    from .report.figure_style import load_styles

    # The figure options saved with the study (the app's Figure options…) draw these too.
    styles = load_styles(path)
    figures, figure_files = (None, []) if args.no_figures else _render_figures(results, out, args,
                                                                                styles)
    try:
        files = write_study_report(results, out, source=path, figures=figures,
                                   docx=not args.no_docx, figure_width_mm=args.figure_width_mm,
                                   language=language)
    except OSError as exc:
        raise UserError(_write_failure(out, exc)) from None
    files = [*files, *figure_files]
    for f in files:
        print(_shown(f"Wrote {f}"))
    return 0


def _render_figures(results, out: Path, args, styles=None):
    """The report's figures, drawn offscreen by the app's own plot widgets at the journal size:
    PNG bytes for report.xlsx/report.docx and one file each in OUT/figures."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from PySide6.QtCore import qInstallMessageHandler

        from .ui.plots.export import ExportError
        from .ui.report_figures import render_and_write_figures
    except ImportError as exc:  # Qt missing on a headless server: tables still get written
        print(f"her2desk: figures left out ({exc})", file=sys.stderr)
        return None, []

    def quiet(mode, context, message):  # the offscreen platform's harmless size-hint notice
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(quiet)
    try:
        try:
            # Each figure drawn once: the PNG embedded in the report is also the PNG file.
            return render_and_write_figures(results, out / "figures", width_mm=args.figure_width_mm,
                                            dpi=args.dpi, fmt=args.figure_format,
                                            language=_output_language(args), styles=styles)
        except (OSError, ExportError) as exc:
            raise UserError(_write_failure(out / "figures", exc)) from None
    finally:
        qInstallMessageHandler(previous)


def _cmd_app(args) -> int:
    from .ui.app import run_app

    return run_app(getattr(args, "crf", None))


def gui_main() -> int:
    """Entry point of the GUI script: always the app."""
    return _dispatch(["app", *sys.argv[1:]])


def main(argv: Sequence[str] | None = None) -> int:
    return _dispatch(list(sys.argv[1:] if argv is None else argv))


def _dispatch(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _SAVED.clear()
    if args.self_test:
        from .selftest import run_self_test

        return run_self_test()
    command = args.command or "app"
    if command != "app":
        from .report.report_folder import terminate_as_interrupt

        terminate_as_interrupt()          # SIGTERM unwinds: temporary files are removed
    handler = {"app": _cmd_app, "template": _cmd_template, "validate": _cmd_validate,
               "cohort": _cmd_cohort, "report": _cmd_report, "diff": _cmd_diff}[command]
    from .crf.escape import printable

    try:
        return handler(args)
    except Her2deskError as exc:
        _flush_quietly()
        print(f"her2desk: {printable(exc)}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # `her2desk validate ... | head`: the reader left; say nothing more, no traceback.
        _silence_stdout()
        return 1
    except KeyboardInterrupt as exc:
        terminated = type(exc).__name__ == "Terminated"
        print(f"her2desk: {'stopped' if terminated else 'interrupted'}; no file was left "
              f"half-written.", file=sys.stderr)
        return 143 if terminated else 130


def _flush_quietly() -> None:
    try:
        sys.stdout.flush()
    except (BrokenPipeError, OSError, ValueError):
        _silence_stdout()


def _silence_stdout() -> None:
    """Point stdout at the null device so the interpreter's final flush cannot fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":
    sys.exit(main())
