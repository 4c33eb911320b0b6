"""Every survival figure the paper reports beside the sample study's value (a script, not a test).

    python tests/benchmarks/paper_vs_sample.py [--readme README.md]

Reads the published numbers (tests/fixtures/paper_tables.json), runs the bundled sample study
and prints a Markdown table: item, quantity, paper, sample. With ``--readme`` it replaces the
table between the README's ``<!-- paper-vs-sample -->`` markers, so the README's table is always
this script's output and never typed.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from her2desk.analysis.paper import ItemResult  # noqa: E402
from her2desk.report.format import format_p  # noqa: E402

MARK = "<!-- paper-vs-sample -->"
HRP, HRN = "HR+/HER2+", "HR-/HER2+"


def _months(x) -> str:
    if isinstance(x, str):
        return x
    return "NR" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.0f}"


def _hr(hr, ci) -> str:
    if hr is None or not math.isfinite(hr):
        return "—"
    return f"{hr:.2f} ({ci[0]:.2f}–{ci[1]:.2f})"


def _p(p) -> str:
    return p if isinstance(p, str) else format_p(p)


def rows(paper: dict, items: dict[str, ItemResult], cox) -> list[tuple[str, str, str, str]]:
    s = paper["survival"]
    out: list[tuple[str, str, str, str]] = []

    def median(item: str, label: str | None = None) -> str:
        groups = items[item].values["groups"]
        g = groups[0] if label is None else next((x for x in groups if x["label"] == label), None)
        return "—" if g is None else _months(g["median_months"])

    def pair(item: str, group: str, ref: str, quantity: str, published: dict) -> None:
        p = items[item].pair(group, ref)
        out.append((item, f"{quantity}: log-rank P", _p(published.get("logrank_p",
                                                                      published.get("p"))),
                    _p(p.p_value)))
        if "hazard_ratio" in published:
            out.append((item, f"{quantity}: HR (95% CI)",
                        _hr(published["hazard_ratio"], published["ci95"]),
                        _hr(p.hazard_ratio, p.ci)))

    out.append(("Fig 4a", "median OS, months", _months(s["os_all_median_months"]), median("Fig 4a")))
    out.append(("Fig 4b", f"median OS {HRP}", _months(s["os_by_hr"]["hr_pos_median"]),
                median("Fig 4b", HRP)))
    out.append(("Fig 4b", f"median OS {HRN}", _months(s["os_by_hr"]["hr_neg_median"]),
                median("Fig 4b", HRN)))
    pair("Fig 4b", HRP, HRN, "OS HR+ vs HR−", s["os_by_hr"])
    pair("Fig 4d", "ER+/PR+", "ER-/PR-", "OS ER+/PR+ vs ER−/PR−", s["os_er_pos_pr_pos_vs_er_neg_pr_neg"])
    out.append(("Fig 5a", "median DFS, months", _months(s["dfs_all_median_months"]), median("Fig 5a")))
    pair("Fig 5b", HRP, HRN, "DFS HR+ vs HR−", s["dfs_by_hr"])
    pair("Fig 5d", "ER+/PR+", "ER-/PR-", "DFS ER+/PR+ vs ER−/PR−", s["dfs_er_pos_pr_pos_vs_er_neg_pr_neg"])
    pair("Fig 5d", "ER+/PR+", "ER-/PR+", "DFS ER+/PR+ vs ER−/PR+", s["dfs_er_pos_pr_pos_vs_er_neg_pr_pos"])
    out.append(("Fig 6a", "median advanced-OS, months", _months(s["advanced_os_all_median_months"]),
                median("Fig 6a")))
    a = s["advanced_os_by_hr"]
    out.append(("Fig 6b", f"median advanced-OS {HRP}", _months(a["hr_pos_median"]), median("Fig 6b", HRP)))
    out.append(("Fig 6b", f"median advanced-OS {HRN}", _months(a["hr_neg_median"]), median("Fig 6b", HRN)))
    out.append(("Fig 6b", "advanced-OS HR+ vs HR−: log-rank P", _p(a["logrank_p"]),
                _p(items["Fig 6b"].pair(HRP, HRN).p_value)))
    for item_id, key, ep in (("Table S5", "os", "OS"), ("Table S6", "dfs", "DFS")):
        pub = s["multivariate_cox_hr_positive"][key]
        term = None
        if cox is not None:
            term = next((t for t in cox.multivariate(ep).terms if t.variable == "hr_status"), None)
        out.append((item_id, f"multivariate {ep} HR+ vs HR−: P", _p(pub["p"]),
                    "—" if term is None else _p(term.p_value)))
        out.append((item_id, f"multivariate {ep} HR+ vs HR−: HR (95% CI)",
                    _hr(pub["hazard_ratio"], pub["ci95"]),
                    "—" if term is None else _hr(term.hazard_ratio, term.ci)))
    two = (("Fig 7", "first_line_endocrine_vs_none_hr_pos", "Endocrine therapy", "No endocrine therapy",
            {"median_et": "Endocrine therapy", "median_no_et": "No endocrine therapy"}),
           ("Fig 8", "sequential_endocrine_vs_none_hr_pos", "Endocrine maintenance",
            "No endocrine maintenance",
            {"median_et": "Endocrine maintenance", "median_no_et": "No endocrine maintenance"}),
           ("Fig S1", "her2_heterogeneity", "HER2 heterogeneous", "HER2 homogeneous",
            {"median_het": "HER2 heterogeneous", "median_not": "HER2 homogeneous"}),
           ("Fig S2", "her2_heterogeneity_hr_pos_vs_neg", HRP, HRN,
            {"median_pos": HRP, "median_neg": HRN}))
    for fig, key, grp, ref, medians in two:
        for panel, ep, name in (("a", "advanced_os", "advanced-OS"), ("b", "pfs", "PFS")):
            item = f"{fig}{panel}"
            pub = s[key][ep]
            for mkey, label in medians.items():
                if mkey in pub:
                    out.append((item, f"median {name} {label}", _months(pub[mkey]),
                                median(item, label)))
            pair(item, grp, ref, f"{name} {grp} vs {ref}", pub)
    return out


def table_markdown() -> str:
    from her2desk.analysis.study import run_study
    from her2desk.cohort.loading import load_study
    from her2desk.resources import sample_study_path

    paper = json.loads((ROOT / "tests" / "fixtures" / "paper_tables.json").read_text())
    study = load_study(sample_study_path())
    res = run_study(study.cohort, study.settings, flowchart=study.flowchart)
    items = {i.id: i for i in res.paper}
    lines = ["| Item | Quantity | Paper | Sample study |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows(paper, items, res.cox)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--readme", type=Path, help="replace the table between the README's markers")
    args = ap.parse_args(argv)
    table = table_markdown()
    if args.readme is None:
        print(table)
        return 0
    text = args.readme.read_text(encoding="utf-8")
    head, sep, rest = text.partition(MARK)
    _, sep2, tail = rest.partition(MARK)
    if not sep or not sep2:
        print(f"{args.readme}: no pair of {MARK} markers to put the table between.", file=sys.stderr)
        return 1
    args.readme.write_text(f"{head}{MARK}\n{table}\n{MARK}{tail}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
