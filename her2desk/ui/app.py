"""Start the desktop app: ``run_app(path=None, settings=None) -> exit code``.

Start-up stays light: only Qt, pyqtgraph and the window's own modules are
imported here; the CRF reader, pandas-heavy cohort code and the statistics
(scipy) are imported inside the background tasks that need them.
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any, Callable

from ..resources import resource_dirs, resource_path, sample_study_path  # noqa: F401 (re-exported)


def _app_icon():
    from PySide6.QtGui import QIcon

    icon = QIcon()
    for size in (32, 64, 256):
        path = resource_path(f"icons/her2desk-{size}.png")
        if path:
            icon.addFile(str(path))
    return icon


def initial_study(window: Any, path: str | os.PathLike | None) -> Path | None:
    """The study to open: the one asked for, else the last one, else the sample."""
    if path:
        return Path(path)
    for recent in window.recent_files():
        if Path(recent).is_file():
            return Path(recent)
    return sample_study_path()


LANGUAGES = (("", "System language"), ("en", "English"), ("zh_CN", "简体中文 (Simplified Chinese)"))
LANGUAGE_KEY = "ui/language"


def translations_dir() -> Path | None:
    for d in resource_dirs():
        if (d / "translations").is_dir():
            return d / "translations"
    return None


def _qt_translations_dirs() -> list[str]:
    from PySide6.QtCore import QLibraryInfo

    dirs = [QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)]
    try:
        import PySide6

        dirs.append(str(Path(PySide6.__file__).resolve().parent / "Qt" / "translations"))
    except Exception:  # noqa: BLE001
        pass
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        dirs.append(str(Path(frozen) / "PySide6" / "Qt" / "translations"))
    return dirs


def chosen_language(store: Any = None) -> str:
    """``HER2DESK_LANG``, else View ▸ Language (saved in QSettings), else the system locale."""
    from PySide6.QtCore import QLocale, QSettings

    env = os.environ.get("HER2DESK_LANG", "").strip()
    if env:
        return env
    if store is None:
        from .main_window import APPLICATION, ORGANISATION

        store = QSettings(ORGANISATION, APPLICATION)
    saved = str(store.value(LANGUAGE_KEY, "") or "")
    return saved or QLocale.system().name()


def install_translators(app: Any, language: str | None = None) -> list[Any]:
    """Install her2desk's and Qt's own translations for ``language`` (e.g. "zh_CN").

    English needs none. Returns the installed translators (empty if none matched).
    """
    from PySide6.QtCore import QLocale, QTranslator

    from .language import set_ui_language

    language = language or chosen_language()
    locale = QLocale(language)
    if locale.language() in (QLocale.Language.English, QLocale.Language.C):
        set_ui_language("en")
        return []
    set_ui_language(locale.name())
    installed = []
    ours = QTranslator(app)
    folder = translations_dir()
    if folder is not None and ours.load(locale, "her2desk", "_", str(folder)):
        app.installTranslator(ours)
        installed.append(ours)
    else:
        logging.getLogger(__name__).info("No her2desk translation for %s", language)
    qt = QTranslator(app)
    for d in _qt_translations_dirs():
        if qt.load(locale, "qtbase", "_", d):
            app.installTranslator(qt)
            installed.append(qt)
            break
    return installed


def make_application(argv: list[str] | None = None, language: str | None = None) -> Any:
    """The QApplication with her2desk's names, icon, plot style and translations."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    from .main_window import APPLICATION, ORGANISATION
    from .plots.glyph_cache import cache_large_glyphs

    cache_large_glyphs()   # before Qt's first text: exports must not depend on the window
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("her2desk")
    app.setWindowIcon(_app_icon())
    # White clinical figures; no OpenGL (nothing to load or probe on hospital workstations).
    pg.setConfigOptions(background="w", foreground="k", antialias=True, useOpenGL=False)
    if not getattr(app, "_her2desk_cjk_family", None):
        from .fonts import setup_cjk_font

        setup_cjk_font(app)
    if not getattr(app, "_her2desk_translators", None):
        app._her2desk_translators = install_translators(app, language)
    return app


