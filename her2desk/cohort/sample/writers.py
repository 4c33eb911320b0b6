"""Files of the sample study: the CRF template workbook, its planted-error record, the flat copy.

``write_sample_workbook`` writes the template layout (``resources/sample_study.xlsx``);
``write_planted_record`` the generator's record of the errors it planted, as JSON beside
the workbook (``resources/sample_study_planted.json``), so tests of the shipped workbook
read what was planted instead of keeping IDs by hand; ``write_flat_copy`` the same study as
one flat sheet the way a hospital export looks (Chinese headers and codes, mixed date
formats, shuffled columns).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from ...crf import codebook as cb
from ...crf.atomic import atomic_write
from .planted import PlantedError
from .study import generate_forms
from .targets import SEED

SAMPLE_NAME = "sample_study.xlsx"
PLANTED_NAME = "sample_study_planted.json"


def write_sample_workbook(path: str | Path, forms: dict[str, pd.DataFrame] | None = None) -> Path:
    """Write the sample study in the CRF template layout."""
    from ...crf.template import write_crf_workbook
    path = Path(path)
    write_crf_workbook(path, forms if forms is not None else generate_forms())
    return path


def write_planted_record(planted: Sequence[PlantedError], path: str | Path) -> Path:
    """The record of planted errors as JSON: one object per error (patient_id, sheet, form,
    field, rule, eligible, note), in planting order."""
    path = Path(path)
    text = json.dumps([e.as_dict() for e in planted], ensure_ascii=False, indent=1) + "\n"
    atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    return path


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def flat_headers() -> dict[str, str]:
    """Field -> Simplified Chinese header (the first Chinese synonym that names only
    that field), else the template header."""
    from ...crf.headers import match_header
    out = {}
    for f in cb.FIELDS:
        chosen = f.header
        for syn in f.synonyms:
            if _has_cjk(syn) and tuple(match_header(syn)) == (f.name,):
                chosen = syn
                break
        out[f.name] = chosen
    return out


def _flat_code(fld: cb.Field, value) -> object:
    for c in fld.codes:
        if c.code == str(value):
            cjk = [s for s in c.synonyms if _has_cjk(s)]
            return cjk[0] if cjk else c.label
    return value


def _date_text(d: pd.Timestamp, style: int) -> str:
    if style == 0:
        return d.strftime("%Y-%m-%d")
    if style == 1:
        return f"{d.year}/{d.month}/{d.day}"
    return f"{d.year}年{d.month}月{d.day}日"


def flat_table(forms: dict[str, pd.DataFrame], seed: int = SEED) -> pd.DataFrame:
    """One row per patient (first row of each sheet, first rebiopsy by date), as text/numbers
    the way a hospital export looks: Chinese headers and codes, dates in mixed formats,
    columns shuffled."""
    rng = np.random.default_rng(seed + 1)
    base = forms["patients"].drop_duplicates("patient_id")
    for form in ("treatment", "outcomes", "first_line", "rebiopsy"):
        other = forms[form]
        if form == "rebiopsy":
            other = other.sort_values(["patient_id", "rebiopsy_date"], kind="stable")
        base = base.merge(other.drop_duplicates("patient_id"), on="patient_id", how="left")
    headers = flat_headers()
    out = pd.DataFrame(index=base.index)
    for f in cb.FIELDS:
        col = base[f.name]
        if f.type == cb.DATE:
            styles = rng.integers(0, 3, len(col))
            out[headers[f.name]] = [None if pd.isna(v) else _date_text(pd.Timestamp(v), s)
                                    for v, s in zip(col, styles)]
        elif f.type == cb.YESNO:
            out[headers[f.name]] = [None if pd.isna(v) else ("是" if bool(v) else "否") for v in col]
        elif f.type == cb.CODE:
            out[headers[f.name]] = [None if pd.isna(v) else _flat_code(f, v) for v in col]
        else:
            out[headers[f.name]] = [None if pd.isna(v) else v for v in col]
    cols = list(out.columns)
    first = cols.pop(0)                                   # keep the ID first, shuffle the rest
    return out[[first] + [cols[i] for i in rng.permutation(len(cols))]]


def write_flat_copy(forms: dict[str, pd.DataFrame], path: str | Path) -> Path:
    """The same study as one flat sheet with a title row above the header."""
    from openpyxl import Workbook
    table = flat_table(forms)
    wb = Workbook()
    ws = wb.active
    ws.title = "数据导出"
    ws.append(["HER2阳性乳腺癌队列 病例数据导出"])
    ws.append(list(table.columns))
    for row in table.itertuples(index=False):
        ws.append([None if (v is None or (isinstance(v, float) and np.isnan(v))) else
                   (v.item() if isinstance(v, np.generic) else v) for v in row])
    path = Path(path)
    wb.save(path)
    return path
