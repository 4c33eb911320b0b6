"""Run Qt-free work off the GUI thread and bring its progress and result back.

The compute layers take ``progress(fraction, text)`` and ``cancelled()`` callables
and know nothing of Qt. A :class:`Task` wraps such a callable in a QRunnable
whose signals are delivered, queued, to slots on the GUI thread. A
:class:`TaskRunner` (one per window, as in Orange's concurrent utilities) keeps
one task per key: starting a new "load" cancels the old one and its late result
is dropped.
"""
from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

ProgressFn = Callable[[float, str], None]
CancelledFn = Callable[[], bool]
WorkFn = Callable[[ProgressFn, CancelledFn], Any]


class TaskCancelled(Exception):
    """Raised by work that noticed ``cancelled()``; not an error for the user."""


#: Exception types whose message is already one sentence for a study coordinator.
_USER_ERROR_TYPES: list[type[BaseException]] = []
#: Same, by class name, for layers imported lazily (so importing this module stays light).
_USER_ERROR_NAMES = {"CRFReadError", "ExportError", "UserError", "StudyError", "SettingsError"}


def register_user_error(exc_type: type[BaseException]) -> type[BaseException]:
    """Declare that ``exc_type``'s message can be shown to the user as is."""
    _USER_ERROR_TYPES.append(exc_type)
    return exc_type


def describe_error(exc: BaseException) -> str:
    """One sentence for the user; unexpected errors are also logged with traceback."""
    from ..errors import Her2deskError

    if isinstance(exc, (Her2deskError, *_USER_ERROR_TYPES)) or any(
            cls.__name__ in _USER_ERROR_NAMES for cls in type(exc).__mro__):
        text = str(exc).strip()
        if text:
            return text
    if isinstance(exc, FileNotFoundError):
        return f"The file {exc.filename or ''} could not be found.".replace("  ", " ")
    if isinstance(exc, PermissionError):
        name = exc.filename or "the file"
        return f"her2desk is not allowed to open {name}; is it open in another program?"
    if isinstance(exc, MemoryError):
        return "The computer ran out of memory while working on this study."
    log.error("Unexpected error in background task", exc_info=exc)
    detail = str(exc).strip() or type(exc).__name__
    return f"Something went wrong: {detail}"


class TaskSignals(QObject):
    progress = Signal(float, str)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    done = Signal()  # after any of finished / failed / cancelled


class Task(QRunnable):
    """Runs ``fn(progress, cancelled)`` on a pool thread.

    Progress is throttled to ``min_interval`` seconds (the first report, text
    changes and completion always pass) so a tight loop cannot flood the GUI.
    """

    def __init__(self, fn: WorkFn, *, min_interval: float = 0.1, name: str = ""):
        super().__init__()
        # The runner keeps the Python object alive; letting C++ delete it under
        # a live wrapper crashes PySide.
        self.setAutoDelete(False)
        self.fn = fn
        self.name = name or getattr(fn, "__name__", "task")
        self.signals = TaskSignals()
        self.min_interval = min_interval
        self._cancel = threading.Event()
        self._last_emit = 0.0
        self._last_text: str | None = None
        self._lock = threading.Lock()

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def _progress(self, fraction: float, text: str = "") -> None:
        if self._cancel.is_set():
            return
        now = time.monotonic()
        with self._lock:
            due = (self._last_text is None or text != self._last_text or fraction >= 1.0
                   or now - self._last_emit >= self.min_interval)
            if not due:
                return
            self._last_emit, self._last_text = now, text
        self.signals.progress.emit(max(0.0, min(1.0, float(fraction))), str(text))

    @Slot()
    def run(self) -> None:
        try:
            result = self.fn(self._progress, self._cancel.is_set)
        except TaskCancelled:
            self.signals.cancelled.emit()
        except BaseException as exc:  # noqa: BLE001 - every failure becomes a message
            if self._cancel.is_set():
                self.signals.cancelled.emit()
            else:
                self.signals.failed.emit(describe_error(exc))
        else:
            if self._cancel.is_set():
                self.signals.cancelled.emit()
            else:
                self.signals.finished.emit(result)
        self.signals.done.emit()


class TaskRunner(QObject):
    """One background task per key; a new task cancels the previous one of that key.

    ``progress(key, fraction, text)`` and ``busy_changed(bool)`` drive the status
    bar. Callbacks passed to :meth:`start` run on the GUI thread, only for the
    task that is still current for its key.
    """

    progress = Signal(str, float, str)
    busy_changed = Signal(bool)
    failed = Signal(str, str)   # key, message

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 2):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._current: dict[str, Task] = {}
        self._alive: dict[int, Task] = {}   # every started task until it ends
        self._ids = itertools.count()

    def start(self, key: str, fn: WorkFn, *, on_finished: Callable[[Any], None] | None = None,
              on_failed: Callable[[str], None] | None = None,
              on_progress: Callable[[float, str], None] | None = None,
              on_cancelled: Callable[[], None] | None = None) -> Task:
        old = self._current.get(key)
        if old is not None:
            old.cancel()
        task = Task(fn, name=key)
        task_id = next(self._ids)
        was_busy = self.is_busy()
        self._current[key] = task
        self._alive[task_id] = task

        def current() -> bool:
            return self._current.get(key) is task

        def _progress(fraction: float, text: str) -> None:
            if current() and not task.is_cancelled():
                self.progress.emit(key, fraction, text)
                if on_progress:
                    on_progress(fraction, text)

        def _finished(result: Any) -> None:
            if current() and on_finished:
                on_finished(result)

        def _failed(message: str) -> None:
            if current():
                self.failed.emit(key, message)
                if on_failed:
                    on_failed(message)

        def _cancelled() -> None:
            if current() and on_cancelled:
                on_cancelled()

        def _done() -> None:
            self._alive.pop(task_id, None)
            if current():
                del self._current[key]
            if not self.is_busy():
                self.busy_changed.emit(False)

        # Connected to slots of this GUI-thread object: delivered queued on the GUI thread.
        task.signals.progress.connect(_progress)
        task.signals.finished.connect(_finished)
        task.signals.failed.connect(_failed)
        task.signals.cancelled.connect(_cancelled)
        task.signals.done.connect(_done)
        if not was_busy:
            self.busy_changed.emit(True)
        self.pool.start(task)
        return task

    def cancel(self, key: str | None = None) -> None:
        """Cancel the task of ``key``, or every task."""
        tasks = [self._current.get(key)] if key is not None else list(self._current.values())
        for task in tasks:
            if task is not None:
                task.cancel()

    def is_busy(self, key: str | None = None) -> bool:
        if key is not None:
            return key in self._current
        return bool(self._current)

    def current(self, key: str) -> Task | None:
        return self._current.get(key)

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Cancel everything and wait for the threads (on window close)."""
        self.cancel()
        return self.pool.waitForDone(timeout_ms)
