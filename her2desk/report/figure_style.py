"""What the user chose to change in a figure's text and look, saved with the study — no Qt.

A :class:`FigureStyle` holds only choices: title on/off and its text (off by default, since a
journal prints the caption under the figure), axis labels, legend labels and group colours,
the palette (colour-blind-safe Okabe–Ito by default, or greyscale for print), the time axis'
end and tick interval, and for Kaplan–Meier plots the number-at-risk table and a
cumulative-events row. Empty fields mean "the figure's own default", so a style saved before a
figure changes its defaults still applies.

Styles are kept per figure kind ("km", "bars", "forest", "hazard") and per paper item ("Fig 4b")
under one key of the study's side file (:data:`STYLES_KEY`), written with the side file's merging
writer: saving a figure's style keeps the study's settings, its column mapping and every other
figure's style. The app's plots, report.xlsx and report.docx read the same styles
(:func:`style_for`), so a figure looks the same wherever it appears.
"""
from __future__ import annotations

import dataclasses
import math
import os
import re
from dataclasses import dataclass
from typing import Any, Mapping

from ..cohort.study_file import FIGURE_STYLES_KEY
from ..crf.side_file import read_side_file, update_side_file

#: The side-file key (the study file carries the same section as ``figure_styles``).
STYLES_KEY = FIGURE_STYLES_KEY
#: Okabe–Ito, ordered so a two-group comparison differs in hue and lightness (as the app draws).
COLOUR_BLIND_SAFE = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9",
                     "#F0E442", "#000000")
#: Greys far enough apart to tell four groups apart on a laser print.
GREYSCALE = ("#000000", "#6E6E6E", "#A8A8A8", "#404040", "#8C8C8C", "#C8C8C8", "#262626",
             "#5A5A5A")
PALETTES: dict[str, tuple[str, ...]] = {"colour-blind safe": COLOUR_BLIND_SAFE,
                                        "greyscale": GREYSCALE}
DEFAULT_PALETTE = "colour-blind safe"
FIGURE_KINDS = ("km", "bars", "forest", "hazard", "flowchart")
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class FigureStyle:
    """One figure's choices; the defaults draw the figure as her2desk does out of the box."""

    show_title: bool = False
    title: str = ""
    x_label: str = ""
    y_label: str = ""
    legend_labels: tuple[tuple[str, str], ...] = ()     # (group as analysed, label shown)
    palette: str = DEFAULT_PALETTE
    colours: tuple[tuple[str, str], ...] = ()           # (group, "#rrggbb") over the palette
    x_max: float | None = None                          # time axis end, in the axis' unit
    x_tick: float | None = None                         # tick interval, in the axis' unit
    at_risk: bool = True
    cumulative_events: bool = False

    # -- what the figures ask ------------------------------------------------------------
    def shown_title(self, default: str = "") -> str:
        """The title to draw: nothing unless it is switched on (then the text, or ``default``)."""
        return (self.title or default) if self.show_title else ""

    def legend_label(self, group: str) -> str:
        return dict(self.legend_labels).get(group, "") or group

    def colour(self, group: str, index: int) -> str:
        """The group's own colour if chosen, else the palette's ``index``-th."""
        own = dict(self.colours).get(group)
        if own:
            return own
        palette = PALETTES.get(self.palette, COLOUR_BLIND_SAFE)
        return palette[index % len(palette)]

    def colours_for(self, groups: list[str]) -> list[str]:
        return [self.colour(g, i) for i, g in enumerate(groups)]

    def time_ticks(self, default_end: float) -> tuple[float, float | None]:
        """(axis end, tick interval or None for the figure's own) for a time axis."""
        end = self.x_max if self.x_max else default_end
        return end, self.x_tick

    @property
    def is_default(self) -> bool:
        return self == FigureStyle()

    # -- the side file -----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Only what differs from the defaults, so a saved style stays small and readable."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value == f.default:
                continue
            out[f.name] = dict(value) if f.name in ("legend_labels", "colours") else value
        return out

    @classmethod
    def from_dict(cls, data: object) -> "FigureStyle":
        """A style from the side file; a value of the wrong kind falls back to its default (a
        hand-edited file never stops a figure from drawing)."""
        if not isinstance(data, Mapping):
            return cls()
        values: dict[str, Any] = {}
        for key in ("show_title", "at_risk", "cumulative_events"):
            if isinstance(data.get(key), bool):
                values[key] = data[key]
        for key in ("title", "x_label", "y_label"):
            if isinstance(data.get(key), str):
                values[key] = data[key][:300]
        if data.get("palette") in PALETTES:
            values["palette"] = data["palette"]
        for key in ("x_max", "x_tick"):
            v = data.get(key)
            if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v > 0:
                values[key] = float(v)
        labels = data.get("legend_labels")
        if isinstance(labels, Mapping):
            values["legend_labels"] = tuple((str(k), str(v)[:200]) for k, v in labels.items()
                                            if isinstance(v, str) and v)
        colours = data.get("colours")
        if isinstance(colours, Mapping):
            values["colours"] = tuple((str(k), v) for k, v in colours.items()
                                      if isinstance(v, str) and _COLOUR.match(v))
        return cls(**values)


def style_key(kind: str, item: str = "") -> str:
    """The side file's entry: the paper item ("Fig 4b") when given, else the figure kind."""
    return item or kind


def load_styles(study: str | os.PathLike | None) -> dict[str, FigureStyle]:
    """Every saved figure style of ``study`` (empty without a study or a side file)."""
    if not study:
        return {}
    data = read_side_file(study, set_aside=False).data.get(STYLES_KEY)
    if not isinstance(data, Mapping):
        return {}
    return {str(k): FigureStyle.from_dict(v) for k, v in data.items()}


def style_for(styles: Mapping[str, FigureStyle], kind: str, item: str = "") -> FigureStyle:
    """The style a figure draws with: its paper item's, else its kind's, else the defaults."""
    if item and item in styles:
        return styles[item]
    return styles.get(kind, FigureStyle())


def save_style(study: str | os.PathLike, key: str, style: FigureStyle) -> dict[str, FigureStyle]:
    """Save one figure's style with the study and return every style now saved. Other figures'
    styles and the side file's other keys are kept (a default style removes its entry)."""
    styles = load_styles(study)
    if style.is_default:
        styles.pop(key, None)
    else:
        styles[key] = style
    update_side_file(study, **{STYLES_KEY: {k: s.to_dict() for k, s in styles.items()}})
    return styles


def item_of(title: str) -> str:
    """'Fig 4b. Kaplan–Meier OS by HR status' -> 'Fig 4b' (the key a report figure's style has)."""
    m = re.match(r"^((?:Table|Fig)\s?S?\d+[a-z]?)\b", title or "")
    return m.group(1) if m else ""


__all__ = ["COLOUR_BLIND_SAFE", "DEFAULT_PALETTE", "FigureStyle", "GREYSCALE", "PALETTES",
           "STYLES_KEY", "item_of", "load_styles", "save_style", "style_for", "style_key"]
