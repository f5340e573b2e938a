"""One figure style for the whole report: theme, colour-blind-safe palettes, the same colour
and line style for the same arm everywhere (readable in greyscale too), the same colour for the
same answer category in every Likert panel, and the diverging bar every Likert figure draws.

Palettes: arms in Okabe–Ito (Okabe & Ito 2008, "Color Universal Design"); answer categories
in ColorBrewer PuOr (Harrower & Brewer 2003), which stays distinct under the common forms of
colour-vision deficiency, with the neutral middle category in a light grey whose lightness
differs from every other category's (so it stays apart in greyscale too)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .codebook import ARMS
from .text import arm_name, fmt_num, fmt_pct, t

ARM_COLOURS = {"treatment": "#0072B2", "internal_control": "#E69F00",
               "external_control": "#009E73", "all": "#555555"}
ARM_HATCH = {"treatment": "", "internal_control": "//", "external_control": "..", "all": ""}
ARM_MARKER = {"treatment": "o", "internal_control": "s", "external_control": "^", "all": "D"}
ARM_LINESTYLE = {"treatment": "-", "internal_control": "--", "external_control": ":", "all": "-."}

#: The county projects (Okabe–Ito, after the arms' three colours: a figure shows projects or
#: arms, never both).
PROJECT_COLOURS = {"klar": "#0072B2", "ungjobb": "#E69F00", "sortrondelag": "#009E73"}
PROJECT_MARKER = {"klar": "o", "ungjobb": "s", "sortrondelag": "D"}
#: Offices or other unordered groups beyond three (Okabe–Ito, black last), with
#: :data:`GROUP_LINESTYLES` cycling alongside so that lines stay apart in greyscale.
GROUP_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
                 "#F0E442", "#000000")
GROUP_LINESTYLES = ("-", "--", ":", "-.")
#: Ordered categories that are not answers (e.g. the five SE stages), from the first to the
#: last: one hue, light to dark (ColorBrewer Blues), so that the order reads off the lightness.
ORDERED = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")

#: Answer categories, from the lowest to the highest (ColorBrewer PuOr; neutral light grey).
LIKERT_LOW = ("#b35806", "#f1a340")
LIKERT_NEUTRAL = "#dcdcdc"
LIKERT_HIGH = ("#998ec3", "#542788")
#: How a withheld part of a bar is drawn (hatched, no colour of any category).
WITHHELD_EDGE = "#8a8a8a"
WITHHELD_HATCH = "////"
#: Print resolution of the report's figures (dots per inch).
PRINT_DPI = 200


def likert_colours(low: int, high: int) -> dict[int, str]:
    """The colour of each answer ``low`` … ``high``: the lower half orange (darkest at the
    bottom), the upper half purple (darkest at the top), the middle of an odd scale grey; so
    the same answer has the same colour in every panel of a scale.

    Examples
    --------
    >>> likert_colours(1, 5)[3], likert_colours(1, 5)[1] == likert_colours(1, 4)[1]
    ('#dcdcdc', True)
    """
    values = list(range(low, high + 1))
    half = len(values) // 2
    lows = LIKERT_LOW[-half:] if half <= len(LIKERT_LOW) else None
    highs = LIKERT_HIGH[:half] if half <= len(LIKERT_HIGH) else None
    if lows is None or highs is None:
        raise ValueError(f"a scale of {len(values)} answers has no palette (at most 5)")
    colours = dict(zip(values[:half], lows, strict=True))
    colours.update(zip(values[len(values) - half:], highs, strict=True))
    if len(values) % 2:
        colours[values[half]] = LIKERT_NEUTRAL
    return colours


def ordered_colours(n: int) -> list[str]:
    """Colours of ``n`` ordered categories (at most 5), light to dark, evenly spread.

    >>> ordered_colours(5) == list(ORDERED), ordered_colours(2)
    (True, ['#c6dbef', '#08519c'])
    """
    if not 1 <= n <= len(ORDERED):
        raise ValueError(f"{n} ordered categories have no palette (1 to {len(ORDERED)})")
    if n == 1:
        return [ORDERED[-1]]
    step = (len(ORDERED) - 1) / (n - 1)
    return [ORDERED[round(i * step)] for i in range(n)]


def likert_shares(counts, policy) -> tuple[np.ndarray | None, np.ndarray]:
    """The shares (%) of each answer category that may be drawn, and which categories are
    withheld. A category whose count the policy withholds is not drawn (share 0), and nor is
    the second one it withholds with it (the bar's total is known, so one alone would show as
    the gap); a bar resting on too few answers is not drawn at all (``None``, all withheld).

    Examples
    --------
    >>> from pku_eval.disclosure import Policy
    >>> shares, hidden = likert_shares([2, 40, 50, 8, 0], Policy(5))
    >>> shares.round(1).tolist(), hidden.tolist()
    ([0.0, 40.0, 50.0, 0.0, 0.0], [True, False, False, True, False])
    """
    counts = np.asarray(counts, dtype=float)
    total = counts.sum()
    if policy.too_few(total):
        return None, np.ones(len(counts), dtype=bool)
    hidden = policy.line_mask(pd.Series(counts.round().astype(int))).to_numpy()
    return np.where(hidden, 0.0, 100 * counts / total), hidden


def diverging_bar(ax, y: float, shares, low: int, high: int, height: float = 0.8) -> None:
    """One diverging stacked bar at ``y``: the answers below the middle to the left of 0, those
    above to the right, the middle answer of an odd scale split evenly across 0. Where the
    bar starts depends only on the shares drawn; what is withheld (100 − the drawn shares,
    which a reader could work out anyway) closes the bar on the right as one hatched segment,
    so that every bar is whole and no withheld category is drawn on its own."""
    colours = likert_colours(low, high)
    values = list(range(low, high + 1))
    mid = (low + high) / 2
    left = -sum(s for v, s in zip(values, shares, strict=True) if v < mid)
    left -= sum(s / 2 for v, s in zip(values, shares, strict=True) if v == mid)
    for v, s in zip(values, shares, strict=True):
        if s > 0:
            ax.barh(y, s, left=left, color=colours[v], edgecolor="white", linewidth=0.5,
                    height=height)
        left += s
    withheld = 100 - float(np.sum(shares))
    if withheld > 1e-9:
        ax.barh(y, withheld, left=left, color="white", edgecolor=WITHHELD_EDGE,
                hatch=WITHHELD_HATCH, linewidth=0.5, height=height)


def likert_legend(fig, low: int, high: int, labels: dict[int, str] | None = None,
                  withheld: str | None = None, **kwargs):
    """One legend of every answer category of the scale (drawn or not), in scale order, and
    ``withheld`` (its label) for the hatched part of a bar the policy withholds."""
    from matplotlib.patches import Patch

    colours = likert_colours(low, high)
    labels = labels or {}
    handles = [Patch(facecolor=colours[v], label=labels.get(v, str(v)))
               for v in range(low, high + 1)]
    if withheld:
        handles.append(Patch(facecolor="white", edgecolor=WITHHELD_EDGE, hatch=WITHHELD_HATCH,
                             label=withheld))
    return fig.legend(handles=handles, ncol=len(handles), frameon=False, **kwargs)


def marker(policy, language: str) -> str:
    """The policy's suppression marker, as it shows a withheld cell (for a figure's text
    alternative: ``{mark}`` in its catalogue text)."""
    return policy.cell(1, None, language, hidden=True)


def likert_alt(label: str, low: int, shares, hidden, language: str, policy) -> str:
    """A Likert bar in words for its figure's text alternative: 'label: 1: 12, 2: *, …' (the
    shares in per cent as drawn, the policy's marker where withheld; the marker alone for a
    bar not drawn)."""
    mark = marker(policy, language)
    if shares is None:
        return f"{label}: {mark}"
    return f"{label}: " + ", ".join(
        f"{v}: {mark if h else fmt_num(s, 0, language)}"
        for v, (s, h) in enumerate(zip(shares, hidden, strict=True), start=low))


def share_or_mark(share, language: str, policy) -> str:
    """A share drawn in a figure, for its text alternative ('35 %'), or the policy's marker
    where the figure draws nothing (``None``)."""
    return marker(policy, language) if share is None else fmt_pct(share, language)


def set_theme() -> None:
    """The report's matplotlib theme (call once per chapter)."""
    plt.rcParams.update({
        "figure.figsize": (7.5, 4.0), "figure.dpi": 110, "font.size": 10,
        "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
        "grid.color": "#dddddd", "grid.linewidth": 0.6, "axes.axisbelow": True,
        "axes.titlesize": 11, "legend.frameon": False, "svg.hashsalt": "pku-eval",
        "savefig.dpi": PRINT_DPI,
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
