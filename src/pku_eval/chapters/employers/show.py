"""Chapter 'employers': tables, the figure and prose from the computed result (what is
withheld is decided by the policy, ``ch.policy``)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ... import text
from ...chapter import Chapter
from ...disclosure import Policy
from ...publish import Column
from ...text import fmt_int, fmt_pct
from .computation import GROUPS, Employers

#: Diverging colours (ColorBrewer PuOr, colour-blind safe) of the three answer groups.
GROUP_COLOURS = {"negative": "#e08214", "neutral": "#d9d9d9", "positive": "#8073ac"}


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


def _diverging(items: pd.DataFrame, lang: str, policy: Policy):
    """Diverging bars: answers 1–2 to the left of zero, 4–5 to the right, and 3 in a panel of
    its own, so that no bar's position depends on a withheld share (withheld ones are not
    drawn)."""
    shown = items[_drawn(items, policy)].iloc[::-1].reset_index(drop=True)
    fig, (ax, ax3) = plt.subplots(1, 2, figsize=(7.5, 0.5 * len(shown) + 1.6), sharey=True,
                                  gridspec_kw={"width_ratios": [3, 1]})
    y = np.arange(len(shown))
    share = {name: np.where(_withheld(shown, name, policy), np.nan,
                            100 * shown[name].to_numpy()) for name, _, _ in GROUPS}
    ax.barh(y, -share["negative"], color=GROUP_COLOURS["negative"], height=0.7,
            label=text.t("em_group_negative", lang))
    ax.barh(y, share["positive"], color=GROUP_COLOURS["positive"], height=0.7,
            label=text.t("em_group_positive", lang))
    ax3.barh(y, share["neutral"], color=GROUP_COLOURS["neutral"], height=0.7,
             label=text.t("em_group_neutral", lang))
    ax.axvline(0, color="#333333", lw=0.8)
    ax.set_yticks(y, shown["label"])
    ax.set_xlim(-100, 100)
    ticks = np.arange(-100, 101, 50)
    ax.set_xticks(ticks, [fmt_int(abs(t), lang) for t in ticks])
    ax3.set_xlim(0, 100)
    ax3.set_xticks([0, 50, 100], [fmt_int(t, lang) for t in (0, 50, 100)])
    ax.set_xlabel(text.t("em_x_share", lang))
    ax3.set_title(text.t("em_group_neutral", lang), fontsize=9)
    ax.legend(loc="upper center", bbox_to_anchor=(0.65, -0.14), ncol=2)
    return fig


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
        ch.figure(_diverging(it, lang, ch.policy), ch.t("em_items_caption"),
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
