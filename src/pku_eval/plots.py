"""One figure style for the whole report: theme, colour-blind-safe palette (Okabe–Ito), the
same colour and line style for the same arm everywhere (readable in greyscale too)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from .codebook import ARMS  # noqa: E402
from .text import arm_name, t  # noqa: E402

ARM_COLOURS = {"treatment": "#0072B2", "internal_control": "#E69F00",
               "external_control": "#009E73", "all": "#555555"}
ARM_HATCH = {"treatment": "", "internal_control": "//", "external_control": "..", "all": ""}
ARM_MARKER = {"treatment": "o", "internal_control": "s", "external_control": "^", "all": "D"}
ARM_LINESTYLE = {"treatment": "-", "internal_control": "--", "external_control": ":", "all": "-."}


def set_theme() -> None:
    """The report's matplotlib theme (call once per chapter)."""
    plt.rcParams.update({
        "figure.figsize": (7.5, 4.0), "figure.dpi": 110, "font.size": 10,
        "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
        "grid.color": "#dddddd", "grid.linewidth": 0.6, "axes.axisbelow": True,
        "axes.titlesize": 11, "legend.frameon": False, "svg.hashsalt": "pku-eval",
    })


def response_figure(rates: pd.DataFrame, waves: list[str], language: str, mask=None):
    """Grouped bars: response rate by wave (x) and arm (bars). ``mask`` (bool per row of
    ``rates``) marks values withheld by disclosure control; they are not drawn."""
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    arms = [a for a in ARMS if a in set(rates["arm"])]
    width = 0.8 / max(len(arms), 1)
    x = np.arange(len(waves))
    for i, arm in enumerate(arms):
        r = rates[rates["arm"] == arm].set_index("wave").reindex(waves)
        vals = r["response_rate"].to_numpy(dtype=float) * 100
        if mask is not None:
            m = mask[rates["arm"] == arm]
            m = pd.Series(np.asarray(m), index=rates.loc[rates["arm"] == arm, "wave"]).reindex(waves)
            vals = np.where(m.fillna(False).to_numpy(dtype=bool), np.nan, vals)
        ax.bar(x + (i - (len(arms) - 1) / 2) * width, vals, width * 0.95,
               color=ARM_COLOURS[arm], hatch=ARM_HATCH[arm], edgecolor="white",
               label=arm_name(arm, language))
    ax.set_xticks(x, waves)
    ax.set_ylim(0, 100)
    ax.set_ylabel(t("h_rate", language))
    ax.set_xlabel(t("h_wave", language))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=len(arms))
    return fig


def flow_figure(flow: pd.DataFrame, waves: list[str], language: str, policy):
    """CONSORT-style flow: one column of boxes per arm (enrolled → withdrawn → analysed → with
    register data → answered each wave). Counts the ``policy`` withholds show as its marker."""
    def show(v) -> str:
        return policy.cell(v, None, language)

    steps = [("enrolled", t("enrolled", language)), ("withdrawn", t("withdrawn", language)),
             ("analysed", t("analysed", language)), ("with_outcome", t("with_outcome", language))]
    steps += [(f"answered_{w}", t("answered_wave", language, wave=w)) for w in waves]
    arms = list(flow.index)
    fig, ax = plt.subplots(figsize=(7.5, 0.75 * len(steps) + 0.8))
    ax.set_xlim(0, len(arms))
    ax.set_ylim(-len(steps) + 0.3, 1.2)
    ax.axis("off")
    for j, arm in enumerate(arms):
        cx = j + 0.5
        ax.text(cx, 0.85, arm_name(arm, language), ha="center", va="center", fontsize=10,
                fontweight="bold", color=ARM_COLOURS[arm])
        for i, (key, label) in enumerate(steps):
            cy = -i
            side = key == "withdrawn"
            box = dict(boxstyle="round,pad=0.35", fc="#f2f2f2" if side else "white",
                       ec=ARM_COLOURS[arm], lw=1.2, ls="--" if side else "-")
            ax.text(cx, cy, f"{label}\n{show(flow.loc[arm, key])}", ha="center", va="center",
                    fontsize=8.5, bbox=box)
            if i:
                ax.annotate("", xy=(cx, cy + 0.33), xytext=(cx, cy + 0.67),
                            arrowprops=dict(arrowstyle="->", color="#666666", lw=0.8))
    return fig
