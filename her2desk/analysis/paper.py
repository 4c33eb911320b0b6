"""The paper's items (Ran et al., BMC Cancer 2024), each under its own number, and their numbers.

``PAPER_ITEMS`` is the registry: every figure panel and table of the paper with its caption,
population, endpoint, grouping and the comparisons its text states. ``paper_results`` computes,
for a study, the numbers each item shows, including every pairwise comparison the text makes
(all pairs of groups, not only against one reference), with P values adjusted for multiplicity
as the study settings say (unadjusted by default, as the paper). Panels, report.xlsx and
results.json read these results, so an item reads the same everywhere.

Where the paper's captions and text disagree on a panel letter (Figs 2 and 3: the captions
put HR status in panel a, the text cites HR status as panel b) the registry follows the
captions, since the figures' own letters are the captions'.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import combinations
from typing import Hashable, Sequence

import numpy as np
import pandas as pd

from ..cohort.schema import ER_PR_GROUPS, HR_GROUPS, NEO_T, NEO_TP, NEOADJUVANT_REGIMENS
from .contingency import contingency_test
from .endpoints import (ADVANCED_OS, DFS, OS, PFS, STANDARD_COMPARISONS, ComparisonSpec,
                        SurvivalComparison, immortal_time_caution, survival_comparison)
from .multiplicity import adjustment_phrase, p_adjust
from .neoadjuvant import neoadjuvant_population
from .response import rate_by_group
from .tables import flag


@dataclass(frozen=True)
class Stated:
    """One comparison the paper's text (or a figure's P/HR panel) states.

    ``group`` against ``reference`` (``within``: the stratum, e.g. a regimen), and the value the
    paper gives, as printed.
    """
    group: str
    reference: str
    within: str = ""
    paper: str = ""


@dataclass(frozen=True)
class PaperItem:
    id: str                     # "Fig 4d", "Table S3"
    caption: str
    kind: str                   # "flowchart" | "km" | "pairs" | "pcr" | "table" | "cox"
    population: str
    endpoint: str = ""          # OS / DFS / advanced_OS / PFS / "pCR" / ""
    grouping: str = ""          # derived column
    source: str = ""            # survival key, neoadjuvant key or table key behind it
    stated: tuple[Stated, ...] = ()


def _s(group: str, reference: str, paper: str = "", within: str = "") -> Stated:
    return Stated(group, reference, within, paper)


_HRP, _HRN = HR_GROUPS
_ERPR_PAIRS = tuple(combinations(ER_PR_GROUPS, 2))
_REG_PAIRS = tuple(combinations(NEOADJUVANT_REGIMENS, 2))
_CT = NEOADJUVANT_REGIMENS[0]

#: The Cox terms the text names as independent factors (Results: "Ki-67 > 30%, HER2
#: heterogeneity, HER2 status of IHC 2+ and FISH+, positive ALNs, neoadjuvant therapy, no adjuvant
#: HER2-targeted therapy, liver metastasis, and brain/CNS metastasis ... for OS. Positive ALNs, no
#: adjuvant radiotherapy, and no adjuvant HER2-targeted therapy ... for DFS"), as (covariate,
#: level, reference) of the paper's models; a "no therapy" risk is the therapy's term read
#: the other way round (its hazard ratio below 1).
_OS_FACTORS = (("ki67_group", ">30%", "<=30%"), ("her2_heterogeneity_seen", "Yes", "No"),
               ("her2_status", "IHC 2+ and FISH+", "IHC 3+"),
               ("axillary_nodes", "Positive", "Negative"), ("neoadjuvant_therapy", "Yes", "No"),
               ("adjuvant_her2_targeted", "Yes", "No"), ("metastasis_liver", "Yes", "No"),
               ("metastasis_brain_cns", "Yes", "No"))
_DFS_FACTORS = (("axillary_nodes", "Positive", "Negative"), ("adjuvant_radiotherapy", "Yes", "No"),
                ("adjuvant_her2_targeted", "Yes", "No"))

PAPER_ITEMS: tuple[PaperItem, ...] = (
    PaperItem("Fig 1", "Flowchart of the 828 patients included in the study", "flowchart",
              "admitted patients", source="flowchart"),
    PaperItem("Fig 2a", "Efficacy of neoadjuvant therapy (Miller–Payne grades, pCR) by HR status",
              "pcr", "patients with neoadjuvant therapy", "pCR", "hr_status", "hr",
              (_s(_HRP, _HRN, "34.7% vs 45.9%, P < 0.001"),)),
    PaperItem("Fig 2b", "Efficacy of neoadjuvant therapy (Miller–Payne grades, pCR) by ER/PR "
              "subgroup", "pcr", "patients with neoadjuvant therapy", "pCR", "er_pr_subgroup",
              "erpr", tuple(_s("ER+/PR+", b, "32.7% vs 37.8% vs 40.0% vs 45.9%, all P < 0.05")
                            for b in ER_PR_GROUPS[1:])),
    PaperItem("Fig 3a", "pCR rates by neoadjuvant regimen and HR status", "pcr",
              "patients with neoadjuvant therapy", "pCR", "hr_status", "regimen_by_hr",
              tuple(_s(r, _CT, "all P < 0.001", within=hr) for hr in HR_GROUPS
                    for r in NEOADJUVANT_REGIMENS[1:])
              + tuple(_s(NEO_TP, NEO_T, "P < 0.001", within=hr) for hr in HR_GROUPS)
              + tuple(_s(_HRP, _HRN, "both P < 0.05", within=r) for r in (NEO_T, NEO_TP))),
    PaperItem("Fig 3b", "pCR rates by neoadjuvant regimen and ER/PR subgroup", "pcr",
              "patients with neoadjuvant therapy", "pCR", "er_pr_subgroup", "regimen_by_erpr",
              tuple(_s(NEO_TP, NEO_T, "all P < 0.05", within=g) for g in ER_PR_GROUPS)
              + (_s("ER+/PR+", "ER+/PR-", "14.3% vs 28.6%, P < 0.05", within=NEO_T),
                 _s("ER+/PR+", "ER-/PR-", "14.3% vs 30.2%, P < 0.05", within=NEO_T),
                 _s("ER+/PR+", "ER-/PR+", "53.7% vs 66.7%, P < 0.05", within=NEO_TP),
                 _s("ER+/PR+", "ER-/PR-", "53.7% vs 62.1%, P < 0.05", within=NEO_TP),
                 _s("ER+/PR+", "ER+/PR-", "53.7% vs 55.0%, P = 0.921", within=NEO_TP))),
    PaperItem("Fig 4a", "Kaplan–Meier OS in all HER2-positive patients", "km",
              "eligible patients", OS, "", "os_all"),
    PaperItem("Fig 4b", "Kaplan–Meier OS by HR status", "km", "eligible patients", OS,
              "hr_status", "os_hr", (_s(_HRP, _HRN, "P = 0.047; HR 0.67 (0.45–1.00)"),)),
    PaperItem("Fig 4c", "Kaplan–Meier OS by ER/PR subgroup", "km", "eligible patients", OS,
              "er_pr_subgroup", "os_erpr"),
    PaperItem("Fig 4d", "OS: P value and hazard ratio (95% CI) for each pair of ER/PR subgroups",
              "pairs", "eligible patients", OS, "er_pr_subgroup", "os_erpr",
              tuple(_s(a, b, "P = 0.025; HR 0.59 (0.38–0.92)" if (a, b) == ("ER+/PR+", "ER-/PR-")
                       else "") for a, b in _ERPR_PAIRS)),
    PaperItem("Fig 5a", "Kaplan–Meier DFS in all HER2-positive patients", "km",
              "eligible patients", DFS, "", "dfs_all"),
    PaperItem("Fig 5b", "Kaplan–Meier DFS by HR status", "km", "eligible patients", DFS,
              "hr_status", "dfs_hr", (_s(_HRP, _HRN, "P = 0.010; HR 0.70 (0.53–0.93)"),)),
    PaperItem("Fig 5c", "Kaplan–Meier DFS by ER/PR subgroup", "km", "eligible patients", DFS,
              "er_pr_subgroup", "dfs_erpr"),
    PaperItem("Fig 5d", "DFS: P value and hazard ratio (95% CI) for each pair of ER/PR subgroups",
              "pairs", "eligible patients", DFS, "er_pr_subgroup", "dfs_erpr",
              tuple(_s(a, b, {("ER+/PR+", "ER-/PR-"): "P < 0.001; HR 0.37 (0.27–0.51)",
                              ("ER+/PR+", "ER-/PR+"): "P = 0.042; HR 0.49 (0.19–1.25)"}
                       .get((a, b), "")) for a, b in _ERPR_PAIRS)),
    PaperItem("Fig 6a", "Kaplan–Meier advanced-OS in all patients with advanced breast cancer",
              "km", "patients with MBC", ADVANCED_OS, "", "aos_all"),
    PaperItem("Fig 6b", "Kaplan–Meier advanced-OS by HR status", "km", "patients with MBC",
              ADVANCED_OS, "hr_status", "aos_hr", (_s(_HRP, _HRN, "P = 0.378"),)),
    PaperItem("Fig 6c", "Kaplan–Meier advanced-OS by ER/PR subgroup", "km", "patients with MBC",
              ADVANCED_OS, "er_pr_subgroup", "aos_erpr"),
    PaperItem("Fig 6d", "Advanced-OS: P value and hazard ratio (95% CI) for each pair of ER/PR "
              "subgroups", "pairs", "patients with MBC", ADVANCED_OS, "er_pr_subgroup",
              "aos_erpr", tuple(_s(a, b) for a, b in _ERPR_PAIRS)),
    PaperItem("Fig 7a", "Advanced-OS in HR+/HER2+ MBC with or without first-line endocrine "
              "therapy", "km", "HR+/HER2+ patients with MBC", ADVANCED_OS,
              "first_line_endocrine_any", "aos_et",
              (_s("Endocrine therapy", "No endocrine therapy", "P < 0.001; HR 0.33 (0.18–0.59)"),)),
    PaperItem("Fig 7b", "PFS in HR+/HER2+ MBC with or without first-line endocrine therapy",
              "km", "HR+/HER2+ patients with MBC", PFS, "first_line_endocrine_any", "pfs_et",
              (_s("Endocrine therapy", "No endocrine therapy", "P < 0.001; HR 0.38 (0.25–0.58)"),)),
    PaperItem("Fig 8a", "Advanced-OS in HR+/HER2+ MBC with or without sequential endocrine "
              "therapy after first-line HER2-targeted therapy + chemotherapy", "km",
              "HR+/HER2+ MBC treated with HER2-targeted therapy + chemotherapy", ADVANCED_OS,
              "sequential_endocrine", "aos_seq",
              (_s("Endocrine maintenance", "No endocrine maintenance",
                  "P < 0.001; HR 0.05 (0.03–0.12)"),)),
    PaperItem("Fig 8b", "PFS in HR+/HER2+ MBC with or without sequential endocrine therapy",
              "km", "HR+/HER2+ MBC treated with HER2-targeted therapy + chemotherapy", PFS,
              "sequential_endocrine", "pfs_seq",
              (_s("Endocrine maintenance", "No endocrine maintenance",
                  "P < 0.001; HR 0.35 (0.21–0.57)"),)),
    PaperItem("Fig S1a", "Advanced-OS by HER2 heterogeneity", "km", "MBC with ≥ 2 HER2 assays",
              ADVANCED_OS, "her2_heterogeneity", "aos_het",
              (_s("HER2 heterogeneous", "HER2 homogeneous", "P = 0.108; HR 0.65 (0.37–1.17)"),)),
    PaperItem("Fig S1b", "PFS by HER2 heterogeneity", "km", "MBC with ≥ 2 HER2 assays", PFS,
              "her2_heterogeneity", "pfs_het",
              (_s("HER2 heterogeneous", "HER2 homogeneous", "P = 0.058; HR 0.70 (0.46–1.07)"),)),
    PaperItem("Fig S2a", "Advanced-OS by HR status in MBC with HER2 heterogeneity", "km",
              "MBC with HER2 heterogeneity", ADVANCED_OS, "hr_status", "aos_het_hr",
              (_s(_HRP, _HRN, "P = 0.890; HR 0.94 (0.37–2.37)"),)),
    PaperItem("Fig S2b", "PFS by HR status in MBC with HER2 heterogeneity", "km",
              "MBC with HER2 heterogeneity", PFS, "hr_status", "pfs_het_hr",
              (_s(_HRP, _HRN, "P = 0.056; HR 0.92 (0.45–1.90)"),)),
    PaperItem("Table 1", "Baseline clinicopathological characteristics in HER2-positive patients",
              "table", "eligible patients", grouping="hr_status", source="table1"),
    PaperItem("Table 2", "Early treatment patterns in HER2-positive patients", "table",
              "eligible patients", grouping="hr_status", source="table2"),
    PaperItem("Table 3", "Metastatic patterns in HER2-positive MBC patients", "table",
              "patients with MBC", grouping="hr_status", source="table3"),
    PaperItem("Table 4", "First-line treatment by HR status in HER2-positive MBC patients",
              "table", "patients with MBC", grouping="hr_status", source="table4",
              stated=(_s("any HER2-targeted therapy", "", "84.1% (111/132) vs 84.0% (110/131)"),
                      _s("any chemotherapy", "", "82.6% (109/132) vs 90.9% (120/131)"))),
    PaperItem("Table S1", "pCR by neoadjuvant regimen in HR+/HER2+ and HR-/HER2+ patients",
              "pcr", "patients with neoadjuvant therapy", "pCR", "hr_status", "regimen_by_hr"),
    PaperItem("Table S2", "pCR by neoadjuvant regimen in the ER/PR subgroups", "pcr",
              "patients with neoadjuvant therapy", "pCR", "er_pr_subgroup", "regimen_by_erpr"),
    PaperItem("Table S3", "Neoadjuvant regimens and HER2 heterogeneity by HR status", "table",
              "patients with neoadjuvant therapy; MBC with ≥ 2 HER2 assays", grouping="hr_status",
              source="table_s3",
              stated=(_s("HER2 heterogeneity " + _HRP, "HER2 heterogeneity " + _HRN,
                         "30.1% vs 15.7%, P = 0.021"),)),
    PaperItem("Table S5", "Univariate and multivariate Cox regression for OS", "cox",
              "eligible patients", OS, source="cox_OS",
              stated=(_s(_HRP, _HRN, "multivariate P = 0.032; HR 0.61 (0.39–0.96)",
                         within="hr_status"),
                      *(_s(level, ref, "independent risk factor", within=var)
                        for var, level, ref in _OS_FACTORS))),
    PaperItem("Table S6", "Univariate and multivariate Cox regression for DFS", "cox",
              "eligible patients", DFS, source="cox_DFS",
              stated=(_s(_HRP, _HRN, "multivariate P = 0.001; HR 0.61 (0.46–0.81)",
                         within="hr_status"),
                      *(_s(level, ref, "independent risk factor", within=var)
                        for var, level, ref in _DFS_FACTORS))),
    PaperItem("Table S7", "Receptor conversion between primary and metastatic tumours", "table",
              "MBC with receptors on primary and metastatic tissue", source="conversion"),
)
ITEM_IDS: tuple[str, ...] = tuple(i.id for i in PAPER_ITEMS)
BY_ID: dict[str, PaperItem] = {i.id: i for i in PAPER_ITEMS}


# ---- results ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PairResult:
    """One pair of groups: ``group`` against ``reference`` (within a stratum when ``within``)."""
    group: str
    reference: str
    within: str = ""
    p_value: float = float("nan")           # log-rank P (survival) or chi-square/Fisher P (pCR)
    test: str = ""
    hazard_ratio: float = float("nan")
    ci: tuple[float, float] = (float("nan"), float("nan"))
    p_adjusted: float = float("nan")
    rate: float | None = None               # pCR items: the two groups' rates
    rate_reference: float | None = None
    n: int = 0
    stated: str = ""                        # what the paper prints for this pair, if anything


@dataclass(frozen=True)
class ItemResult:
    id: str
    caption: str
    kind: str
    population: str
    endpoint: str
    grouping: str
    n: int
    pairs: tuple[PairResult, ...] = ()
    values: dict = field(default_factory=dict)      # further numbers the item shows
    cautions: tuple[str, ...] = ()
    footnote: str = ""

    def pair(self, group: str, reference: str, within: str = "") -> PairResult:
        return next(p for p in self.pairs
                    if (p.group, p.reference, p.within) == (group, reference, within))


def survival_pairs(cohort: pd.DataFrame, spec: ComparisonSpec, groups: Sequence[Hashable], *,
                   conf_type: str = "log", ties: str = "efron") -> tuple[PairResult, ...]:
    """Log-rank P and Cox HR for every pair of ``groups`` (earlier group vs later one), each on
    the pair's patients alone, as the paper's P/HR panels (Figs 4d, 5d, 6d)."""
    out = []
    column = cohort[spec.grouping].astype(object)
    for a, b in combinations(groups, 2):
        sub = cohort[column.isin([a, b]).to_numpy()]
        comp = survival_comparison(sub, replace(spec, reference=b, key=f"{spec.key}:{a}:{b}"),
                                   conf_type=conf_type, ties=ties)
        hr = next(iter(comp.hazard_ratios), None)
        out.append(PairResult(
            spec.labels.get(a, str(a)), spec.labels.get(b, str(b)),
            p_value=np.nan if comp.logrank_p is None else comp.logrank_p, test="log-rank",
            hazard_ratio=np.nan if hr is None else hr.hazard_ratio,
            ci=(np.nan, np.nan) if hr is None else hr.ci, n=sum(g.n for g in comp.groups)))
    return tuple(out)


def rate_pairs(success: pd.Series, groups: pd.Series, order: Sequence[Hashable],
               within: str = "") -> tuple[PairResult, ...]:
    """pCR: a 2×2 test (chi-square, Fisher when an expected count < 5) for every pair of groups."""
    out = []
    present = [g for g in order if (groups == g).any()]
    for a, b in combinations(present, 2):
        sel = groups.isin([a, b]).to_numpy()
        res = rate_by_group(success[sel], groups[sel].astype(object), reference=b,
                            group_order=[a, b])
        test = res.pairwise[0]
        out.append(PairResult(str(a), str(b), within,
                              np.nan if test.p_value is None else float(test.p_value),
                              test.test or "", rate=res.rates[0].rate,
                              rate_reference=res.rates[1].rate,
                              n=res.rates[0].n + res.rates[1].n))
    return tuple(out)


def _adjusted(pairs: Sequence[PairResult], method: str) -> tuple[PairResult, ...]:
    adj = p_adjust([p.p_value for p in pairs], method)
    return tuple(replace(p, p_adjusted=a) for p, a in zip(pairs, adj))


def _with_stated(pairs: Sequence[PairResult], item: PaperItem) -> tuple[PairResult, ...]:
    said = {(s.group, s.reference, s.within): s.paper for s in item.stated}
    return tuple(replace(p, stated=said.get((p.group, p.reference, p.within), "")) for p in pairs)


def heterogeneity_test(by_group: dict[str, tuple[int, int]]) -> tuple[float | None, str]:
    """HER2 heterogeneity by HR status (Table S3): the 2×2 test of the paper's rule."""
    cols = [by_group.get(g, (0, 0)) for g in HR_GROUPS]
    table = np.array([[h for _, h in cols], [a - h for a, h in cols]], dtype=np.int64)
    if table.sum(axis=0).min() == 0:
        return None, ""
    res = contingency_test(table)
    return res.p_value, res.test or ""


