"""The study's tables as plain data, walked by every writer (report.xlsx, report.docx, table exports).

Each cell keeps the text a manuscript shows ("52 (11.2)", "0.66 (0.44–0.99)", "<0.001") and the
numbers behind it. A writer that can hold numbers (Excel) writes each number in a column of its
own with a number format; a writer that prints (Word) writes the text. Building the tables once
means the workbook and the document cannot disagree about a single value, and a new output
format is a new walker, not a new copy of the study's layout.
"""
from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from ..i18n import N_
from ..i18n import ENGLISH, normalise_language, translate
from ..analysis.compare import ALL, CategoricalComparison, ContinuousComparison
from ..analysis.study import StudyResults
from ..analysis.tables import BaselineTable, CountTable
from .format import (DASH, HR_NOTE, MEDIAN_NOTE, NE, NOT_ESTIMABLE, NR, REFERENCE, format_hr_with_ci,
                     format_median, format_median_ci, format_median_range, format_n_percent,
                     format_number, format_p, format_percent, format_rate_ci, is_number,
                     not_estimable_text)

#: Excel number formats (the P format shows "<0.001" while the cell stays a number).
P_FORMAT = '[<0.001]"<0.001";0.000'
INT_FORMAT = "0"
PCT_FORMAT = "0.0"
RATIO_FORMAT = "0.00"
MONTHS_FORMAT = "0.0"



@dataclass(frozen=True)
class Part:
    """One number of a column, as the workbook writes it in a column of its own."""
    header: str
    number_format: str


@dataclass(frozen=True)
class Column:
    """A column of the printed table; ``parts`` when Excel splits it into numbers ("n", "%")."""
    header: str
    parts: tuple[Part, ...] = ()


@dataclass(frozen=True)
class Cell:
    """The printed text and the numbers behind it, one per part of its column: a number, ``None``
    (blank) or a short marker such as "NR" where the number does not exist."""
    text: str = ""
    values: tuple[float | int | str | None, ...] = ()

    @property
    def is_blank(self) -> bool:
        return not self.text


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    style: str = "body"            # "body" | "heading" (a variable's name) | "section" (spans all)
    indent: int = 0


@dataclass(frozen=True)
class ReportTable:
    """One table of the report: its sheet name, caption, columns, rows and footnotes."""
    key: str                        # short name: the workbook's sheet, the document's anchor
    title: str                      # caption as the manuscript prints it
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    footnotes: tuple[str, ...] = ()
    kind: str = "table"             # "table" (a paper table) | "supplement" | "settings"


# ---- cells: the text from report.format, the numbers beside it ------------------------------


def _num(x) -> float | None:
    return float(x) if is_number(x) else None


def _pct1(fraction) -> float | None:
    """A proportion as the percentage the text prints (one decimal, half up)."""
    return float(format_number(100.0 * fraction, 1)) if is_number(fraction) else None


def text(value: object) -> Cell:
    return Cell("" if value is None else str(value))


def count(n: int | None) -> Cell:
    return Cell("" if n is None else str(int(n)), (None if n is None else int(n),))


def n_percent(n: int, total: int) -> Cell:
    pct = float(format_number(100.0 * n / total, 1)) if total else None
    return Cell(format_n_percent(int(n), int(total)), (int(n), pct))


def p_value(p: float | None) -> Cell:
    if not is_number(p):
        return Cell("")
    return Cell(format_p(p), (float(p),))


def median(value: float | None, n: int) -> Cell:
    """A KM median; "NR" (not reached) stays in the number's cell as text, so no limit is lost."""
    shown = format_median(value, n=n)
    return Cell(shown, (float(value) if is_number(value) else (None if n == 0 else NR),))


def median_ci(ci, value: float | None, n: int) -> Cell:
    if n == 0 or ci is None:
        return Cell("", (None, None))
    lo = float(ci[0]) if is_number(ci[0]) else (NE if is_number(value) else NR)
    hi = float(ci[1]) if is_number(ci[1]) else NR
    return Cell(format_median_ci(ci[0], ci[1], value), (lo, hi))


def percent(x: float | None) -> Cell:
    """A proportion (0–1) under a "%" header, one decimal."""
    if not is_number(x):
        return Cell(DASH, (None,))
    return Cell(format_percent(x, symbol=""), (float(format_percent(x, symbol="")),))


