"""UI tests run headless; the platform must be chosen before Qt is imported."""
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:  # the package is used from the checkout, not installed
    sys.path.insert(0, str(_ROOT))

import pytest  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def _white_plots():
    import pyqtgraph as pg

    pg.setConfigOptions(background="w", foreground="k", antialias=True)
    yield


@pytest.fixture
def qsettings(tmp_path):
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "her2desk-test.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, qsettings):
    """An empty main window, shown and exposed, with its own settings store; its background
    work is stopped afterwards. Test files that need another window define their own."""
    from her2desk.ui.main_window import MainWindow

    w = MainWindow(settings_store=qsettings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.runner.shutdown(10000)


@pytest.fixture(autouse=True)
def _no_unanswered_question(monkeypatch):
    """A message box nobody answers would block an offscreen run for ever (CI would hang, not
    fail): a question a test did not expect fails the test instead. Tests that expect one
    monkeypatch the same function with their answer."""
    from PySide6.QtWidgets import QMessageBox

    def unexpected(kind):
        def ask(_parent, title, text, *args, **kwargs):
            raise AssertionError(f"unexpected QMessageBox.{kind}: {title}: {text}")
        return staticmethod(ask)

    for kind in ("question", "warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, unexpected(kind))
