"""The employment chapter's figures: share with a first job per arm, and the Kaplan-Meier
curves with the numbers at risk. What is drawn and which numbers are withheld is decided by
the suppression policy."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import plots, text
from ...disclosure import Policy
from ...text import arm_name


def rates_figure(counts: pd.DataFrame, language: str):
    """Share with a first job per arm with its 95% CI (the arms given are drawn)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 0.6 + 0.7 * len(counts)))
    y = np.arange(len(counts))
    for i, row in enumerate(counts.itertuples()):
        ax.barh(i, 100 * row.share, color=plots.ARM_COLOURS[row.arm],
                hatch=plots.ARM_HATCH[row.arm], edgecolor="white", height=0.6)
        ax.errorbar(100 * row.share, i, xerr=[[max(0.0, 100 * (row.share - row.ci_low))],
                                              [max(0.0, 100 * (row.ci_high - row.share))]],
                    fmt="none", ecolor="#333333", capsize=4, lw=1)
    ax.set_yticks(y, [arm_name(a, language) for a in counts["arm"]])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(text.t("job_share_pct", language))
    return fig


from ...disclosure import km_steps  # noqa: E402,F401  (the policy's rule, written once)


def km_figure(km: pd.DataFrame, at_risk: pd.DataFrame, language: str, policy: Policy):
    """Cumulative share with a first job (1 − Kaplan-Meier) by arm, with the numbers at risk
    below; each curve is drawn as :func:`km_steps` allows (no step of too few events, none
    where too few are at risk)."""
    import matplotlib.pyplot as plt

    arms = list(at_risk.index)
    alt = []
    fig, (ax, tab) = plt.subplots(
        2, 1, figsize=(7.5, 4.6 + 0.25 * len(arms)),
        gridspec_kw={"height_ratios": [4, 0.45 * len(arms) + 0.5], "hspace": 0.45})
    months = list(at_risk.columns)
    for arm in arms:
        d = km_steps(km[km["group"] == arm], policy)
        alt.append(text.t("job_km_alt_arm", language, arm=arm_name(arm, language),
                          points="; ".join(_km_point(d, m, at_risk.loc[arm, m], language, policy)
                                           for m in at_risk.columns)))
        x = d["time"].to_numpy()
        y = 100 * (1 - d["survival"].to_numpy())
        lo = 100 * (1 - d["ci_high"].to_numpy())
        hi = 100 * (1 - d["ci_low"].to_numpy())
        ax.step(x, y, where="post", color=plots.ARM_COLOURS[arm],
                linestyle=plots.ARM_LINESTYLE[arm], lw=1.8, label=arm_name(arm, language))
        ax.fill_between(x, lo, hi, step="post", color=plots.ARM_COLOURS[arm], alpha=0.12,
                        lw=0)
    ax.set_xlim(0, months[-1])
    ax.set_xticks(months)
    ax.set_ylim(0, 100)
    ax.set_xlabel(text.t("job_months", language))
    ax.set_ylabel(text.t("job_cum_share", language))
    ax.legend(loc="upper left")
    tab.set_xlim(ax.get_xlim())
    tab.set_ylim(len(arms) - 0.5, -0.5)
    tab.set_yticks(range(len(arms)), [arm_name(a, language) for a in arms])
    for label, arm in zip(tab.get_yticklabels(), arms):
        label.set_color(plots.ARM_COLOURS[arm])
    tab.set_xticks([])
    tab.grid(False)
    for side in tab.spines.values():
        side.set_visible(False)
    tab.tick_params(left=False, pad=16)
    tab.set_title(text.t("job_at_risk", language), loc="left", fontsize=9)
    for i, arm in enumerate(arms):
        for m in months:
            tab.text(m, i, policy.prose(int(at_risk.loc[arm, m]), language), ha="center",
                     va="center", fontsize=8.5)
    fig.pku_alt = " ".join(alt)
    return fig


def _km_point(drawn: pd.DataFrame, month, at_risk, language: str, policy: Policy) -> str:
    """'12: 35 % (at risk 80)': the drawn curve at ``month``, or the marker past its end."""
    share = None if month > drawn["time"].max() else \
        1 - drawn.loc[drawn["time"] <= month, "survival"].iloc[-1]
    return text.t("job_km_alt_point", language, month=text.fmt_int(month, language),
                  share=plots.share_or_mark(share, language, policy),
                  at_risk=policy.prose(int(at_risk), language))


def forest_figure(rows: pd.DataFrame, pooled: dict | None, language: str):
    """Per-office risk differences (percentage points) with their 95% intervals, and the
    Mantel-Haenszel estimate over the offices as a diamond. ``rows``: label, estimate, ci_low,
    ci_high (fractions); only offices whose arms the policy lets be compared are given."""
    import matplotlib.pyplot as plt

    n = len(rows) + (1 if pooled else 0)
    fig, ax = plt.subplots(figsize=(7.5, 0.9 + 0.45 * n))
    for i, r in enumerate(rows.itertuples()):
        ax.plot([100 * r.ci_low, 100 * r.ci_high], [i, i], color="#333333", lw=1.2)
        ax.plot(100 * r.estimate, i, "s", color=plots.ARM_COLOURS["treatment"], ms=7)
    labels = list(rows["label"])
    if pooled:
        i = len(rows)
        e, lo, hi = (100 * pooled[k] for k in ("estimate", "ci_low", "ci_high"))
        ax.fill([lo, e, hi, e], [i, i - 0.25, i, i + 0.25], color="#333333")
        labels.append(text.t("job_forest_pooled", language))
    ax.axvline(0, color="#777777", lw=0.8, ls="--")
    ax.set_yticks(range(n), labels)
    ax.invert_yaxis()
    ax.set_xlabel(text.t("job_forest_axis", language))
    return fig