def hazard_ratio(hr, ci, ok: bool = True, reason: str = "") -> Cell:
    """"0.66 (0.44–0.99)" over three numbers: HR, lower and upper limit."""
    shown = format_hr_with_ci(hr, ci, ok)
    if shown == NOT_ESTIMABLE:
        return Cell(not_estimable_text(reason), (None, None, None))
    return Cell(shown, (float(hr), float(ci[0]), float(ci[1])))


N_PCT = (Part("n", INT_FORMAT), Part("%", PCT_FORMAT))
HR_CI = (Part("HR", RATIO_FORMAT), Part("95% CI lower", RATIO_FORMAT), Part("95% CI upper", RATIO_FORMAT))
P_PART = (Part("P", P_FORMAT),)
CI_MONTHS = (Part("95% CI lower", MONTHS_FORMAT), Part("95% CI upper", MONTHS_FORMAT))


def _col(header: str, *parts: Part) -> Column:
    return Column(header, tuple(parts))


# ---- the tables --------------------------------------------------------------------------


def flowchart_table(results: StudyResults) -> ReportTable:
    f = results.flowchart
    rows = [Row((text("Admitted"), count(f.admitted)))]
    rows += [Row((text(f"Excluded: {label}"), count(n)), indent=1) for label, n in f.excluded.items()]
    rows.append(Row((text("Excluded in total"), count(f.excluded_total))))
    rows.append(Row((text("Eligible"), count(f.eligible)), style="heading"))
    rows += [Row((text(label), count(n)), indent=1) for label, n in f.groups.items()]
    return ReportTable("Flowchart", "Fig 1. Patient selection",
                       (Column("Step"), _col("n", Part("n", INT_FORMAT))), tuple(rows),
                       kind="supplement")


def _range_cell(comp: ContinuousComparison, group: str) -> Cell:
    if comp.n[group] == 0:
        return Cell(DASH, (None, None, None))
    return Cell(format_median_range(comp.median[group], comp.minimum[group], comp.maximum[group]),
                (float(comp.median[group]), float(comp.minimum[group]),
                                          float(comp.maximum[group])))


def baseline_report_table(name: str, table: BaselineTable) -> ReportTable:
    groups = list(table.groups) + [ALL]
    columns = (Column("Characteristic"),
               *[_col(f"{g} (n = {table.group_n[g]})", *N_PCT) for g in groups],
               _col("P", *P_PART), Column("Test"))
    rows: list[Row] = []
    notes = [table.footnote] if table.footnote else []
    for comp in table.comparisons:
        if isinstance(comp, ContinuousComparison):
            rows.append(Row((text(f"{comp.label}, median (range)"),
                             *[_range_cell(comp, g) for g in groups],
                             p_value(comp.p_value), text(comp.test)), style="heading"))
        else:
            assert isinstance(comp, CategoricalComparison)
            rows.append(Row((text(comp.label), *[Cell()] * len(groups), p_value(comp.p_value),
                             text(comp.test)), style="heading"))
            for level in comp.levels:
                rows.append(Row((text(str(level)),
                                 *[n_percent(int(comp.counts.at[level, g]), int(comp.totals[g]))
                                   for g in groups], Cell(), Cell()), indent=1))
        if getattr(comp, "footnote", ""):
            notes.append(f"{comp.label}: {comp.footnote}")
    return ReportTable(name, table.title, columns, tuple(rows), tuple(notes))


def count_report_table(name: str, table: CountTable) -> ReportTable:
    groups = list(table.groups) + [ALL]
    columns = (Column("Regimen"), *[_col(f"{g} (n = {table.group_n[g]})", *N_PCT) for g in groups])
    rows = tuple(Row((text(r.level), *[n_percent(r.counts[g], table.group_n[g]) for g in groups]),
                     style="body" if r.indent else "heading", indent=r.indent)
                 for r in table.rows)
    return ReportTable(name, table.title, columns, rows,
                       (table.footnote,) if table.footnote else ())