def table4_totals(cohort: pd.DataFrame) -> dict[str, dict[str, list[int]]]:
    """Table 4's totals the text quotes: any HER2-targeted therapy / any chemotherapy in first
    line, per HR group, as [patients, MBC patients of the group]."""
    mbc = cohort[flag(cohort["eligible"]) & flag(cohort["mbc"])]
    cls = mbc["first_line_class"].astype(object).fillna("")
    kinds = {"any HER2-targeted therapy": cls.str.contains("HER2-targeted"),
             "any chemotherapy": cls.str.contains("chemotherapy")}
    out: dict[str, dict[str, list[int]]] = {}
    for name, mask in kinds.items():
        out[name] = {g: [int((mask & (mbc["hr_status"] == g)).sum()),
                         int((mbc["hr_status"] == g).sum())] for g in HR_GROUPS}
    return out


def regimen_by_hr_table(cohort: pd.DataFrame) -> dict:
    """Table S3's first part: neoadjuvant regimens by HR status, with the overall test."""
    frame = cohort[flag(cohort["eligible"]) & (cohort["neoadjuvant_therapy"] == "Yes")]
    counts = np.array([[int(((frame["neoadjuvant_regimen"] == r) & (frame["hr_status"] == g)).sum())
                        for g in HR_GROUPS] for r in NEOADJUVANT_REGIMENS], dtype=np.int64)
    keep = counts.sum(axis=1) > 0
    res = contingency_test(counts[keep]) if keep.sum() >= 2 and (counts.sum(axis=0) > 0).all() \
        else None
    return {"counts": {r: dict(zip(HR_GROUPS, map(int, row)))
                       for r, row in zip(NEOADJUVANT_REGIMENS, counts)},
            "p_value": None if res is None else res.p_value,
            "test": None if res is None else res.test}


