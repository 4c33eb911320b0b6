"""The synthetic sample study (placeholder: crf_from_forms only; generator follows)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..crf import codebook as cb
from ..crf.model import ROW_COL, SHEET_COL, CRFData


def typed_form(form: str, frame: pd.DataFrame | None) -> pd.DataFrame:
    """A form table with every codebook column, typed as the reader types them."""
    frame = pd.DataFrame() if frame is None else frame.reset_index(drop=True)
    out = pd.DataFrame(index=frame.index)
    for f in cb.fields_of(form):
        col = frame[f.name] if f.name in frame else pd.Series([None] * len(frame), index=frame.index)
        if f.type == cb.DATE:
            out[f.name] = pd.to_datetime(col, errors="coerce")
        elif f.type in (cb.NUMBER, cb.PERCENT, cb.INTEGER):
            out[f.name] = pd.to_numeric(col, errors="coerce").astype(float)
        elif f.type == cb.YESNO:
            out[f.name] = col.astype("boolean")
        else:
            out[f.name] = col.astype("object").where(col.notna(), np.nan)
    out[SHEET_COL] = cb.FORMS[form]
    out[ROW_COL] = np.arange(len(out)) + 2
    return out


def crf_from_forms(forms: dict[str, pd.DataFrame]) -> CRFData:
    """Build :class:`CRFData` straight from canonical form tables (no Excel round trip)."""
    typed = {form: typed_form(form, forms.get(form)) for form in cb.FORMS}
    raw = {form: t.astype(str) for form, t in typed.items()}
    headers = {form: {f.name: f.header for f in cb.fields_of(form)} for form in cb.FORMS}
    return CRFData(forms=typed, raw=raw, headers=headers, layout="template")