def add_language_menu(window: Any) -> Any:
    """View ▸ Language: the choice is saved in QSettings and takes effect at once."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QActionGroup

    translate = QCoreApplication.translate   # (context, text): the form lupdate extracts
    bar = window.menuBar()
    view = getattr(window, "view_menu", None)    # the window's own View menu, if it has one
    if view is None:
        view = bar.addMenu(translate("LanguageMenu", "&View"))
        actions = bar.actions()
        if len(actions) >= 2:   # before Help
            bar.insertMenu(actions[-2], view)
    else:
        view.addSeparator()
    menu = view.addMenu(translate("LanguageMenu", "&Language"))
    group = QActionGroup(menu)
    group.setExclusive(True)
    current = str(window.store.value(LANGUAGE_KEY, "") or "")
    labels = {"": translate("LanguageMenu", "System language"), "en": "English", "zh_CN": "简体中文"}
    for code, _ in LANGUAGES:
        action = menu.addAction(labels[code])
        action.setCheckable(True)
        action.setChecked(code == current)
        action.setData(code)
        group.addAction(action)

        def choose(checked: bool = False, code: str = code) -> None:
            window.store.setValue(LANGUAGE_KEY, code)
            window.store.sync()
            switch_language(window, code or chosen_language(window.store))

        action.triggered.connect(choose)
    window.language_menu = menu
    if not getattr(window, "_her2desk_retranslator", None):
        window._her2desk_retranslator = _Retranslator(window)
    return menu


def catalogue_sources() -> dict[str, tuple[str, str]]:
    """{text in any language: (context, English source)} from the .ts catalogues, so a widget's
    current text can be traced back to its source and translated again."""
    import xml.etree.ElementTree as ET

    found: dict[str, tuple[str, str]] = {}
    folder = translations_dir()
    for ts in sorted(folder.glob("her2desk_*.ts")) if folder else ():
        for context in ET.parse(ts).getroot().iter("context"):
            name = context.findtext("name") or ""
            for message in context.iter("message"):
                source = message.findtext("source") or ""
                found.setdefault(source, (name, source))
                translation = message.findtext("translation") or ""
                if translation:
                    found.setdefault(translation, (name, source))
    return found


def retranslate_window(window: Any) -> int:
    """Re-set every catalogued text of ``window`` (menus, actions, tabs, buttons, labels, tooltips)
    in the language now installed; returns how many texts changed."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QAbstractButton, QLabel, QMenu, QTabBar, QTabWidget, QWidget

    sources = getattr(window, "_her2desk_sources", None)
    if sources is None:
        sources = window._her2desk_sources = catalogue_sources()

    def again(text: str) -> str | None:
        hit = sources.get(text)
        return QCoreApplication.translate(*hit) if hit else None

    changed = 0

    def apply(get, put) -> None:
        nonlocal changed
        text = get()
        new = again(text) if text else None
        if new is not None and new != text:
            put(new)
            changed += 1

    actions = list(window.findChildren(QAction)) + [m.menuAction() for m in window.findChildren(QMenu)]
    actions += list(window.menuBar().actions())
    for action in actions:
        apply(action.text, action.setText)
        apply(action.toolTip, action.setToolTip)
        apply(action.statusTip, action.setStatusTip)
    for bar in window.findChildren(QTabBar):        # a bar of its own (not a tab widget's)
        if not isinstance(bar.parent(), QTabWidget):
            for i in range(bar.count()):
                apply(lambda i=i: bar.tabText(i), lambda t, i=i: bar.setTabText(i, t))
    for tabs in window.findChildren(QTabWidget):
        for i in range(tabs.count()):
            # tab titles escape their ampersand (no mnemonic)
            apply(lambda i=i: tabs.tabText(i).replace("&&", "&"),
                  lambda t, i=i: tabs.setTabText(i, t.replace("&", "&&")))
    for widget in window.findChildren(QAbstractButton) + window.findChildren(QLabel):
        apply(widget.text, widget.setText)
    for widget in window.findChildren(QWidget):
        apply(widget.toolTip, widget.setToolTip)
    return changed


