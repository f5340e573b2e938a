"""Who took part: the CONSORT-style flow per arm and the baseline table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .codebook import ARMS
from .tidy import StageData, due_waves


def flow_counts(stage: StageData, waves: list[str]) -> pd.DataFrame:
    """Counts per arm for the flow diagram.

    Returns
    -------
    DataFrame
        Index: the arms. Columns ``enrolled`` (all enrolled by the cut-off, withdrawn included),
        ``withdrawn``, ``analysed`` (enrolled − withdrawn), ``with_outcome`` (analysed with an
        outcomes row), and per wave ``due_<wave>`` and ``answered_<wave>`` (analysed only).
    """
    p = stage.participants
    out = pd.DataFrame(index=pd.Index(ARMS, name="arm"))
    out["enrolled"] = p.groupby("arm").size().reindex(ARMS, fill_value=0)
    out["withdrawn"] = p[p["withdrawn"]].groupby("arm").size().reindex(ARMS, fill_value=0)
    out["analysed"] = out["enrolled"] - out["withdrawn"]
    a = stage.analysed
    outcomes = stage.table("outcomes")
    if outcomes is not None:
        has = a["participant_id"].isin(outcomes["participant_id"])
        out["with_outcome"] = a[has].groupby("arm").size().reindex(ARMS, fill_value=0)
    else:
        out["with_outcome"] = np.nan
    due = due_waves(a, stage.table("survey"), stage.cutoff, waves)
    for wave in waves:
        d = due[due["wave"] == wave]
        out[f"due_{wave}"] = d[d["due"]].groupby("arm").size().reindex(ARMS, fill_value=0)
        out[f"answered_{wave}"] = d[d["answered"]].groupby("arm").size().reindex(ARMS,
                                                                                fill_value=0)
    return out


def baseline_table(participants: pd.DataFrame, cutoff, language: str = "nb",
                   by: str = "arm") -> pd.DataFrame:
    """Baseline characteristics by arm: n, age at enrolment (mean, SD), and counts and shares of
    gender, main benefit, education and immigrant background.

    Returns
    -------
    DataFrame
        Long format: ``variable``, ``level``, ``arm``, ``n`` (people in the cell, or the group
        size for the age rows), ``value`` (share for categories, mean age for ``age``),
        ``sd`` (age only), ``group_n``.
    """
    from .codebook import PARTICIPANTS

    rows = []
    p = participants.copy()
    p["age"] = p["enrolled_date"].dt.year - p["birth_year"]
    for arm, g in p.groupby(by, sort=False):
        n = len(g)
        rows.append({"variable": "n", "level": "", by: arm, "n": n, "value": np.nan,
                     "sd": np.nan, "group_n": n})
        rows.append({"variable": "age", "level": "", by: arm, "n": int(g["age"].notna().sum()),
                     "value": float(g["age"].mean()), "sd": float(g["age"].std(ddof=1))
                     if n > 1 else np.nan, "group_n": n})
        for var in ("gender", "main_benefit", "education"):
            codes = list(PARTICIPANTS.var(var).codes)
            counts = g[var].value_counts().reindex(codes, fill_value=0)
            for code, k in counts.items():
                rows.append({"variable": var, "level": code, by: arm, "n": int(k),
                             "value": k / n if n else np.nan, "sd": np.nan, "group_n": n})
        k = int((g["immigrant"] == 1).sum())
        rows.append({"variable": "immigrant", "level": "1", by: arm, "n": k,
                     "value": k / n if n else np.nan, "sd": np.nan, "group_n": n})
    return pd.DataFrame(rows)
