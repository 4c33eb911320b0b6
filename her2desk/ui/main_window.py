"""The main window: tabs, menus, drag-and-drop, status bar and background work.

Loading a study is two background tasks: "load" (read → validate → derive, then
the Data/Validation/Eligibility tabs fill) and "analyse" (the study's tables,
figures and models, then the other tabs fill). The window never blocks: every
slow call runs through the :class:`~her2desk.ui.workers.TaskRunner`.
"""
from __future__ import annotations

import dataclasses
import os
import platform
import sys
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QByteArray, QCoreApplication, QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .language import shown as shown_text
from .panels.base import Panel
from .panels.baseline_panel import BaselinePanel
from .panels.cox_panel import CoxPanel
from .panels.data_panel import DataPanel
from .panels.eligibility_panel import EligibilityPanel
from .panels.firstline_panel import FirstLinePanel
from .panels.neoadjuvant_panel import NeoadjuvantPanel
from .panels.survival_panel import SurvivalPanel
from .panels.validation_panel import ValidationPanel
from .workers import TaskRunner
from ..crf.source import CRF_EXTENSIONS

ORGANISATION = "her2desk"
APPLICATION = "her2desk"
SPREADSHEET_SUFFIXES = CRF_EXTENSIONS     # one front door: the formats the command line reads
MAX_RECENT = 8
#: The pages filled by the analyses (the others by loading).
RESULT_PAGES = ("Baseline", "Neoadjuvant", "Survival", "Cox", "First-line & conversion")
#: The analysis stages (analysis.study.STAGES) each result page draws from: the page on
#: screen has its stages run first and is filled as soon as they are done.
PAGE_STAGES = {"Baseline": ("tables",), "Neoadjuvant": ("neoadjuvant",), "Survival": ("survival",),
               "Cox": ("cox",), "First-line & conversion": ("tables", "conversion", "survival")}
_DRAG_EVENTS = frozenset((QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop, QEvent.Type.DragLeave))

# Keys of self.panels; shown translated (QT_TRANSLATE_NOOP returns the English text unchanged).
TAB_TITLES = (QT_TRANSLATE_NOOP("MainWindow", "Data"), QT_TRANSLATE_NOOP("MainWindow", "Validation"),
              QT_TRANSLATE_NOOP("MainWindow", "Eligibility"), QT_TRANSLATE_NOOP("MainWindow", "Baseline"),
              QT_TRANSLATE_NOOP("MainWindow", "Neoadjuvant"), QT_TRANSLATE_NOOP("MainWindow", "Survival"),
              QT_TRANSLATE_NOOP("MainWindow", "Cox"), QT_TRANSLATE_NOOP("MainWindow", "First-line & conversion"))


def her2desk_version() -> str:
    try:
        return metadata.version("her2desk")
    except metadata.PackageNotFoundError:  # running from a checkout or a frozen bundle
        return getattr(sys.modules.get("her2desk"), "__version__", None) or "(development version)"


def package_version(name: str) -> str:
    """Version from the installed metadata, without importing the package (lifelines is slow)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def versions_text() -> str:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    return (f"her2desk {her2desk_version()}\n"
            f"Qt {qVersion()} (PySide6 {pyside_version})\n"
            f"Python {platform.python_version()}\n"
            f"lifelines {package_version('lifelines')}\n"
            f"pyqtgraph {package_version('pyqtgraph')}, pandas {package_version('pandas')}")


def is_spreadsheet(path: str | os.PathLike) -> bool:
    return Path(path).suffix.casefold() in SPREADSHEET_SUFFIXES


def _is_study_file(path: str | os.PathLike) -> bool:
    from ..cohort.study_file import is_study_file

    return is_study_file(path)


def _path_key(path: str | os.PathLike) -> str:
    """The absolute path for the recent-files list (a symlink loop cannot be resolved)."""
    try:
        return str(Path(path).resolve())
    except (OSError, RuntimeError):
        return os.path.abspath(path)


#: What the window says a CRF can be (same formats as the command line reads).
FORMATS_TEXT = QT_TRANSLATE_NOOP("MainWindow", "her2desk opens .xlsx, .xlsm, .xls, .csv or .tsv files.")


class DropOverlay(QWidget):
    """Translucent cover shown while a file is dragged over the window."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAccessibleName("Drop area")
        self.accepting = True
        self.text = ""
        self.hide()

    def show_for(self, accepting: bool, text: str) -> None:
        self.accepting, self.text = accepting, text
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()
        self.update()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = QColor("#0072B2") if self.accepting else QColor("#B00020")
        fill = QColor(colour)
        fill.setAlpha(40)
        p.fillRect(self.rect(), QColor(255, 255, 255, 200))
        r = self.rect().adjusted(16, 16, -16, -16)
        pen = p.pen()
        pen.setColor(colour)
        pen.setWidth(3)
        pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.setBrush(fill)
        p.drawRoundedRect(r, 12, 12)
        font = p.font()
        font.setPointSize(16)
        font.setBold(True)
        p.setFont(font)
        p.drawText(r, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.text)


