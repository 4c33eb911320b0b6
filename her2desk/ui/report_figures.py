"""The study report's figures, drawn offscreen with the app's own plot widgets, and the export action.

``render_report_figures(results)`` returns ``{title: png_bytes}`` for
``report.study_report.write_study_report(..., figures=...)``; the command line
calls it (offscreen) when Qt is importable. :class:`ReportExport` is the
window's "Export study report…": figures are drawn one per event-loop turn (Qt
widgets live on the GUI thread), then both files are written in a background
task; the old files stay as they were if anything fails.
"""
from __future__ import annotations

import math

import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from PySide6.QtCore import QCoreApplication
from typing import Any

#: Figures embedded in report.xlsx / report.docx unless the caller chooses (single column, 600 dpi).
DEFAULT_WIDTH_MM = 85.0
DEFAULT_DPI = 600
FLOWCHART_FIGURE = "Fig 1. Study flowchart"
REPORT_FILES = ("report.xlsx", "results.json", "report.docx")

def _paper_figures() -> tuple[tuple, tuple, tuple]:
    """The registry's figures (her2desk.analysis.paper), titled by their item ids."""
    from ..analysis.paper import PAPER_ITEMS

    km = tuple((f"{i.id}. {i.caption}", i.source) for i in PAPER_ITEMS if i.kind == "km")
    bars = []
    for i in PAPER_ITEMS:
        if i.kind == "pcr" and i.id.startswith("Fig 2"):
            bars += [(f"{i.id}. pCR: {i.caption}", i.source, "pcr"),
                     (f"{i.id}. Miller–Payne grades: {i.caption}", i.source, "grades")]
    from ..cohort.schema import HR_GROUPS, NEOADJUVANT_REGIMENS

    bars += [(f"Fig 3a. pCR by neoadjuvant regimen, {hr}", f"regimen_{hr}", "pcr")
             for hr in HR_GROUPS]
    bars += [(f"Fig 3b. pCR by ER/PR subgroup, {reg}", f"erpr_{reg}", "pcr")
             for reg in NEOADJUVANT_REGIMENS[1:]]
    # The Cox tables (S5 OS, S6 DFS) drawn as forest plots of their multivariate models.
    forest = tuple((f"{i.id} forest plot. Multivariate Cox model for {i.source.split('_', 1)[1]}",
                    i.source.split("_", 1)[1]) for i in PAPER_ITEMS if i.kind == "cox")
    return km, tuple(bars), forest


def _pairs_figures() -> tuple[tuple[str, str, str], ...]:
    """The P/HR panels (Figs 4d, 5d, 6d): (title, item id, survival key of their KM figure)."""
    from ..analysis.paper import PAPER_ITEMS

    return tuple((f"{i.id}. {i.caption}", i.id, i.source) for i in PAPER_ITEMS if i.kind == "pairs")


#: (title in the workbook, survival comparison key), in the paper's order.
#: (title, neoadjuvant analysis key, "pcr" | "grades")
#: (title, Cox endpoint of a multivariate model)
KM_FIGURES, BAR_FIGURES, FOREST_FIGURES = _paper_figures()
#: (title, paper item id, survival key): every pair of ER/PR subgroups as a forest plot of
#: hazard ratios with their log-rank P, drawn after the KM figure of the same comparison.
PAIRS_FIGURES = _pairs_figures()
#: The yearly hazard of a DFS event by HR status (the "Hazard by year" table, drawn).
HAZARD_FIGURE = "Supplementary figure. Annual hazard of a DFS event, by HR status"
#: The journal export's figure kind (it sets the aspect) of every report figure, by title.
FIGURE_KINDS: dict[str, str] = {
    FLOWCHART_FIGURE: "flowchart", HAZARD_FIGURE: "hazard",
    **{t: "km" for t, _ in KM_FIGURES}, **{t: "bars" for t, *_ in BAR_FIGURES},
    **{t: "forest" for t, _ in FOREST_FIGURES}, **{t: "forest" for t, *_ in PAIRS_FIGURES}}


def ensure_application() -> Any:
    """The running QApplication, or an offscreen one for the command line."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication([])
    if not getattr(app, "_her2desk_cjk_family", None):
        from .fonts import setup_cjk_font

        setup_cjk_font(app)
    return app


def figure_kind(title: str) -> str:
    """The journal export's figure kind (sets the aspect) of a report figure."""
    return FIGURE_KINDS.get(title, "bars")


def figure_file_name(title: str, fmt: str = "png") -> str:
    """'Fig 2b. pCR by HR status' -> 'Fig_2b_pCR_by_HR_status.png' (the paper's item first)."""
    import re
    import unicodedata

    text = unicodedata.normalize("NFKD", title.replace("–", "-")).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9+-]+", "_", text.replace("+", "pos").replace("-/", "neg/"))
    return f"{text.strip('_')}.{fmt}"


