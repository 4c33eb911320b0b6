"""The language the window speaks now, for text that is not a Qt literal.

Qt's translators cover the strings written in ``ui/`` (``self.tr``); what the analysis, report,
crf and cohort layers produce — table row labels and headers, footnotes, validation findings,
exclusion reasons, figure titles and legends — is English with an entry in the Qt-free catalogue
(her2desk/i18n.py), translated here at the point of display with :func:`shown`. A widget that
shows such text keeps the English and calls :func:`shown` again on ``LanguageChange``, so the
language switches at once and an export of the English source is never garbled.
"""
from __future__ import annotations

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


def shown(text: object) -> object:
    """``text`` in the window's language (non-strings and unknown text unchanged)."""
    if not isinstance(text, str) or not text or _current[0] == ENGLISH:
        return text
    return _cached(text, _current[0])


def shown_all(texts) -> list:
    return [shown(t) for t in texts]


__all__ = ["set_ui_language", "shown", "shown_all", "ui_language"]
