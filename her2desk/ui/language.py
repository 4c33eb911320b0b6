"""The language the window speaks now, for text that is not a Qt literal.

Qt's translators cover the strings written in ``ui/`` (``self.tr``); what the analysis, report,
crf and cohort layers produce — table row labels and headers, footnotes, validation findings,
exclusion reasons, figure titles and legends — is English with an entry in the Qt-free catalogue
(her2desk/i18n.py), translated here at the point of display with :func:`shown`. A widget that
shows such text keeps the English and calls :func:`shown` again on ``LanguageChange``, so the
language switches at once and an export of the English source is never garbled.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..i18n import ENGLISH, normalise_language, translate

_current = [ENGLISH]


def set_ui_language(language: str | None) -> None:
    """Called where the translators are installed (ui.app), before the LanguageChange arrives."""
    _current[0] = normalise_language(language)


def ui_language() -> str:
    return _current[0]


@lru_cache(maxsize=65536)
def _cached(text: str, language: str) -> str:
    return translate(text, language)


#: A mark a line may start with ("⚠ note", "• item", "ᵃ P excludes…"), kept as it is.
_MARK = re.compile(r"^([⚠•·ᵃ-ᶻ]\s*)(.+)$", re.DOTALL)


def shown(text: object) -> object:
    """``text`` in the window's language (non-strings and unknown text unchanged); several
    lines are translated line by line, a leading mark kept."""
    if not isinstance(text, str) or not text or _current[0] == ENGLISH:
        return text
    if "\n" in text:
        return "\n".join(shown(line) for line in text.split("\n"))
    # The mark first: a template's hole would otherwise swallow it ("⚠ HER2 heterogeneity left
    # out: …" leaves "⚠ HER2 heterogeneity" untranslated in the hole).
    if m := _MARK.match(text):
        body = _cached(m.group(2), _current[0])
        if body != m.group(2):
            return m.group(1) + body
    return _cached(text, _current[0])


def shown_all(texts) -> list:
    return [shown(t) for t in texts]


def set_shown(label, text: str) -> None:
    """``label.setText`` of English text in the window's language; the English is kept on the
    label so :func:`reshow` can say it again after a language change."""
    label.setProperty("her2desk_source", text)
    label.setText(shown(text))


#: Item data role holding a combo item's English text (its display text is translated).
ENGLISH_ROLE = 0x0100 + 40


def add_shown_item(combo, english: str, data: object = None) -> None:
    """A combo item shown in the window's language that remembers its English."""
    combo.addItem(shown(english), data)
    combo.setItemData(combo.count() - 1, english, ENGLISH_ROLE)


def english_text(combo) -> str:
    """The current item's English (what settings and study files store), whatever is shown."""
    english = combo.currentData(ENGLISH_ROLE)
    return english if isinstance(english, str) else combo.currentText()


def find_english(combo, english: str) -> int:
    index = combo.findData(english, ENGLISH_ROLE)
    return index if index >= 0 else combo.findText(english)


def reshow(widget) -> None:
    """Every label filled by :func:`set_shown` and every combo item added by
    :func:`add_shown_item` under ``widget``, in the language now in force."""
    from PySide6.QtWidgets import QComboBox, QLabel

    for label in [widget, *widget.findChildren(QLabel)]:
        source = label.property("her2desk_source")
        if isinstance(source, str):
            label.setText(shown(source))
    for combo in widget.findChildren(QComboBox):
        for i in range(combo.count()):
            english = combo.itemData(i, ENGLISH_ROLE)
            if isinstance(english, str):
                combo.setItemText(i, shown(english))


__all__ = ["ENGLISH_ROLE", "add_shown_item", "english_text", "find_english", "reshow", "set_shown", "set_ui_language", "shown", "shown_all", "ui_language"]
