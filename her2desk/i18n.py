"""Output language for the reports and the command line, without Qt: ``translate(text, language)``.

The report layer builds its tables in English (the source strings are the keys, as with Qt's
``tr()``); a writer asked for ``zh_CN`` passes every caption, header, row label, footnote and
sheet name through :func:`translate`. The catalogue (``i18n_zh_CN.json`` beside this module)
has exact entries, and patterns for strings built from parts ("OS by HR status (Fig 4a)",
"HR+/HER2+ (n = 466)", "Excluded: Male"): a pattern's captured parts are translated in turn, so
a new subgroup or figure number needs no new entry. Long footnotes are translated sentence by
sentence. Text with no entry stays English, never garbled; English is the default language.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ENGLISH = "en"
LANGUAGES = (ENGLISH, "zh_CN")
_SENTENCE = re.compile(r"(?<=\.)(\s+)(?=[A-Z—'])")


def normalise_language(language: str | None) -> str:
    """"zh", "zh-CN", "zh_CN.UTF-8" → "zh_CN"; anything else (or nothing) → "en"."""
    text = (language or "").strip().replace("-", "_").split(".")[0].lower()
    return "zh_CN" if text.startswith("zh") else ENGLISH


@dataclass(frozen=True)
class Catalogue:
    """One language's entries: exact source strings and (regex, template) patterns."""
    language: str
    exact: dict[str, str] = field(default_factory=dict)
    patterns: tuple[tuple[re.Pattern[str], str], ...] = ()

    def translate(self, text: str) -> str:
        if not text or not isinstance(text, str):
            return text
        stripped = text.lstrip(" ")
        lead = text[: len(text) - len(stripped)]
        return lead + self._translate(stripped, depth=0)

    def _translate(self, text: str, depth: int) -> str:
        hit = self.exact.get(text)
        if hit is not None:
            return hit
        if depth > 4:
            return text
        for regex, template in self.patterns:
            m = regex.fullmatch(text)
            if m:
                parts = [self._translate(g, depth + 1) if g is not None else "" for g in m.groups()]
                return template.format(*parts)
        pieces = _SENTENCE.split(text)         # sentence, space, sentence, ...
        if len(pieces) > 1:
            out = []
            for i, piece in enumerate(pieces):
                if i % 2:                        # the space: kept only between English sentences
                    out.append(piece if pieces[i - 1] == out[-1] else "")
                else:
                    out.append(self._translate(piece, depth + 1))
            return "".join(out)
        return text

    def has(self, text: str) -> bool:
        """Whether ``text`` is translated (not merely passed through)."""
        return self.translate(text) != text


@lru_cache(maxsize=None)
def catalogue(language: str) -> Catalogue:
    language = normalise_language(language)
    path = Path(__file__).with_name(f"i18n_{language}.json")
    if language == ENGLISH or not path.exists():
        return Catalogue(ENGLISH)
    data = json.loads(path.read_text(encoding="utf-8"))
    patterns = tuple((re.compile(p), t) for p, t in data.get("patterns", []))
    return Catalogue(language, dict(data.get("exact", {})), patterns)


def translate(text: str, language: str | None = ENGLISH) -> str:
    """``text`` in ``language`` ("en" returns it unchanged)."""
    if normalise_language(language) == ENGLISH:
        return text
    return catalogue(language).translate(text)


__all__ = ["Catalogue", "ENGLISH", "LANGUAGES", "catalogue", "normalise_language", "translate"]