def pcr_report_table(results: StudyResults) -> ReportTable:
    neo = results.neoadjuvant
    columns = (Column("Group"), _col("n", Part("n", INT_FORMAT)), _col("pCR", Part("pCR", INT_FORMAT)),
               _col("pCR rate, % (95% CI)", Part("pCR %", PCT_FORMAT), Part("95% CI lower", PCT_FORMAT),
                    Part("95% CI upper", PCT_FORMAT)),
               _col("P vs reference", *P_PART), Column("Test"),
               *[_col(f"MP{k}", Part(f"MP{k}", INT_FORMAT)) for k in range(1, 6)])
    width = len(columns)
    rows: list[Row] = []
    for a in neo.analyses:
        rows.append(Row((text(a.title), *[Cell()] * (width - 1)), style="section"))
        pair = {str(p.group): p for p in a.pcr.pairwise}
        for r in a.pcr.rates:
            p = pair.get(str(r.group))
            if r.rate is None:
                rate = Cell(DASH, (None, None, None))
            else:
                rate = Cell(format_rate_ci(r.rate, r.ci_low, r.ci_high, symbol=""),
                            tuple(_pct1(v) for v in (r.rate, r.ci_low, r.ci_high)))
            ref = r.group == a.pcr.reference
            grades = [count(int(a.grades.counts.at[k, r.group])) if r.group in a.grades.groups
                      else Cell() for k in a.grades.grades]
            rows.append(Row((text(str(r.group)), count(r.n), count(r.k), rate,
                             text("reference") if ref else (p_value(p.p_value) if p else Cell()),
                             text("" if ref or not p else p.test), *grades), indent=1))
        rows.append(Row((text("Overall P"), Cell(), Cell(), Cell(), p_value(a.pcr.overall.p_value),
                         text(a.pcr.overall.test), *[Cell()] * 5), indent=1))
    return ReportTable("pCR", f"Pathological complete response after neoadjuvant therapy "
                       f"(n = {neo.n})", columns, tuple(rows),
                       (neo.footnote,) if neo.footnote else ())


SURVIVAL_FOOTNOTE = (f"{DASH} in a year column: the group's follow-up ends before that time "
                     f"(R gives NA). {MEDIAN_NOTE} {HR_NOTE}")


def survival_report_table(results: StudyResults) -> ReportTable:
    columns = (Column("Group"), _col("n", Part("n", INT_FORMAT)),
               _col("Events", Part("Events", INT_FORMAT)),
               _col("Median, months", Part("Median, months", MONTHS_FORMAT)),
               _col("95% CI", *CI_MONTHS),
               *[_col(f"{y}-year, %", Part(f"{y}-year %", PCT_FORMAT)) for y in (1, 3, 5)],
               _col("HR (95% CI)", *HR_CI), _col("Cox P", *P_PART), _col("Log-rank P", *P_PART))
    width = len(columns)
    rows: list[Row] = []
    notes: list[str] = []
    for s in results.survival:
        rows.append(Row((text(s.title), *[Cell()] * (width - 1)), style="section"))
        hrs = {h.group: h for h in s.hazard_ratios}
        for i, g in enumerate(s.groups):
            h = hrs.get(g.label)
            if h is not None:
                hr = hazard_ratio(h.hazard_ratio, h.ci, h.estimable)
                cox_p = p_value(h.p_value) if h.estimable else Cell(DASH, (None,))
            else:
                hr = text(REFERENCE) if g.label == s.reference_group else Cell()
                cox_p = Cell()
            rows.append(Row((text(g.label), count(g.n), count(g.events), median(g.median, g.n),
                             median_ci(g.median_ci, g.median, g.n),
                             *[percent(g.landmarks.get(t, (float("nan"),))[0]) for t in (12.0, 36.0, 60.0)],
                             hr, cox_p,
                             p_value(s.logrank_p) if i == 0 and s.logrank_p is not None else Cell()),
                            indent=1))
        notes += [f"{s.title}: {n}" for n in s.notes]
    footnotes = [results.survival[0].footnote] if results.survival and results.survival[0].footnote else []
    return ReportTable("Survival", "Survival: Kaplan–Meier medians and rates, log-rank test and "
                       "Cox hazard ratios", columns, tuple(rows),
                       tuple(footnotes + [SURVIVAL_FOOTNOTE] + notes))


COX_FOOTNOTE = (
    "HR with Wald 95% CI and P. PH test: score test of a time-varying effect on the Kaplan–Meier "
    "time scale, as R's cox.zph; P < 0.05 flags non-proportional hazards. " + HR_NOTE +
    " Not estimable (collinear): the term is a linear combination of the others and R's coxph "
    "drops it (toler.chol).")