def paper_results(cohort: pd.DataFrame, results) -> tuple[ItemResult, ...]:
    """Every item of the registry computed on this study (``results``: its StudyResults)."""
    settings = results.settings
    method = settings.p_adjust
    phrase = adjustment_phrase(method)
    surv = {s.key: s for s in results.survival}
    specs = {s.key: s for s in STANDARD_COMPARISONS}
    neo = neoadjuvant_population(cohort)
    out: list[ItemResult] = []
    for item in PAPER_ITEMS:
        base = dict(id=item.id, caption=item.caption, kind=item.kind, population=item.population,
                    endpoint=item.endpoint, grouping=item.grouping)
        cautions = tuple(c for c in [immortal_time_caution(item.grouping, item.endpoint)] if c)
        if item.kind in ("km", "pairs"):
            comp: SurvivalComparison = surv[item.source]
            n = sum(g.n for g in comp.groups)
            values = {"groups": [{"label": g.label, "n": g.n, "events": g.events,
                                  "median_months": g.median, "median_ci": g.median_ci}
                                 for g in comp.groups],
                      "logrank_p": comp.logrank_p}
            if item.kind == "pairs":
                order = [g.label for g in comp.groups]
                raw = [k for k in ER_PR_GROUPS if k in order]
                pairs = survival_pairs(cohort, specs[item.source], raw,
                                       conf_type=settings.km_conf_type, ties=settings.cox_ties)
            else:
                pairs = tuple(PairResult(h.group, h.reference, p_value=h.logrank_p,
                                         test="log-rank", hazard_ratio=h.hazard_ratio, ci=h.ci,
                                         n=n) for h in comp.hazard_ratios)
            pairs = _with_stated(_adjusted(pairs, method), item)
            foot = f"{comp.footnote} {phrase}."
            out.append(ItemResult(**base, n=n, pairs=pairs, values=values, cautions=cautions,
                                  footnote=foot))
        elif item.kind == "pcr":
            pairs, values = _pcr_item(item, neo)
            pairs = _with_stated(_adjusted(pairs, method), item)
            foot = f"{results.neoadjuvant.footnote} {phrase}."
            out.append(ItemResult(**base, n=len(neo), pairs=pairs, values=values, footnote=foot))
        elif item.kind == "flowchart":
            flow = results.flowchart
            out.append(ItemResult(**base, n=flow.eligible, values={
                "admitted": flow.admitted, "excluded": dict(flow.excluded),
                "eligible": flow.eligible, "groups": dict(flow.groups)}))
        elif item.kind == "cox":
            out.append(_cox_item(item, base, results))
        elif item.source == "table_s3":
            het = results.heterogeneity
            by = {} if het is None else dict(het.by_group)
            p, test = heterogeneity_test(by)
            values = {"regimens": regimen_by_hr_table(cohort),
                      "her2_heterogeneity": {
                          "by_group": {g: {"assessed": a, "heterogeneous": h,
                                           "percent": (100.0 * h / a) if a else None}
                                       for g, (a, h) in by.items()},
                          "p_value": p, "test": test}}
            out.append(ItemResult(**base, n=len(neo), values=values,
                                  footnote="Chi-square test, or Fisher's exact test when an "
                                           "expected count is below 5."))
        elif item.source == "conversion":
            conv = results.conversion
            out.append(ItemResult(**base, n=conv.n, values={
                "rows": [{"receptor": r.receptor, "n": r.n, "counts": dict(r.counts),
                          "percent": dict(r.percent)} for r in conv.rows]}))
        else:   # Tables 1–4
            table = results.tables[item.source]
            n = int(table.group_n.get("All", 0)) if hasattr(table, "group_n") else 0
            values = {"table": item.source}
            if item.source == "table4":
                values["totals"] = table4_totals(cohort)
                n = sum(v[1] for v in next(iter(values["totals"].values())).values())
            out.append(ItemResult(**base, n=n, values=values))
    return tuple(out)


