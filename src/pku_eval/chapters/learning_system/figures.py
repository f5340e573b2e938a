"""The figures of chapter 'learning_system': scale means per round, and the item answers as
diverging stacked bars. A mark or bar is drawn only when the suppression policy allows it."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ... import plots, text
from ...codebook import LEARNING_SCALES, LEARNING_SURVEY, SCALES
from ...disclosure import Policy
from ...text import fmt_int
from .computation import ROUNDS

#: Colours of the two rounds (not arms: the arm palette is kept for arms).
ROUND_COLOURS = {"pre": "#888888", "post": "#0072B2"}
ROUND_MARKER = {"pre": "o", "post": "D"}


def scale_name(scale: str, lang: str) -> str:
    return SCALES[scale].label(lang)


def round_name(rnd: str, lang: str) -> str:
    return LEARNING_SURVEY.var("round").code_label(rnd, lang)


def means_figure(means: pd.DataFrame, rounds: list[str], lang: str, policy: Policy):
    """Mean and 95% CI per scale (x) and round (marker); groups the policy withholds are not
    drawn. Returns the figure and whether a group was left out."""
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    x = np.arange(len(LEARNING_SCALES))
    hidden = False
    for i, rnd in enumerate(rounds):
        m = means[means["round"] == rnd].set_index("scale").reindex(list(LEARNING_SCALES))
        ok = m["n"].map(policy.enough).to_numpy(bool)
        hidden |= bool(m["n"].map(policy.hides).any())
        pos = x + (i - (len(rounds) - 1) / 2) * 0.25
        mean = m["mean"].to_numpy(float)
        err = np.vstack([mean - m["ci_low"].to_numpy(float), m["ci_high"].to_numpy(float) - mean])
        ax.errorbar(pos[ok], mean[ok], yerr=err[:, ok], fmt=ROUND_MARKER[rnd], capsize=4,
                    color=ROUND_COLOURS[rnd], label=round_name(rnd, lang))
    ax.set_xticks(x, [scale_name(s, lang) for s in LEARNING_SCALES])
    ax.set_ylim(1, 5)
    ax.set_ylabel(text.t("ls_mean_axis", lang))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=len(rounds))
    return fig, hidden


def likert_figure(items: pd.DataFrame, rounds: list[str], lang: str, policy: Policy):
    """Diverging stacked bars: per scale one panel, per item and round one bar; answers 1 and
    2 to the left of 0, 4 and 5 to the right, 3 split evenly across 0, in the report's one
    answer palette (:mod:`pku_eval.plots`). A category whose count the policy withholds is
    not drawn on its own (see :func:`pku_eval.plots.likert_shares`), and a bar resting on too
    few answers not at all. Returns the figure (with its text alternative, ``pku_alt``) and
    whether something was left out."""
    per_scale = len(SCALES[LEARNING_SCALES[0]].items) * len(rounds)
    fig, axes = plt.subplots(len(LEARNING_SCALES), 1, sharex=True,
                             figsize=(7.5, 1.2 + 0.36 * per_scale * len(LEARNING_SCALES)),
                             gridspec_kw={"hspace": 0.45})
    hidden = False
    alt = []
    for ax, scale in zip(np.atleast_1d(axes), LEARNING_SCALES, strict=True):
        d = items[(items["scale"] == scale) & items["round"].isin(rounds)]
        d = d.assign(order=d["item"].map(list(SCALES[scale].items).index) * 10
                     + d["round"].map(ROUNDS.index)).sort_values("order")
        ylabels = []
        for y, (_, r) in enumerate(d.iterrows()):
            label = f"{item_label(r['item'], lang)} – {round_name(r['round'], lang)}"
            ylabels.append(label)
            counts = np.array([r[f"p{k}"] for k in range(1, 6)], dtype=float) * r["n"]
            shares, withheld = plots.likert_shares(counts, policy)
            alt.append(plots.likert_alt(label.replace("\n", " "), 1, shares, withheld, lang,
                                        policy))
            if shares is None:
                hidden |= policy.hides(r["n"])
                continue
            hidden |= bool(withheld.any())
            plots.diverging_bar(ax, y, shares, 1, 5)
        ax.set_yticks(range(len(ylabels)), ylabels, fontsize=7.5)
        ax.set_ylim(len(ylabels) - 0.5, -0.5)
        ax.axvline(0, color="#333333", linewidth=0.8)
        ax.set_title(scale_name(scale, lang), loc="left", fontsize=10)
        ax.grid(axis="y", visible=False)
    last = np.atleast_1d(axes)[-1]
    last.set_xlim(-100, 100)
    ticks = np.arange(-100, 101, 25)
    last.set_xticks(ticks, [fmt_int(abs(v), lang) for v in ticks])
    last.set_xlabel(text.t("ls_share_axis", lang))
    labels = {1: text.t("ls_likert_low", lang), 3: text.t("ls_likert_mid", lang),
              5: text.t("ls_likert_high", lang)}
    plots.likert_legend(fig, 1, 5, labels, text.t("fig_withheld", lang), loc="lower center",
                        bbox_to_anchor=(0.5, -0.01), fontsize=8)
    fig.subplots_adjust(bottom=0.1)
    fig.pku_alt = text.t("ls_items_alt", lang, mark=plots.marker(policy, lang), items="; ".join(alt))
    return fig, hidden


def item_label(item: str, lang: str, width: int = 44) -> str:
    """An item as a reader knows it: its question wording (the codebook's label), wrapped."""
    return textwrap.fill(LEARNING_SURVEY.var(item).label(lang), width)