def _cox_rows(m, width: int, with_n: bool) -> list[Row]:
    rows = []
    for t in m.terms:
        ok = t.estimable
        cells = [text(t.label), text(f"{t.level} vs {t.reference}"),
                 hazard_ratio(t.hazard_ratio, t.ci, ok, t.not_estimable),
                 p_value(t.p_value) if ok else Cell(DASH, (None,)),
                 p_value(t.ph_p) if t.ph_p is not None else Cell()]
        if with_n:
            cells += [count(m.n), count(m.events)]
        rows.append(Row(tuple(cells + [Cell()] * (width - len(cells))), indent=1))
    return rows


def cox_report_table(results: StudyResults) -> ReportTable:
    columns = (Column("Covariate"), Column("Level vs reference"), _col("HR (95% CI)", *HR_CI),
               _col("P", *P_PART), _col("PH test P", *P_PART), _col("n", Part("n", INT_FORMAT)),
               _col("Events", Part("Events", INT_FORMAT)))
    width = len(columns)
    cox = results.cox
    title = f"Cox proportional-hazards models ({cox.ties.capitalize()} ties)" if cox else \
        "Cox proportional-hazards models"
    if cox is None:
        return ReportTable("Cox", title, columns, (), ("No Cox model could be fitted.",))
    rows: list[Row] = []
    notes: list[str] = []
    for m in cox.models:
        if m.kind != "multivariate":
            continue
        rows.append(Row((text(f"{m.endpoint}: multivariate model (n = {m.n}, events = {m.events}, "
                              f"{m.n_dropped} rows dropped for missing values)"),
                         *[Cell()] * (width - 1)), style="section"))
        rows += _cox_rows(m, width, with_n=False)
        notes += [f"{m.endpoint}: {w}" for w in (*m.warnings, *m.ph_flags)]
        if m.ph_global_p is not None:
            notes.append(f"{m.endpoint}: global proportional-hazards test P = {format_p(m.ph_global_p)}.")
    for ep in sorted({m.endpoint for m in cox.models}):
        rows.append(Row((text(f"{ep}: univariate models"), *[Cell()] * (width - 1)), style="section"))
        for m in cox.univariate(ep):
            rows += _cox_rows(m, width, with_n=True)
    return ReportTable("Cox", title, columns, tuple(rows), (COX_FOOTNOTE, *notes, *cox.notes))


def hazard_report_table(results: StudyResults) -> ReportTable:
    groups = list(results.hazard_over_time)
    columns = (Column("Year after surgery"),
               *[_col(f"{g}: events / person-years", Part(f"{g} events", INT_FORMAT),
                      Part(f"{g} person-years", "0.0")) for g in groups],
               *[_col(f"{g}: per 100 person-years", Part(f"{g} per 100 person-years", "0.0"))
                 for g in groups])
    curves = [results.hazard_over_time[g] for g in groups]
    years = max((len(h.start) for h in curves), default=0)
    rows = []
    for i in range(years):
        counts, rates = [], []
        for h in curves:
            if i < len(h.start):
                py = format_number(h.person_time[i] / 12, 1)
                counts.append(Cell(f"{int(h.events[i])} / {py}", (int(h.events[i]), float(py))))
                rate = format_number(100 * 12 * h.hazard[i], 1)
                rates.append(Cell(rate, (float(rate),)))
            else:
                counts.append(Cell("", (None, None)))
                rates.append(Cell("", (None,)))
        rows.append(Row((text(f"{i}–{i + 1}"), *counts, *rates)))
    return ReportTable("Hazard by year", "Annual hazard of a DFS event, by HR status", columns,
                       tuple(rows), ("Events per person-time in each year of follow-up (constant "
                                     "hazard within the year); it shows when risk accrues, which a "
                                     "single hazard ratio averages away.",), kind="supplement")


def conversion_report_table(results: StudyResults) -> ReportTable:
    c = results.conversion
    columns = (Column("Receptor"), *[_col(h, *N_PCT) for h in
                                     ("Concordant", "Positive → negative", "Negative → positive",
                                      "Discordant")])
    rows = tuple(Row((text(r.receptor), *[n_percent(r.counts[k], r.n) for k in
                                          ("concordant", "pos->neg", "neg->pos")],
                      n_percent(r.discordant, r.n))) for r in c.rows)
    return ReportTable("Conversion", f"Table S7. Receptor conversion, primary → metastasis (n = {c.n})",
                       columns, rows, (c.footnote,) if c.footnote else ())


