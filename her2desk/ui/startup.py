"""Start-up timing: milliseconds since the *process* started (not since Python began importing).

Used by ``her2desk --self-test`` and by ``HER2DESK_STARTUP_TIME=1 her2desk`` (see
:func:`her2desk.ui.app.run_app`) to report the cold start of the app, frozen or not.
"""
from __future__ import annotations

import os
import sys
import time

#: When this module was first imported; the fallback clock where the OS cannot tell.
_IMPORTED_AT = time.monotonic()
_IMPORTED_AT_WALL = time.time()


def _linux_process_age() -> float | None:
    try:
        with open("/proc/self/stat", "rb") as fh:
            stat = fh.read().decode("ascii", "replace")
        with open("/proc/uptime", "rb") as fh:
            uptime = float(fh.read().split()[0])
        # Field 22 (starttime, clock ticks since boot); the command name may contain spaces.
        fields = stat[stat.rindex(")") + 2:].split()
        start_ticks = int(fields[19])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _windows_process_age() -> float | None:
    try:
        import ctypes
        from ctypes import wintypes

        kernel32 = ctypes.windll.kernel32
        creation, exit_, kernel, user, now = (wintypes.FILETIME() for _ in range(5))
        handle = kernel32.GetCurrentProcess()
        if not kernel32.GetProcessTimes(handle, ctypes.byref(creation), ctypes.byref(exit_),
                                        ctypes.byref(kernel), ctypes.byref(user)):
            return None
        kernel32.GetSystemTimeAsFileTime(ctypes.byref(now))

        def ticks(ft) -> int:
            return (ft.dwHighDateTime << 32) | ft.dwLowDateTime

        return (ticks(now) - ticks(creation)) / 1e7
    except Exception:  # noqa: BLE001 - timing is informative only
        return None


def process_age() -> tuple[float, str]:
    """(seconds since the process started, how it was measured)."""
    if sys.platform.startswith("linux"):
        age = _linux_process_age()
        if age is not None:
            return max(age, 0.0), "process start"
    elif sys.platform == "win32":
        age = _windows_process_age()
        if age is not None:
            return max(age, 0.0), "process start"
    return time.monotonic() - _IMPORTED_AT, "first her2desk UI import"


def ms_since_start() -> float:
    return 1000.0 * process_age()[0]


class FirstPaint:
    """Records the process age when any widget of ``window`` is first painted.

    An application-wide event filter, removed after the first paint. ``callback``
    (optional) is called once with the age in milliseconds.
    """

    def __init__(self, window, callback=None):
        from PySide6.QtCore import QEvent, QObject
        from PySide6.QtWidgets import QApplication, QWidget

        self.ms: float | None = None
        self._callback = callback
        paint = QEvent.Type.Paint
        outer = self

        class _Filter(QObject):
            def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
                if outer.ms is None and event.type() == paint and isinstance(obj, QWidget) \
                        and obj.window() is window:
                    outer.ms = ms_since_start()
                    QApplication.instance().removeEventFilter(self)
                    if outer._callback:
                        outer._callback(outer.ms)
                return False

        self._filter = _Filter(window)
        QApplication.instance().installEventFilter(self._filter)