class Banner(QFrame):
    """Inline message above the tabs (refused drops, failed loads): no modal dialog."""

    STYLES = {
        "error": ("#fde7ea", "#b00020"),
        "warning": ("#fff4d6", "#8a5a00"),
        "info": ("#e6f1fa", "#00507f"),
    }

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Message")
        self.kind = "info"
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                           | Qt.TextInteractionFlag.LinksAccessibleByMouse)
        close = QToolButton()
        close.setText("✕")
        close.setAccessibleName("Close message")
        close.setAutoRaise(True)
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(close)
        self.hide()

    def show_message(self, text: str, kind: str = "info") -> None:
        self.kind = kind
        bg, fg = self.STYLES.get(kind, self.STYLES["info"])
        self.setStyleSheet(f"Banner {{ background: {bg}; border: 1px solid {fg}; border-radius: 4px; }}"
                           f" QLabel {{ color: {fg}; font-size: 11pt; }}")
        self.label.setText(text)
        self.show()

    def text(self) -> str:
        return self.label.text()


class _StageRelay(QObject):
    """Carries run_study's per-stage results from the pool thread to the GUI thread (queued)."""
    stage_done = Signal(object, str, object)      # analysis run token, stage, partial results


class MainWindow(QMainWindow):
    """her2desk's window. ``settings_store`` defaults to QSettings("her2desk", "her2desk")."""

    study_loaded = Signal(object)    # cohort.loading.LoadedStudy
    results_ready = Signal(object)   # analysis.study.StudyResults

    def __init__(self, settings_store: QSettings | None = None, study_settings: Any = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("her2desk"))
        self.setAccessibleName("her2desk main window")
        self.resize(1200, 800)
        self.store = settings_store or QSettings(ORGANISATION, APPLICATION)
        self.runner = TaskRunner(self)
        self.study_path: Path | None = None
        self.study_dictionary: Path | None = None      # a REDCap export's data dictionary
        self.study_settings = study_settings          # None: from the file next to the study
        self._settings_override = study_settings      # given by the caller: wins over the file
        self._saved_state: Any = None                 # cohort.saved_state.SavedState of the study
        self._save_failure: str | None = None         # a settings save that failed, until one works
        self._opening: Path | None = None             # the workbook a running "load" is reading
        self.loaded: Any = None
        self.results: Any = None
        self._stage_relay = _StageRelay(self)
        self._stage_relay.stage_done.connect(self._on_stage_done)
        self._analysis_run: object | None = None      # token of the analyses running now
        self._stages_done: set[str] = set()
        self._partial: Any = None                     # results of the stages done so far
        self._filled_early: set[str] = set()          # result pages filled before the end
        self._priority: tuple[str, ...] = ()          # stages of the page on screen

        self._build_central()
        self._build_status_bar()
        self._build_menus()
        self._build_shortcuts()
        self.setAcceptDrops(True)
        # Children such as line edits accept text drops themselves; a file dropped
        # on them must still open the study, so drags are watched app-wide.
        QApplication.instance().installEventFilter(self)
        self.runner.progress.connect(self._on_progress)
        self.runner.busy_changed.connect(self._on_busy)
        self._restore_geometry()
        self._update_counts()

    # -- construction -------------------------------------------------------------
    def _build_central(self) -> None:
        central = QWidget()
        self.banner = Banner()
        self._banner_again: Callable[[], str] | None = None
        self.banner.label.linkActivated.connect(
            lambda link: self.map_columns() if link == "map-columns" else None)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Study pages")
        self.tabs.setDocumentMode(True)
        self.panels: dict[str, Panel] = {
            "Data": DataPanel(),
            "Validation": ValidationPanel(),
            "Eligibility": EligibilityPanel(),
            "Baseline": BaselinePanel(runner=self.runner),
            "Neoadjuvant": NeoadjuvantPanel(),
            "Survival": SurvivalPanel(),
            "Cox": CoxPanel(),
            "First-line & conversion": FirstLinePanel(),
        }
        for i, title in enumerate(TAB_TITLES):
            shown = self.tr(title)
            self.tabs.addTab(self.panels[title], shown.replace("&", "&&"))  # no mnemonic
            self.tabs.setTabToolTip(i, f"{shown} (Ctrl+{i + 1})")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.overlay = DropOverlay(central)
        self.tabs.currentChanged.connect(self._on_page_changed)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.counts_label = QLabel()
        self.counts_label.setAccessibleName("Study counts")
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Progress")
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.progress_text = QLabel()
        self.progress_text.setAccessibleName("Progress step")
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setAccessibleName("Cancel the running task")
        self.cancel_button.clicked.connect(self.cancel_work)
        for w in (self.progress_text, self.progress, self.cancel_button):
            w.hide()
        # Permanent, so transient messages never hide the counts.
        bar.addPermanentWidget(self.progress_text)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        bar.addPermanentWidget(self.counts_label)

    def _action(self, text: str, slot: Callable, shortcut: Any = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda checked=False: slot())
        return action

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.open_action = self._action(self.tr("&Open CRF…"), self.choose_and_open, QKeySequence.StandardKey.Open,
                                        self.tr("Open a CRF workbook (.xlsx, .xlsm) or CSV export"))
        self.sample_action = self._action(self.tr("Open &sample study"), self.open_sample,
                                          tip=self.tr("Open the synthetic study that reproduces the paper"))
        self.template_action = self._action(self.tr("&New CRF template…"), self.new_template,
                                            tip=self.tr("Save an empty CRF workbook with drop-down lists"))
        self.recent_menu = file_menu.addMenu(self.tr("&Recent studies"))
        self.export_table_action = self._action(self.tr("&Export table…"), self.export_table, "Ctrl+E",
                                                self.tr("Save the table of this page as Excel or CSV"))
        self.export_report_action = self._action(self.tr("Export study re&port…"), self.export_report,
                                                 tip=self.tr("Save report.xlsx and results.json"))
        self.map_columns_action = self._action(self.tr("&Map columns…"), self.map_columns,
                                               tip=self.tr("Tell her2desk what unrecognised columns hold"))
        self.settings_action = self._action(self.tr("Study se&ttings…"), self.edit_settings,
                                            tip=self.tr("Cutoff date, enrolment window, FISH threshold…"))
        self.quit_action = self._action(self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)
        file_menu.addAction(self.open_action)
        file_menu.addAction(self.sample_action)
        file_menu.addAction(self.template_action)
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.export_table_action)
        file_menu.addAction(self.export_report_action)
        from .table_actions import install_table_actions

        install_table_actions(self, file_menu, before=self.export_report_action)
        from .printing import install_print_action

        install_print_action(self, file_menu, before=self.export_report_action)
        file_menu.addSeparator()
        file_menu.addAction(self.map_columns_action)
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        # Study files and undo live in their own modules (ui/study_session.py, ui/undo.py).
        from .study_session import StudySession
        from .undo import UndoHistory

        self.session = StudySession(self)
        self.session.install(file_menu, self.export_table_action)
        from .compare_freeze import install_compare_action

        self.compare_action = install_compare_action(self, file_menu, before=self.map_columns_action)
        self.history = UndoHistory(self, self.session.choices)
        self.edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        self.edit_menu.addAction(self.history.undo_action)
        self.edit_menu.addAction(self.history.redo_action)
        # View (the language menu joins it): the paper's items under their numbers.
        self.view_menu = self.menuBar().addMenu(QCoreApplication.translate("LanguageMenu", "&View"))
        self.paper_items_action = self._action("&Paper items…", self.show_paper_items,
                                               "Ctrl+Shift+P",
                                               "Every figure and table of the paper under its number")
        self.view_menu.addAction(self.paper_items_action)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.guide_action = self._action(self.tr("&User guide"), self.show_guide, QKeySequence.StandardKey.HelpContents)
        self.about_action = self._action(self.tr("&About her2desk"), self.show_about)
        help_menu.addAction(self.guide_action)
        help_menu.addAction(self.about_action)
        self._rebuild_recent_menu()

    def _build_shortcuts(self) -> None:
        self.tab_shortcuts = []
        for i in range(1, 10):
            sc = QShortcut(QKeySequence(f"Ctrl+{i}"), self)
            # Ctrl+9 is "last tab", as in browsers.
            sc.activated.connect(lambda i=i: self.tabs.setCurrentIndex(
                self.tabs.count() - 1 if i == 9 else min(i - 1, self.tabs.count() - 1)))
            self.tab_shortcuts.append(sc)

    # -- messages --------------------------------------------------------------------
    def show_banner(self, text: str, kind: str = "info",
                    again: Callable[[], str] | None = None) -> None:
        """``again`` makes the text anew (in the language then in force) after a language
        change, while this message is still shown; a message without one stays as it was said."""
        self._banner_again = again
        self.banner.show_message(text, kind)
        self.statusBar().showMessage(text, 10000)

    # -- opening ---------------------------------------------------------------------
    def choose_and_open(self) -> None:
        start = str(self.study_path.parent) if self.study_path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open CRF"), start, "CRF workbooks (" + " ".join(f"*{s}" for s in SPREADSHEET_SUFFIXES)
            + ");;All files (*)")
        if path:
            self.open_study(path)

    def open_path(self, path: str | os.PathLike, settings: Any = None) -> bool:
        """A study file (.her2desk, which brings its own settings) or a CRF, whichever ``path`` is."""
        from ..cohort.study_file import is_study_file

        return self.session.open(path) if is_study_file(path) else self.open_study(path, settings)

    def open_sample(self) -> None:
        from ..resources import sample_study_path

        path = sample_study_path()
        if not path.is_file():
            self.show_banner(self.tr("The sample study is not included in this installation."), "warning")
            return
        self.open_study(path)

    def open_study(self, path: str | os.PathLike, settings: Any = None,
                   dictionary: str | os.PathLike | None = None) -> bool:
        """Start loading ``path`` in the background; False (with a message) if refused.

        ``dictionary``: the REDCap data dictionary of a records export. Without one, reopening
        the open study keeps its dictionary, and a CSV with a dictionary REDCap named beside
        it is offered that dictionary (ui/redcap_open.py)."""
        from ..crf.source import check_crf_path, check_dictionary_path
        from ..errors import CRFReadError
        from .redcap_open import dictionary_for

        path = Path(path)
        try:
            check_crf_path(path)          # the same door and sentences as the command line
            if not self.session.may_leave(path):    # "Save changes to the study?" Cancel: stay
                return False
            if dictionary is None:
                same = self.study_path is not None and path.resolve() == self.study_path.resolve()
                dictionary = (self.study_dictionary if same and self.study_dictionary
                              else dictionary_for(self, path))
            if dictionary is not None:
                dictionary = check_dictionary_path(dictionary)
        except CRFReadError as exc:
            self.show_banner(str(exc), "error")
            if not os.path.lexists(path) or os.path.isdir(path):
                self._forget_recent(path)
            return False
        self.banner.hide()
        self.runner.cancel("analyse")
        chosen = self._settings_for(path, settings)
        mapping = self._saved_state.mapping

        def work(progress, cancelled):
            from ..cohort.loading import load_study
            from ..cohort.study_cache import user_cache_dir

            return load_study(path, chosen, mapping=mapping, progress=progress, cancelled=cancelled,
                              cache_dir=user_cache_dir(), dictionary=dictionary)

        if self.loaded is None:
            for panel in self.panels.values():
                panel.clear_results(self.tr("Opening {0}…").format(path.name))
        self._opening = path
        self.runner.start("load", work, on_finished=self._on_loaded,
                          on_failed=lambda msg: self._on_failed(path, msg))
        self.statusBar().showMessage(self.tr("Opening {0}…").format(path.name))
        return True

    def _settings_for(self, path: Path, settings: Any) -> Any:
        """The settings to open ``path`` with, reading (and checking) its side file.

        Explicit ``settings`` win; reopening the study that is open keeps the settings in
        memory (they may not have been saved, in a read-only folder); otherwise the
        caller's override or what the side file holds, refused values replaced by defaults.
        """
        from ..cohort.saved_state import open_saved_state

        same = self.study_path is not None and Path(path).resolve() == self.study_path.resolve()
        if not same:
            self._save_failure = None
        self._saved_state = open_saved_state(path)
        if settings is not None:
            return settings
        if same and self.study_settings is not None:
            return self.study_settings
        return self._settings_override or self._saved_state.settings

    def _saved_state_messages(self, loaded: Any = None) -> list[str]:
        """Sentences about the side file that every reload shows again, so none is hidden."""
        state = self._saved_state
        messages = list(state.notices) if state is not None else []
        if self._save_failure:
            messages.append(self._save_failure)
        findings = getattr(getattr(loaded, "validation", None), "findings", None) or ()
        hint = state.patient_id_hint() if state is not None else None
        if hint and (loaded is None or any(getattr(f, "rule", "") == "no_patient_id" for f in findings)):
            messages.append(hint)
        return messages

    def _on_loaded(self, loaded: Any) -> None:
        self.loaded, self.results = loaded, None
        self.study_path = Path(loaded.path) if loaded.path else None
        self.study_dictionary = getattr(loaded.crf, "dictionary", None)
        self.study_settings = loaded.settings
        if self.study_path:
            self._add_recent(self.study_path)
            self.setWindowTitle(self.tr("{0} — her2desk").format(self.study_path.name))
        from .figure_styles import apply_figure_styles

        apply_figure_styles(self)          # the study's saved figure options
        for name in RESULT_PAGES:
            self.panels[name].clear_results(self.tr("Computing the study's analyses…"))
        # The analyses (or their cache entry) start now, on the pool thread, while this thread
        # fills the three loading tabs; their results arrive queued, after this slot.
        self.start_analysis()
        self.panels["Data"].set_results(loaded)
        self.panels["Validation"].set_results(loaded.validation)
        self.panels["Eligibility"].set_results(loaded)
        self._update_counts()
        messages = self._study_messages(loaded)
        if messages:
            self.show_banner(messages, "warning", again=lambda: self._study_messages(loaded))
        started_with = self.loaded
        self.study_loaded.emit(loaded)
        if self.loaded is not started_with:     # a listener changed the study or its settings
            self.start_analysis()

    def _study_messages(self, loaded: Any) -> str:
        """The banner of a study just opened (forms the file lacks, saved-state problems, cells to
        fix, columns not recognised), in the window's language; "" when there is nothing to say."""
        n_err = getattr(loaded.validation, "n_errors", 0)
        messages = [shown_text(note) for note in getattr(loaded, "form_notes", ())]  # forms the file lacks, first
        messages += self._saved_state_messages(loaded)
        if n_err:
            messages.append(self._errors_message(loaded, n_err))
        n_unmatched = len(getattr(loaded.crf, "unmatched_columns", None) or ())
        if n_unmatched:
            messages.append((self.tr("{0} column was not recognised — <a href='map-columns'>Map columns…</a>")
                             if n_unmatched == 1 else
                             self.tr("{0} columns were not recognised — <a href='map-columns'>Map columns…</a>"))
                            .format(n_unmatched))
        return "<br>".join(messages)

    @staticmethod
    def _errors_message(loaded: Any, n_err: int) -> str:
        """Say whether the errors touch the analysed patients, or only excluded ones.

        Errors in excluded patients are not harmless: an unreadable date or a missing
        HER2 result is often *why* a patient is excluded, so fixing it can change who
        is eligible and with it every analysis.
        """
        cohort = loaded.cohort
        eligible = set(cohort.loc[cohort["eligible"], "patient_id"].astype(str))
        with_errors = {str(p) for p in loaded.validation.errors_by_patient()}
        touched = sorted(with_errors & eligible)
        translate = QCoreApplication.translate   # (context, text): the form the catalogue scan reads
        # Whole sentences per plural, so a translation never assembles English pieces.
        one = n_err == 1
        if touched:
            k = len(touched)
            text = {(True, True): translate("MainWindow", "{0} cell needs fixing; {1} eligible patient has errors, so some of "
                                     "their analyses are left out: see the Validation tab."),
                    (True, False): translate("MainWindow", "{0} cell needs fixing; {1} eligible patients have errors, so some of "
                                      "their analyses are left out: see the Validation tab."),
                    (False, True): translate("MainWindow", "{0} cells need fixing; {1} eligible patient has errors, so some of "
                                      "their analyses are left out: see the Validation tab."),
                    (False, False): translate("MainWindow", "{0} cells need fixing; {1} eligible patients have errors, so some "
                                       "of their analyses are left out: see the Validation tab.")}[(one, k == 1)]
            return text.format(n_err, k)
        n_excl = len(with_errors)
        if n_excl:
            text = {(True, True): translate("MainWindow", "{0} cell needs fixing in {1} excluded patient; fixing it may change "
                                     "who is eligible. See the Validation tab."),
                    (True, False): translate("MainWindow", "{0} cell needs fixing in {1} excluded patients; fixing it may change "
                                      "who is eligible. See the Validation tab."),
                    (False, True): translate("MainWindow", "{0} cells need fixing in {1} excluded patient; fixing them may "
                                      "change who is eligible. See the Validation tab."),
                    (False, False): translate("MainWindow", "{0} cells need fixing in {1} excluded patients; fixing them may "
                                       "change who is eligible. See the Validation tab.")}[(one, n_excl == 1)]
            return text.format(n_err, n_excl)
        return (translate("MainWindow", "{0} cell needs fixing; fixing it may change who is eligible. See the Validation tab.")
                if one else translate("MainWindow", "{0} cells need fixing; fixing them may change who is eligible. See the "
                               "Validation tab.")).format(n_err)

    def start_analysis(self) -> None:
        loaded = self.loaded
        if loaded is None:
            return

        token = object()
        self._analysis_run, self._stages_done, self._partial = token, set(), None
        self._filled_early = set()
        self._priority = self._page_stages()
        relay = self._stage_relay

        def work(progress, cancelled):
            from ..analysis.study import run_study
            from ..cohort.study_cache import cached, results_key, user_cache_dir

            def build():
                # The page on screen first (asked again before each stage: a tab switch
                # reorders what is left), each page filled as soon as its stages are done.
                return run_study(loaded.cohort, loaded.settings, flowchart=loaded.flowchart,
                                 progress=progress, cancelled=cancelled,
                                 first=lambda: self._priority,
                                 on_stage=lambda name, partial: relay.stage_done.emit(
                                     token, name, partial))

            folder = user_cache_dir()
            if loaded.cache_key is None or folder is None:
                return build()
            # The study was opened through the cache: its analyses are kept beside it.
            from ..cohort.loading import shipped_entry

            return cached(results_key(loaded.cache_key, loaded.settings), build, folder=folder,
                          shipped=shipped_entry(loaded.path, "results"))[0]

        self.runner.start("analyse", work, on_finished=self._on_results, on_failed=self._on_analysis_failed)

    def _on_analysis_failed(self, message: str) -> None:
        self.show_banner(self.tr("The analyses could not be run. {0}").format(message), "error")
        # Otherwise the result pages would go on saying "Computing the study's analyses…".
        for name in RESULT_PAGES:
            self.panels[name].clear_results(
                self.tr("The analyses could not be run, so this page is empty.\n\n{0}\n\nThe Data, Validation and Eligibility pages still show the study.").format(message))

    def _page_stages(self) -> tuple[str, ...]:
        page = self.tabs.tabText(self.tabs.currentIndex()).replace("&&", "&")
        name = next((n for n in TAB_TITLES if self.tr(n) == page), page)
        return PAGE_STAGES.get(name, ())

    def _on_page_changed(self, index: int) -> None:
        self._priority = self._page_stages()          # read by the running analyses
        self._fill_when_ready()

    def _on_stage_done(self, token: object, stage: str, partial: Any) -> None:
        if token is not self._analysis_run:           # a cancelled or older run
            return
        self._stages_done.add(stage)
        self._partial = partial
        self._fill_when_ready()

    def _fill_when_ready(self) -> None:
        """Fill the page on screen from the partial results once its stages are done."""
        if self._partial is None or self.results is not None:
            return
        widget = self.tabs.currentWidget()
        name = next((n for n, p in self.panels.items() if p is widget), None)
        if (name in PAGE_STAGES and name not in self._filled_early
                and set(PAGE_STAGES[name]) <= self._stages_done):
            self._filled_early.add(name)
            self._fill_page(name, self._current_settings(self._partial))

    def _current_settings(self, results: Any) -> Any:
        from ..cohort.settings import Stage, changed_stage

        current = getattr(self.loaded, "settings", None)
        if current is not None and changed_stage(results.settings, current) == Stage.DISPLAY:
            # A display setting changed while the analyses ran: draw with the new one.
            results = dataclasses.replace(results, settings=current)
        return results

    def _fill_page(self, name: str, results: Any) -> None:
        unit = getattr(results.settings, "time_unit", "months")
        cohort = self.loaded.cohort if self.loaded is not None else None
        panel = self.panels[name]
        if name in ("Neoadjuvant", "Survival"):   # the paper's items, before the page draws
            panel.set_paper_items(getattr(results, "paper", ()))
        if name == "Neoadjuvant":
            panel.set_results(results.neoadjuvant, cohort=cohort)
        elif name == "Survival":
            panel.set_results(results.survival, time_unit=unit, cohort=cohort,
                              settings=results.settings)
        elif name == "Cox":
            panel.set_results(results.cox, cohort=cohort, settings=results.settings)
        else:                                         # Baseline, First-line & conversion
            panel.set_results(results, cohort=cohort)

    def _on_results(self, results: Any) -> None:
        results = self._current_settings(results)
        self.results = results
        early, self._filled_early, self._analysis_run = self._filled_early, set(), None
        for name in RESULT_PAGES:
            if name in early:
                # Filled from the same objects already; keep what the user did there. The
                # paper's items come with the last stage: their pairs join the page now.
                if name in ("Neoadjuvant", "Survival"):
                    self.panels[name].refresh_paper_items(getattr(results, "paper", ()))
                self.panels[name].results = (results if name in ("Baseline", "First-line & conversion")
                                             else self.panels[name].results)
                continue
            self._fill_page(name, results)
        self.statusBar().showMessage(self.tr("Analyses done."), 5000)
        self.results_ready.emit(results)

    def show_paper_items(self) -> Any:
        """View ▸ Paper items…: the navigator over the study's items (None before results)."""
        from .dialogs.paper_navigator import PaperNavigator

        items = getattr(self.results, "paper", ()) if self.results is not None else ()
        if not items:
            self.statusBar().showMessage(self.tr("Open a study first: the paper's items are computed "
                                         "from its patients."), 8000)
            return None
        dialog = getattr(self, "paper_navigator", None)
        if dialog is None or dialog.items != {i.id: i for i in items}:
            if dialog is not None:
                dialog.close()
            dialog = PaperNavigator(items, self, on_choose=self.show_paper_item)
            self.paper_navigator = dialog
        dialog.show()
        dialog.raise_()
        return dialog

    def show_paper_item(self, item_id: str) -> None:
        """Switch to the tab that shows a registry item, set up for it."""
        from ..analysis.paper import BY_ID
        from .dialogs.paper_navigator import tab_for

        title = tab_for(item_id)
        panel = self.panels[title]
        self.tabs.setCurrentWidget(panel)
        reg = BY_ID[item_id]
        if title in ("Survival", "Neoadjuvant") and reg.kind in ("km", "pairs", "pcr"):
            panel.show_paper_item(item_id)
        elif title == "Cox":
            panel.set_endpoint(reg.endpoint)
            panel.reset_covariates()
        elif title == "Baseline" and reg.grouping:
            panel.set_grouping(reg.grouping)

    def _on_failed(self, path: Path, message: str) -> None:
        extra = "".join(f"<br>{m}" for m in self._saved_state_messages())
        self.show_banner(self.tr("{0} could not be opened. {1}{2}").format(path.name, shown_text(message), extra), "error")

    # -- work in progress -------------------------------------------------------------
    def cancel_work(self) -> None:
        self.runner.cancel()
        self.statusBar().showMessage(self.tr("Cancelled."), 5000)

    def _on_progress(self, key: str, fraction: float, text: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.progress_text.setText(shown_text(text))   # N_-marked English from below

    def _on_busy(self, busy: bool) -> None:
        for w in (self.progress_text, self.progress, self.cancel_button):
            w.setVisible(busy)
        if busy:
            self.progress.setValue(0)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        # The counts in the status bar are made from numbers, not kept as text: said again.
        if event.type() == QEvent.Type.LanguageChange:
            self._update_counts()
            again = getattr(self, "_banner_again", None)
            if again is not None and not self.banner.isHidden():   # the study's banner, said anew
                self.banner.show_message(again(), self.banner.kind)
        super().changeEvent(event)

    def _update_counts(self) -> None:
        loaded = self.loaded
        if loaded is None:
            self.counts_label.setText(self.tr("No study open — File ▸ Open CRF… or drop a workbook here"))
            return
        cohort = loaded.cohort
        eligible = int(cohort["eligible"].sum()) if "eligible" in cohort else 0
        v = loaded.validation
        n_err, n_warn = getattr(v, "n_errors", 0), getattr(v, "n_warnings", 0)
        self.counts_label.setText(self.tr("{0} patients · {1} eligible · {2} error{3} · {4} warning{5}").format(len(cohort), eligible, n_err, 's' * (n_err != 1), n_warn, 's' * (n_warn != 1)))

    # -- other File actions -----------------------------------------------------------
    def new_template(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save empty CRF workbook"),
                                              str(Path.home() / "her2desk_CRF.xlsx"), "Excel workbook (*.xlsx)")
        if not path:
            return

        def work(progress, cancelled):
            from ..crf.template import write_crf_workbook

            progress(0.1, "Writing the CRF template")
            write_crf_workbook(path)
            return path

        self.runner.start("template", work,
                          on_finished=lambda p: self.show_banner(self.tr("Empty CRF saved as {0}.").format(p), "info"),
                          on_failed=lambda m: self.show_banner(m, "error"))

    def current_panel(self) -> Panel:
        return self.tabs.currentWidget()

    def export_table(self, path: str | None = None) -> None:
        panel = self.current_panel()
        frame, shown = panel.export_frame(), panel.shown_table()
        if frame is None:
            self.show_banner(self.tr("This page has no table to export yet."), "info")
            return
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export table"), str(Path.home()),
                                                  "Excel workbook (*.xlsx);;CSV (*.csv)")
            if not path:
                return
        target = Path(path)

        def work(progress, cancelled):
            from ..report.files import write_shown_table, write_table
            from ..report.shown_table import sheet_name

            progress(0.1, f"Writing {target.name}")
            if shown is not None and target.suffix.casefold() == ".xlsx":
                # Title, footnotes, numbers as numbers: report.xlsx's own walker.
                return write_shown_table(target, shown)
            # every cell escaped: no live formula
            return write_table(target, frame, sheet_name=sheet_name(panel.title))

        self.runner.start("export", work,
                          on_finished=lambda p: self.show_banner(self.tr("Table saved as {0}.").format(p), "info"),
                          on_failed=lambda m: self.show_banner(m, "error"))

    def run_export(self, fn: Callable[[], Any], path: str) -> None:
        """Figure exports are quick; run them here but report failures inline."""
        from .workers import describe_error

        try:
            fn()
        except Exception as exc:  # noqa: BLE001
            self.show_banner(describe_error(exc), "error")
        else:
            self.show_banner(self.tr("Figure saved as {0}.").format(path), "info")

    def export_report(self, out_dir: str | None = None, *, overwrite: bool | None = None) -> Any:
        """Figures, report.xlsx and results.json into ``out_dir``; ``overwrite`` None asks."""
        from .report_figures import ReportExport, existing_report_files

        if self.results is None:
            self.show_banner(self.tr("Open a study and wait for the analyses before exporting the report."), "info")
            return None
        if out_dir is None:
            out_dir = QFileDialog.getExistingDirectory(self, self.tr("Folder for the study report"),
                                                       str(self.study_path.parent if self.study_path else Path.home()))
            if not out_dir:
                return None
        existing = existing_report_files(out_dir)
        if existing and overwrite is None:
            names = " and ".join(p.name for p in existing)
            overwrite = QMessageBox.question(
                self, self.tr("Replace the report?"), self.tr("{0} already exist{1} in {2}. Replace {3}?").format(names, 's' * (len(existing) == 1), out_dir, 'them' if len(existing) > 1 else 'it')) == QMessageBox.StandardButton.Yes
        if existing and not overwrite:
            return None
        self.report_export = ReportExport(self, self.results, out_dir, source=self.study_path)
        self.report_export.start()
        return self.report_export

    def map_columns(self) -> None:
        unmatched = getattr(getattr(self.loaded, "crf", None), "unmatched_columns", None) or []
        if self.study_path is None or not unmatched:
            self.show_banner(self.tr("Every column of this study was recognised; there is nothing to map."), "info")
            return
        from .dialogs.column_mapping import ColumnMappingDialog

        from ..crf.headers import load_mapping

        before = self.column_mapping()
        dialog = ColumnMappingDialog(self.study_path, unmatched, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.history.change_mapping(before, load_mapping(self.study_path))

    def column_mapping(self) -> dict[str, str]:
        """The column mapping the open study was read with (``{"<sheet>!<header>": field}``)."""
        return dict(getattr(self._saved_state, "mapping", None) or {})

    def edit_settings(self) -> None:
        from ..cohort.settings import StudySettings
        from .dialogs.settings_dialog import StudySettingsDialog

        dialog = StudySettingsDialog(self.study_settings or StudySettings(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.history.change_settings(dialog.settings())     # undoable; applies at once

    def apply_settings(self, new_settings: Any) -> None:
        """Use ``new_settings``, save them next to the study, and re-run only what they touch.

        A display setting (time unit) redraws the results; an analysis setting re-runs the
        analyses on the cohort in memory; a cohort setting re-derives the cohort from the
        CRF in memory. None reads the workbook again. A failed save is a sentence that
        stays in the banner (it is shown again after every reload) until a save works.
        """
        from ..cohort.settings import Stage, changed_stage

        self.study_settings = new_settings
        if self.study_path is None:
            self._settings_override = new_settings
            return
        loaded = self.loaded
        if self.runner.is_busy("load") and self._opening is not None:
            self._save_study_settings(self._opening, new_settings)
            self.open_study(self._opening, new_settings)     # still reading: start it over
            return
        self._save_study_settings(self.study_path, new_settings)
        if loaded is None:
            self.open_study(self.study_path, new_settings)
            return
        if self.runner.is_busy("load"):                      # re-deriving: again, with these
            self.loaded = dataclasses.replace(loaded, settings=new_settings)
            self.rederive_cohort(new_settings)
            return
        stage = changed_stage(loaded.settings, new_settings)
        self.loaded = dataclasses.replace(loaded, settings=new_settings)
        if stage == Stage.COHORT:
            self.rederive_cohort(new_settings)
            return
        if self._save_failure:
            self.show_banner("<br>".join(self._saved_state_messages(self.loaded)), "warning")
        if stage == Stage.ANALYSIS:
            self.results = None
            for name in RESULT_PAGES:
                self.panels[name].clear_results(self.tr("Computing the study's analyses…"))
            self.start_analysis()
        elif stage == Stage.DISPLAY and self.results is not None:
            self._on_results(dataclasses.replace(self.results, settings=new_settings))

    def _save_study_settings(self, study: Path, settings: Any) -> None:
        from ..cohort.saved_state import save_settings
        from ..crf.side_file import SideFileError
        from .workers import describe_error

        try:
            save_settings(study, settings)
        except (SideFileError, ValueError) as exc:
            reason = str(exc)
        except Exception as exc:  # noqa: BLE001 - the study goes on with the settings in memory
            reason = describe_error(exc)
        else:
            self._save_failure = None
            return
        self._save_failure = (f"The settings could not be saved next to the study, so they last only "
                              f"until her2desk is closed. {reason}")

    def rederive_cohort(self, settings: Any) -> None:
        """Eligibility and derived variables again, from the CRF already in memory."""
        crf, path = self.loaded.crf, self.study_path
        self._opening = None
        self.banner.hide()
        self.runner.cancel("analyse")

        def work(progress, cancelled):
            from ..cohort.loading import study_from_crf

            return study_from_crf(crf, settings, path=path, progress=progress)

        self.runner.start("load", work, on_finished=self._on_loaded,
                          on_failed=lambda msg: self._on_failed(path, msg))
        self.statusBar().showMessage(self.tr("Applying the new settings…"))

    # -- recent files -----------------------------------------------------------------
    def recent_files(self) -> list[str]:
        value = self.store.value("recent_files", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _add_recent(self, path: Path) -> None:
        text = _path_key(path)
        files = [text] + [f for f in self.recent_files() if f != text]
        self.store.setValue("recent_files", files[:MAX_RECENT])
        self._rebuild_recent_menu()

    def _forget_recent(self, path: Path) -> None:
        text = _path_key(path)
        self.store.setValue("recent_files", [f for f in self.recent_files() if f != text])
        self._rebuild_recent_menu()

    def _rebuild_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        for i, f in enumerate(files):
            action = self.recent_menu.addAction(self.tr("&{0} {1}").format(i + 1, Path(f).name))
            action.setToolTip(f)
            action.setStatusTip(f)
            action.triggered.connect(lambda checked=False, f=f: self.open_path(f))
        self.recent_menu.setEnabled(bool(files))

    # -- help -----------------------------------------------------------------------------
    def show_guide(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("her2desk user guide"))
        dialog.resize(620, 520)
        text = QTextBrowser()
        text.setAccessibleName("User guide")
        text.setHtml(self.tr(USER_GUIDE_HTML))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(text)
        layout.addWidget(buttons)
        dialog.show()
        self._guide = dialog

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About her2desk"),
                          self.tr("her2desk — CRF import, validation and the analyses of HER2-positive "
                                  "breast cancer cohort studies (after Ran et al., BMC Cancer 2024).")
                          + "\n\n" + versions_text())

    # -- drag and drop ----------------------------------------------------------------
    @staticmethod
    def _dropped_paths(event) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]

    def dragEnterEvent(self, event) -> None:
        paths = self._dropped_paths(event)
        if not paths:
            event.ignore()
            return
        if any(is_spreadsheet(p) or _is_study_file(p) for p in paths):
            self.overlay.show_for(True, self.tr("Drop the CRF workbook to open it"))
        else:
            self.overlay.show_for(False, self.tr("{0} is not a CRF workbook\n({1})").format(
                paths[0].name, ", ".join(SPREADSHEET_SUFFIXES)))
        # Accepted either way, so that a refused file gets its message on drop.
        event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:
        if self._dropped_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event) -> None:
        self.overlay.hide()

    def dropEvent(self, event) -> None:
        self.overlay.hide()
        paths = self._dropped_paths(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        from .redcap_open import split_dropped

        pair = split_dropped(paths)         # a REDCap records CSV and its dictionary, together
        if pair is not None:
            QTimer.singleShot(0, lambda: self.open_study(pair[0], dictionary=pair[1]))
            return
        wanted = next((p for p in paths if is_spreadsheet(p) or _is_study_file(p)), None)
        if wanted is None:
            names = ", ".join(p.name for p in paths[:3])
            self.show_banner((self.tr("{0} is not a CRF workbook: {1}") if len(paths) == 1 else
                              self.tr("{0} are not a CRF workbook: {1}")).format(names, self.tr(FORMATS_TEXT)),
                             "error")
            return
        # Let the drop finish (the file manager waits for it) before starting work.
        QTimer.singleShot(0, lambda: self.open_path(wanted))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        # Installed app-wide, so this runs for every event of every object: anything but a
        # file drag returns at once. Not handing those to super() (QObject's filter only
        # returns False) also keeps objects being destroyed from crossing back into Qt.
        kind = event.type()
        if kind not in _DRAG_EVENTS:
            return False
        if obj is not self and isinstance(obj, QWidget) and obj.window() is self:
            if kind == QEvent.Type.DragLeave:
                return False
            if event.mimeData().hasUrls():
                {QEvent.Type.DragEnter: self.dragEnterEvent, QEvent.Type.DragMove: self.dragMoveEvent,
                 QEvent.Type.Drop: self.dropEvent}[kind](event)
                return True
        return False

    # -- window state -----------------------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = self.store.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = self.store.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        tab = self.store.value("window/tab")
        if tab is not None:
            try:
                self.tabs.setCurrentIndex(int(tab))
            except (TypeError, ValueError):
                pass

    def save_window_state(self) -> None:
        self.store.setValue("window/geometry", self.saveGeometry())
        self.store.setValue("window/state", self.saveState())
        self.store.setValue("window/tab", self.tabs.currentIndex())
        self.store.sync()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.overlay.isVisible():
            self.overlay.setGeometry(self.overlay.parentWidget().rect())

    def closeEvent(self, event) -> None:
        if not self.session.may_leave():            # "Save changes to the study?" Cancel: stay open
            event.ignore()
            return
        self.save_window_state()
        QApplication.instance().removeEventFilter(self)
        self.runner.shutdown(3000)
        super().closeEvent(event)


USER_GUIDE_HTML = QT_TRANSLATE_NOOP("MainWindow", """
<h2>her2desk in five steps</h2>
<ol>
<li><b>Get a CRF.</b> File ▸ New CRF template… saves an empty workbook with drop-down lists.
 Fill one row per patient (rebiopsies: one row per biopsy).</li>
<li><b>Open it.</b> File ▸ Open CRF… (Ctrl+O) or drop the .xlsx/.csv file on the window.
 Open sample study shows a complete example.</li>
<li><b>Fix what Validation lists.</b> Errors (red) must be fixed in the workbook; warnings
 (amber) are worth a look. The Data tab tints the same cells; hover them for the reason.</li>
<li><b>Check Eligibility.</b> Every excluded patient shows the first rule they failed.</li>
<li><b>Read the results.</b> Baseline tables, neoadjuvant response, survival curves,
 Cox models and first-line therapy. Export any table (Ctrl+E) or the whole study report.</li>
</ol>
<p>Study settings… (data cutoff, enrolment window, FISH threshold, CI type, time unit) are
saved next to the workbook, so the same file always gives the same numbers.</p>
<p>Keyboard: Ctrl+1 … Ctrl+8 switch pages, Ctrl+9 goes to the last page.</p>
""")