def _pcr_item(item: PaperItem, neo: pd.DataFrame) -> tuple[tuple[PairResult, ...], dict]:
    """The pairs of a pCR item: by one grouping (Fig 2), or regimen × grouping (Fig 3, S1–S2)."""
    success = neo["pcr"]
    regimen = neo["neoadjuvant_regimen"].astype(object)

    def rates(mask: pd.Series | np.ndarray, groups: pd.Series, order) -> list[dict]:
        res = []
        for g in order:
            sel = np.asarray(mask) & (groups == g).to_numpy()
            k = int((success[sel] == True).sum())   # noqa: E712 - nullable
            n = int(success[sel].notna().sum())
            res.append({"group": str(g), "n": n, "pcr": k, "rate": k / n if n else None})
        return res

    everyone = np.ones(len(neo), dtype=bool)
    if item.source in ("hr", "erpr"):
        order = HR_GROUPS if item.source == "hr" else ER_PR_GROUPS
        groups = neo[item.grouping].astype(object)
        return rate_pairs(success, groups, order), {"rates": rates(everyone, groups, order)}
    order = HR_GROUPS if item.source == "regimen_by_hr" else ER_PR_GROUPS
    groups = neo[item.grouping].astype(object)
    pairs: list[PairResult] = []
    cells = []
    for g in order:            # regimen against regimen within each group
        sel = (groups == g).to_numpy()
        # the more intensive regimen against the less intensive one, as the text reads
        pairs += rate_pairs(success[sel], regimen[sel], NEOADJUVANT_REGIMENS[::-1], within=g)
        cells += [dict(r, within=g) for r in rates(sel, regimen, NEOADJUVANT_REGIMENS)]
    for r in NEOADJUVANT_REGIMENS:   # group against group within each regimen
        sel = (regimen == r).to_numpy()
        pairs += rate_pairs(success[sel], groups[sel], order, within=r)
    return tuple(pairs), {"rates": cells}


