"""Where bundled files live: the checkout's ``resources/`` or, when frozen, PyInstaller's folder.

The one place that knows; the app, the command line, the self-test and the tests ask here.
"""
from __future__ import annotations

import sys
from pathlib import Path

SAMPLE_NAME = "sample_study.xlsx"


def resource_dirs() -> list[Path]:
    """Candidate folders, most specific first: the bundle, then the checkout."""
    dirs = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        dirs.append(Path(frozen) / "resources")
    dirs.append(Path(__file__).resolve().parent.parent / "resources")
    return dirs


def resources_dir() -> Path:
    return next((d for d in resource_dirs() if d.is_dir()), resource_dirs()[-1])


def resource_path(name: str) -> Path | None:
    """The bundled file ``name`` (may contain a sub-folder), or None when it is missing."""
    return next((d / name for d in resource_dirs() if (d / name).exists()), None)


def resource(name: str) -> Path:
    return resources_dir() / name


def sample_study_path() -> Path:
    return resource(SAMPLE_NAME)