def followup_note(results: StudyResults) -> str:
    parts = [f"{f.group} {format_number(f.reverse_km_median, 0)}" for f in results.followup
             if is_number(f.reverse_km_median)]
    if not parts:
        return ""
    return (f"Median follow-up by reverse Kaplan–Meier (months): {', '.join(parts)}. Follow-up "
            "runs from diagnosis to death or last contact, capped at the cutoff.")


def paper_items_table(results: StudyResults) -> ReportTable:
    """Every item of the paper under its number, with what it counts and any caution."""
    columns = (Column("Item"), Column("Caption"), Column("Population"),
               _col("n", Part("n", INT_FORMAT)), Column("Cautions"))
    rows = tuple(Row((text(i.id), text(i.caption), text(i.population), count(i.n),
                      text(" ".join(i.cautions))))
                 for i in getattr(results, "paper", ()))
    return ReportTable("Paper items", "The paper's figures and tables, item by item", columns,
                       rows, ("Each item's numbers: the sheets that follow, and the 'Paper pairs' "
                              "sheet for every pair of groups its text compares.",),
                       kind="supplement")


def paper_pairs_table(results: StudyResults) -> ReportTable:
    """Every pair of groups the paper's items compare (all pairs, not only one reference)."""
    columns = (Column("Comparison"), _col("n", Part("n", INT_FORMAT)),
               _col("Rate, %", Part("Rate %", PCT_FORMAT)),
               _col("Reference rate, %", Part("Reference rate %", PCT_FORMAT)),
               _col("HR (95% CI)", *HR_CI), _col("P", *P_PART), _col("P adjusted", *P_PART),
               Column("Test"), Column("Paper"))
    width = len(columns)
    rows: list[Row] = []
    feet: list[str] = []
    for item in getattr(results, "paper", ()):
        if not item.pairs:
            continue
        rows.append(Row((text(f"{item.id}. {item.caption}"), *[Cell()] * (width - 1)),
                        style="section"))
        for p in item.pairs:
            label = f"{p.group} vs {p.reference}" + (f" ({p.within})" if p.within else "")
            hr = (hazard_ratio(p.hazard_ratio, p.ci) if p.test == "log-rank"
                  else Cell("", (None, None, None)))
            rows.append(Row((text(label), count(p.n), percent(p.rate),
                             percent(p.rate_reference), hr, p_value(p.p_value),
                             p_value(p.p_adjusted), text(p.test), text(p.stated)), indent=1))
        for c in item.cautions:
            feet.append(f"{item.id}: {c}")
        if item.footnote and item.footnote not in feet:
            feet.append(item.footnote)
    return ReportTable("Paper pairs", "Every pair of groups the paper's items compare", columns,
                       tuple(rows), tuple(feet), kind="supplement")


def table_s3_report_table(results: StudyResults) -> ReportTable | None:
    """Table S3: neoadjuvant regimens and HER2 heterogeneity by HR status, with their tests."""
    item = next((i for i in getattr(results, "paper", ()) if i.id == "Table S3"), None)
    if item is None:
        return None
    reg, het = item.values["regimens"], item.values["her2_heterogeneity"]
    groups = list(next(iter(reg["counts"].values())).keys()) if reg["counts"] else []
    columns = (Column(""), *[_col(g, *N_PCT) for g in groups], _col("P", *P_PART))
    totals = {g: sum(reg["counts"][r][g] for r in reg["counts"]) for g in groups}
    rows = [Row((text("Neoadjuvant regimen"), *[Cell()] * len(groups),
                 p_value(reg["p_value"])), style="heading")]
    rows += [Row((text(r), *[n_percent(c[g], totals[g]) for g in groups], Cell()), indent=1)
             for r, c in reg["counts"].items()]
    by = het["by_group"]
    rows.append(Row((text("HER2 heterogeneity (MBC with ≥ 2 HER2 assays)"),
                     *[n_percent(by[g]["heterogeneous"], by[g]["assessed"]) if g in by else Cell()
                       for g in groups], p_value(het["p_value"])), style="heading"))
    return ReportTable("Table S3", f"Table S3. {item.caption}", columns, tuple(rows),
                       (item.footnote,) if item.footnote else ())


