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
