"""Words every page shares: P values as the paper prints them (from report.format), and
readable names for the derived cohort's columns."""
from __future__ import annotations

import math
import re
from functools import lru_cache

from ..report.format import format_p


def p_text(p: float | None, none: str = "—") -> str:
    """ "0.031", "<0.001"; ``none`` when there is no finite P (no test was possible)."""
    if p is None or not math.isfinite(float(p)):
        return none
    return format_p(p)


def p_phrase(label: str, p: float | None) -> str:
    """ "Log-rank P = 0.031" or "P <0.001": an equals sign only before a number."""
    text = p_text(p)
    return f"{label} {text}" if text[:1] in "<>" else f"{label} = {text}"


#: Cohort columns whose readable name is not a Table 1–3 row label (or reads better otherwise).
COLUMN_LABELS: dict[str, str] = {
    "patient_id": "Patient",
    "eligible": "Eligible",
    "exclusion_reason": "Excluded because",
    "exclusion_fields": "Fields behind it",
    "age_group": "Age group",
    "hr_status": "HR status",
    "er_pr_subgroup": "ER/PR subgroup",
    "her2_positive": "HER2 positive",
    "mbc": "MBC",
    "de_novo": "De novo MBC",
    "pcr": "pCR",
    "miller_payne_grade": "Miller–Payne grade",
    "neoadjuvant_regimen": "Neoadjuvant regimen",
    "first_line_class": "First-line regimen",
    "first_line_targets": "HER2 targets",
    "first_line_subclass": "First-line regimen detail",
    "first_line_endocrine_any": "First-line endocrine therapy",
    "sequential_endocrine": "Endocrine maintenance",
    "her2_heterogeneity": "HER2 heterogeneous",
    "receptor_conversion_assessable": "Receptor conversion assessable",
}

#: Words kept in capitals (or their usual spelling) when a column name is prettified.
_WORDS = {"er": "ER", "pr": "PR", "hr": "HR", "her2": "HER2", "os": "OS", "dfs": "DFS", "pfs": "PFS",
          "mbc": "MBC", "ecog": "ECOG", "ps": "PS", "tnm": "TNM", "ki67": "Ki-67", "cns": "CNS",
          "pcr": "pCR", "ihc": "IHC", "fish": "FISH", "id": "ID"}


@lru_cache(maxsize=1)
def _table_labels() -> dict[str, str]:
    from ..analysis.tables import TABLE1_ROWS, TABLE2_ROWS, TABLE3_ROWS

    out: dict[str, str] = {}
    for row in (*TABLE1_ROWS, *TABLE2_ROWS, *TABLE3_ROWS):
        out.setdefault(row.variable, row.label)
    return out


def pretty_name(column: str) -> str:
    """ "os_months" -> "OS (months)", "first_line_start" -> "First-line start"."""
    name = str(column).strip("_")
    unit = ""
    m = re.fullmatch(r"(.+)_(months|days|years)", name)
    if m:
        name, unit = m.group(1), f" ({m.group(2)})"
    name = name.replace("first_line", "first-line")
    words = [_WORDS.get(w.lower(), w) for w in name.split("_") if w]
    if not words:
        return str(column)
    first = words[0]
    if first == first.lower():
        words[0] = first[:1].upper() + first[1:]
    return " ".join(words) + unit


def fields_text(fields: object) -> object:
    """An exclusion's fields as one cell: "er_percent (Patients row 17); pr_percent"."""
    if isinstance(fields, (tuple, list)):
        return "; ".join(str(f) for f in fields) if fields else None
    return fields


def column_label(column: str, overrides: dict[str, str] | None = None) -> str:
    """The header for a cohort column: ``overrides``, then ``COLUMN_LABELS``, then the
    row label of Tables 1–3 (analysis.tables), else a prettified name."""
    for table in (overrides or {}, COLUMN_LABELS, _table_labels()):
        if column in table:
            return table[column]
    return pretty_name(column)
