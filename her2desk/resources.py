"""Where bundled files live: the checkout's ``resources/`` or, when frozen, PyInstaller's folder."""
from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(name: str) -> Path:
    return resources_dir() / name


def sample_study_path() -> Path:
    return resource("sample_study.xlsx")
