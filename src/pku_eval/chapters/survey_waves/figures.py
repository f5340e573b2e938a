"""The figures of the 'survey_waves' chapter: item distributions at T0 and mean trajectories by
wave. A bar or point resting on too few answers is not drawn, as the suppression policy
decides."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import text
from ...codebook import SCALES, SURVEY_SCALES
from ...disclosure import Policy


def items_figure(items: pd.DataFrame, lang: str, policy: Policy):
    """One stacked bar per item: the share of each answer at T0 (items with too few answers
    are left empty)."""
    import matplotlib.pyplot as plt

    n_items = [items.loc[items["scale"] == s, "item"].nunique() for s in SURVEY_SCALES]
    fig, axes = plt.subplots(len(SURVEY_SCALES), 1, figsize=(7.5, 0.32 * sum(n_items) + 2.2),
                             gridspec_kw={"height_ratios": n_items}, sharex=True)
    colours = plt.get_cmap("cividis")
    for ax, scale in zip(np.atleast_1d(axes), SURVEY_SCALES, strict=True):
        spec = SCALES[scale]
        sub = items[items["scale"] == scale]
        labels = []
        values = list(range(spec.low, spec.high + 1))
        for i, item in enumerate(spec.items):
            d = sub[sub["item"] == item].set_index("value")
            mark = f" {text.t('sw_reversed_mark', lang)}" if item in spec.reversed_items else ""
            labels.append(f"{spec.label(lang)} {item.rsplit('_', 1)[1]}{mark}")
            if policy.too_few(d["n"].iloc[0]):
                continue
            left = 0.0
            for v in values:
                share = float(d.loc[v, "share"]) * 100
                colour = colours(0.1 + 0.85 * (v - spec.low) / max(spec.high - spec.low, 1))
                ax.barh(i, share, left=left, color=colour, edgecolor="white", height=0.8,
                        label=str(v) if i == 0 else None)
                left += share
        ax.set_yticks(range(len(labels)), labels)
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.grid(axis="y", visible=False)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    np.atleast_1d(axes)[-1].set_xlabel(f"{text.t('sw_share', lang)} (%)")
    fig.tight_layout()
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
