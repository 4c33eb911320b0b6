"""``results.json``: the study's raw numbers for other tools (unformatted, NaN as null).

Keys are a public contract (cohort, tables, survival, paper, pcr, cox, conversion); extend, never rename.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import __version__
from ..analysis.compare import ALL, CategoricalComparison, ContinuousComparison
from ..analysis.study import StudyResults
from ..analysis.tables import BaselineTable, CountTable


def _num(x: Any) -> Any:
    """JSON-safe number: NaN/inf → None, numpy scalars → Python."""
    if x is None:
        return None
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        return None if math.isnan(x) or math.isinf(x) else x
    return x


def _pair(t) -> list:
    return [_num(t[0]), _num(t[1])]


def _baseline_rows(table: BaselineTable) -> list[dict]:
    rows = []
    for comp in table.comparisons:
        if isinstance(comp, CategoricalComparison):
            for level in comp.levels:
                rows.append({
                    "variable": comp.variable, "label": comp.label, "level": str(level),
                    "counts": {str(g): int(comp.counts.at[level, g]) for g in comp.groups},
                    "total": int(comp.counts.at[level, ALL]),
                    "p_value": _num(comp.p_value), "test": comp.test,
                    "mc_se": _num(comp.mc_se)})
        elif isinstance(comp, ContinuousComparison):
            rows.append({
                "variable": comp.variable, "label": comp.label, "level": "median (range)",
                "counts": {str(g): int(comp.n[g]) for g in comp.groups},
                "median": {str(g): _num(comp.median[g]) for g in (*comp.groups, ALL)},
                "range": {str(g): [_num(comp.minimum[g]), _num(comp.maximum[g])]
                          for g in (*comp.groups, ALL)},
                "p_value": _num(comp.p_value), "test": comp.test, "mc_se": None})
    return rows


def _count_rows(table: CountTable) -> list[dict]:
    return [{"variable": r.variable, "level": r.level,
             "counts": {g: int(r.counts[g]) for g in table.groups}, "total": int(r.counts[ALL]),
             "p_value": None, "test": None, "mc_se": None} for r in table.rows]


def _survival(results: StudyResults) -> list[dict]:
    out = []
    for s in results.survival:
        main_hr = s.hazard_ratios[0] if len(s.hazard_ratios) == 1 else None
        out.append({
            "key": s.key, "title": s.title, "endpoint": s.endpoint,
            "grouping": s.grouping or "all", "population": s.population,
            "groups": [{"label": g.label, "n": g.n, "events": g.events,
                        "median_months": _num(g.median), "median_ci": _pair(g.median_ci),
                        "survival_1y": _num(g.landmarks.get(12.0, (None,))[0]),
                        "survival_3y": _num(g.landmarks.get(36.0, (None,))[0]),
                        "survival_5y": _num(g.landmarks.get(60.0, (None,))[0]),
                        "survival_5y_ci": _pair(g.landmarks.get(60.0, (None, None, None))[1:])}
                       for g in s.groups],
            "logrank_p": _num(s.logrank_p),
            "logrank_chisq": _num(s.logrank.chisq) if s.logrank is not None else None,
            "hazard_ratio": _num(main_hr.hazard_ratio) if main_hr else None,
            "hazard_ratio_ci": _pair(main_hr.ci) if main_hr else None,
            "hazard_ratio_p": _num(main_hr.p_value) if main_hr else None,
            "hazard_ratio_estimable": main_hr.estimable if main_hr else None,
            "hazard_ratios": [{"group": h.group, "reference": h.reference,
                               "hazard_ratio": _num(h.hazard_ratio), "ci": _pair(h.ci),
                               "p_value": _num(h.p_value), "logrank_p": _num(h.logrank_p),
                               "estimable": h.estimable}
                              for h in s.hazard_ratios],
            "reference_group": s.reference_group or None,
            "conf_type": results.settings.km_conf_type,
            "notes": list(s.notes),
        })
    return out


def _pcr(results: StudyResults) -> dict:
    neo = results.neoadjuvant
    analyses = []
    for a in neo.analyses:
        analyses.append({
            "key": a.key, "title": a.title,
            "groups": [{"label": str(r.group), "n": r.n, "pcr": r.k, "rate": _num(r.rate),
                        "ci": [_num(r.ci_low), _num(r.ci_high)]} for r in a.pcr.rates],
            "p_value": _num(a.pcr.overall.p_value), "test": a.pcr.overall.test,
            "mc_se": _num(a.pcr.overall.mc_se),
            "reference_group": None if a.pcr.reference is None else str(a.pcr.reference),
            "pairwise": [{"group": str(p.group), "reference": str(p.reference),
                          "p_value": _num(p.p_value), "test": p.test} for p in a.pcr.pairwise],
            "miller_payne": {str(g): {str(k): int(a.grades.counts.at[k, g])
                                      for k in a.grades.grades} for g in a.grades.groups},
            "miller_payne_p_value": _num(a.grades.overall.p_value),
            "miller_payne_test": a.grades.overall.test,
            "miller_payne_mc_se": _num(a.grades.overall.mc_se),
        })
    return {"n": neo.n, "analyses": analyses}


def _cox(results: StudyResults) -> Any:
    cox = results.cox
    if cox is None:
        return None
    return cox.as_dict() if hasattr(cox, "as_dict") else None


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    return _num(x)


def _paper(results: StudyResults) -> list[dict]:
    """``results.json["paper"]``: one entry per item of the paper, under its number."""
    out = []
    for item in results.paper:
        entry = {"id": item.id, "caption": item.caption, "kind": item.kind,
                 "population": item.population, "endpoint": item.endpoint or None,
                 "grouping": item.grouping or None, "n": item.n,
                 "p_adjust": results.settings.p_adjust, "footnote": item.footnote,
                 "cautions": list(item.cautions)}
        if item.pairs:
            entry["pairs"] = [{
                "group": p.group, "reference": p.reference, "within": p.within or None,
                "logrank_p": _num(p.p_value) if p.test == "log-rank" else None,
                "p_value": _num(p.p_value), "test": p.test or None,
                "hazard_ratio": _num(p.hazard_ratio), "ci": _pair(p.ci),
                "p_adjusted": _num(p.p_adjusted), "rate": _num(p.rate),
                "rate_reference": _num(p.rate_reference), "n": p.n,
                "paper": p.stated or None} for p in item.pairs]
        entry.update(_jsonable(item.values))
        out.append(entry)
    return out


def results_to_dict(results: StudyResults, *, source_name: str = "", source_sha256: str = "") -> dict:
    flow = results.flowchart
    tables: dict[str, list] = {}
    for key, table in results.tables.items():
        tables[key] = _baseline_rows(table) if isinstance(table, BaselineTable) else _count_rows(table)
    return {
        "her2desk_version": __version__,
        "source": {"name": source_name, "sha256": source_sha256},
        "settings": results.settings.to_dict(),
        "notes": list(results.notes),
        "cohort": {"admitted": flow.admitted, "eligible": flow.eligible,
                   "excluded": dict(flow.excluded), "groups": dict(flow.groups)},
        "follow_up": [{"group": f.group, "n": f.n, "median_months": _num(f.median),
                       "range": [_num(f.minimum), _num(f.maximum)],
                       "reverse_km_median_months": _num(f.reverse_km_median)}
                      for f in results.followup],
        "tables": tables,
        "survival": _survival(results),
        "paper": _paper(results),
        "pcr": _pcr(results),
        "cox": _cox(results),
        "hazard_by_year": {g: [{"year": int(i), "events": int(h.events[i]),
                                "person_months": _num(h.person_time[i]),
                                "hazard_per_month": _num(h.hazard[i])} for i in range(len(h.start))]
                           for g, h in results.hazard_over_time.items()},
        "her2_heterogeneity": None if results.heterogeneity is None else {
            "assessed": results.heterogeneity.n_assessed,
            "heterogeneous": results.heterogeneity.n_heterogeneous,
            "by_group": {g: {"assessed": a, "heterogeneous": h}
                         for g, (a, h) in results.heterogeneity.by_group.items()}},
        "conversion": {"n": results.conversion.n,
                       "rows": [{"receptor": r.receptor, "n": r.n, "counts": dict(r.counts),
                                 "percent": {k: _num(v) for k, v in r.percent.items()}}
                                for r in results.conversion.rows]},
    }
