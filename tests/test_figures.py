"""The report's figures: one palette, every answer category in every Likert panel, a CONSORT
flow per randomised trial, text alternatives, and no mark that a table would hide (#14):
figures built for a tiny office show no withheld count."""

from __future__ import annotations

import itertools
import re

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.colors import to_rgb
from matplotlib.patches import Rectangle

from pku_eval import plots
from pku_eval.codebook import LEARNING_SCALES, SCALES, SURVEY_SCALES
from pku_eval.disclosure import HIDDEN, MARK, Policy

POLICY = Policy(5)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def bars(fig) -> list[Rectangle]:
    """The coloured (drawn) segments of every axes: no hatched withheld part."""
    return [p for ax in fig.axes for p in ax.patches
            if isinstance(p, Rectangle) and not p.get_hatch() and p.get_width() > 0]


# ------------------------------------------------------------------ palette

def _lab(colour) -> np.ndarray:
    """sRGB → CIELAB (D65), the textbook formulas (IEC 61966-2-1; CIE 15)."""
    rgb = np.array(to_rgb(colour))
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ lin / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_one_palette_the_same_answer_the_same_colour():
    five, four = plots.likert_colours(1, 5), plots.likert_colours(1, 4)
    # the two ends and the lower half are the same on every scale; the middle is neutral
    assert five[1] == four[1] and five[2] == four[2] and five[5] == four[4]
    assert five[3] == plots.LIKERT_NEUTRAL
    # every category distinct from every other (CIE76 colour difference), and in lightness
    # alone (greyscale, and the commonest colour-vision deficiencies keep lightness)
    lab = [_lab(c) for c in five.values()]
    for a, b in itertools.combinations(lab, 2):
        assert np.linalg.norm(a - b) > 20, (a, b)
        assert abs(a[0] - b[0]) > 8, (a, b)
    # the neutral grey is no longer a near twin of a category (Figure 3.1's two greys)
    grey = np.array(to_rgb(plots.LIKERT_NEUTRAL))
    assert np.ptp(grey) < 0.01  # grey: no hue to confuse with a side
    with pytest.raises(ValueError, match="palette"):
        plots.likert_colours(1, 7)


def test_figures_at_print_resolution():
    plots.set_theme()
    assert plt.rcParams["savefig.dpi"] >= 200


# ------------------------------------------------------------------ Likert disclosure

def test_a_small_category_is_not_drawn_nor_recoverable_from_the_gap():
    shares, hidden = plots.likert_shares([2, 40, 50, 8, 0], POLICY)
    assert hidden.tolist() == [True, False, False, True, False]
    assert shares[0] == shares[3] == 0
    # swapping the two withheld counts draws exactly the same figure
    drawn = []
    for counts in ([2, 40, 50, 8, 0], [8, 40, 50, 2, 0]):
        _, ax = plt.subplots()
        plots.diverging_bar(ax, 0, plots.likert_shares(counts, POLICY)[0], 1, 5)
        drawn.append([(round(p.get_x(), 9), round(p.get_width(), 9), p.get_facecolor())
                      for p in ax.patches])
    assert drawn[0] == drawn[1]
    # too few answers: no bar at all
    assert plots.likert_shares([1, 2, 1, 0, 0], POLICY)[0] is None


def test_a_bar_is_whole_and_centred_on_the_drawn_shares():
    _, ax = plt.subplots()
    plots.diverging_bar(ax, 0, np.array([10.0, 20, 40, 0, 20]), 1, 5)
    patches = ax.patches
    left = min(p.get_x() for p in patches)
    right = max(p.get_x() + p.get_width() for p in patches)
    assert left == pytest.approx(-(10 + 20 + 20))   # 1, 2 and half of 3 left of 0
    assert right - left == pytest.approx(100)         # closed by the withheld part
    assert patches[-1].get_hatch() == plots.WITHHELD_HATCH


def _survey_items(n_per_value: dict[int, int]) -> pd.DataFrame:
    rows = []
    for scale in SURVEY_SCALES:
        spec = SCALES[scale]
        for item in spec.items:
            counts = {v: n_per_value.get(v, 0) for v in range(spec.low, spec.high + 1)}
            n = sum(counts.values())
            for v, c in counts.items():
                rows.append({"scale": scale, "item": item, "reversed": False, "value": v,
                             "count": c, "n": n, "share": c / n})
    return pd.DataFrame(rows)


