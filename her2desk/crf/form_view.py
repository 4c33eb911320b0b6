"""One CRF form as the checks see it: typed columns plus where each row sits in the file.

:class:`FormView` precomputes, once per form, the patient ID, sheet name and Excel row of
every row, so a check can work on whole-column masks and only build findings for the
offending rows. The small formatting helpers word dates and numbers the way a finding
quotes them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import codebook as cb
from .model import ROW_COL, SHEET_COL, CRFData

def label_of(name: str) -> str:
    fld = cb.BY_NAME.get(name)
    return (fld.label or fld.name) if fld else name


def lower_first(text: str) -> str:
    # "Surgery date" -> "surgery date", but "HER2 IHC" / "ECOG PS" stay as they are
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def fmt_dates(values: np.ndarray) -> list[str]:
    text = pd.DatetimeIndex(values).strftime("%Y-%m-%d")
    return [t if isinstance(t, str) else "" for t in text]


def _positional(frame: pd.DataFrame) -> pd.DataFrame:
    if isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0 \
            and frame.index.step == 1:
        return frame
    return frame.reset_index(drop=True)


def as_dates(col: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        return col
    return pd.to_datetime(col, errors="coerce")


def fmt_number(value) -> str:
    if value is None or pd.isna(value):
        return ""
    value = float(value)
    # Whole numbers as digits, but not 1e308 as 309 of them.
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:g}"


def fmt_bound(value: float | None) -> str:
    return "" if value is None else fmt_number(value)


class FormView:
    """One form table with its per-row location columns precomputed."""

    def __init__(self, crf: CRFData, name: str):
        self.name = name
        frame = crf.forms.get(name)
        if frame is None:
            frame = pd.DataFrame(columns=[f.name for f in cb.fields_of(name)])
        self.frame = _positional(frame)
        raw = crf.raw.get(name)
        self.raw = _positional(raw) if raw is not None and len(raw) == len(frame) else None
        self.headers = crf.headers.get(name, {})
        n = len(self.frame)
        self.n = n
        pid = self.col("patient_id").astype("string").str.strip()
        self.pid_valid = (pid.notna() & (pid != "")).to_numpy(dtype=bool)
        self.pid = pid.fillna("").to_numpy(dtype=object)
        self.pid_series = pd.Series(self.pid, index=self.frame.index, dtype=object)
        sheet = self.frame[SHEET_COL] if SHEET_COL in self.frame else pd.Series([None] * n)
        self.sheet = sheet.astype(object).where(sheet.notna(), cb.FORMS[name]).to_numpy()
        if ROW_COL in self.frame:
            self._rows = pd.to_numeric(self.frame[ROW_COL], errors="coerce").to_numpy(float)
        else:
            self._rows = np.arange(2, n + 2, dtype=float)

    def rows_at(self, pos: np.ndarray) -> list[int | None]:
        return [None if np.isnan(r) else int(r) for r in self._rows[pos]]

    def has(self, field: str) -> bool:
        return field in self.frame.columns

    def col(self, field: str) -> pd.Series:
        if field in self.frame.columns:
            return self.frame[field]
        return pd.Series([pd.NA] * self.n, index=self.frame.index, dtype=object)

    def dates(self, field: str) -> pd.Series:
        return as_dates(self.col(field))

    def numbers(self, field: str) -> pd.Series:
        return pd.to_numeric(self.col(field), errors="coerce")

    def is_true(self, field: str) -> np.ndarray:
        col = self.col(field)
        return col.fillna(False).astype(bool).to_numpy() if len(col) else np.zeros(0, bool)

    def is_false(self, field: str) -> np.ndarray:
        col = self.col(field)
        if not len(col):
            return np.zeros(0, bool)
        return (col.notna() & ~col.fillna(True).astype(bool)).to_numpy()

    def codes(self, field: str) -> pd.Series:
        col = self.col(field)
        return col.astype(object).where(col.notna(), None)

    def header(self, field: str) -> str:
        if field in self.headers and self.headers[field]:
            return str(self.headers[field])
        fld = cb.BY_NAME.get(field)
        return fld.header if fld else field

    def raw_values(self, field: str, pos: np.ndarray) -> list[str]:
        if self.raw is not None and field in self.raw.columns:
            vals = self.raw[field].to_numpy(dtype=object)[pos]
            out = ["" if (v is None or (not isinstance(v, str) and pd.isna(v))) else str(v)
                   for v in vals]
        else:
            out = [""] * len(pos)
        if field in self.frame.columns:     # fall back to the typed value
            typed = self.frame[field].iloc[pos].to_numpy(dtype=object)   # slice, then box
            kind = cb.BY_NAME[field].type if field in cb.BY_NAME else cb.TEXT
            for i, (text, v) in enumerate(zip(out, typed)):
                if text or v is None or (not isinstance(v, str) and pd.isna(v)):
                    continue
                if kind == cb.DATE:
                    out[i] = pd.Timestamp(v).strftime("%Y-%m-%d")
                elif kind in (cb.INTEGER, cb.NUMBER, cb.PERCENT):
                    out[i] = fmt_number(v)
                elif kind == cb.YESNO:
                    out[i] = "Yes" if bool(v) else "No"
                elif kind == cb.CODE:
                    out[i] = cb.BY_NAME[field].code_labels().get(str(v), str(v))
                else:
                    out[i] = str(v)
        return out

