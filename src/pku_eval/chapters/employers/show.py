"""Chapter 'employers': tables, the figure and prose from the computed result (what is
withheld is decided by the policy, ``ch.policy``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import text
from ...chapter import Chapter
from ...disclosure import Policy
from ...publish import Column
from ...text import fmt_int, fmt_pct
from .computation import GROUPS, Employers
from .figures import items_figure

#: Diverging colours (ColorBrewer PuOr, colour-blind safe) of the three answer groups.


def show_intro(ch: Chapter, result: Employers) -> None:
    """Intro, or the notice why there is nothing to show."""
    lang = ch.language
    cutoff = text.fmt_date(result.cutoff, lang)
    ch.text("em_intro")
    if result.status == "no_file":
        ch.notice(ch.t("em_no_file"))
    elif result.status == "no_rows":
        ch.notice(ch.t("em_no_rows", cutoff=cutoff))
    elif result.status == "suppressed":
        ch.notice(ch.t("em_too_few", min_cell=ch.policy.min_cell, cutoff=cutoff))


def show_respondents(ch: Chapter, result: Employers) -> None:
    if result.status != "ok":
        return
    lang = ch.language
    ch.section("em_who")
    private = result.private
    ch.text("em_who_text", n=fmt_int(result.n, lang), cutoff=text.fmt_date(result.cutoff, lang),
            private=ch.policy.cell(private.n, language=lang, hidden=not private.shown))
    ch.table(result.respondents,
             [Column("variable", ch.t("em_h_variable")), Column("category", ch.t("em_h_category")),
              Column("n", ch.t("em_h_employers"), "num", base="n_base", decimals=0),
              Column("share", ch.t("em_h_share"), "pct", base="n_base")],
             ch.t("em_who_caption"), ch.t("em_source"), note=ch.t("em_who_note"))


def _withheld(items: pd.DataFrame, name: str, policy: Policy) -> np.ndarray:
    """The rows whose share of answer group ``name`` is withheld."""
    return policy.base_mask(items[f"base_{name}"]).to_numpy()


def _drawn(items: pd.DataFrame, policy: Policy) -> np.ndarray:
    """The items with enough valid answers to be drawn."""
    return items["valid"].map(policy.enough).to_numpy(dtype=bool)


def show_items(ch: Chapter, result: Employers) -> None:
    if result.status != "ok":
        return
    lang = ch.language
    ch.section("em_items")
    it = result.items
    drawn = _drawn(it, ch.policy)
    ok = it[drawn & ~_withheld(it, "positive", ch.policy)]
    if len(ok):
        best = ok.loc[ok["positive"].idxmax()]
        worst = ok.loc[ok["positive"].idxmin()]
        ch.text("em_items_text", best_item=best["label"],
                best_share=fmt_pct(best["positive"], lang),
                worst_item=worst["label"], worst_share=fmt_pct(worst["positive"], lang))
    if drawn.any():
        ch.figure(items_figure(it, lang, ch.policy), ch.t("em_items_caption"),
                  ch.t("em_source"),
                  note=ch.t("em_items_fig_note", min_cell=ch.policy.min_cell))
    cols = [Column("label", ch.t("em_h_item")), Column("valid", ch.t("em_h_valid"), "count")]
    cols += [Column(name, ch.t(f"em_group_{name}") + " (%)", "pct", base=f"base_{name}")
             for name, _, _ in GROUPS]
    cols += [Column("mean", ch.t("em_h_mean"), "num", base="base_mean", decimals=2)]
    ch.table(it, cols, ch.t("em_items_table_caption"), ch.t("em_source"),
             note=ch.t("em_items_table_note"))


def show_recommend(ch: Chapter, result: Employers) -> None:
    if result.status != "ok":
        return
    lang = ch.language
    ch.section("em_recommend")
    r = result.recommend
    if result.values["employers.would_recommend"].shown:
        ch.text("em_recommend_text", share=fmt_pct(r["estimate"], lang), n=fmt_int(r["n"], lang),
                low=fmt_pct(r["ci_low"], lang), high=fmt_pct(r["ci_high"], lang))
    tab = result.recommend_by
    ch.table(tab, [Column("group", ch.t("em_h_category")),
                   Column("n", ch.t("em_h_employers"), "count"),
                   Column("estimate", ch.t("em_h_recommend"), "pct", base="base"),
                   Column("ci_low", ch.t("em_h_ci_low"), "pct", base="base"),
                   Column("ci_high", ch.t("em_h_ci_high"), "pct", base="base")],
             ch.t("em_recommend_caption"), ch.t("em_source"),
             note=ch.t("em_recommend_note", min_cell=ch.policy.min_cell))