def switch_language(window: Any, language: str) -> None:
    """Swap the installed translators and retranslate the window at once (no restart)."""
    from PySide6.QtWidgets import QApplication

    from .language import set_ui_language

    app = QApplication.instance()
    set_ui_language(language)          # before the LanguageChange events the swap posts
    for old in getattr(app, "_her2desk_translators", None) or ():
        app.removeTranslator(old)
    app._her2desk_translators = install_translators(app, language if language != "en" else "en_US")
    retranslate_window(window)   # the LanguageChange event does it too; this makes it synchronous


class _Retranslator:
    """Retranslates the window on every LanguageChange (a translator installed or removed)."""

    def __init__(self, window: Any) -> None:
        from PySide6.QtCore import QEvent, QObject

        class Filter(QObject):
            def eventFilter(self, obj, event):  # noqa: N802 (Qt's name)
                if obj is window and event.type() == QEvent.Type.LanguageChange:
                    retranslate_window(window)
                return False

        self.filter = Filter(window)
        window.installEventFilter(self.filter)


def _startup_report(window: Any) -> None:
    """``HER2DESK_STARTUP_TIME=1``: print ms since process start at paint, load and results
    (stderr); ``=exit`` also quits once the analyses are in (for benchmarks)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from .startup import FirstPaint, ms_since_start, process_age

    mode = os.environ.get("HER2DESK_STARTUP_TIME", "").strip().lower()
    if not mode or mode == "0":
        return
    origin = process_age()[1]

    def say(what: str, ms: float) -> None:
        print(f"her2desk startup: {what} {ms:.0f} ms after {origin}", file=sys.stderr, flush=True)

    window._startup_paint = FirstPaint(window, lambda ms: say("window shown and painted", ms))
    window.study_loaded.connect(lambda _=None: say("study loaded (Data tab filled)", ms_since_start()))

    def results(_=None) -> None:
        say("analyses shown", ms_since_start())
        if mode == "exit":
            # Not from inside this slot: closing while the task's callback is on the stack
            # crashes at interpreter exit. Closing the last window ends app.exec().
            QTimer.singleShot(0, window.close)

    window.results_ready.connect(results)
    def failed(key: str, message: str) -> None:
        print(f"her2desk startup: {key} failed: {message}", file=sys.stderr, flush=True)
        if mode == "exit":
            QTimer.singleShot(0, lambda: QApplication.instance().exit(1))

    window.runner.failed.connect(failed)


def run_app(path: str | os.PathLike | None = None, settings: Any = None) -> int:
    from .main_window import MainWindow

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = make_application()

    window = MainWindow(study_settings=settings)
    add_language_menu(window)
    _startup_report(window)
    window.show()
    _close_on_signals(window)
    study = initial_study(window, path)
    if study is not None:
        # open_path: the last study may be a study file (.her2desk) as well as a CRF.
        _open_after_first_paint(window, lambda: window.open_path(study, settings))
    return app.exec()


def _open_after_first_paint(window: Any, open_study: Callable[[], object]) -> None:
    """Start opening the study once the window has been painted (or after 1.5 s at most).

    The reading thread shares the interpreter with the GUI thread and would slow the first
    paint; and a study from the cache is ready within milliseconds, so its tabs would be
    filled before the window was ever drawn.
    """
    from PySide6.QtCore import QTimer

    from .startup import FirstPaint

    opened: list[bool] = []

    def go() -> None:
        if not opened:
            opened.append(True)
            open_study()

    window._open_after_paint = FirstPaint(window, lambda _ms: QTimer.singleShot(0, go))
    QTimer.singleShot(1500, go)          # a window that is never painted (minimised)


def _close_on_signals(window: Any) -> None:
    """SIGTERM and Ctrl+C close the window like the close button: running work is cancelled
    and waited for, so its temporary files are removed rather than left behind.

    Python runs signal handlers only between bytecodes; a quarter-second no-op timer gives
    the interpreter that chance while Qt's event loop waits."""
    import signal

    from PySide6.QtCore import QTimer

    def handler(signum, frame):
        QTimer.singleShot(0, window.close)

    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            signal.signal(sig, handler)
        except (ValueError, OSError):     # not the main thread, or not supported here
            return
    heartbeat = QTimer(window)
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start(250)
    window._signal_heartbeat = heartbeat
