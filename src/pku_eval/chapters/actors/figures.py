"""The figures of chapter 'actors': the evaluator's comparison across the three projects (scale
means with 95% CI per project and round), and the item answers as diverging stacked bars with
the question wording. A mark or bar is drawn only when the suppression policy allows it."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from ... import plots, text
from ...codebook import ACTOR_SCALES, ACTOR_SURVEY, FILES, SCALES
from ...disclosure import Policy
from ...text import fmt_int
from .computation import PROJECTS

#: Colours and markers of the three projects: the report's (pku_eval.plots).
PROJECT_COLOURS = plots.PROJECT_COLOURS
PROJECT_MARKER = plots.PROJECT_MARKER


def scale_name(scale: str, lang: str) -> str:
    return SCALES[scale].label(lang)


def round_name(rnd: str, lang: str) -> str:
    return ACTOR_SURVEY.var("round").code_label(rnd, lang)


def project_name(project: str, lang: str) -> str:
    return FILES["offices"].var("project").code_label(project, lang)


def party_name(party: str, lang: str) -> str:
    return ACTOR_SURVEY.var("party").code_label(party, lang)


def projects_figure(by_project: pd.DataFrame, rounds: list[str], lang: str, policy: Policy):
    """One panel per round: mean and 95% CI of each scale (x) per project (marker). A project
    whose count the policy withholds is not drawn. Returns the figure and whether a mark was
    left out."""
    fig, axes = plt.subplots(1, len(rounds), figsize=(7.5, 3.4), sharey=True, squeeze=False)
    x = np.arange(len(ACTOR_SCALES))
    projects = [p for p in PROJECTS if p in set(by_project["project"])]
    left_out = False
    for ax, rnd in zip(axes[0], rounds, strict=True):
        for i, proj in enumerate(projects):
            m = (by_project[by_project["project"] == proj].set_index("scale")
                 .reindex(list(ACTOR_SCALES)))
            ok = (~m[f"hidden_{rnd}"].astype(bool) & m[f"n_{rnd}"].map(policy.enough)).to_numpy()
            left_out |= bool((~ok & (m[f"n_{rnd}"] > 0)).any())
            pos = x + (i - (len(projects) - 1) / 2) * 0.22
            mean = m[f"mean_{rnd}"].to_numpy(float)
            err = np.vstack([mean - m[f"ci_low_{rnd}"].to_numpy(float),
                             m[f"ci_high_{rnd}"].to_numpy(float) - mean])
            ax.errorbar(pos[ok], mean[ok], yerr=err[:, ok], fmt=PROJECT_MARKER[proj],
                        capsize=3, color=PROJECT_COLOURS[proj], label=project_name(proj, lang))
        ax.set_xticks(x, [scale_name(s, lang) for s in ACTOR_SCALES], fontsize=8)
        ax.set_title(round_name(rnd, lang), fontsize=10)
        ax.set_ylim(1, 5)
    axes[0][0].set_ylabel(text.t("act_mean_axis", lang))
    handles = [plt.Line2D([], [], marker=PROJECT_MARKER[p], color=PROJECT_COLOURS[p],
                          linestyle="", label=project_name(p, lang)) for p in projects]
    fig.legend(handles=handles, loc="lower center", ncol=len(projects),
               bbox_to_anchor=(0.5, -0.02))
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig, left_out


def items_figure(items: pd.DataFrame, rounds: list[str], lang: str, policy: Policy):
    """Diverging stacked bars with the question wording (the report's one Likert style,
    :func:`pku_eval.plots.diverging_bar`): per scale one panel, per item and round one bar;
    answers 1 and 2 left of 0, 4 and 5 right, 3 split across 0. An answer category the policy
    withholds is not drawn on its own (:func:`pku_eval.plots.likert_shares`), and a bar resting
    on too few valid answers is left out. Returns the figure (its text alternative attached)
    and whether anything was withheld."""
    heights = [len(SCALES[s].items) * len(rounds) for s in ACTOR_SCALES]
    fig, axes = plt.subplots(len(ACTOR_SCALES), 1, sharex=True, figsize=(7.5, 1.2 + 0.36 *
                                                                         sum(heights)),
                             gridspec_kw={"height_ratios": heights})
    left_out = False
    alt = []
    labels = {1: text.t("act_likert_low", lang), 2: "2", 3: "3", 4: "4",
              5: text.t("act_likert_high", lang)}
    for ax, scale in zip(np.atleast_1d(axes), ACTOR_SCALES, strict=True):
        d = items[(items["scale"] == scale) & items["round"].isin(rounds)]
        order = list(SCALES[scale].items)
        d = d.assign(o=d["item"].map(order.index) * 10 + d["round"].map(rounds.index))
        d = d.sort_values("o", ascending=False)
        ylabels = []
        for y, (_, r) in enumerate(d.iterrows()):
            wording = textwrap.shorten(ACTOR_SURVEY.var(r["item"]).label(lang), 48,
                                       placeholder="…")
            label = f"{wording} – {round_name(r['round'], lang).split(' ')[0]}"
            ylabels.append(label)
            counts = np.array([r[f"p{k}"] for k in range(1, 6)], dtype=float) * r["n"]
            shares, withheld = plots.likert_shares(counts, policy)
            alt.append(plots.likert_alt(label, 1, shares, withheld, lang, policy))
            if shares is None:
                left_out |= bool(r["n"] > 0)
                continue
            left_out |= bool(withheld.any())
            plots.diverging_bar(ax, y, shares, 1, 5)
        ax.set_yticks(range(len(ylabels)), ylabels, fontsize=7)
        ax.axvline(0, color="#333333", linewidth=0.8)
        ax.set_title(scale_name(scale, lang), loc="left", fontsize=10)
        ax.grid(axis="y", visible=False)
    last = np.atleast_1d(axes)[-1]
    last.set_xlim(-100, 100)
    ticks = np.arange(-100, 101, 25)
    last.set_xticks(ticks, [fmt_int(abs(v), lang) for v in ticks])
    last.set_xlabel(text.t("act_share_axis", lang))
    plots.likert_legend(fig, 1, 5, labels, text.t("fig_withheld", lang), loc="lower center",
                        bbox_to_anchor=(0.5, -0.01), fontsize=8)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.pku_alt = text.t("act_items_alt", lang, mark=plots.marker(policy, lang),
                         items="; ".join(alt))
    return fig, bool(left_out)