def translate_table(table: ReportTable, language: str) -> ReportTable:
    """The table with its caption, headers, row text and footnotes in ``language``;
    the numbers behind the cells are unchanged."""
    if normalise_language(language) == ENGLISH:
        return table
    tr = partial(translate, language=language)
    columns = tuple(replace(c, header=tr(c.header), parts=tuple(replace(p, header=tr(p.header)) for p in c.parts))
                    for c in table.columns)
    rows = tuple(replace(r, cells=tuple(replace(c, text=tr(c.text)) for c in r.cells)) for r in table.rows)
    return replace(table, title=tr(table.title), columns=columns, rows=rows,
                   footnotes=tuple(tr(f) for f in table.footnotes))


def _table1(results: StudyResults) -> ReportTable:
    table = baseline_report_table("Table 1", results.tables["table1"])
    note = followup_note(results)
    return dataclasses.replace(table, footnotes=(*table.footnotes, note)) if note else table


#: Every table of the report in the paper's order: (sheet name, builder). The builder returns the
#: table under that key, or None when the study has nothing for it (Table S3 without the paper's
#: item). report.xlsx's sheet list (excel_report.SHEETS) and report.docx both come from here.
REPORT_TABLES: tuple[tuple[str, Callable[[StudyResults], ReportTable | None]], ...] = (
    ("Flowchart", flowchart_table),
    ("Table 1", _table1),
    ("Table 2", lambda r: baseline_report_table("Table 2", r.tables["table2"])),
    ("Table 3", lambda r: baseline_report_table("Table 3", r.tables["table3"])),
    ("Table 4", lambda r: count_report_table("Table 4", r.tables["table4"])),
    ("pCR", pcr_report_table),
    ("Survival", survival_report_table),
    ("Hazard by year", hazard_report_table),
    ("Cox", cox_report_table),
    ("Conversion", conversion_report_table),
    ("Table S3", table_s3_report_table),
    ("Paper items", paper_items_table),
    ("Paper pairs", paper_pairs_table),
)
REPORT_TABLE_KEYS: tuple[str, ...] = tuple(key for key, _ in REPORT_TABLES)


#: The study setting ``p_adjust`` in a footnote's words (the Paper pairs sheet names its own).
_ADJUSTED_PAIRS = {"holm": "Holm-adjusted", "BH": "Benjamini–Hochberg-adjusted"}


def multiplicity_note(method: str) -> str:
    """The footnote every table with a P value carries: what was done for multiplicity.

    The study setting ``p_adjust`` adjusts the pairwise comparisons of the paper's items
    (sheet "Paper pairs"); the other P values are single tests and stay unadjusted, which the
    note says in either case.
    """
    if method in _ADJUSTED_PAIRS:
        return N_(f"P values unadjusted for multiplicity; the paper's pairwise comparisons (Paper "
                  f"pairs) are {_ADJUSTED_PAIRS[method]} within each item (setting p_adjust = "
                  f"{method}).")
    return N_("P values unadjusted for multiplicity (as the paper; setting p_adjust = none).")


def _shows_p(table: ReportTable) -> bool:
    return any(part.number_format == P_FORMAT for c in table.columns for part in c.parts)


def with_multiplicity_note(table: ReportTable, method: str) -> ReportTable:
    """``table`` with :func:`multiplicity_note` when it shows a P and no footnote names the
    multiplicity adjustment yet."""
    if not _shows_p(table) or any("multiplicity" in f for f in table.footnotes):
        return table
    return replace(table, footnotes=(*table.footnotes, multiplicity_note(method)))


def study_report_tables(results: StudyResults, language: str = ENGLISH) -> tuple[ReportTable, ...]:
    """Every table of the study, in the paper's order (text in ``language``, English by default)."""
    tables = []
    method = getattr(results.settings, "p_adjust", "none")
    for key, build in REPORT_TABLES:
        table = build(results)
        if table is None:
            continue
        if table.key != key:
            raise ValueError(f"The report table registered as {key!r} is keyed {table.key!r}.")
        tables.append(with_multiplicity_note(table, method))
    return tuple(translate_table(t, language) for t in tables)


__all__ = ["Cell", "Column", "Part", "REPORT_TABLES", "REPORT_TABLE_KEYS", "ReportTable", "Row", "study_report_tables", "translate_table", "P_FORMAT"]
