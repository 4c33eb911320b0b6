"""The window opens a REDCap export: records and dictionary dropped together (either
order), or the records opened alone and the dictionary REDCap saved beside them accepted."""
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from her2desk.ui import redcap_open

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "crf"))
from redcap_factory import small_project, write_csv  # noqa: E402


def _drop(widget, *paths):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    widget.dropEvent(drop)


def test_split_dropped(tmp_path):
    records, dictionary = small_project(tmp_path)
    assert redcap_open.split_dropped([dictionary, records]) == (records, dictionary)
    assert redcap_open.split_dropped([records, dictionary]) == (records, dictionary)
    other = write_csv(tmp_path / "other.csv", [["a", "b"], ["1", "2"]])
    assert redcap_open.split_dropped([records, other]) is None
    assert redcap_open.split_dropped([records]) is None


def test_drop_records_and_dictionary_together(window, qtbot, tmp_path, monkeypatch):
    records, dictionary = small_project(tmp_path)
    monkeypatch.setattr(redcap_open, "ask_use_dictionary",
                        lambda *a: pytest.fail("a dropped dictionary needs no question"))
    with qtbot.waitSignal(window.study_loaded, timeout=30000) as sig:
        _drop(window, dictionary, records)
    loaded = sig.args[0]
    assert loaded.crf.layout == "redcap" and loaded.crf.dictionary == dictionary
    assert window.study_dictionary == dictionary and window.study_path == records
    assert sorted(loaded.crf.forms["patients"]["patient_id"]) == ["A1", "B2"]
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=30000)


def test_records_alone_are_offered_the_dictionary_beside_them(window, qtbot, tmp_path, monkeypatch):
    records, dictionary = small_project(tmp_path)
    asked = []
    monkeypatch.setattr(redcap_open, "ask_use_dictionary",
                        lambda parent, r, d: asked.append((r, d)) or True)
    with qtbot.waitSignal(window.study_loaded, timeout=30000) as sig:
        assert window.open_study(records)
    assert asked == [(records, dictionary)]
    assert sig.args[0].crf.dictionary == dictionary
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=30000)
    # Reopening the open study (a new mapping, a setting) keeps its dictionary, unasked.
    with qtbot.waitSignal(window.study_loaded, timeout=30000) as sig:
        assert window.open_study(records)
    assert len(asked) == 1 and sig.args[0].crf.dictionary == dictionary
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=30000)
