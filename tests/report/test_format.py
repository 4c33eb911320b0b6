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