def stated_value(result: ItemResult, stated: Stated) -> float | None:
    """The study's P value for a comparison the paper states (None when it has none)."""
    if result.pairs:
        return result.pair(stated.group, stated.reference, stated.within).p_value
    if result.id == "Table S3":
        return result.values["her2_heterogeneity"]["p_value"]
    if result.id == "Table 4":
        n_pos, n_neg = result.values["totals"][stated.group].values()
        return float(n_pos[0] + n_neg[0])
    if result.kind == "cox":    # the multivariate term: ``within`` is its covariate
        multi = result.values.get("multivariate") or {"terms": []}
        term = next((t for t in multi["terms"] if t["variable"] == (stated.within or "hr_status")
                     and t["level"] == stated.group and t["reference"] == stated.reference), None)
        return None if term is None else term["p_value"]
    return None


def _cox_item(item: PaperItem, base: dict, results) -> ItemResult:
    from .cox_models import model_cautions

    cox = results.cox
    endpoint = item.endpoint
    values: dict = {"univariate": [], "multivariate": None}
    cautions: tuple[str, ...] = ()
    n = 0
    if cox is not None:
        values["univariate"] = [_terms(m) for m in cox.univariate(endpoint)]
        try:
            multi = cox.multivariate(endpoint)
        except StopIteration:
            multi = None
        if multi is not None:
            values["multivariate"] = _terms(multi)
            n = multi.n
            cautions = model_cautions(multi)
    return ItemResult(**base, n=n, values=values, cautions=cautions)


def _terms(model) -> dict:
    return {"variables": list(model.variables), "n": model.n, "events": model.events,
            "terms": [{"variable": t.variable, "level": t.level, "reference": t.reference,
                       "hazard_ratio": t.hazard_ratio, "ci": list(t.ci), "p_value": t.p_value,
                       "estimable": t.estimable} for t in model.terms]}
