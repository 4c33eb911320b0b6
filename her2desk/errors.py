"""One base class for every failure a study coordinator is meant to read.

Why: the command line and the window used to recognise user-facing errors by lists
of class names, so any new failure fell through to "Something went wrong" with a
traceback. Now everything raised for the user derives from :class:`Her2deskError`
and its message is already one plain sentence; every door (CLI, window, self-test)
catches this one class. Anything else is a bug and keeps its traceback in the log.

This module imports nothing heavy, so the window can use it at start-up.
"""
from __future__ import annotations

__all__ = ["Her2deskError", "CRFReadError", "WriteError", "InputError"]


class Her2deskError(Exception):
    """A failure worded for the user: ``str(error)`` is one sentence, shown as is."""


class CRFReadError(Her2deskError):
    """A file that cannot be read as a CRF; the message is one sentence for the user."""


class WriteError(Her2deskError):
    """An output (report, export, findings) could not be written; the message says why."""


class InputError(Her2deskError):
    """A value given by the user (a command-line option, a setting) is not usable."""