def _flowchart_figure(flow: Any) -> Any:
    from .plots.flowchart import FlowchartView

    w = FlowchartView()
    w.set_flowchart(flow)
    return w


def _km_figure(comparison: Any, time_unit: str) -> Any:
    from .panels.survival_panel import annotation_for
    from .plots.km_plot import KMPlotWidget

    w = KMPlotWidget()
    # No title burnt in: the journal's caption (the workbook's / document's legend) carries it.
    w.set_curves(comparison.curves, annotation=annotation_for(comparison), title="",
                 time_unit=time_unit)
    return w


def _bar_figure(analysis: Any, which: str) -> Any:
    from .panels.neoadjuvant_panel import shortened
    from .plots.bar_chart import BarChartWidget

    pcr, grades = shortened(analysis.pcr, analysis.grades)
    w = BarChartWidget()
    if which == "pcr":
        w.set_rate_comparison(pcr, title="")
    else:
        w.set_grade_distribution(grades, title="")
    return w


def _forest_figure(model: Any) -> Any:
    from .plots.forest_plot import ForestPlotWidget

    w = ForestPlotWidget()
    w.set_cox_model(model, title="")
    return w


def _pairs_figure(item: Any) -> Any:
    """A P/HR panel's pairs (``analysis.paper.ItemResult``) as a forest plot: HR (95 % CI) and
    log-rank P of each pair, as results.paper holds them."""
    from .plots.forest_plot import ForestPlotWidget, ForestRow

    def ok(p: Any) -> bool:
        return all(isinstance(v, float) and math.isfinite(v) and v > 0
                   for v in (p.hazard_ratio, *p.ci))

    from .text import p_phrase

    def label(p: Any) -> str:      # the panel prints P beside each pair, as the paper's
        text = f"{p.group} vs {p.reference}"
        return f"{text} ({p_phrase('P', p.p_value)})" if math.isfinite(p.p_value) else text

    rows = [ForestRow(label(p), p.hazard_ratio, p.ci[0], p.ci[1],
                      p.p_value if math.isfinite(p.p_value) else None, ok(p)) for p in item.pairs]
    w = ForestPlotWidget()
    w.set_rows(rows, title="")
    return w


def _hazard_figure(hazards: dict, time_unit: str) -> Any:
    from .panels.survival_panel import HazardPlotWidget

    w = HazardPlotWidget()
    w.set_hazards(list(hazards.items()), time_unit=time_unit, title="")
    return w


def figure_plan(results: Any, styles: Mapping[str, Any] | None = None) -> list[tuple[str, Callable[[], Any]]]:
    """What will be drawn: (title, factory of a plot widget), skipping empty analyses. With
    ``styles`` (report.figure_style.load_styles of the study) each figure draws with the style
    saved for its paper item or its kind, as the app's plots do."""
    plan = _plain_plan(results)
    if not styles:
        return plan
    from ..report.figure_style import item_of, style_for

    def styled(title: str, make: Callable[[], Any]) -> Callable[[], Any]:
        def made() -> Any:
            widget = make()
            if hasattr(widget, "set_style"):
                widget.set_style(style_for(styles, figure_kind(title), item_of(title)))
            return widget
        return made

    return [(title, styled(title, make)) for title, make in plan]


def _plain_plan(results: Any) -> list[tuple[str, Callable[[], Any]]]:
    unit = getattr(getattr(results, "settings", None), "time_unit", "months") or "months"
    plan: list[tuple[str, Callable[[], Any]]] = []
    flow = getattr(results, "flowchart", None)
    if flow is not None:
        plan.append((FLOWCHART_FIGURE, lambda f=flow: _flowchart_figure(f)))
    by_key = {c.key: c for c in getattr(results, "survival", ())}
    items = {i.id: i for i in getattr(results, "paper", ())}
    for title, key in KM_FIGURES:
        comparison = by_key.get(key)
        if comparison is not None and comparison.curves:
            plan.append((title, lambda c=comparison: _km_figure(c, unit)))
        for p_title, item_id, source in PAIRS_FIGURES:
            item = items.get(item_id)
            if source == key and item is not None and item.pairs:
                plan.append((p_title, lambda i=item: _pairs_figure(i)))
    neo = getattr(results, "neoadjuvant", None)
    analyses = {a.key: a for a in getattr(neo, "analyses", ())}
    for title, key, which in BAR_FIGURES:
        a = analyses.get(key)
        if a is not None and a.pcr.rates:
            plan.append((title, lambda a=a, w=which: _bar_figure(a, w)))
    cox = getattr(results, "cox", None)
    models = {m.endpoint: m for m in getattr(cox, "models", ()) if m.kind == "multivariate"}
    for title, endpoint in FOREST_FIGURES:
        m = models.get(endpoint)
        if m is not None and m.terms:
            plan.append((title, lambda m=m: _forest_figure(m)))
    hazards = getattr(results, "hazard_over_time", None)
    if hazards:
        plan.append((HAZARD_FIGURE, lambda h=dict(hazards): _hazard_figure(h, unit)))
    return plan


