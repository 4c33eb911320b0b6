"""scipy.special, imported on first use.

Importing scipy.special takes about half a second; the window's panels import the analysis
modules (for their vocabularies: endpoints, tests) while it is built, before its first
paint, and need no special function until an analysis runs. ``special`` below stands for
the module: its first attribute lookup imports it, later ones go straight to it.
"""
from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    """A module imported on its first attribute lookup."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self._name)
        return getattr(module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


special = LazyModule("scipy.special")