def test_survey_items_figure_of_a_tiny_office_shows_no_hidden_mark():
    from pku_eval.chapters.survey_waves.figures import items_figure

    items = _survey_items({1: 1, 2: 3, 3: 6, 4: 7, 5: 0})   # 17 answers per item
    fig = items_figure(items, "nb", POLICY)
    for p in bars(fig):
        n = 17 if p.get_width() else 0
        assert p.get_width() * n / 100 >= POLICY.min_cell - 1e-9, p.get_width()
    # every panel's legend lists every answer of its scale, and the withheld part
    legends = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
    assert sum(t.startswith("1 ") for t in legends) == len(SURVEY_SCALES)
    assert legends.count("skjult") == len(SURVEY_SCALES)
    # its text alternative: the shares it draws, the marker for what it withholds
    alt = fig.pku_alt
    assert MARK in alt and "dyttet rundt i livet" in alt
    assert not re.search(r"\d: (6|18)\b", alt)   # 1/17, 3/17 as per cent would be 6, 18


def test_learning_likert_figure_of_a_tiny_office_shows_no_hidden_mark():
    from pku_eval.chapters.learning_system.figures import likert_figure

    rows = []
    for scale in LEARNING_SCALES:
        for item in SCALES[scale].items:
            for rnd, counts in (("pre", [0, 2, 6, 6, 1]), ("post", [1, 1, 1, 1, 0])):
                n = sum(counts)
                rows.append({"scale": scale, "item": item, "round": rnd, "n": n,
                             **{f"p{k}": c / n for k, c in enumerate(counts, 1)}})
    fig, hidden = likert_figure(pd.DataFrame(rows), ["pre", "post"], "en", POLICY)
    assert hidden
    for p in bars(fig):
        assert p.get_width() * 15 / 100 >= POLICY.min_cell - 1e-9
    labels = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
    assert len(labels) == 6 and labels[-1] == "withheld"
    assert "after" in fig.pku_alt and MARK in fig.pku_alt


# ------------------------------------------------------------------ Kaplan–Meier

def test_km_steps_merge_small_steps_and_stop_where_few_remain():
    from pku_eval.chapters.employment.figures import km_steps

    # a small office: 12 people, single events
    t = np.arange(1.0, 13.0)
    curve = pd.DataFrame({"time": t, "at_risk": np.arange(12, 0, -1), "events": 1,
                          "censored": 0})
    curve["survival"] = 1 - t / 12
    curve["ci_low"] = curve["survival"] - 0.1
    curve["ci_high"] = curve["survival"] + 0.1
    d = km_steps(curve, POLICY)
    steps = d["survival"].diff().fillna(0)
    # every drop the figure draws carries at least min_cell events (here 1/12 each)
    assert all(abs(s) * 12 >= POLICY.min_cell - 1e-9 for s in steps if s)
    # and the curve stops at the last time with at least min_cell at risk (8 at t = 8)
    assert d["time"].max() == 8.0
    assert d["survival"].iloc[-1] == pytest.approx(1 - 5 / 12)


def test_km_figure_text_alternative_withholds_small_numbers_at_risk():
    from pku_eval.chapters.employment.figures import km_figure

    t = np.arange(1.0, 13.0)
    km = pd.DataFrame({"group": "treatment", "time": t,
                       "at_risk": [40, 35, 30, 25, 20, 15, 12, 10, 8, 6, 4, 3],
                       "events": 1, "censored": 0, "survival": 1 - t / 40})
    km["ci_low"], km["ci_high"] = km["survival"] - 0.05, km["survival"] + 0.05
    at_risk = pd.DataFrame({0: [40], 6: [15], 12: [3]}, index=["treatment"])
    fig = km_figure(km, at_risk, "en", POLICY)
    assert "12: *" in fig.pku_alt and "(*)" in fig.pku_alt
    for ax in fig.axes:
        assert "3" not in [txt.get_text() for txt in ax.texts]


# ------------------------------------------------------------------ CONSORT flow

def _flow(withdrawn: int, with_outcome: int) -> pd.DataFrame:
    return pd.DataFrame({"enrolled": [40, 30], "withdrawn": [withdrawn, 6],
                         "analysed": [40 - withdrawn, 24],
                         "with_outcome": [with_outcome, 20],
                         "due_T0": [40 - withdrawn, 24], "answered_T0": [30, 20]},
                        index=["treatment", "internal_control"])


