"""her2desk.report.format: how every number is written, with the edge cases that bite."""

from __future__ import annotations

import pytest

from her2desk.report.format import (format_median_range, format_n_percent, format_number,
                                    format_p)


# ---------------------------------------------------------------- P values

@pytest.mark.parametrize("p,text", [
    (0.41268879, "0.413"), (0.0026584, "0.003"), (0.03, "0.030"), (0.0009999, "<0.001"),
    (0.001, "0.001"), (1e-12, "<0.001"), (0.0, "<0.001"), (1.0, "1.000"), (0.9996, "1.000"),
    (0.0456, "0.046"), (0.0454, "0.045"),
    (None, "—"), (float("nan"), "—"),
])
def test_format_p(p, text):
    assert format_p(p) == text


def test_format_p_options_and_errors():
    assert format_p(None, none="") == ""
    with pytest.raises(ValueError):
        format_p(1.5)
    with pytest.raises(ValueError):
        format_p(-0.1)


@pytest.mark.parametrize("n,total,text", [
    (245, 466, "245 (52.6)"), (0, 466, "0 (0.0)"), (466, 466, "466 (100.0)"),
    (1, 16, "1 (6.3)"), (1, 8, "1 (12.5)"), (2, 828, "2 (0.2)"), (0, 0, "0 (—)"),
])
def test_format_n_percent(n, total, text):
    assert format_n_percent(n, total) == text


def test_format_n_percent_digits_and_errors():
    assert format_n_percent(1, 3, digits=2) == "1 (33.33)"
    assert format_n_percent(1, 3, digits=0) == "1 (33)"
    with pytest.raises(ValueError):
        format_n_percent(5, 3)


def test_format_number():
    assert format_number(2.5) == "3"
    assert format_number(-0.4) == "0"
    assert format_number(1.25, 1) == "1.3"
    assert format_number(float("nan")) == "—"


def test_format_median_range():
    assert format_median_range(41, 30, 52) == "41 (30–52)"
    assert format_median_range(49.5, 35, 60) == "50 (35–60)"  # half up, not half even
    assert format_median_range(45.25, 30, 60, digits=1) == "45.3 (30.0–60.0)"
    assert format_median_range(float("nan"), float("nan"), float("nan")) == "—"


# ---------------------------------------------------------------- edge cases of the one rule

from her2desk.report.format import (DASH, NE, NOT_ESTIMABLE, NR, REFERENCE,  # noqa: E402
                                    format_hr, format_hr_ci, format_hr_with_ci, format_median,
                                    format_median_ci, format_median_with_ci, format_months,
                                    format_percent, format_rate_ci, math_signs, minus_sign,
                                    pretty_label, round_half_up)

INF = float("inf")
NAN = float("nan")


@pytest.mark.parametrize("p,text", [
    (0.0004, "<0.001"), (0.00099999, "<0.001"), (0.0010, "0.001"),
    # never "0.050" for a P below 0.05: the text would contradict the threshold
    (0.0495, "0.049"), (0.04951, "0.049"), (0.049999, "0.049"), (0.05, "0.050"),
    (0.0505, "0.051"), (1, "1.000"), (0, "<0.001"),
])
def test_format_p_edges(p, text):
    assert format_p(p) == text


def test_format_p_rejects_infinite_p():
    with pytest.raises(ValueError):
        format_p(INF)


def test_round_half_up_on_the_decimal_not_the_binary_value():
    from decimal import Decimal

    assert format_number(0.125, 2) == "0.13"       # binary 0.125 exactly: half-even would give 0.12
    assert format_number(2.675, 2) == "2.68"       # binary 2.67499999...: printf gives 2.67
    assert format_number(-2.5) == "-3" and format_number(-0.004, 2) == "0.00"
    assert round_half_up(Decimal("0.045"), 2) == Decimal("0.05")
    assert format_number(INF) == DASH and format_number(None) == DASH


def test_hazard_ratio_text():
    assert format_hr_with_ci(0.6649, (0.4412, 0.9951)) == "0.66 (0.44–1.00)"
    assert format_hr_with_ci(0.665, (0.445, 0.995)) == "0.67 (0.45–1.00)"   # half up
    assert format_hr(1.234) == "1.23" and format_hr_ci((0.5, 2.0)) == "0.50–2.00"
    # the analysis layer's verdict decides; non-finite numbers never print
    assert format_hr_with_ci(0.5, (0.25, 1.0), estimable=False) == NOT_ESTIMABLE
    assert format_hr_ci((0.25, 1.0), estimable=False) == DASH
    assert format_hr_with_ci(0.0, (0.0, INF)) == NOT_ESTIMABLE
    assert format_hr_with_ci(NAN, (NAN, NAN)) == NOT_ESTIMABLE
    assert format_hr_with_ci(2.0, (1.0, INF)) == NOT_ESTIMABLE
    assert format_hr(INF) == NOT_ESTIMABLE and format_hr(None) == NOT_ESTIMABLE
    assert REFERENCE == "1 (reference)"


def test_median_not_reached_vs_not_estimable():
    # reached, with both limits
    assert format_median_with_ci(23.45, (18.0, 30.25)) == "23.5 (18.0–30.3)"
    # survival never falls to 0.5: the median and its upper limit are not reached
    assert format_median(NAN) == NR
    assert format_median_with_ci(NAN, (45.2, NAN)) == "NR (45.2–NR)"
    assert format_median_with_ci(NAN, (NAN, NAN)) == "NR (NR–NR)"
    # reached, but the lower limit cannot be estimated (R: LCL NA): NE, never NR
    assert format_median_ci(NAN, NAN, 2.0) == f"{NE}–{NR}"
    assert format_median_ci(NAN, 40.0, 12.0) == "NE–40.0"
    # inf is not a number either, and None (JSON null) reads like NaN
    assert format_median_ci(1.0, INF, 2.5) == "1.0–NR" and format_median_ci(None, None, None) == "NR–NR"
    # no patients: nothing to reach
    assert format_median(NAN, n=0) == DASH and format_median_with_ci(NAN, (NAN, NAN), n=0) == DASH


def test_times_in_months_or_years():
    assert format_months(30.0) == "30.0" and format_months(30.0, "years") == "2.5"
    assert format_median_with_ci(18.0, (12.0, NAN), "years") == "1.5 (1.0–NR)"
    with pytest.raises(ValueError):
        format_months(1.0, "weeks")


def test_percentages():
    assert format_percent(0.8125) == "81.3 %"            # half up
    assert format_percent(0.5, symbol="") == "50.0"
    assert format_percent(NAN) == DASH and format_percent(None) == DASH
    assert format_rate_ci(0.526, 0.471, 0.58) == "52.6 % (47.1–58.0)"
    assert format_rate_ci(1.0, NAN, 1.0) == "100.0 % (NE–100.0)"
    assert format_rate_ci(NAN, 0.1, 0.2) == DASH


def test_typography():
    assert minus_sign("HR-/HER2+") == "HR−/HER2+" and minus_sign("ER-") == "ER−"
    assert minus_sign("first-line") == "first-line"
    assert math_signs(">=50") == "≥50" and math_signs("<=30%") == "≤30%"
    assert pretty_label("HR-/HER2+, age >=50") == "HR−/HER2+, age ≥50"
