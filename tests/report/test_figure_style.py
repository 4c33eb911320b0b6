"""Figure styles are plain data saved under one side-file key, never erasing another key."""
import json

from hypothesis import given, settings, strategies as st

from her2desk.crf.side_file import read_side_file, side_file_path, update_side_file
from her2desk.report.figure_style import (GREYSCALE, STYLES_KEY, FigureStyle, item_of,
                                          load_styles, save_style, style_for)

texts = st.text(max_size=40)
styles = st.builds(
    FigureStyle, show_title=st.booleans(), title=texts, x_label=texts, y_label=texts,
    legend_labels=st.lists(st.tuples(st.text(min_size=1, max_size=12), st.text(min_size=1, max_size=12)),
                           max_size=3, unique_by=lambda t: t[0]).map(tuple),
    palette=st.sampled_from(["colour-blind safe", "greyscale"]),
    colours=st.lists(st.tuples(st.text(min_size=1, max_size=12),
                               st.from_regex(r"\A#[0-9A-F]{6}\Z")),
                     max_size=3, unique_by=lambda t: t[0]).map(tuple),
    x_max=st.none() | st.floats(1, 500), x_tick=st.none() | st.floats(1, 60),
    at_risk=st.booleans(), cumulative_events=st.booleans())


@settings(max_examples=60, deadline=None)
@given(styles)
def test_a_style_survives_the_side_file_json(style):
    assert FigureStyle.from_dict(json.loads(json.dumps(style.to_dict()))) == style


def test_defaults_save_nothing_and_draw_no_title():
    assert FigureStyle().to_dict() == {}
    assert FigureStyle().shown_title("OS by HR status") == ""
    assert FigureStyle(show_title=True).shown_title("OS by HR status") == "OS by HR status"
    assert FigureStyle(show_title=True, title="Fig. 2").shown_title("x") == "Fig. 2"


def test_saving_keeps_settings_mapping_and_other_figures(tmp_path):
    study = tmp_path / "study.xlsx"
    study.write_bytes(b"")
    update_side_file(study, settings={"cutoff": "2022-12-31"}, column_mapping={"Patients!Age": "age"})
    save_style(study, "bars", FigureStyle(y_label="Rate"))
    save_style(study, "km", FigureStyle(palette="greyscale", at_risk=False))
    save_style(study, "Fig 4b", FigureStyle(show_title=True, title="OS"))
    data = read_side_file(study).data
    assert data["settings"] == {"cutoff": "2022-12-31"}
    assert data["column_mapping"] == {"Patients!Age": "age"}
    assert set(data[STYLES_KEY]) == {"bars", "km", "Fig 4b"}
    loaded = load_styles(study)
    assert style_for(loaded, "km", "Fig 4b").title == "OS"          # the item first
    assert style_for(loaded, "km", "Fig 5b").palette == "greyscale"  # then the kind
    assert style_for(loaded, "forest") == FigureStyle()               # then the defaults
    save_style(study, "bars", FigureStyle())                          # back to defaults: entry gone
    assert set(read_side_file(study).data[STYLES_KEY]) == {"km", "Fig 4b"}


def test_a_hand_edited_style_falls_back_field_by_field(tmp_path):
    study = tmp_path / "study.xlsx"
    side_file_path(study).write_text(json.dumps({STYLES_KEY: {"km": {
        "palette": "neon", "x_max": -3, "at_risk": "no", "title": 5, "show_title": True,
        "colours": {"A": "red", "B": "#112233"}}}}), encoding="utf-8")
    style = load_styles(study)["km"]
    assert style == FigureStyle(show_title=True, colours=(("B", "#112233"),))


def test_greyscale_palette_and_items():
    s = FigureStyle(palette="greyscale", colours=(("HR-/HER2+", "#123456"),))
    assert s.colours_for(["HR+/HER2+", "HR-/HER2+", "x"]) == [GREYSCALE[0], "#123456", GREYSCALE[2]]
    assert item_of("Fig 4b. Kaplan–Meier OS by HR status") == "Fig 4b"
    assert item_of("Table S5 forest plot. Multivariate Cox model for OS") == "Table S5"
    assert item_of("Supplementary figure. Annual hazard") == ""
