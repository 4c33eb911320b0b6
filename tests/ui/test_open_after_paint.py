"""At start-up the study is opened once the window is painted, once (the fallback timer
does not open it a second time)."""
from __future__ import annotations

from PySide6.QtWidgets import QMainWindow

from her2desk.ui.app import _open_after_first_paint


def test_opens_after_the_first_paint_and_only_once(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    painted, opened = [], []
    from her2desk.ui.startup import FirstPaint

    window._probe = FirstPaint(window, lambda ms: painted.append(ms))
    _open_after_first_paint(window, lambda: opened.append(len(painted)))
    assert opened == []
    window.show()
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    assert opened == [1]                      # the window had been painted
    qtbot.wait(1700)                          # past the fallback timer
    assert opened == [1]


def test_opens_even_if_never_painted(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    opened = []
    _open_after_first_paint(window, lambda: opened.append(True))
    qtbot.waitUntil(lambda: bool(opened), timeout=4000)   # never shown: the fallback opens it
    assert opened == [True]
