"""The figures of chapter 'kor': the ORS by session number (mean with 95% CI, percentile bands,
the clinical cut-off) and the share of sessions with an SRS below 36 by session number. Never
an individual trajectory; a session number resting on too few people is not drawn."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ... import text
from ...codebook import ORS_CUTOFF
from ...disclosure import Policy

MEAN_COLOUR = "#0072B2"
BAND_COLOUR = "#56B4E9"
CUTOFF_COLOUR = "#D55E00"


def session_labels(by_session: pd.DataFrame) -> list[str]:
    """'1', '2', '3–4', …: the bands of session numbers."""
    return list(by_session["label"])


def ors_figure(by_session: pd.DataFrame, lang: str, policy: Policy):
    """Mean ORS with its 95% CI per session number, the 25th-75th and 10th-90th percentile
    bands where enough people are there, and the cut-off 25. Returns the figure and whether a
    session number was left out."""
    ok = by_session["people"].map(policy.enough).to_numpy(bool)
    d = by_session[ok]
    x = np.arange(len(by_session))[ok]
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    band = d["p10"].notna().to_numpy()
    ax.fill_between(x[band], d["p10"][band], d["p90"][band], color=BAND_COLOUR, alpha=0.20,
                    linewidth=0, label=text.t("kor_band_outer", lang))
    ax.fill_between(x[band], d["p25"][band], d["p75"][band], color=BAND_COLOUR, alpha=0.40,
                    linewidth=0, label=text.t("kor_band_inner", lang))
    mean = d["mean"].to_numpy(float)
    err = np.vstack([mean - d["ci_low"].to_numpy(float), d["ci_high"].to_numpy(float) - mean])
    ax.errorbar(x, mean, yerr=err, fmt="o-", color=MEAN_COLOUR, capsize=3,
                label=text.t("kor_mean_ci", lang))
    ax.axhline(ORS_CUTOFF, color=CUTOFF_COLOUR, linestyle="--", linewidth=1,
               label=text.t("kor_cutoff_line", lang))
    ax.set_xticks(np.arange(len(by_session)), session_labels(by_session))
    ax.set_xlabel(text.t("kor_session_axis", lang))
    ax.set_ylabel(text.t("kor_ors_axis", lang))
    ax.set_ylim(0, 40)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=8)
    fig.tight_layout()
    return fig, bool((~ok).any())


def srs_figure(by_session: pd.DataFrame, lang: str, policy: Policy):
    """Share of sessions with an SRS below 36 per session number (bars); a bar is drawn only
    when the people at that session, those with a low SRS and those without are not too few
    for the policy. Returns the figure and whether a bar was left out."""
    people = by_session["people"]
    low_share = by_session["srs_share"].fillna(0)
    ok = (people.map(policy.enough)
          & ~policy.revealing_shares(low_share, by_session["srs_sessions"])
          & ~policy.revealing_shares(1 - low_share, by_session["srs_sessions"])).to_numpy(bool)
    fig, ax = plt.subplots(figsize=(7.5, 3.0))
    x = np.arange(len(by_session))
    ax.bar(x[ok], 100 * by_session["srs_share"].to_numpy(float)[ok], color=MEAN_COLOUR)
    ax.set_xticks(x, session_labels(by_session))
    ax.set_xlabel(text.t("kor_session_axis", lang))
    ax.set_ylabel(text.t("kor_srs_axis", lang))
    ax.set_ylim(0, 100)
    fig.tight_layout()
    return fig, bool((~ok).any())
