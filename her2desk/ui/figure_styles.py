"""The window's side of figure styles: open "Figure options…" for a plot, save the choice with the
study (report.figure_style, the side file's merging writer) and redraw every figure it concerns.

The report reads the same saved styles (ui.report_figures.figure_plan), so the app's plots,
report.xlsx and report.docx draw a figure alike.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QWidget

from ..report.figure_style import FigureStyle, load_styles, save_style, style_for


def groups_of(widget: Any) -> list[str]:
    """The groups a figure draws (curves, bar series, hazard lines), for legend labels and colours."""
    if getattr(widget, "curves", None):
        return [str(c.label) for c in widget.curves]
    series = getattr(widget, "series", None)
    if isinstance(series, dict) and series:
        return [str(k) for k in series]
    bars = getattr(widget, "bars", None)
    if bars:
        return list(dict.fromkeys(str(b[0]) for b in bars))
    flow = getattr(widget, "flow", None)            # the flowchart: its group boxes
    if flow is not None and getattr(flow, "groups", None):
        return [str(g) for g in flow.groups]
    return []


def _figures(root: QWidget) -> list[Any]:
    from .plots.figure import FigureWidget
    from .plots.flowchart import FlowchartView

    return [*root.findChildren(FigureWidget), *root.findChildren(FlowchartView)]


def _concerns(widget: Any, key: str) -> bool:
    return key in (widget.figure_kind, getattr(widget, "paper_item", ""))


def apply_figure_styles(window: QWidget, styles: dict[str, FigureStyle] | None = None) -> None:
    """Give every plot of the window the style saved for its kind or paper item (a study
    without saved styles draws as before)."""
    if styles is None:
        styles = load_styles(getattr(window, "study_path", None))
    for w in _figures(window):
        keys = {w.figure_kind, getattr(w, "paper_item", "")}
        if keys & set(styles):
            w.set_style(style_for(styles, w.figure_kind, getattr(w, "paper_item", "")))
        elif w.figure_style is not None:
            w.set_style(None)


def save_figure_style(widget: Any, key: str, style: FigureStyle) -> dict[str, FigureStyle]:
    """Save ``style`` under ``key`` with the window's study and redraw what it concerns; without a
    study (or when the side file cannot be written: a banner says so) it holds for this session."""
    from ..crf.side_file import SideFileError

    window = widget.window()
    study = getattr(window, "study_path", None)
    styles: dict[str, FigureStyle]
    if study:
        try:
            styles = save_style(study, key, style)
        except SideFileError as exc:
            if hasattr(window, "show_banner"):
                from PySide6.QtCore import QCoreApplication

                window.show_banner(QCoreApplication.translate(
                    "figure_styles", "The figure options could not be saved with the study: {0}"
                ).format(exc), "warning")
            styles = {**load_styles(study), key: style}
    else:
        styles = {key: style}
    targets = [w for w in _figures(window) if _concerns(w, key)] if window is not widget else []
    for w in targets or [widget]:
        w.set_style(style_for(styles, w.figure_kind, getattr(w, "paper_item", "")))
    return styles


def edit_figure_style(widget: Any, *, exec_dialog: bool = True) -> Any:
    """Open Figure options… for ``widget``; on OK save and apply. Returns the dialog."""
    from .dialogs.figure_options import FigureOptionsDialog

    dialog = FigureOptionsDialog(widget.figure_style, widget.figure_kind, groups_of(widget),
                                 item=getattr(widget, "paper_item", ""), parent=widget)
    widget.options_dialog = dialog
    if exec_dialog and dialog.exec() == QDialog.DialogCode.Accepted:
        history = getattr(widget.window(), "history", None)     # ui/undo.py: an undoable step
        if history is not None:
            history.change_figure_style(widget, dialog.applies_to(), dialog.figure_style())
        else:
            save_figure_style(widget, dialog.applies_to(), dialog.figure_style())
    return dialog