def test_flow_withholds_what_would_give_back_a_small_count():
    from pku_eval.chapters.participants.computation import shown_flow

    shown = shown_flow(_flow(withdrawn=2, with_outcome=35), POLICY)
    t = shown.loc["treatment"]
    for col in ("withdrawn", "analysed", "with_outcome", "no_outcome", "due_T0"):
        assert t[col] is HIDDEN, col
    assert t["enrolled"] == 40 and t["answered_T0"] == 30
    # the other arm: 20 with and 4 without register data: never one of the pair alone
    c = shown.loc["internal_control"]
    assert c["no_outcome"] is HIDDEN and c["with_outcome"] is HIDDEN
    assert c["analysed"] == 24 and c["withdrawn"] == 6


def test_consort_diagram_draws_no_withheld_count_and_chains_only_subsets():
    from pku_eval.chapters.participants.computation import shown_flow
    from pku_eval.chapters.participants.figures import flow_alt, flow_diagram

    shown = shown_flow(_flow(withdrawn=2, with_outcome=35), POLICY)
    titles = ["SE", "control"]
    fig = flow_diagram(shown, titles, ["#0072B2", "#E69F00"], ["T0"], "en", POLICY,
                       randomised=True)
    texts = [t.get_text() for t in fig.axes[0].texts]
    numbers = {n for txt in texts for n in re.findall(r"\d+", txt)}
    assert not numbers & {"38", "35", "3", "2"}, numbers
    assert "Randomised\n70" in texts and "Allocated\n40" in texts
    # survey answers sit apart: no arrow ends at them (arrows: 1 per arm from the top, 2 in
    # each column)
    arrows = [c for c in fig.axes[0].get_children()
              if type(c).__name__ == "Annotation" and c.arrow_patch is not None]
    assert len(arrows) == 2 * 3
    alt = flow_alt(shown, titles, ["T0"], "en", POLICY)
    assert alt.count(MARK) >= 5 and "38" not in alt and "35" not in alt


def test_employer_ratings_draw_every_group_and_only_what_the_table_shows():
    from pku_eval.chapters.employers.figures import items_figure

    items = pd.DataFrame([
        {"item": "followup_1", "label": "The job coach was easy to reach", "valid": 20,
         "negative": 0.1, "neutral": 0.25, "positive": 0.65,
         "base_negative": HIDDEN, "base_neutral": HIDDEN, "base_positive": 13},
        {"item": "followup_2", "label": "The job coach understood the workplace", "valid": 3,
         "negative": 0.0, "neutral": 1 / 3, "positive": 2 / 3,
         "base_negative": 0, "base_neutral": 1, "base_positive": 2},
    ])
    fig = items_figure(items, "en", POLICY)
    drawn = bars(fig)
    assert [round(p.get_width(), 6) for p in drawn] == [65.0]   # the only published group
    assert len(fig.axes[0].get_yticklabels()) == 1              # 3 answers: not drawn
    labels = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
    assert len(labels) == 4 and labels[-1] == "withheld"
    assert "1: *, 2: *, 3: 65" in fig.pku_alt


def test_consort_on_demo_data_is_the_randomised_trial_only():
    """On the demo data only KLAR was randomised (treatment and internal control); the
    external control group and the other two projects are drawn apart, and together the two
    diagrams hold everyone the flow table counts."""
    from pku_eval import chapter
    from pku_eval.chapters.participants.computation import compute

    ch = chapter.start("participants", params_file=None)
    res = compute(ch.data, ch.params)
    assert list(res.trial.index) == ["treatment", "internal_control"]
    assert res.trial_projects == ("klar",)
    assert set(zip(res.others["project"], res.others["arm"])) == {
        ("klar", "external_control"), ("ungjobb", "treatment"), ("sortrondelag", "treatment")}
    for col in ("enrolled", "withdrawn", "analysed", "with_outcome"):
        total = res.trial[col].sum() + res.others[col].sum()
        assert total == res.flow[col].sum(), col
    # allocation is what the planted design gives: more to SE than to the internal control
    assert res.trial.loc["treatment", "enrolled"] > res.trial.loc["internal_control", "enrolled"]