def render_one(title: str, make: Callable[[], Any], *, width_mm: float = DEFAULT_WIDTH_MM,
               dpi: int = DEFAULT_DPI, fmt: str = "png") -> bytes:
    """One report figure through the journal export (fresh widget, physical size, no window)."""
    from .plots.journal import render_bytes

    return render_bytes(make, kind=figure_kind(title), width_mm=width_mm, dpi=dpi, fmt=fmt)


def iter_report_figures(results: Any, width_mm: float = DEFAULT_WIDTH_MM, dpi: int = DEFAULT_DPI,
                        language: str = "en", styles: Mapping[str, Any] | None = None
                        ) -> Iterator[tuple[str, bytes]]:
    """(title, PNG) per figure; ``language="zh_CN"``: titles and every text drawn in Chinese."""
    from ..i18n import translate

    ensure_application()
    for title, make in figure_plan(results, styles):
        made = lambda make=make: translate_figure(make(), language)  # noqa: E731
        yield translate(title, language), render_one(title, made, width_mm=width_mm, dpi=dpi)


def render_report_figures(results: Any, width_mm: float = DEFAULT_WIDTH_MM,
                          dpi: int = DEFAULT_DPI, language: str = "en",
                          styles: Mapping[str, Any] | None = None) -> dict[str, bytes]:
    """``{title: PNG bytes}`` of the report's figures (flowchart, KM by HR for OS, DFS, advanced-OS,
    PFS; pCR and Miller–Payne bars), ``width_mm`` wide at ``dpi``."""
    return dict(iter_report_figures(results, width_mm, dpi, language, styles))


def write_figure_files(results: Any, folder: str | os.PathLike, *, width_mm: float = DEFAULT_WIDTH_MM,
                       dpi: int = DEFAULT_DPI, fmt: str = "png", language: str = "en") -> list[Path]:
    """Each report figure as its own file in ``folder`` (e.g. figures/Fig_4a_….png), mode 0644
    under the user's umask, named from the paper's items."""
    return render_and_write_figures(results, folder, width_mm=width_mm, dpi=dpi, fmt=fmt,
                                    language=language)[1]


def render_and_write_figures(results: Any, folder: str | os.PathLike, *,
                             width_mm: float = DEFAULT_WIDTH_MM, dpi: int = DEFAULT_DPI,
                             fmt: str = "png", language: str = "en",
                             styles: Mapping[str, Any] | None = None
                             ) -> tuple[dict[str, bytes], list[Path]]:
    """The command line's figures, each drawn once: ``({title: PNG bytes}, files written)``.

    The PNG that report.xlsx/report.docx embed is also the file in ``folder`` when ``fmt`` is
    png; another format is drawn from the same fresh widget factory in that format (a vector
    file cannot be made from the PNG). Files are named from the English paper item whatever the
    language, so scripts find them.
    """
    from ..i18n import translate
    from .plots import export
    from .plots.journal import render_figure

    ensure_application()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    figures: dict[str, bytes] = {}
    written: list[Path] = []
    for title, make in figure_plan(results, styles):
        made = lambda make=make: translate_figure(make(), language)  # noqa: E731
        png = render_one(title, made, width_mm=width_mm, dpi=dpi)
        figures[translate(title, language)] = png
        target = folder / figure_file_name(title, fmt)
        if fmt == "png":
            with export.atomic_path(target, ".png") as tmp:
                tmp.write_bytes(png)
            written.append(target)
        else:
            written.append(render_figure(made, target, kind=figure_kind(title), width_mm=width_mm,
                                         dpi=dpi, title=title))
    return figures, written


def existing_report_files(folder: str | os.PathLike) -> list[Path]:
    return [Path(folder) / name for name in REPORT_FILES if (Path(folder) / name).exists()]


