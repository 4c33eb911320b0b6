"""The paper's Fig 1 drawn from ``cohort.loading.Flowchart`` counts.

Admitted → (side box: excluded, per reason) → Eligible → HR+/HER2+ and HR−/HER2+.
Boxes are sized from their text's font metrics, and the view scales the whole
scene to fit, so no text is ever clipped whatever the window size. Each box has
a ``key`` ("admitted", "excluded", "excluded:<rule label>", "eligible",
"group:<label>"); double-clicking one emits ``box_double_clicked(key)``.

Right-click ▸ Figure options… edits the flowchart's report.figure_style.FigureStyle (kind
"flowchart"): a title above the boxes (off by default), the groups' labels and box colours, and the
greyscale palette for print. The style goes with every export and with the report's Fig 1.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QLineF, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
)

from ...i18n import ENGLISH, translate
from ...report.format import minus_sign
from ..language import ui_language
from . import export
from .style import OKABE_ITO, font, translucent

PAD_X, PAD_Y = 14.0, 9.0
GAP_Y = 34.0
MARGIN = 16.0
MAX_UPSCALE = 1.6
LINE = QColor("#333333")


def _pretty(label: str) -> str:
    return minus_sign(label)


class FlowBox(QGraphicsRectItem):
    """A box with centred (or left-aligned) lines of text, sized to fit them."""

    def __init__(self, key: str, lines: list[str], *, fill: QColor = QColor("white"),
                 bold_first: bool = True, align_left: bool = False, min_width: float = 0.0,
                 border: QColor = LINE):
        super().__init__()
        self.key = key
        self.lines = list(lines)
        self.text = "\n".join(self.lines)
        self.align_left = align_left
        self.bold_first = bold_first
        self.fonts = [font(11, bold=bold_first and i == 0) for i in range(len(self.lines))]
        metrics = [QFontMetricsF(f) for f in self.fonts]
        self.line_height = max(m.height() for m in metrics) + 2
        width = max(m.horizontalAdvance(t) for m, t in zip(metrics, self.lines))
        self.setRect(0, 0, max(width + 2 * PAD_X, min_width),
                     self.line_height * len(self.lines) + 2 * PAD_Y)
        self.setPen(QPen(border, 1.4))
        self.setBrush(QBrush(fill))
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(QCoreApplication.translate("FlowBox", "Double-click to list these patients"))

    @property
    def width(self) -> float:
        return self.rect().width()

    @property
    def height(self) -> float:
        return self.rect().height()

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self.pen())
        painter.setBrush(self.brush())
        painter.drawRoundedRect(self.rect(), 4, 4)
        painter.setPen(QPen(QColor("#000000")))
        flags = (Qt.AlignmentFlag.AlignLeft if self.align_left else Qt.AlignmentFlag.AlignHCenter) \
            | Qt.AlignmentFlag.AlignVCenter
        for i, (line, f) in enumerate(zip(self.lines, self.fonts)):
            painter.setFont(f)
            r = QRectF(PAD_X, PAD_Y + i * self.line_height, self.width - 2 * PAD_X, self.line_height)
            painter.drawText(r, int(flags), line)

    def hoverEnterEvent(self, event) -> None:
        self.setPen(QPen(QColor(OKABE_ITO[0]), 2.4))
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event) -> None:
        self.setPen(QPen(LINE, 1.4))
        super().hoverLeaveEvent(event)


class ReasonRow(QGraphicsRectItem):
    """One exclusion reason inside the excluded box: its own target for double-clicks."""

    def __init__(self, key: str, text: str, rect: QRectF, parent: QGraphicsItem):
        super().__init__(rect, parent)
        self.key = key
        self.text = text
        self.setPen(QPen(Qt.PenStyle.NoPen))
        self.setBrush(QBrush(Qt.BrushStyle.NoBrush))
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(QCoreApplication.translate("ReasonRow", "Double-click to list the patients excluded because: {0}").format(text))

    def hoverEnterEvent(self, event) -> None:
        self.setBrush(QBrush(translucent(QColor(OKABE_ITO[0]), 40)))
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event) -> None:
        self.setBrush(QBrush(Qt.BrushStyle.NoBrush))
        super().hoverLeaveEvent(event)


def _arrow(path: QPainterPath, start: QPointF, end: QPointF, head: float = 7.0) -> None:
    path.moveTo(start)
    path.lineTo(end)
    line = QLineF(end, start)
    line.setLength(head)
    left, right = QLineF(line), QLineF(line)
    left.setAngle(line.angle() + 28)
    right.setAngle(line.angle() - 28)
    path.addPolygon(QPolygonF([end, left.p2(), right.p2(), end]))


class FlowchartView(QGraphicsView):
    """``set_flowchart(flow)``; ``boxes`` maps key -> item (FlowBox or ReasonRow)."""

    box_double_clicked = Signal(str)
    #: The figure-style kind and paper item (report.figure_style) this chart is saved under.
    figure_kind = "flowchart"
    paper_item = "Fig 1"
    #: The title "title on" shows unless the user typed another.
    default_title = "Study flowchart"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setBackgroundBrush(QBrush(QColor("white")))
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAccessibleName("Eligibility flowchart")
        self.setMinimumSize(240, 160)
        self.boxes: dict[str, QGraphicsItem] = {}
        self.flow: Any = None
        self.language: str | None = None    # None: the window's when inside it, else English
        self.figure_style: Any = None        # a report.figure_style.FigureStyle, or None
        self.title_item: QGraphicsSimpleTextItem | None = None
        from PySide6.QtGui import QAction

        self.options_action = QAction(self.tr("Figure options…"), self)
        self.options_action.triggered.connect(self.edit_options)
        self.addAction(self.options_action)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    # -- the user's style -------------------------------------------------------------
    def set_style(self, figure_style: Any) -> None:
        """Draw with ``figure_style`` (title, group labels and colours, palette), or as shipped."""
        self.figure_style = figure_style
        self.set_flowchart(self.flow)

    def edit_options(self, *_: Any) -> None:
        """Figure options…: the dialog, then the choice saved with the study and drawn."""
        from ..figure_styles import edit_figure_style

        edit_figure_style(self)

    def _group_fill(self, group: str, index: int) -> QColor:
        st = self.figure_style
        colour = QColor(st.colour(group, index)) if st is not None else QColor(OKABE_ITO[index % 2])
        return translucent(colour, 45)

    def _group_label(self, group: str) -> str:
        st = self.figure_style
        return st.legend_label(group) if st is not None else group

    # -- language -------------------------------------------------------------------
    def _tr(self, text: str) -> str:
        language = self.language or (ui_language() if self.parent() is not None else ENGLISH)
        return translate(text, language)

    def translate_to(self, language: str) -> "FlowchartView":
        """Draw the boxes again in ``language`` (a report figure's language)."""
        self.language = language
        self.set_flowchart(self.flow)
        return self

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange and self.flow is not None:
            self.set_flowchart(self.flow)
        super().changeEvent(event)

    # -- drawing --------------------------------------------------------------------
    def set_flowchart(self, flow: Any) -> None:
        scene = self.scene()
        scene.clear()
        self.boxes = {}
        self.flow = flow
        if flow is None:
            return
        tr = self._tr
        reasons = [(label, int(n)) for label, n in flow.excluded.items() if n]
        admitted = FlowBox("admitted", [tr(f"Admitted (n = {flow.admitted})")])
        eligible = FlowBox("eligible", [tr(f"Eligible (n = {flow.eligible})")], fill=QColor("#f2f2f2"))
        groups = [FlowBox(f"group:{g}", [tr(f"{_pretty(self._group_label(g))} (n = {n})")],
                          fill=self._group_fill(str(g), i))
                  for i, (g, n) in enumerate(flow.groups.items())]
        # The excluded box: a title line and one clickable row per reason.
        title = tr(f"Excluded (n = {flow.excluded_total})")
        lines = [title] + [tr(f"{label} (n = {n})") for label, n in reasons]
        excluded = FlowBox("excluded", lines, fill=QColor("#fbfbfb"), align_left=True)
        main_w = max(admitted.width, eligible.width, 200.0)
        for box in (admitted, eligible):
            box.setRect(0, 0, main_w, box.height)

        cx = main_w / 2
        admitted.setPos(0, 0)
        side_x = main_w + 48
        excluded.setPos(side_x, admitted.height + GAP_Y * 0.6)
        eligible_y = max(admitted.height + 2 * GAP_Y, excluded.y() + excluded.height + GAP_Y * 0.6)
        eligible.setPos(0, eligible_y)
        # Groups side by side under the eligible box, centred on its axis.
        gap = 40.0
        total_w = sum(b.width for b in groups) + gap * max(len(groups) - 1, 0)
        x = cx - total_w / 2
        group_y = eligible_y + eligible.height + GAP_Y * 1.4
        for box in groups:
            box.setPos(x, group_y)
            x += box.width + gap

        path = QPainterPath()
        top = QPointF(cx, admitted.height)
        _arrow(path, top, QPointF(cx, eligible_y))
        branch_y = excluded.y() + excluded.line_height / 2 + PAD_Y
        path.moveTo(cx, branch_y)
        _arrow(path, QPointF(cx, branch_y), QPointF(side_x, branch_y))
        if groups:
            split_y = eligible_y + eligible.height + GAP_Y * 0.7
            path.moveTo(cx, eligible_y + eligible.height)
            path.lineTo(cx, split_y)
            centres = [b.x() + b.width / 2 for b in groups]
            path.moveTo(min(centres + [cx]), split_y)
            path.lineTo(max(centres + [cx]), split_y)
            for c in centres:
                _arrow(path, QPointF(c, split_y), QPointF(c, group_y))
        lines_item = QGraphicsPathItem(path)
        lines_item.setPen(QPen(LINE, 1.4))
        lines_item.setBrush(QBrush(LINE))
        lines_item.setZValue(-1)
        scene.addItem(lines_item)

        for box in (admitted, excluded, eligible, *groups):
            scene.addItem(box)
            self.boxes[box.key] = box
        for i, (label, n) in enumerate(reasons, start=1):
            r = QRectF(3, PAD_Y + i * excluded.line_height, excluded.width - 6, excluded.line_height)
            row = ReasonRow(f"excluded:{label}", tr(f"{label} (n = {n})"), r, excluded)
            self.boxes[row.key] = row
        self.title_item = None
        shown = self.figure_style.shown_title(tr(self.default_title)) if self.figure_style else ""
        if shown:
            chart = scene.itemsBoundingRect()
            self.title_item = QGraphicsSimpleTextItem(shown)
            self.title_item.setFont(font(13, bold=True))
            self.title_item.setBrush(QBrush(LINE))
            size = self.title_item.boundingRect()
            self.title_item.setPos(chart.center().x() - size.width() / 2, chart.top() - size.height() - GAP_Y / 2)
            scene.addItem(self.title_item)
        rect = scene.itemsBoundingRect().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        scene.setSceneRect(rect)
        self.fit()

    def box_text(self, key: str) -> str:
        return self.boxes[key].text

    # -- fitting ----------------------------------------------------------------------
    def fit(self) -> None:
        """Scale the whole chart into the view (never larger than MAX_UPSCALE)."""
        rect = self.scene().sceneRect()
        view = self.viewport().rect()
        if rect.isEmpty() or view.width() < 2 or view.height() < 2:
            return
        scale = min(view.width() / rect.width(), view.height() / rect.height(), MAX_UPSCALE)
        self.resetTransform()
        self.scale(scale, scale)
        self.centerOn(rect.center())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.fit()

    # -- interaction ------------------------------------------------------------------
    def key_at(self, pos) -> str | None:
        """Key of the most specific box under a viewport position (a reason row before its box)."""
        for item in self.items(pos):
            key = getattr(item, "key", None)
            if key:
                return key
        return None

    def mouseDoubleClickEvent(self, event) -> None:
        key = self.key_at(event.position().toPoint())
        if key:
            self.box_double_clicked.emit(key)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    # -- export -----------------------------------------------------------------------
    def export(self, path: str, width: int = export.DEFAULT_PNG_WIDTH):
        """PNG/SVG/PDF of the chart itself (not the window's margins), via plots.export."""
        return export.export_figure(_SceneSource(self), path, width=width)

    def export_journal(self, path, *, width_mm: float = 85.0, dpi: int = 600, title: str | None = ""):
        """The flowchart at journal size, drawn in a fresh view (see :mod:`.journal`)."""
        from .journal import render_figure

        def fresh() -> "FlowchartView":
            view = FlowchartView()
            view.language = self.language or (ui_language() if self.parent() is not None else ENGLISH)
            view.figure_style = self.figure_style
            if self.flow is not None:
                view.set_flowchart(self.flow)
            return view

        return render_figure(fresh, path, kind="flowchart", width_mm=width_mm, dpi=dpi,
                             title="Study flowchart")


class _SceneSource:
    """What plots.export needs from a view, showing exactly the scene rect.

    The on-screen view is fitted with blank margins on one side; an export of the
    viewport would carry them into the manuscript figure.
    """

    def __init__(self, view: FlowchartView):
        self._view = view
        self._rect = view.scene().sceneRect()

    def scene(self) -> QGraphicsScene:
        return self._view.scene()

    def viewport(self) -> "_SceneSource":
        return self

    def rect(self) -> QRect:
        return self._rect.toAlignedRect()

    def mapToScene(self, _rect) -> QPolygonF:
        return QPolygonF(self._rect)

    def logicalDpiX(self) -> int:
        return self._view.logicalDpiX()
