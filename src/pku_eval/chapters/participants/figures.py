"""The figures of chapter 'participants': a CONSORT 2010 flow diagram of the randomised trial
by allocated arm, and the participation of the groups outside it. Boxes follow one another
only where each is a subset of the last; survey answers sit apart (answering a wave is not a
step of the flow). Every count is shown as the suppression policy allows."""

from __future__ import annotations

import pandas as pd

from ...disclosure import Policy
from ...text import t


def _box(ax, x, y, label, value, colour, side=False):
    style = {"boxstyle": "round,pad=0.4", "fc": "#f2f2f2" if side else "white", "ec": colour,
                 "lw": 1.2, "ls": "--" if side else "-"}
    ax.text(x, y, f"{label}\n{value}", ha="center", va="center", fontsize=8.3, bbox=style,
            wrap=True)


def _arrow(ax, x0, y0, x1, y1):
    ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                arrowprops={"arrowstyle": "->", "color": "#555555", "lw": 0.9})


def _answers(row, waves, language, policy) -> str:
    return "\n".join(t("pt_answered_of", language, wave=w,
                       answered=policy.prose(row[f"answered_{w}"], language),
                       due=policy.prose(row[f"due_{w}"], language)) for w in waves)


def flow_diagram(groups: pd.DataFrame, titles: list[str], colours: list[str], waves: list[str],
                 language: str, policy: Policy, randomised: bool):
    """One column of boxes per row of ``groups`` (counts as :func:`shown_flow` returns them):
    allocated (``randomised``; under one box of everyone randomised) or enrolled → withdrawn
    (to the side) → analysed → without register data (to the side) → with register data;
    below a line, the survey answers per wave of those analysed (answered of due)."""
    import matplotlib.pyplot as plt

    k = len(groups)
    fig, ax = plt.subplots(figsize=(7.5, 5.6 + 0.25 * len(waves)))
    ax.set_xlim(0, k)
    bottom = -6.2 - 0.28 * len(waves)
    ax.set_ylim(bottom, 1.4 if randomised else 0.6)
    ax.axis("off")
    show = lambda v: policy.prose(v, language)
    if randomised:  # the total gives back an arm's count that is withheld
        hidden = any(policy.hides(v) for v in groups["enrolled"])
        total = policy.cell(0 if hidden else int(groups["enrolled"].sum()), None, language,
                            hidden=hidden)
        _box(ax, k / 2, 1.0, t("pt_randomised", language), total, "#333333")
    for j, (title, colour, (_, row)) in enumerate(zip(titles, colours, groups.iterrows(),
                                                      strict=True)):
        cx = j + 0.4
        ax.text(cx, 0.35, title, ha="center", va="center", fontsize=9, fontweight="bold",
                color=colour, wrap=True)
        if randomised:
            _arrow(ax, k / 2, 0.72, cx, 0.55)
        first = t("pt_allocated" if randomised else "enrolled", language)
        _box(ax, cx, -0.5, first, show(row["enrolled"]), colour)
        _box(ax, cx + 0.36 if k > 1 else cx + 0.3, -1.45, t("withdrawn", language),
             show(row["withdrawn"]), colour, side=True)
        _arrow(ax, cx, -0.85, cx, -2.15)
        ax.plot([cx, cx + 0.2], [-1.45, -1.45], color="#555555", lw=0.9)
        _box(ax, cx, -2.5, t("pt_analysed_itt" if randomised else "analysed", language),
             show(row["analysed"]), colour)
        _box(ax, cx + 0.36 if k > 1 else cx + 0.3, -3.45, t("pt_no_outcome", language),
             show(row["no_outcome"]), colour, side=True)
        _arrow(ax, cx, -2.85, cx, -4.15)
        ax.plot([cx, cx + 0.2], [-3.45, -3.45], color="#555555", lw=0.9)
        _box(ax, cx, -4.5, t("with_outcome", language), show(row["with_outcome"]), colour)
        ax.text(cx, -5.9, _answers(row, waves, language, policy), ha="center", va="top",
                fontsize=8, bbox={"boxstyle": "round,pad=0.4", "fc": "white", "ec": "#999999",
                                      "lw": 0.8, "ls": ":"})
    ax.axhline(-5.25, color="#bbbbbb", lw=0.8, ls=":")
    ax.text(0.02, -5.45, t("pt_survey_apart", language), ha="left", va="center", fontsize=8.3,
            color="#444444", style="italic")
    return fig


def flow_alt(groups: pd.DataFrame, titles: list[str], waves: list[str], language: str,
             policy: Policy) -> str:
    """The diagram's text alternative: every box's count, as the policy allows."""
    parts = []
    for title, (_, row) in zip(titles, groups.iterrows(), strict=True):
        parts.append(t("pt_flow_alt", language, group=title,
                       enrolled=policy.prose(row["enrolled"], language),
                       withdrawn=policy.prose(row["withdrawn"], language),
                       analysed=policy.prose(row["analysed"], language),
                       with_outcome=policy.prose(row["with_outcome"], language),
                       no_outcome=policy.prose(row["no_outcome"], language),
                       answers="; ".join(_answers(row, waves, language, policy).splitlines())))
    return " ".join(parts)
