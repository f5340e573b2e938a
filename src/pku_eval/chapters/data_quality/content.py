"""Chapter 'data_quality': files, response and attrition, missing codes, flags."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ... import plots, quality
from ...chapter import Chapter
from ...publish import Column, suppress_by_base
from ...text import arm_name, fmt_int, fmt_pct

#: This chapter summarises every file of the data directory.


@dataclass
class Response:
    due: pd.DataFrame          # participant × wave
    by_arm: pd.DataFrame       # wave × arm
    rates: dict                # response.<wave>.<arm|all>
    flags: list[dict]


def compute_response(ch: Chapter) -> Response | None:
    """Response rates and flags of the stage; records ``response`` and ``quality.flags``."""
    if not ch.data.has("survey"):
        for w in ch.waves:
            for arm in ("treatment", "internal_control", "external_control", "all"):
                ch.result(f"response.{w}.{arm}", None, "survey file not present")
        ch.result("quality.flags", [])
        return None
    due = quality.stage_due(ch.data, ch.waves)
    rates = quality.response_rates(due, ch.waves)
    q = ch.params.get("quality") or {}
    flags = quality.attrition_flags(rates, q.get("min_response_rate", 0.70),
                                    q.get("max_response_gap", 0.10), ch.language)
    by_arm = quality.response_table(due, ["wave", "arm"])
    pooled = quality.response_table(due, ["wave"])
    for w in ch.waves:
        for arm in ("treatment", "internal_control", "external_control", "all"):
            rows = pooled[pooled["wave"] == w] if arm == "all" else \
                by_arm[(by_arm["wave"] == w) & (by_arm["arm"] == arm)]
            n_due = int(rows["due"].sum()) if len(rows) else 0
            if n_due == 0:
                ch.result(f"response.{w}.{arm}", None, f"no {arm} participant due at {w}")
            elif n_due < ch.min_cell:
                ch.result(f"response.{w}.{arm}", None, "suppressed")
            else:
                ch.result(f"response.{w}.{arm}", rates[w][arm])
    ch.result("quality.flags", flags)
    return Response(due, by_arm, rates, flags)


def show_flags(ch: Chapter, resp: Response | None) -> None:
    """The warning box at the top of the chapter (or a line saying no flag fired)."""
    if resp is None:
        ch.notice(ch.t("dq_no_survey"))
        return
    q = ch.params.get("quality") or {}
    if resp.flags:
        ch.warning("dq_flags_title", [f["message"] for f in resp.flags])
    else:
        ch.text("dq_no_flags", threshold=fmt_pct(q.get("min_response_rate", 0.7), ch.language),
                gap=fmt_pct(q.get("max_response_gap", 0.1), ch.language))


def show_files(ch: Chapter) -> None:
    ch.section("dq_files")
    df = quality.file_summary(ch.data)
    df["present"] = df["present"].map({True: ch.t("yes"), False: ch.t("no")})
    ch.table(df, [Column("file", ch.t("h_file")), Column("present", ch.t("h_present")),
                  Column("rows", ch.t("h_rows"), "num", decimals=0),
                  Column("rows_used", ch.t("h_rows_used"), "num", decimals=0),
                  Column("warnings", ch.t("h_warnings"), "num", decimals=0)],
             ch.t("dq_files_caption"), ch.t("source_files"))


def show_response(ch: Chapter, resp: Response | None) -> None:
    if resp is None:
        return
    ch.section("dq_response")
    lang = ch.language
    pooled = quality.response_table(resp.due, ["wave"]).set_index("wave")
    first, last = ch.waves[0], ch.waves[-1]
    ch.text("dq_response_text", first=first, r_first=fmt_pct(pooled.loc[first, "response_rate"], lang),
            last=last, r_last=fmt_pct(pooled.loc[last, "response_rate"], lang),
            n_last=fmt_int(pooled.loc[last, "answered"], lang),
            due_last=fmt_int(pooled.loc[last, "due"], lang), table=ch.next_table,
            figure=ch.next_figure)
    tab = resp.by_arm.copy()
    tab["arm"] = tab["arm"].map(lambda a: arm_name(a, lang))
    cols = [Column("wave", ch.t("h_wave")), Column("arm", ch.t("h_arm")),
            Column("due", ch.t("h_due"), "count"), Column("answered", ch.t("h_answered"), "count"),
            Column("response_rate", ch.t("h_rate"), "pct", base="due", decimals=0)]
    ch.table(tab, cols, ch.t("dq_response_caption"), ch.t("source_survey"))
    mask = suppress_by_base(resp.by_arm["due"], ch.min_cell).to_numpy()
    fig = plots.response_figure(resp.by_arm, ch.waves, lang, mask=mask)
    ch.figure(fig, ch.t("dq_response_fig"), ch.t("source_survey"))
    by_office = quality.response_table(resp.due, ["wave", "arm", "office"])
    from ...codebook import office_label

    by_office["office"] = by_office["office"].map(lambda o: office_label(o, lang))
    by_office["arm"] = by_office["arm"].map(lambda a: arm_name(a, lang))
    ch.table(by_office, [Column("wave", ch.t("h_wave")), Column("arm", ch.t("h_arm")),
                         Column("office", ch.t("h_office"))] + cols[2:],
             ch.t("dq_response_office_caption"), ch.t("source_survey"))


def show_missing(ch: Chapter) -> None:
    if not ch.data.has("survey"):
        return
    ch.section("dq_missing")
    cols = [Column("item", ch.t("h_item")), Column("valid", ch.t("h_valid"), "count"),
            Column("dont_know", ch.t("h_dont_know"), "count"),
            Column("not_answered", ch.t("h_not_answered"), "count"),
            Column("empty", ch.t("h_empty"), "count"),
            Column("missing_share", ch.t("h_missing_share"), "pct", base="rows")]
    miss = quality.missing_counts(ch.data.table("survey_raw"), "survey")
    if len(miss) and miss["rows"].iloc[0] > 0:
        worst = miss.sort_values("missing_share", ascending=False).iloc[0]
        ch.text("dq_missing_text", item=worst["item"],
                share=fmt_pct(worst["missing_share"], ch.language))
    ch.table(miss, cols, ch.t("dq_missing_caption"), ch.t("source_survey"))
    if ch.data.has("learning_survey"):
        lm = quality.missing_counts(ch.data.table("learning_survey_raw"), "learning_survey")
        ch.table(lm, cols, ch.t("dq_missing_learning_caption"), "learning_survey")


def show_mcar(ch: Chapter) -> None:
    """Little's test that the survey items are missing completely at random, one row per scale
    (computed and worded by the survey chapter, :mod:`pku_eval.chapters.survey_waves`)."""
    if not ch.data.has("survey"):
        return
    from .. import survey_waves

    long = survey_waves.survey_long(ch.data, ch.waves)
    seed = int(ch.params.get("seed", 2016))
    survey_waves.show_mcar_items(ch, survey_waves.mcar_items(long, seed))
