"""The figure of chapter 'employers': the ratings of the follow-up as diverging stacked bars in
the report's one answer palette (:mod:`pku_eval.plots`), one bar per item, every answer group
in the legend. What is drawn is what the items table publishes."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from ... import plots, text
from ...disclosure import Policy
from .computation import GROUPS


def items_figure(items: pd.DataFrame, lang: str, policy: Policy):
    """Answers 1–2 (left of 0), 3 (split across 0) and 4–5 (right) per item, as shares of the
    valid answers. A group the items table withholds (its ``base_<group>`` column: the policy's
    line mask) is not drawn: the bar is closed by one hatched withheld part; an item with too
    few valid answers is left out. The figure carries its text alternative (``pku_alt``)."""
    import matplotlib.pyplot as plt

    rows = [r for r in items.itertuples() if policy.enough(r.valid)]
    fig, ax = plt.subplots(figsize=(7.5, 1.4 + 0.5 * max(len(rows), 1)))
    alt = []
    for y, r in enumerate(rows):
        withheld = np.array([policy.hides(getattr(r, f"base_{name}"))
                             for name, _, _ in GROUPS])
        shares = np.array([0.0 if w else 100 * float(getattr(r, name))
                           for (name, _, _), w in zip(GROUPS, withheld, strict=True)])
        plots.diverging_bar(ax, y, shares, 1, len(GROUPS), height=0.7)
        alt.append(plots.likert_alt(r.label, 1, shares, withheld, lang, policy))
    ax.set_yticks(range(len(rows)), [textwrap.fill(r.label, 40) for r in rows], fontsize=8)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.axvline(0, color="#333333", lw=0.8)
    ax.set_xlim(-100, 100)
    ticks = np.arange(-100, 101, 25)
    ax.set_xticks(ticks, [text.fmt_int(abs(v), lang) for v in ticks])
    ax.set_xlabel(text.t("em_x_share", lang))
    ax.grid(axis="y", visible=False)
    labels = {k: text.t(f"em_group_{name}", lang) for k, (name, _, _) in enumerate(GROUPS, 1)}
    plots.likert_legend(fig, 1, len(GROUPS), labels, text.t("fig_withheld", lang),
                        loc="lower center", bbox_to_anchor=(0.5, -0.02), fontsize=8)
    fig.subplots_adjust(bottom=0.22)
    fig.pku_alt = text.t("em_items_alt", lang, mark=plots.marker(policy, lang), items="; ".join(alt))
    return fig
