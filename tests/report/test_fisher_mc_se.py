"""A simulated Fisher P carries its Monte Carlo standard error to results.json and the tooltip."""
import math

def test_simulated_p_carries_its_se_to_results_json_and_tooltip(sample_results):
    from her2desk.report.results_json import results_to_dict
    from her2desk.ui.panels.baseline_panel import p_tooltip

    d = results_to_dict(sample_results)
    rows = [r for t in d["tables"].values() for r in t]
    assert rows and all("mc_se" in r for r in rows if "test" in r)
    for r in rows:
        if r.get("test") and "Monte Carlo" not in r["test"]:
            assert r["mc_se"] is None
    grades = [a for a in d["pcr"]["analyses"] if a["miller_payne_test"]]
    assert grades
    for a in grades:
        simulated = "Monte Carlo" in a["miller_payne_test"]
        assert (a["miller_payne_mc_se"] is not None) == simulated
        if simulated:
            p, se = a["miller_payne_p_value"], a["miller_payne_mc_se"]
            assert 0 < se <= math.sqrt(p * (1 - p) / 20_000) + 1e-12

    class Comp:
        test_reason, p_value, mc_se, footnote = "Fisher's exact test, Monte Carlo", 0.2014, 0.0016, ""
    assert "P = 0.2014 ± 0.0016 (Monte Carlo standard error)" in p_tooltip(Comp())