def check_writable(folder: str | os.PathLike) -> str | None:
    """A sentence saying why the report cannot be written there, or None."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        return f"{folder} is a file, not a folder."
    probe_dir = folder if folder.exists() else folder.parent
    if not os.access(probe_dir, os.W_OK | os.X_OK):
        return (f"her2desk cannot write in {probe_dir} (the folder is read-only or you lack permission). "
                "Choose another folder; no file was changed.")
    for target in existing_report_files(folder):
        try:
            with open(target, "r+b"):
                pass
        except PermissionError:
            return (f"{target.name} cannot be replaced: is it open in Excel or another program? "
                    "Close it and export again; the existing files were left as they were.")
    return None


class ReportExport:
    """Drive one "Export study report…" in ``window`` (a MainWindow: runner, show_banner, progress)."""

    def __init__(self, window: Any, results: Any, out_dir: str | os.PathLike,
                 source: str | os.PathLike | None = None,
                 on_done: Callable[[list[Path] | None, str], None] | None = None):
        self.window, self.results = window, results
        self.out_dir, self.source = Path(out_dir), source
        self.on_done = on_done
        self.figures: dict[str, bytes] = {}
        from ..report.figure_style import load_styles

        # The study's saved figure options, as its plots in the window draw them.
        self.plan = figure_plan(results, load_styles(source) if source else None)
        self.cancelled = False

    def start(self) -> None:
        from PySide6.QtCore import QTimer

        problem = check_writable(self.out_dir)
        if problem:
            # Reported on the next turn, like every other outcome, so callers can connect first.
            QTimer.singleShot(0, lambda: self._finish(None, problem))
            return
        self._progress(0.0, "Drawing the report's figures")
        QTimer.singleShot(0, self._next_figure)

    def _progress(self, fraction: float, text: str) -> None:
        w = self.window
        if hasattr(w, "_on_busy") and hasattr(w, "_on_progress"):
            w._on_busy(True)
            w._on_progress("report", fraction, text)

    def _next_figure(self) -> None:
        from PySide6.QtCore import QTimer

        from .workers import describe_error

        done = len(self.figures)
        if done < len(self.plan):
            title, make = self.plan[done]
            self._progress(0.6 * done / max(1, len(self.plan)), f"Drawing {title}")
            try:
                self.figures[title] = render_one(title, make)
            except Exception as exc:  # noqa: BLE001 - a figure must not stop the tables
                self.figures[title] = b""
                self.window.show_banner(QCoreApplication.translate("ReportExport", "The figure “{0}” could not be drawn: {1}").format(title, describe_error(exc)),
                                        "warning")
            QTimer.singleShot(0, self._next_figure)
            return
        self._write()

    def _write(self) -> None:
        figures = {k: v for k, v in self.figures.items() if v}
        results, out_dir, source = self.results, self.out_dir, self.source

        def work(progress, cancelled):
            from ..report.study_report import write_study_report

            progress(0.7, "Writing report.xlsx, results.json and report.docx")
            return write_study_report(results, out_dir, source=Path(source) if source else None,
                                      figures=figures)

        runner = self.window.runner
        runner.start("report", work, on_finished=lambda paths: self._finish(paths, ""),
                     on_failed=lambda m: self._finish(None, self._failure_text(m)))

    def _failure_text(self, message: str) -> str:
        return (f"The report could not be saved in {self.out_dir}. {message} "
                "Files already there were left as they were.")

    def _finish(self, paths: list[Path] | None, message: str) -> None:
        w = self.window
        if hasattr(w, "_on_busy") and not w.runner.is_busy():
            w._on_busy(False)
        if paths:
            w.show_banner("Report saved: " + ", ".join(str(p) for p in paths)
                          + f" ({len([v for v in self.figures.values() if v])} figures).", "info")
        elif message:
            w.show_banner(message, "error")
        if self.on_done:
            self.on_done(paths, message)


def translate_figure(widget: Any, language: str) -> Any:
    """Every text of a drawn figure (title, axis labels, legend, annotations, at-risk counts)
    through the report catalogue, line by line; numbers pass through unchanged."""
    from ..i18n import normalise_language
    from .plots.figure import translate_figure_texts
    from .plots.flowchart import FlowchartView

    if isinstance(widget, FlowchartView):
        return widget.translate_to(normalise_language(language))
    return translate_figure_texts(widget, normalise_language(language))


def figure_texts(widget: Any) -> list[str]:
    """The texts a figure shows (for the translation tests)."""
    import pyqtgraph as pg

    texts = []
    scenes = {v.scene() for v in widget.findChildren(pg.GraphicsView) if v.scene() is not None}
    for scene in scenes:
        for item in scene.items():
            if isinstance(item, pg.AxisItem) and item.labelText:
                texts.append(item.labelText)
            elif isinstance(item, pg.LabelItem) and item.text:
                texts.append(item.text)
            elif isinstance(item, pg.TextItem) and item.toPlainText().strip():
                texts.append(item.toPlainText())
    return texts
