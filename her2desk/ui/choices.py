"""The analysis choices made on the result pages, read and set through the pages' own API.

A choice is what a user picks on a page that changes what is computed or shown: the
survival endpoint and grouping, the Cox endpoint and covariates, the baseline
grouping, the neoadjuvant analysis. :class:`ChoiceTracker` reads them as plain JSON
(``{"survival": {"endpoint": "OS", "grouping": "By HR status", ...}, ...}``) for the study
file and the undo history, and sets them back with the methods a test or the paper
navigator uses (``SurvivalPanel.select``, ``CoxPanel.set_covariates``,
``BaselinePanel.set_grouping`` ...), so a restored choice recomputes exactly as a click
does.

The pages forget their choices when new results arrive (the Cox page ticks the paper's
model again); the tracker sets the last known choices back after every
``results_ready``, so a settings change, an undo or opening a study file keeps them.
Only user actions (``activated``, ``clicked``, a ticked item) count as changes, so
setting choices back never looks like a new change. A page that moves on its own after
its results are in (the paper navigator's "Show in tab") is followed too, without an undo
step, so the next results keep what was on screen.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from .language import english_text, find_english

if TYPE_CHECKING:
    from .main_window import MainWindow

Choice = dict[str, Any]
PAGES = ("survival", "cox", "baseline", "neoadjuvant")


class ChoiceTracker(QObject):
    """``changed(page, old, new)`` after a user changes a choice on a page."""

    changed = Signal(str, object, object)

    def __init__(self, window: "MainWindow"):
        super().__init__(window)
        self.window = window
        self.panels = {"survival": window.panels["Survival"], "cox": window.panels["Cox"],
                       "baseline": window.panels["Baseline"], "neoadjuvant": window.panels["Neoadjuvant"]}
        #: The choices last seen on screen; empty until the first results (the pages'
        #: empty boxes are not choices: an empty Cox model must not be "restored").
        self.last: dict[str, Choice] = {}
        self._pending: dict[str, Choice] | None = None
        self._study: Any = None
        self._seen: Any = None                 # the results last set back on the pages
        s, c, b, n = (self.panels[p] for p in PAGES)
        for signal in (s.endpoint_box.activated, s.grouping_box.activated, s.ci_check.clicked,
                       s.median_check.clicked, s.hazard_check.clicked):
            signal.connect(lambda *_: self._user_changed("survival"))
        for signal in (c.endpoint_box.activated, c.forest_box.activated, c.reset_button.clicked,
                       c.picker.itemChanged):
            signal.connect(lambda *_: self._user_changed("cox"))
        b.grouping_box.activated.connect(lambda *_: self._user_changed("baseline"))
        n.choice.activated.connect(lambda *_: self._user_changed("neoadjuvant"))
        for page, signal in (("survival", s.comparison_shown), ("cox", c.model_shown),
                             ("baseline", b.grouping_ready), ("neoadjuvant", n.analysis_shown)):
            signal.connect(lambda *_, page=page: self._page_moved(page))
        window.study_loaded.connect(self._on_loaded)
        window.results_ready.connect(self._on_results)

    # -- reading -----------------------------------------------------------------------
    def capture(self) -> dict[str, Choice]:
        """Every page's choices as they are on screen now."""
        return {page: self.capture_page(page) for page in PAGES}

    def capture_page(self, page: str) -> Choice:
        p = self.panels[page]
        if page == "survival":
            return {"endpoint": p.endpoint, "grouping": english_text(p.grouping_box),
                    "ci_bands": p.ci_check.isChecked(), "median_lines": p.median_check.isChecked(),
                    "yearly_hazard": p.hazard_check.isChecked()}
        if page == "cox":
            ticked = [p.picker.item(i).data(Qt.ItemDataRole.UserRole) for i in range(p.picker.count())
                      if p.picker.item(i).checkState() == Qt.CheckState.Checked]
            return {"endpoint": p.endpoint, "covariates": ticked, "forest": p.forest_box.currentData()}
        if page == "baseline":
            return {"grouping": p.grouping_box.currentData() or p.grouping}
        current = getattr(p, "current", None)
        return {"analysis": getattr(current, "key", None)}

    # -- setting -----------------------------------------------------------------------
    def apply(self, choices: dict[str, Choice]) -> None:
        """Set every page's choices (pages or keys a choice lacks stay as they are)."""
        for page in PAGES:
            if isinstance(choices.get(page), dict):
                self.apply_page(page, choices[page])
        self.last = self.capture()

    def apply_page(self, page: str, choice: Choice) -> None:
        p = self.panels[page]
        if page == "survival":
            grouping = choice.get("grouping")
            endpoint = choice.get("endpoint")
            if p.endpoint_box.findData(endpoint) < 0:
                endpoint = p.endpoint
            p.select(endpoint, grouping if find_english(p.grouping_box, str(grouping)) >= 0 else None)
            for key, box in (("ci_bands", p.ci_check), ("median_lines", p.median_check),
                             ("yearly_hazard", p.hazard_check)):
                if isinstance(choice.get(key), bool):
                    box.setChecked(choice[key])
        elif page == "cox":
            i = p.endpoint_box.findData(choice.get("endpoint"))
            if i >= 0:
                p.endpoint_box.blockSignals(True)     # set_covariates below refits once
                p.endpoint_box.setCurrentIndex(i)
                p.endpoint_box.blockSignals(False)
            i = p.forest_box.findData(choice.get("forest"))
            if i >= 0:
                p.forest_box.setCurrentIndex(i)
            covariates = choice.get("covariates")
            if isinstance(covariates, list):
                p.set_covariates([str(v) for v in covariates])
            else:
                p.recompute()
        elif page == "baseline":
            grouping = choice.get("grouping")
            if grouping and p.grouping_box.findData(grouping) >= 0 and p.results is not None:
                p.set_grouping(grouping)
        elif page == "neoadjuvant":
            key = choice.get("analysis")
            if key and any(a.key == key for a in p.analyses):
                p.select(key)
        self.last[page] = self.capture_page(page)

    def restore_after_results(self, choices: dict[str, Choice] | None) -> None:
        """Set ``choices`` once the next results are in (a study file being opened)."""
        self._pending = choices

    # -- events ------------------------------------------------------------------------
    def _user_changed(self, page: str) -> None:
        old, new = self.last.get(page), self.capture_page(page)
        if old == new:
            return
        self.last[page] = new
        if old is not None:
            self.changed.emit(page, old, new)

    def _page_moved(self, page: str) -> None:
        """A page showed something new after its results were in: remember it (no undo step).

        While new results are being handed to the pages they show their defaults; those are
        not choices, so they are ignored until ``results_ready`` has set the choices back."""
        results = self.window.results
        if results is None or results is not self._seen or page not in self.last:
            return
        # Read a moment later: a click changes the page before it emits ``activated``, and
        # the click must be taken first (as an undo step) or it would look like a move.
        QTimer.singleShot(0, lambda: self._remember(page))

    def _remember(self, page: str) -> None:
        if page in self.last:
            self.last[page] = self.capture_page(page)

    def _on_loaded(self, loaded: Any) -> None:
        path = getattr(loaded, "path", None)
        if self._study is not None and path != self._study and self._pending is None:
            self.last = {}                     # another study: its pages start as the app sets them
        self._study = path

    def _on_results(self, results: Any) -> None:
        self._seen = results
        wanted = self._pending if self._pending is not None else self.last
        self._pending = None
        self.apply(wanted)
