"""Output language for the reports and the command line, without Qt: ``translate(text, language)``.

The report layer builds its tables in English (the source strings are the keys, as with Qt's
``tr()``); a writer asked for ``zh_CN`` passes every caption, header, row label, footnote and
sheet name through :func:`translate`. The catalogue (``i18n_zh_CN.json`` beside this module)
has exact entries, and patterns for strings built from parts ("OS by HR status (Fig 4a)",
"HR+/HER2+ (n = 466)", "Excluded: Male"): a pattern's captured parts are translated in turn, so
a new subgroup or figure number needs no new entry. Long footnotes are translated sentence by
sentence. Text with no entry stays English, never garbled; English is the default language.

Strings made below the report layer (validation findings, eligibility reasons, analysis notes)
are marked where they are written with :func:`N_`, a no-op: ``N_(f"Patient {pid} has no row on
the {title} sheet.")``. The catalogue's ``templates`` section holds such a sentence with numbered
holes ("Patient {0} has no row on the {1} sheet.") and its translation; the finished text is
matched against it where it is shown (the app, the report, ``validate --out``) and the parts in
the holes are translated in turn. tests/test_translation_coverage.py rebuilds every marked
template from the source and checks the catalogue has it.
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


def N_(text: str) -> str:
    """Mark ``text`` (a literal or an f-string) as user-visible English for the catalogue; returns
    it unchanged. Translation happens where the text is shown, in the language asked for there."""
    return text


_HOLE = re.compile(r"\{(\d+)(?::(\w+))?\}")
#: What a hole may hold. A hole is any text unless the catalogue says otherwise: ``{1:value}`` is
#: one word with a digit and no space (a date, a number), so "Add to list" is no range and
#: "Last follow-up date 2019-03-05 is …" splits after the label, not inside it; ``{5:tail}`` is empty or a clause opened by ";";
#: ``{2:unit}`` is empty, "%" or one word after a space (" years"); ``{0:name}`` is any text kept
#: as it is, untranslated (a file's or a sheet's own name: "Patients.xlsx" is what is on the disk).
HOLE_KINDS = {"": "(.*?)", "value": r"(\S*\d\S*)", "tail": "((?:;.*)?)", "unit": r"((?: [^\s\d]\S*|%)?)",
              "name": "(?P<keep{0}>.*?)"}


def template_key(template: str) -> str:
    """The template as the source writes it: hole kinds dropped ("{1:value}" → "{1}")."""
    return _HOLE.sub(lambda m: "{" + m.group(1) + "}", template)


def template_pattern(template: str) -> re.Pattern[str]:
    """ "Patient {0} has no row on the {1} sheet." → a regex whose groups are the holes."""
    out, last = [], 0
    for m in _HOLE.finditer(template):
        out.append(re.escape(template[last:m.start()]))
        out.append(HOLE_KINDS[m.group(2) or ""].replace("{0}", m.group(1)))
        last = m.end()
    out.append(re.escape(template[last:]))
    return re.compile("".join(out), re.DOTALL)


def template_order(template: str) -> list[int]:
    """The hole numbers in the order they appear (a template may number them out of order)."""
    return [int(m.group(1)) for m in _HOLE.finditer(template)]


@dataclass(frozen=True)
class Catalogue:
    """One language's entries: exact source strings and (regex, template) patterns."""
    language: str
    exact: dict[str, str] = field(default_factory=dict)
    patterns: tuple[tuple[re.Pattern[str], str], ...] = ()
    #: (regex of the English template, its hole numbers in order, the translated template,
    #: how many sentences it has)
    templates: tuple[tuple[re.Pattern[str], list[int], str, int], ...] = ()

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
        sentences = len(_SENTENCE.split(text)) // 2 + 1
        for regex, template in self.patterns:
            if sentences > 1 and "\\. " not in regex.pattern:
                continue                # a one-sentence pattern must not swallow the next sentence
            m = regex.fullmatch(text)
            if m:
                parts = [self._translate(g, depth + 1) if g is not None else "" for g in m.groups()]
                return template.format(*parts)
        for regex, order, template, size in self.templates:
            if size != sentences:       # two findings in one cell: sentence by sentence below
                continue
            m = regex.fullmatch(text)
            if m:
                parts = [""] * (max(order) + 1 if order else 0)
                kept = {number - 1 for name, number in regex.groupindex.items() if name.startswith("keep")}
                for i, (hole, value) in enumerate(zip(order, m.groups())):
                    parts[hole] = value if i in kept else self._part(value, depth + 1)
                return template.format(*parts)
        if text.endswith(".") and not text.endswith("..") and len(_SENTENCE.split(text)) == 1:
            # "Fisher's exact test: ….": the entry without its period, and a Chinese full stop.
            inner = self._translate(text[:-1], depth + 1)
            if inner != text[:-1]:
                return inner if inner.endswith(("。", "．", ".")) else inner + "。"
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

    def _part(self, text: str, depth: int) -> str:
        """A template's hole: its text translated, a leading space (" years") kept."""
        stripped = text.lstrip(" ")
        return text[: len(text) - len(stripped)] + self._translate(stripped, depth) if stripped else text

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
    # The template with the most fixed text first: "{0} {1} is after the data cutoff {2}." must
    # win over "{0} {1} is {2} {3} {4}{5}.", which its text also matches.
    templates = tuple((template_pattern(k), template_order(k), v, len(_SENTENCE.split(k)) // 2 + 1) for k, v in
                      sorted(data.get("templates", {}).items(), key=lambda kv: -len(_HOLE.sub("", kv[0]))))
    return Catalogue(language, dict(data.get("exact", {})), patterns, templates)


def translate(text: str, language: str | None = ENGLISH) -> str:
    """``text`` in ``language`` ("en" returns it unchanged)."""
    if normalise_language(language) == ENGLISH:
        return text
    return catalogue(language).translate(text)


__all__ = ["Catalogue", "ENGLISH", "LANGUAGES", "N_", "catalogue", "normalise_language", "template_key",
           "template_order", "template_pattern", "translate"]
