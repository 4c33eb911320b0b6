"""Turn the raw cells of one column into typed values, by the field's codebook type.

Input is whatever the spreadsheet engine gave (``str``, ``int``, ``float``,
``bool``, ``datetime``/``date``/``time``, ``None`` or ``""`` for an empty cell).
Each column is factorised first and every *distinct* value parsed once, then
broadcast back, so a 100,000-row column with a few hundred distinct values costs
a few hundred Python-level parses.

:func:`parse_column` returns the typed values, the cell text as seen, and the
cells it could not read as :class:`Issue` (position in the column, severity,
rule, message); the reader turns those into :class:`~her2desk.crf.model.Finding`.

Dates (``datetime64[ns]``, day precision: a time of day is dropped): Excel date cells;
Excel serial numbers (1900 system, 1 = 1900-01-01, or the 1904 system when the
workbook uses it; must land in 1900–2100); text
``2019-03-05``, ``2019/3/5``, ``2019.3.5``, ``05.03.2019`` (day.month.year),
``2019年3月5日`` (also ``2019 年 3 月 5 日``, ``2019年03月05号``, with a time of day) and
``20190305`` (text or number). A bare whole number 1900–2100 is
taken as a year typed alone (not as a 1905 serial) and reported; ``05/03/2019``
is refused because day and month order is ambiguous. Unreadable -> missing +
error ``bad_date``.

Percent rule (fields of type ``percent``; result on a 0–100 scale):

* text with ``%`` is percentage points: ``'45%'`` -> 45;
* plain numbers (number cells or number text) are percentage points: ``45`` -> 45,
  **except** when every plain number in the column lies within 0–1 and at least one
  of them is not a whole number: then the column is Excel percent format (stored as
  fractions) and its plain numbers are multiplied by 100: ``0.45`` -> 45
  (``%`` text in such a column is still points);
* ``<1`` or ``<1%`` -> 0.5 (no warning); ``<x`` -> x/2 and ``>x`` -> (x+100)/2 with a
  warning; a range ``10-20`` (also ``10%-20%``, ``10~20``, ``10–20``) -> its midpoint
  15 with a warning (rule ``percent_range``);
* unknown words (``unknown``, ``NA``, ``-``, ``未知`` …) -> missing, no finding;
  anything else -> missing with an error (rule ``bad_number``).
"""
from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from dataclasses import dataclass, field as _field
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from . import codebook as cb
from .model import ERROR, WARNING
from ..i18n import N_

# --------------------------------------------------------------------- basics


@dataclass(frozen=True)
class Issue:
    """A cell :func:`parse_column` could not read cleanly (``pos`` = index in the column)."""
    pos: int
    severity: str
    rule: str
    message: str


@dataclass
class Parsed:
    values: pd.Series                 # typed values (dtype by field type)
    text: np.ndarray                  # cell text as seen ("" when empty), object array of str
    issues: list[Issue] = _field(default_factory=list)


def cell_text(value: object) -> str:
    """The text of a cell as a person reads it: ``1001.0`` -> ``'1001'``, dates ISO, ``''`` empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return str(value).strip()


def _fold(text: str) -> str:
    """Normalise a word for code/yes-no lookup: NFKC, casefold, no spaces, dashes or underscores."""
    s = unicodedata.normalize("NFKC", text).casefold().strip()
    s = re.sub(r"[\s_\-\u2010-\u2015]+", "", s)
    if re.fullmatch(r"\d+\.0+", s):
        s = s.split(".")[0]
    return s


_UNKNOWN = frozenset(_fold(w) for w in cb.UNKNOWN_WORDS) - {""}
#: Unknown words that mean "not known" (as opposed to "not applicable"): they map to a
#: field's explicit ``unknown`` code when it has one (cause_of_death).
_NOT_KNOWN = frozenset(_fold(w) for w in ("unknown", "unk", "not known", "nk", "?",
                                          "未知", "不详", "不明")) - {""}
_YES = frozenset(_fold(w) for w in cb.YES_WORDS)
_NO = frozenset(_fold(w) for w in cb.NO_WORDS)


def _word(value: object) -> str:
    """Lookup key of a cell for code and yes/no columns ('' = empty)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    return _fold(cell_text(value))


def is_unknown_word(text: str) -> bool:
    f = _fold(text)
    return f == "" or f in _UNKNOWN


def _code_table(f: cb.Field) -> dict[str, str]:
    table: dict[str, str] = {}
    for c in f.codes:
        for spelling in (c.code, c.label, *c.synonyms):
            table.setdefault(_fold(spelling), c.code)
    return table


CODE_TABLES: dict[str, dict[str, str]] = {f.name: _code_table(f) for f in cb.FIELDS if f.codes}


