"""The 'survey_waves' chapter's precision section (#16): the scale effects with Satterthwaite's
degrees of freedom beside the pinned Wald ones, Hedges' g of the change, and — in an interim
report — the half-width the final report will have. Kept apart from :mod:`.show` so that the
notebook calls it as one more section (``content.show_precision(ch, result)``)."""

from __future__ import annotations

from ...codebook import SCALES
from ...publish import Column
from ...text import fmt_num
from .computation import SurveyWaves


def show_precision(ch, res: SurveyWaves) -> None:
    """Small-sample intervals and effect sizes per scale and wave; the interim forecast."""
    if res.absent or res.small_sample is None or res.small_sample.empty:
        return
    lang = ch.language
    t = res.small_sample.merge(
        res.model[["scale", "wave", "ci_low", "ci_high", "n_treatment", "n_control"]],
        on=["scale", "wave"], suffixes=("", "_wald"))
    fitted = t[t["missing"].isna()]
    if fitted.empty:
        return
    ch.section("sw_precision")
    widen = ((fitted["ci_high"] - fitted["ci_low"])
             / (fitted["ci_high_wald"] - fitted["ci_low_wald"]) - 1) * 100
    ch.text("sw_small_sample_text", df_low=fmt_num(fitted["df"].min(), 0, lang),
            df_high=fmt_num(fitted["df"].max(), 0, lang), widen=fmt_num(widen.max(), 1, lang))
    tab = fitted.copy()
    tab["scale"] = tab["scale"].map(lambda sc: SCALES[sc].label(lang))
    tab["base"] = tab[["n_treatment", "n_control"]].min(axis=1)
    ch.table(tab, [Column("scale", ch.t("sw_h_scale")), Column("wave", ch.t("h_wave")),
                   Column("estimate", ch.t("sw_h_diff"), "num", base="base", decimals=2),
                   Column("df", ch.t("sw_h_df_satterthwaite"), "num", base="base", decimals=1),
                   Column("ci_low", ch.t("sw_h_ci_low"), "num", base="base", decimals=2),
                   Column("ci_high", ch.t("sw_h_ci_high"), "num", base="base", decimals=2),
                   Column("g", ch.t("sw_h_hedges_g"), "num", base="n_g", decimals=2),
                   Column("g_ci_low", ch.t("sw_h_ci_low"), "num", base="n_g", decimals=2),
                   Column("g_ci_high", ch.t("sw_h_ci_high"), "num", base="n_g", decimals=2)],
             ch.t("sw_precision_caption"), ch.t("source_survey"),
             note=ch.t("sw_precision_note"))
    forecasts = {k: v.estimate for k, v in res.values.items()
                 if ".precision_forecast." in k and v.shown}
    if forecasts:
        now = [f["half_width_now"] for f in forecasts.values()]
        final = [f["half_width_final"] for f in forecasts.values()]
        ch.text("sw_forecast_text", now_low=fmt_num(min(now), 2, lang),
                now_high=fmt_num(max(now), 2, lang), final_low=fmt_num(min(final), 2, lang),
                final_high=fmt_num(max(final), 2, lang))
