"""The employment chapter's #16 sentences on the page: the number needed to treat with Altman's
interval (benefit side, harm side, through infinity), the explicit reading of the negative
control, and the interim forecast's sample size for a stated half-width. Each sentence shows
the recorded value (results.json) and never a number the result does not hold."""

from __future__ import annotations

import dataclasses

import pytest

from pku_eval import tidy
from pku_eval.chapter import Chapter
from pku_eval.chapters import employment as em
from pku_eval.chapters.employment.show_primary import show_nnt
from pku_eval.params import load_params
from pku_eval.text import fmt_int, fmt_num
from pku_eval.values import Value, frozen_values

FINAL, INTERIM = "2017-06-30", "2015-10-31"


@pytest.fixture(scope="module")
def stages(demo_dir):
    ds = tidy.load(demo_dir)
    return {cut: tidy.prepare(ds, cut) for cut in (FINAL, INTERIM)}


def render(stage, language, shows, result=None):
    params = load_params(stage="final", language=language, min_cell=5, seed=2016)
    ch = Chapter("employment", 4, stage, params, None)
    shown: list[str] = []
    ch._show = shown.append
    res = result if result is not None else em.compute(ch.data, ch.params)
    for show in shows:
        show(ch, res)
    return res, "\n".join(shown)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_nnt_sentence_shows_the_recorded_number_and_interval(stages, language):
    res, page = render(stages[FINAL], language, [em.show_estimand])
    nnt = res.value("employment.horizon.nnt")
    assert nnt["kind"] == "NNTB" and not nnt["crosses_infinity"]  # default demo: a clear gain
    assert "Altman 1998" in page
    for k in ("estimate", "ci_low", "ci_high"):
        assert fmt_num(abs(nnt[k]), 1, language) in page, k


@pytest.mark.parametrize("language, harm_word", [("nb", "skadesiden"), ("en", "harm side")])
def test_nnt_interval_through_infinity_names_the_harm_side(stages, language, harm_word):
    res = em.compute(stages[FINAL], load_params(min_cell=5))
    crossing = Value({"estimate": 10.0, "ci_low": 4.0, "ci_high": -20.0, "nnt": 10.0,
                      "kind": "NNTB", "crosses_infinity": True})
    res = dataclasses.replace(res, values=frozen_values(
        {**res.values, "employment.horizon.nnt": crossing}))
    _, page = render(stages[FINAL], language, [show_nnt], res)
    assert harm_word in page
    assert fmt_num(4.0, 1, language) in page and fmt_num(20.0, 1, language) in page
    harm = Value({"estimate": -20.0, "ci_low": -50.0, "ci_high": -12.5, "nnt": 20.0,
                  "kind": "NNTH", "crosses_infinity": False})
    res = dataclasses.replace(res, values=frozen_values(
        {**res.values, "employment.horizon.nnt": harm}))
    _, page = render(stages[FINAL], language, [show_nnt], res)
    assert "number needed to harm" in page
    assert fmt_num(12.5, 1, language) in page and fmt_num(50.0, 1, language) in page


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("reading", ["confounded", "no_clear_difference"])
def test_negative_control_is_read_explicitly(stages, language, reading):
    res = em.compute(stages[FINAL], load_params(min_cell=5))
    value = Value({"reading": reading, "odds_ratio_excludes_1": reading == "confounded",
                   "hazard_ratio_excludes_1": False})
    res = dataclasses.replace(res, values=frozen_values(
        {**res.values, "employment.external.negative_control": value}))
    _, page = render(stages[FINAL], language, [em.show_external], res)
    confounded = {"nb": "derfor forvekslet", "en": "is therefore confounded"}[language]
    not_shown = {"nb": "bare at denne kontrollen ikke fant noen",
                 "en": "only that this check did not find any"}[language]
    assert (confounded in page) == (reading == "confounded")
    assert (not_shown in page) == (reading != "confounded")


def test_the_default_demo_reads_its_own_negative_control(stages):
    res, page = render(stages[FINAL], "en", [em.show_external])
    reading = res.value("employment.external.negative_control")["reading"]
    assert ("is therefore confounded" in page) == (reading == "confounded")


@pytest.mark.parametrize("language", ["nb", "en"])
def test_forecast_states_the_size_for_the_stated_half_width(stages, language):
    res, page = render(stages[INTERIM], language, [em.show_forecast])
    f = res.value("employment.horizon.precision_forecast")
    assert fmt_num(100 * f["target_half_width"], 1, language) in page
    for k in ("n_treatment_needed", "n_control_needed", "n_randomised_needed"):
        assert fmt_int(f[k], language) in page, k
    _, final_page = render(stages[FINAL], language, [em.show_forecast])
    assert final_page == ""  # the forecast belongs to the interim only