def _quote(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "…"


def _label(f: cb.Field) -> str:
    return f.label or f.name


# ---------------------------------------------------------------- numbers

_NUM = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?")


def to_number(value: object) -> float | None:
    """A number from a cell, or None. Accepts a decimal comma (``'2,5'``); no units."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        v = float(value)
        return None if math.isnan(v) else v
    if not isinstance(value, str):
        return None
    s = unicodedata.normalize("NFKC", value).strip().casefold().replace(" ", "")
    if s.count(",") == 1 and "." not in s:
        s = s.replace(",", ".")
    if _NUM.fullmatch(s):
        return float(s)
    return None


def _parse_number_unique(f: cb.Field, value: object):
    text = cell_text(value)
    if text == "":
        return None, None
    n = to_number(value)
    if n is not None:
        return n, None
    if is_unknown_word(text):
        return None, None
    kind = N_("a whole number") if f.type == cb.INTEGER else N_("a number")
    return None, (ERROR, "bad_number",
                  N_(f"{_label(f)} '{_quote(text)}' is not {kind} this program can read; "
                     f"write digits only, such as {'45' if f.type == cb.INTEGER else '2.5'}."))


_PCT_ONE = re.compile(r"(<=|>=|[<>≤≥])?(\d+(?:[.,]\d+)?)(%?)")
_PCT_RANGE = re.compile(r"(\d+(?:[.,]\d+)?)%?(?:-|~|–|—|至|到|to)(\d+(?:[.,]\d+)?)%?")


def _pct_text(text: str):
    """(value, kind) for percent text; kind: 'num' plain number, 'pct' with %, 'approx' (<1 …),
    'range'/'bound' (warn), None = unreadable."""
    s = unicodedata.normalize("NFKC", text).casefold().replace(" ", "")
    m = _PCT_ONE.fullmatch(s)
    if m:
        op, num, pct = m.groups()
        v = float(num.replace(",", "."))
        if not op:
            return v, ("pct" if pct else "num")
        if op in ("<", "<=", "≤"):
            return (0.5, "approx") if v == 1 else (v / 2, "bound")
        return (v + 100) / 2, "bound"
    m = _PCT_RANGE.fullmatch(s)
    if m:
        a, b = (float(x.replace(",", ".")) for x in m.groups())
        return (a + b) / 2, "range"
    n = to_number(text)
    if n is not None:
        return n, "num"
    return None, None


# ---------------------------------------------------------------- dates

_EXCEL_EPOCH = _dt.date(1899, 12, 30)
_MIN_DATE, _MAX_DATE = _dt.date(1900, 1, 1), _dt.date(2100, 12, 31)
_MAX_SERIAL = (_MAX_DATE - _EXCEL_EPOCH).days
_YMD = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DMY_DOTS = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_CHINESE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?(?:\d{1,2}[:时]\d{2}.*)?")
_CHINESE_SPACES = re.compile(r"\s*([年月日号])\s*")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


def excel_serial_to_date(serial: float) -> _dt.date | None:
    """Excel 1900-system serial -> date (1 = 1900-01-01; the phantom 1900-02-29 is refused)."""
    if not 1 <= serial <= _MAX_SERIAL + 0.999999:
        return None
    days = int(math.floor(serial))
    if days == 60:
        return None
    if days < 60:       # Excel counts 1900 as a leap year: serials below 60 are one day off.
        days += 1
    return _EXCEL_EPOCH + _dt.timedelta(days=days)


def _ymd(y: str | int, m: str | int, d: str | int) -> _dt.date | None:
    try:
        out = _dt.date(int(y), int(m), int(d))
    except ValueError:
        return None
    return out if _MIN_DATE <= out <= _MAX_DATE else None


#: 1904-system serial 0 (1904-01-01) is 1900-system serial 1462.
DAYS_1904 = 1462


def to_date(value: object, *, date1904: bool = False) -> tuple[_dt.date | None, str]:
    """(date, '') or (None, reason) where reason is '' (empty/unknown), 'bad' or 'year'.

    ``date1904``: the workbook counts serial numbers from 1904-01-01 (Mac Excel's date
    system); date cells come already converted, but plain numbers need the offset."""
    if value is None:
        return None, ""
    if isinstance(value, _dt.datetime):
        d = value.date()
        return (d, "") if _MIN_DATE <= d <= _MAX_DATE else (None, "bad")
    if isinstance(value, _dt.date):
        return (value, "") if _MIN_DATE <= value <= _MAX_DATE else (None, "bad")
    if isinstance(value, bool):
        return None, "bad"
    if isinstance(value, (int, float)):
        return _number_to_date(float(value), date1904=date1904)
    if not isinstance(value, str):
        return None, "bad"
    s = unicodedata.normalize("NFKC", value).strip().casefold()
    if s == "":
        return None, ""
    if "年" in s:                      # '2019 年 3 月 5 日' -> '2019年3月5日'
        s = _CHINESE_SPACES.sub(r"\1", s)
    for rx, order in ((_YMD, "ymd"), (_CHINESE, "ymd"), (_DMY_DOTS, "dmy")):
        m = rx.fullmatch(s)
        if m:
            a, b, c = m.groups()
            d = _ymd(a, b, c) if order == "ymd" else _ymd(c, b, a)
            return (d, "") if d else (None, "bad")
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return _number_to_date(float(s), compact=s if len(s) == 8 and s.isdigit() else None,
                               date1904=date1904)
    if is_unknown_word(s):
        return None, ""
    return None, "bad"


def _number_to_date(n: float, compact: str | None = None,
                    date1904: bool = False) -> tuple[_dt.date | None, str]:
    if math.isnan(n):
        return None, ""
    if n.is_integer() and 19000101 <= n <= 21001231:
        m = _COMPACT.fullmatch(compact or str(int(n)))
        d = _ymd(*m.groups()) if m else None
        return (d, "") if d else (None, "bad")
    if n.is_integer() and 1900 <= n <= 2100:
        return None, "year"
    d = excel_serial_to_date(n + DAYS_1904 if date1904 and n >= 0 else n)
    return (d, "") if d else (None, "bad")


def _parse_date_unique(f: cb.Field, value: object, date1904: bool = False):
    d, reason = to_date(value, date1904=date1904)
    if d is not None or reason == "":
        return d, None
    text = _quote(cell_text(value))
    if reason == "year":
        msg = N_(f"{_label(f)} '{text}' looks like a year only; "
                 f"write the full date, such as 2019-03-05.")
    elif (m := _AMBIGUOUS_DATE.match(cell_text(value).strip())) and int(m[1]) <= 12 and int(m[2]) <= 12:
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        msg = N_(f"{_label(f)} '{text}' could be read day-first or month-first; write it as "
                 f"{y:04d}-{b:02d}-{a:02d} or {y:04d}-{a:02d}-{b:02d}, whichever is meant.")
    elif (m := _AMBIGUOUS_DATE.match(cell_text(value).strip())) and _valid_day_month(m):
        day, month = (int(m[1]), int(m[2])) if int(m[1]) > 12 else (int(m[2]), int(m[1]))
        msg = N_(f"{_label(f)} '{text}' is not in year-month-day order; write it as "
                 f"{int(m[3]):04d}-{month:02d}-{day:02d}.")
    else:
        msg = N_(f"{_label(f)} '{text}' is not a date this program can read; "
                 f"write it as year-month-day, such as 2019-03-05.")
    return None, (ERROR, "bad_date", msg)


def _valid_day_month(m: re.Match) -> bool:
    """One of the two numbers is a day above 12 and the other a month."""
    a, b = int(m[1]), int(m[2])
    return (12 < a <= 31 and 1 <= b <= 12) or (12 < b <= 31 and 1 <= a <= 12)


#: 03/05/2016 or 03-05-2016: day and month cannot be told apart when both are ≤ 12.
_AMBIGUOUS_DATE = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$")


# ---------------------------------------------------------------- codes / yes-no / text


def _parse_code_unique(f: cb.Field, value: object):
    key = _word(value)
    if key == "":
        return None, None
    table = CODE_TABLES[f.name]
    if key in table:
        return table[key], None
    if key in _UNKNOWN or key == "?":
        if key in _NOT_KNOWN and "unknown" in f.code_labels():
            return "unknown", None
        return None, None
    allowed = ", ".join(c.label for c in f.codes)
    return None, (ERROR, "bad_code",
                  N_(f"{_label(f)} '{_quote(cell_text(value))}' is not one of the allowed values "
                     f"({allowed})."))


def _parse_yesno_unique(f: cb.Field, value: object):
    key = _word(value)
    if key == "" or key in _UNKNOWN:
        return None, None
    if key in _YES:
        return True, None
    if key in _NO:
        return False, None
    return None, (ERROR, "bad_yesno",
                  N_(f"{_label(f)} '{_quote(cell_text(value))}' is not yes or no; "
                     f"write Yes, No or Unknown."))


def _parse_text_unique(f: cb.Field, value: object):
    text = cell_text(value)
    return (text or None), None


# ---------------------------------------------------------------- driver


def _factorize(values: Sequence[object]) -> tuple[np.ndarray, np.ndarray]:
    arr = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
    if arr.dtype != object:
        arr = arr.astype(object)
    codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    return codes, np.asarray(uniques, dtype=object)


def _broadcast(per_unique: list, codes: np.ndarray, missing, dtype=object) -> np.ndarray:
    # Index -1 (empty cell) picks the appended ``missing`` sentinel.
    table = np.empty(len(per_unique) + 1, dtype=dtype)
    table[:-1] = per_unique
    table[-1] = missing
    return table[codes]


def _issues(problems: list, codes: np.ndarray) -> list[Issue]:
    flagged = np.array([p is not None for p in problems] + [False], dtype=bool)
    positions = np.flatnonzero(flagged[codes])
    return [Issue(int(pos), *problems[codes[pos]]) for pos in positions]


_UNIQUE_PARSERS: dict[str, Callable] = {
    cb.ID: _parse_text_unique,
    cb.TEXT: _parse_text_unique,
    cb.INTEGER: _parse_number_unique,
    cb.NUMBER: _parse_number_unique,
    cb.DATE: _parse_date_unique,
    cb.CODE: _parse_code_unique,
    cb.YESNO: _parse_yesno_unique,
}


def parse_column(f: cb.Field, values: Sequence[object], *, date1904: bool = False) -> Parsed:
    """Typed values, cell text and issues for one column of raw cells of field ``f``.

    ``date1904``: plain numbers in a date column count from 1904-01-01 (see :func:`to_date`).

    dtypes: id/text/code -> object (``str`` or None); date -> ``datetime64[ns]``;
    integer/number/percent -> float64; yes/no -> pandas ``boolean``.
    """
    codes, uniques = _factorize(values)
    texts = [cell_text(u) for u in uniques]
    text = _broadcast(texts, codes, "")
    if f.type == cb.PERCENT:
        vals, problems = _percent_uniques(f, uniques, texts)
    else:
        parser = _UNIQUE_PARSERS[f.type]
        if f.type == cb.DATE and date1904:
            pairs = [_parse_date_unique(f, u, True) for u in uniques]
        else:
            pairs = [parser(f, u) for u in uniques]
        vals = [p[0] for p in pairs]
        problems = [p[1] for p in pairs]
    issues = _issues(problems, codes)
    if f.type == cb.DATE:
        table = np.array([np.datetime64(v, "D") if v is not None else np.datetime64("NaT")
                          for v in vals] + [np.datetime64("NaT")], dtype="datetime64[ns]")
        series = pd.Series(table[codes], dtype="datetime64[ns]")
    elif f.type in (cb.INTEGER, cb.NUMBER, cb.PERCENT):
        table = np.array([np.nan if v is None else v for v in vals] + [np.nan], dtype=float)
        series = pd.Series(table[codes], dtype="float64")
    elif f.type == cb.YESNO:
        series = pd.Series(pd.array(list(_broadcast(vals, codes, None)), dtype="boolean"))
    else:
        series = pd.Series(_broadcast(vals, codes, None), dtype=object)
    return Parsed(series, text, issues)


def _percent_uniques(f: cb.Field, uniques: np.ndarray, texts: list[str]):
    parsed: list[tuple[float | None, str | None]] = []
    for u, t in zip(uniques, texts):
        if t == "":
            parsed.append((None, "empty"))
        elif isinstance(u, (int, float)) and not isinstance(u, bool):
            v = float(u)
            parsed.append((None, "empty") if math.isnan(v) else (v, "num"))
        elif is_unknown_word(t):
            parsed.append((None, "empty"))
        else:
            parsed.append(_pct_text(t))
    plain = [v for v, k in parsed if k == "num"]
    fractions = bool(plain) and all(0 <= v <= 1 for v in plain) and \
        any(not float(v).is_integer() for v in plain)
    vals: list[float | None] = []
    problems: list = []
    label = _label(f)
    for (v, kind), t in zip(parsed, texts):
        if kind == "num" and fractions:
            v = v * 100
        vals.append(v)
        if kind is None:
            problems.append((ERROR, "bad_number",
                             N_(f"{label} '{_quote(t)}' is not a percentage this program can read; "
                                f"write a number such as 45 or 45%.")))
        elif kind in ("range", "bound"):
            problems.append((WARNING, "percent_range",
                             N_(f"{label} '{_quote(t)}' is not a single value; "
                                f"{v:g} was used, so write one number if it is known.")))
        else:
            problems.append(None)
    return vals, problems


def empty_column(f: cb.Field, n: int = 0) -> pd.Series:
    """An all-missing column of ``f``'s dtype and length ``n``."""
    if f.type == cb.DATE:
        return pd.Series(np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"))
    if f.type in (cb.INTEGER, cb.NUMBER, cb.PERCENT):
        return pd.Series(np.full(n, np.nan), dtype="float64")
    if f.type == cb.YESNO:
        return pd.Series(pd.array([None] * n, dtype="boolean"))
    return pd.Series([None] * n, dtype=object)
