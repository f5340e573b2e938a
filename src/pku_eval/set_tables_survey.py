"""The participant survey's counts that the survey chapter prints in every report of a set —
answers per scale and wave (reliability), per scale, project, arm and wave (means), pairs per
project, scale and later wave (change from T0), and the self-reported employment codes per
project, wave and arm — registered with :mod:`pku_eval.set_tables` so that they are decided for
the whole report, each project's and each office's together (Sør-Trøndelag's 88 answers at T0
minus Orkdal's 33 and Lerkendal's 51 gave Jobbhuset's 4 back).

Each function counts what the chapter's own computation counts, from the same frame
(:func:`pku_eval.tidy.survey_long`); the rows are keys joined by
``|``, the show code asks with the same keys.
"""

from __future__ import annotations

import pandas as pd

from .codebook import EMPLOYMENT_CODES, SCALES, SURVEY_SCALES, WAVES
from .set_tables import register


def _long(stage) -> pd.DataFrame | None:
    from .tidy import survey_long

    if stage.tables.get("survey") is None:
        return None
    long = survey_long(stage, list(WAVES))
    return None if long.empty else long


@register("survey_reliability", "office")
def reliability_n(stage) -> pd.DataFrame | None:
    """Complete answers (every item of the scale) per scale and wave (reversing an item, as
    the chapter does before it counts, changes no answer into a missing one)."""
    long = _long(stage)
    if long is None:
        return None
    rows = []
    for scale in SURVEY_SCALES:
        complete = long[list(SCALES[scale].items)].notna().all(axis=1)
        by_wave = complete.groupby(long["wave"].astype(str)).sum()
        rows += [{"row": f"{scale}|{wave}", "n": int(by_wave.get(wave, 0))} for wave in WAVES]
    return pd.DataFrame(rows)


@register("survey_means", "office")
def means_n(stage) -> pd.DataFrame | None:
    """Answers with a score per scale, project, arm and wave."""
    long = _long(stage)
    if long is None:
        return None
    rows = []
    for scale in SURVEY_SCALES:
        g = long[long[scale].notna()].groupby(["project", "arm", "wave"], observed=True).size()
        rows += [{"row": f"{scale}|{p}|{a}|{w}", "n": int(n)} for (p, a, w), n in g.items()]
    return pd.DataFrame(rows, columns=["row", "n"])


@register("survey_change", "office")
def change_n(stage) -> pd.DataFrame | None:
    """Participants with a score at T0 and at a later wave, per project, scale and wave."""
    long = _long(stage)
    if long is None:
        return None
    rows = []
    for scale in SURVEY_SCALES:
        x = long[long[scale].notna()]
        first = set(zip(x.loc[x["wave"] == "T0", "participant_id"],
                        x.loc[x["wave"] == "T0", "project"]))
        for wave in WAVES[1:]:
            later = set(zip(x.loc[x["wave"] == wave, "participant_id"],
                            x.loc[x["wave"] == wave, "project"]))
            both = pd.Series([p for _, p in first & later], dtype=object).value_counts()
            rows += [{"row": f"{p}|{scale}|{wave}", "n": int(n)} for p, n in both.items()]
    return pd.DataFrame(rows, columns=["row", "n"])


EMPLOYMENT_QUANTITIES = (*EMPLOYMENT_CODES, "base")
#: the codes of a wave and arm add up to its valid answers, which the table prints
EMPLOYMENT_RELATIONS = [{"base": -1, **{c: 1 for c in EMPLOYMENT_CODES}}]


@register("survey_employment", "office")
def employment_counts(stage) -> pd.DataFrame | None:
    """Self-reported employment per project, wave and arm: each code and the valid answers."""
    long = _long(stage)
    if long is None:
        return None
    valid = long[long["employment"].notna()].assign(wave=lambda d: d["wave"].astype(str))
    if valid.empty:
        return None
    counts = (valid.groupby(["project", "wave", "arm", "employment"], observed=True).size()
              .unstack("employment", fill_value=0))
    counts = counts.reindex(columns=list(EMPLOYMENT_CODES), fill_value=0)
    counts.columns.name = None
    counts["base"] = counts.sum(axis=1)
    counts.index = [f"{p}|{w}|{a}" for p, w, a in counts.index]
    return counts.rename_axis("row").reset_index()





__all__ = ["EMPLOYMENT_QUANTITIES", "EMPLOYMENT_RELATIONS"]
