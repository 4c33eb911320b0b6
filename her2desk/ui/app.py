"""Start the desktop app: ``run_app(path=None, settings=None) -> exit code``.

Start-up stays light: only Qt, pyqtgraph and the window's own modules are
imported here; the CRF reader, pandas-heavy cohort code and the statistics
(lifelines) are imported inside the background tasks that need them.
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

SAMPLE_NAME = "sample_study.xlsx"


def resource_dirs() -> list[Path]:
    """Where bundled resources live: the PyInstaller bundle, the package, the checkout."""
    dirs = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        dirs += [Path(frozen) / "resources", Path(frozen) / "her2desk" / "resources"]
    package = Path(__file__).resolve().parents[1]
    dirs += [package / "resources", package.parent / "resources"]
    return dirs


def resource_path(name: str) -> Path | None:
    for d in resource_dirs():
        if (d / name).is_file():
            return d / name
    return None


def sample_study_path() -> Path | None:
    return resource_path(SAMPLE_NAME)


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


def run_app(path: str | os.PathLike | None = None, settings: Any = None) -> int:
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    from .main_window import APPLICATION, ORGANISATION, MainWindow

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("her2desk")
    app.setWindowIcon(_app_icon())
    pg.setConfigOptions(background="w", foreground="k", antialias=True)

    window = MainWindow(study_settings=settings)
    window.show()
    study = initial_study(window, path)
    if study is not None:
        window.open_study(study, settings)
    return app.exec()
