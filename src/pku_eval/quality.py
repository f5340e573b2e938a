"""Data quality: response and attrition by wave, arm and office; missing-code counts; flags.

These feed the data-quality chapter and the ``response`` and ``quality.flags`` keys of
results.json (REPORT_SPEC.md).
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from .codebook import ARMS, FILES
from .tidy import StageData, due_waves

ALL = "all"


def response_table(due: pd.DataFrame, by: list[str] | tuple[str, ...] = ("wave", "arm")) -> pd.DataFrame:
    """Due, answered and response rate (answered ÷ due) per group.

    Parameters
    ----------
    due : DataFrame
        One row per participant × wave with boolean ``due`` and ``answered``
        (:func:`pku_eval.tidy.due_waves`).
    by : list of str
        Grouping columns.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``due`` (int), ``answered`` (int), ``response_rate`` (float, NaN when
        nothing is due).

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"wave": ["T0"] * 4, "arm": ["treatment"] * 4,
    ...                   "due": [True, True, True, False], "answered": [True, True, False, False]})
    >>> response_table(d).response_rate.round(3).tolist()
    [0.667]
    """
    by = list(by)
    g = due.assign(answered_due=due["answered"] & due["due"])
    out = g.groupby(by, observed=True, sort=True).agg(due=("due", "sum"),
                                                     answered=("answered_due", "sum")).reset_index()
    out["due"] = out["due"].astype(int)
    out["answered"] = out["answered"].astype(int)
    out["response_rate"] = np.where(out["due"] > 0, out["answered"] / out["due"].where(out["due"] > 0),
                                    np.nan)
    return out


def stage_due(stage: StageData, waves: list[str]) -> pd.DataFrame:
    """Due/answered per analysed participant (all projects) and wave."""
    return due_waves(stage.analysed, stage.table("survey"), stage.cutoff, waves)


def response_rates(due: pd.DataFrame, waves: list[str]) -> dict:
    """``response.<wave>.<arm>`` and ``response.<wave>.all`` as a nested dict (None when
    nothing is due)."""
    by_arm = response_table(due, ["wave", "arm"]).set_index(["wave", "arm"])
    pooled = response_table(due, ["wave"]).set_index("wave")
    out: dict = {}
    for wave in waves:
        out[wave] = {}
        for arm in ARMS:
            rate = by_arm["response_rate"].get((wave, arm), np.nan)
            out[wave][arm] = None if pd.isna(rate) else float(rate)
        rate = pooled["response_rate"].get(wave, np.nan)
        out[wave][ALL] = None if pd.isna(rate) else float(rate)
    return out


def attrition_flags(rates: dict, min_response_rate: float, max_response_gap: float,
                    language: str = "nb") -> list[dict]:
    """The ``attrition`` and ``differential_attrition`` flags (REPORT_SPEC.md).

    ``attrition``: a wave's response rate in an arm is below ``min_response_rate``.
    ``differential_attrition``: two arms' rates in a wave differ by more than
    ``max_response_gap``.
    """
    from .text import arm_name, fmt_pct, t

    flags: list[dict] = []
    for wave, by_arm in rates.items():
        for arm in ARMS:
            rate = by_arm.get(arm)
            if rate is not None and rate < min_response_rate:
                flags.append({
                    "code": "attrition", "wave": wave, "arm": arm, "response_rate": rate,
                    "threshold": min_response_rate,
                    "message": t("flag_attrition", language, wave=wave,
                                 arm=arm_name(arm, language), rate=fmt_pct(rate, language),
                                 threshold=fmt_pct(min_response_rate, language)),
                })
        for a, b in combinations(ARMS, 2):
            ra, rb = by_arm.get(a), by_arm.get(b)
            if ra is None or rb is None:
                continue
            gap = abs(ra - rb)
            if gap > max_response_gap + 1e-12:  # float noise: 0.8 - 0.7 is not > 0.1
                flags.append({
                    "code": "differential_attrition", "wave": wave, "arms": [a, b],
                    "gap": gap, "threshold": max_response_gap,
                    "message": t("flag_differential", language, wave=wave,
                                 a=arm_name(a, language), b=arm_name(b, language),
                                 ra=fmt_pct(ra, language), rb=fmt_pct(rb, language),
                                 threshold=fmt_pct(max_response_gap, language)),
                })
    return flags


def missing_counts(raw: pd.DataFrame, file: str) -> pd.DataFrame:
    """Per questionnaire item: rows, answered, 8 ("don't know"), 9 ("not answered") and empty
    cells, counted separately (a "don't know" is information, an empty cell is not).

    Returns
    -------
    DataFrame
        ``item``, ``rows``, ``valid``, ``dont_know``, ``not_answered``, ``empty``,
        ``missing_share`` (share of rows missing for any reason).
    """
    spec = FILES[file]
    items = [v.name for v in spec.variables if v.missing_codes and v.name in raw]
    rows = []
    n = len(raw)
    for col in items:
        s = raw[col]
        if s.dtype == object:
            dk = int((s == "8").sum())
            na = int((s == "9").sum())
        else:
            dk = int((s == 8).sum())
            na = int((s == 9).sum())
        empty = int(s.isna().sum())
        rows.append({"item": col, "rows": n, "valid": n - dk - na - empty, "dont_know": dk,
                     "not_answered": na, "empty": empty,
                     "missing_share": (dk + na + empty) / n if n else np.nan})
    return pd.DataFrame(rows, columns=["item", "rows", "valid", "dont_know", "not_answered",
                                       "empty", "missing_share"])


def file_summary(stage: StageData) -> pd.DataFrame:
    """Per contract file: present, rows read, rows used in this stage, warnings."""
    rows = []
    used = stage.rows_used
    warn: dict[str, int] = {}
    for p in stage.problems:
        if p.severity == "warning":
            warn[p.file.split(".")[0]] = warn.get(p.file.split(".")[0], 0) + 1
    for name, spec in FILES.items():
        fname = next((f for f in stage.rows if f.split(".")[0] == name), None)
        if spec.extension and fname is None and name not in stage.reading:
            continue  # an extension of the contract (the wording) that was not delivered
        rows.append({
            "file": name, "present": fname is not None,
            "rows": stage.rows.get(fname) if fname else None,
            "rows_used": used.get(name) if fname else None,
            "warnings": warn.get(name, 0),
        })
    return pd.DataFrame(rows)
