"""The figures of the 'survey_waves' chapter: item distributions at T0 and mean trajectories by
wave. A bar or point resting on too few answers is not drawn, as the suppression policy
decides."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from ... import plots, text
from ...codebook import SCALES, SURVEY, SURVEY_SCALES
from ...disclosure import Policy
from ...text import fmt_int


def item_label(item: str, lang: str, width: int = 46) -> str:
    """An item as a reader knows it: its question wording (the codebook's label), wrapped."""
    return textwrap.fill(SURVEY.var(item).label(lang), width)


def items_figure(items: pd.DataFrame, lang: str, policy: Policy):
    """Diverging stacked bars, one per item: the answers at T0 (negatively worded items
    reversed), the lower answers to the left of 0, the upper ones to the right, the middle one
    of an odd scale across 0; the same answer has the same colour in every panel, and every
    panel's legend lists all its answers. A category whose count the policy withholds is not
    drawn (nor the second one withheld with it), and an item with too few answers not at all.
    The figure carries its text alternative (``pku_alt``)."""
    import matplotlib.pyplot as plt

    n_items = [items.loc[items["scale"] == s, "item"].nunique() for s in SURVEY_SCALES]
    fig, axes = plt.subplots(len(SURVEY_SCALES), 1, figsize=(7.5, 0.42 * sum(n_items) + 3.0),
                             gridspec_kw={"height_ratios": n_items, "hspace": 0.75},
                             sharex=True)
    alt = []
    for ax, scale in zip(np.atleast_1d(axes), SURVEY_SCALES, strict=True):
        spec = SCALES[scale]
        sub = items[items["scale"] == scale]
        labels = []
        for i, item in enumerate(spec.items):
            d = sub[sub["item"] == item].set_index("value").reindex(
                range(spec.low, spec.high + 1))
            mark = f" {text.t('sw_reversed_mark', lang)}" if item in spec.reversed_items else ""
            labels.append(item_label(item, lang) + mark)
            shares, hidden = plots.likert_shares(d["count"].fillna(0).to_numpy(), policy)
            alt.append(plots.likert_alt(SURVEY.var(item).label(lang) + mark, spec.low, shares,
                                        hidden, lang, policy))
            if shares is not None:
                plots.diverging_bar(ax, i, shares, spec.low, spec.high)
        ax.set_yticks(range(len(labels)), labels, fontsize=7.5)
        ax.set_ylim(len(labels) - 0.5, -0.5)
        ax.axvline(0, color="#333333", linewidth=0.8)
        ax.set_xlim(-100, 100)
        ax.grid(axis="y", visible=False)
        ax.set_title(spec.label(lang), loc="left", fontsize=10, pad=20)
        anchors = {v: f"{v} {text.t(f'sw_anchor_{scale}_{end}', lang)}"
                   for v, end in ((spec.low, "low"), (spec.high, "high"))}
        leg = plots.likert_legend(fig, spec.low, spec.high, anchors,
                                  text.t("fig_withheld", lang), fontsize=7.5,
                                  loc="lower left", bbox_to_anchor=(-0.01, 0.99),
                                  bbox_transform=ax.transAxes, handlelength=1.2,
                                  columnspacing=0.8)
        leg.set_in_layout(False)
    last = np.atleast_1d(axes)[-1]
    ticks = np.arange(-100, 101, 25)
    last.set_xticks(ticks, [fmt_int(abs(v), lang) for v in ticks])
    last.set_xlabel(f"{text.t('sw_share', lang)} (%)")
    fig.pku_alt = text.t("sw_items_alt", lang, mark=plots.marker(policy, lang), items="; ".join(alt))
    return fig


def trajectory_figure(means: pd.DataFrame, groups: list[tuple], waves: list[str], lang: str,
                      policy: Policy):
    """One panel per scale: mean ± CI by wave, one line per group.

    ``groups``: (project, arm, label, colour, linestyle, marker). Points resting on too few
    answers (``policy``) are not drawn."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(SURVEY_SCALES), figsize=(7.5, 3.4))
    x = np.arange(len(waves))
    for ax, scale in zip(axes, SURVEY_SCALES, strict=True):
        spec = SCALES[scale]
        for k, (project, arm, label, colour, style, marker) in enumerate(groups):
            d = means[(means["scale"] == scale) & (means["project"] == project)
                      & (means["arm"] == arm)].set_index("wave").reindex(waves)
            ok = np.array([policy.enough(n) for n in d["n"]], dtype=bool)
            mean = np.where(ok, d["mean"], np.nan)
            low = np.where(ok, d["mean"] - d["ci_low"], np.nan)
            high = np.where(ok, d["ci_high"] - d["mean"], np.nan)
            shift = (k - (len(groups) - 1) / 2) * 0.08
            ax.errorbar(x + shift, mean, yerr=[low, high], color=colour, linestyle=style,
                        marker=marker, capsize=3, linewidth=1.6, markersize=5, label=label)
        ax.set_xticks(x, waves)
        ax.set_title(spec.label(lang), fontsize=10)
        ax.set_xlim(-0.4, len(waves) - 0.6)
    axes[0].set_ylabel(text.t("sw_h_mean", lang))
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(groups), bbox_to_anchor=(0.5, -0.04))
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def tipping_figure(curve: pd.DataFrame, tipping: pd.DataFrame, lang: str):
    """The δ-adjusted tipping-point analysis: per scale (one panel each, the wave ``curve``
    holds for it), the pooled effect and its 95% interval against δ (the shift of the
    treatment arm's unobserved scores, scale points); a dashed line at 0, a dotted line at
    the tipping δ. The estimates rest on every randomised participant, so nothing here
    describes a person. Carries its text alternative (``pku_alt``)."""
    import matplotlib.pyplot as plt

    scales = [s for s in SURVEY_SCALES if s in set(curve["scale"])]
    fig, axes = plt.subplots(1, len(scales), figsize=(7.5, 3.2), sharey=True, squeeze=False)
    alt = []
    tip = tipping.set_index(["scale", "wave"])
    for ax, scale in zip(axes[0], scales, strict=True):
        c = curve[curve["scale"] == scale]
        wave = c["wave"].iloc[0]
        ax.fill_between(c["delta"], c["ci_low"], c["ci_high"],
                        color=plots.ARM_COLOURS["treatment"], alpha=0.25, lw=0)
        ax.plot(c["delta"], c["estimate"], color=plots.ARM_COLOURS["treatment"], lw=1.6)
        ax.axhline(0, color="#777777", lw=0.8, ls="--")
        ax.axvline(0, color="#bbbbbb", lw=0.6)
        point = tip.loc[(scale, wave), "tipping"]
        if point is not None and not pd.isna(point):
            ax.axvline(point, color="#333333", lw=0.9, ls=":")
            shown = text.fmt_num(point, 2, lang)
        else:
            shown = text.t("sw_tip_alt_none", lang)
        ax.set_title(f"{SCALES[scale].label(lang)} ({wave})", fontsize=9)
        ax.set_xlabel(text.t("sw_tip_axis_x", lang), fontsize=8)
        alt.append(text.t("sw_tip_alt_item", lang, scale=SCALES[scale].label(lang), wave=wave,
                          tip=shown))
    axes[0][0].set_ylabel(text.t("sw_tip_axis_y", lang))
    from matplotlib.ticker import FuncFormatter

    local = FuncFormatter(lambda v, _: text.fmt_num(v, 1, lang))
    for ax in axes[0]:
        ax.xaxis.set_major_formatter(local)
        ax.yaxis.set_major_formatter(local)
    fig.tight_layout()
    fig.pku_alt = text.t("sw_tip_alt", lang, items="; ".join(alt))
    return fig
