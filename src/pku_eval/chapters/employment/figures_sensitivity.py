"""The employment chapter's sensitivity figure: the risk difference under a growing shift δ
of the missing treated participants' chance of a first job (the tipping-point analysis)."""

from __future__ import annotations

import pandas as pd

from ... import plots, text


def tipping_figure(table: pd.DataFrame, tipping: float | None, language: str):
    """Pooled risk difference (percentage points) and its 95% interval against δ (percentage
    points below MAR); a dashed line at 0 and, when there is one, a mark at the tipping
    point. ``table``: delta, estimate, ci_low, ci_high (fractions)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    d = 100 * table["delta"]
    ax.fill_between(d, 100 * table["ci_low"], 100 * table["ci_high"],
                    color=plots.ARM_COLOURS["treatment"], alpha=0.25, lw=0)
    ax.plot(d, 100 * table["estimate"], color=plots.ARM_COLOURS["treatment"], lw=1.8)
    ax.axhline(0, color="#777777", lw=0.8, ls="--")
    if tipping is not None:
        ax.axvline(100 * tipping, color="#333333", lw=0.8, ls=":")
    ax.set_xlabel(text.t("job_tipping_axis_x", language))
    ax.set_ylabel(text.t("job_tipping_axis_y", language))
    ax.set_xlim(0, 100)
    return fig


#: Bins of the propensity-score overlap figure (equal widths over 0–1).
OVERLAP_BINS = 20


def overlap_bins(ps: pd.DataFrame, policy) -> pd.DataFrame:
    """Per arm and bin of the propensity score: ``count``, ``share`` of the arm and whether the
    policy withholds it (``hidden``: a count of 1 … min_cell − 1, and with a single one the
    next smallest of the arm, whose total is known)."""
    import numpy as np

    edges = np.round(np.linspace(0, 1, OVERLAP_BINS + 1), 10)
    rows = []
    for arm in pd.unique(ps["arm"]):
        values = ps.loc[ps["arm"] == arm, "ps"].to_numpy(float)
        counts, _ = np.histogram(np.clip(values, 0, 1), bins=edges)
        hidden = policy.line_mask(pd.Series(counts)).to_numpy()
        for k, (c, h) in enumerate(zip(counts, hidden, strict=True)):
            rows.append({"arm": arm, "low": edges[k], "high": edges[k + 1], "count": int(c),
                         "share": c / len(values) if len(values) else np.nan,
                         "hidden": bool(h)})
    return pd.DataFrame(rows)


def overlap_figure(ps: pd.DataFrame, policy, language: str):
    """The overlap of the propensity scores: per arm the share of its people in each bin of
    the score (treatment above the axis, the external control group below), a bin resting on
    too few people not drawn (:meth:`~pku_eval.disclosure.Policy.line_mask`); so no mark stands
    for a person. Carries its text alternative (``pku_alt``). ``ps``: arm, ps."""
    import matplotlib.pyplot as plt
    import numpy as np

    bins = overlap_bins(ps, policy)
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    alt = []
    for sign, arm in ((1, "treatment"), (-1, "external_control")):
        b = bins[bins["arm"] == arm]
        if b.empty:
            continue
        heights = np.where(b["hidden"], np.nan, 100 * b["share"])
        ax.bar(b["low"], sign * heights, width=b["high"] - b["low"], align="edge",
               color=plots.ARM_COLOURS[arm], edgecolor="white", lw=0.5,
               label=text.arm_name(arm, language).capitalize())
        parts = [f"{text.fmt_num(lo, 2, language)}–{text.fmt_num(hi, 2, language)}: "
                 + (plots.marker(policy, language) if h else
                    text.fmt_pct(s, language))
                 for lo, hi, s, h in zip(b["low"], b["high"], b["share"], b["hidden"],
                                         strict=True) if h or s > 0]
        alt.append(f"{text.arm_name(arm, language).capitalize()}: " + "; ".join(parts))
    ax.axhline(0, color="#333333", lw=0.8)
    ax.set_xlim(0, 1)
    ticks = ax.get_yticks()
    ax.set_yticks(ticks, [text.fmt_num(abs(v), 0, language) for v in ticks])
    xticks = np.linspace(0, 1, 6)
    ax.set_xticks(xticks, [text.fmt_num(v, 1, language) for v in xticks])
    ax.set_xlabel(text.t("job_overlap_axis_x", language))
    ax.set_ylabel(text.t("job_overlap_axis_y", language))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    fig.tight_layout()
    fig.pku_alt = text.t("job_overlap_alt", language, groups=". ".join(alt),
                         mark=plots.marker(policy, language))
    return fig
