"""Two rounds of a questionnaire compared — the learning survey (pre, post) and the actor
survey (first, second): the answers of each round as independent samples (Welch) and the
respondents who answered both (paired). One implementation for both chapters."""

from __future__ import annotations

import pandas as pd

from .. import stats
from ..disclosure import Policy

TOO_FEW_PAIRS = "fewer than 2 respondents answered both rounds"
_ESTIMATE = ("estimate", "ci_low", "ci_high", "p_value")


def estimate(row) -> dict:
    """The estimate object of a stats row (plain floats)."""
    return {k: float(row[k]) for k in _ESTIMATE}


def _missing_round(frame: pd.DataFrame, rounds, not_answered: dict) -> str | None:
    for rnd in reversed(rounds):
        if not (frame["round"] == rnd).any():
            return not_answered[rnd]
    return None


def welch(frame: pd.DataFrame, scale: str, rounds: tuple[str, str], not_answered: dict,
          policy: Policy) -> tuple[dict | None, str | None, dict]:
    """Welch difference second − first round of ``scale``: (value, reason, full stats row)."""
    if (reason := _missing_round(frame, rounds, not_answered)) is not None:
        return None, reason, {}
    n = {r: int(frame.loc[frame["round"] == r, scale].notna().sum()) for r in rounds}
    if min(n.values()) < 2:
        return None, f"fewer than 2 answers with a {scale} score in a round", {}
    if (withheld := policy.guard(n.values())) is not None:
        return None, withheld, {}
    try:
        res = stats.welch_difference(frame, scale, "round", first=rounds[0],
                                     second=rounds[1]).iloc[0]
    except stats.EstimationError as exc:
        return None, f"cannot be computed: {stats.REASONS[exc.reason]}", {}
    return estimate(res), None, res.to_dict()


def paired(frame: pd.DataFrame, scale: str, rounds: tuple[str, str], not_answered: dict,
           policy: Policy, extras: tuple[str, ...] = ()) -> tuple[dict | None, str | None,
                                                                   dict]:
    """Paired difference second − first of ``scale`` among the respondents with a score in
    both rounds (a respondent's latest answer in a round if they answered it twice); the value
    carries ``n_pairs`` and the stats columns named in ``extras``."""
    if (reason := _missing_round(frame, rounds, not_answered)) is not None:
        return None, reason, {}
    d = frame.dropna(subset=[scale])
    if "response_date" in d:
        d = d.sort_values("response_date", kind="stable")
    d = d.drop_duplicates(["respondent_id", "round"], keep="last")
    n_pairs = int((d.groupby("respondent_id")["round"].nunique() == 2).sum())
    if n_pairs < 2:
        return None, TOO_FEW_PAIRS, {}
    if (withheld := policy.guard([n_pairs])) is not None:
        return None, withheld, {}
    try:
        res = stats.paired_difference(d, scale, "round", "respondent_id", first=rounds[0],
                                      second=rounds[1]).iloc[0]
    except stats.EstimationError as exc:
        return None, f"cannot be computed: {stats.REASONS[exc.reason]}", {}
    value = estimate(res)
    value["n_pairs"] = int(res["n_pairs"])
    value.update({k: float(res[k]) for k in extras})
    return value, None, res.to_dict()


def reliability(frame: pd.DataFrame, scales, rounds) -> pd.DataFrame:
    """Cronbach's alpha (with its interval) of each scale in each round answered; a scale whose
    alpha cannot be estimated keeps its row, with the number of complete answers."""
    import numpy as np

    from ..codebook import SCALES

    rows = []
    for scale in scales:
        items = list(SCALES[scale].items)
        for rnd in rounds:
            part = frame.loc[frame["round"] == rnd, items]
            if part.empty:
                continue
            try:
                r = stats.cronbach_alpha(part, items).iloc[0].to_dict()
            except stats.EstimationError:
                r = {"estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                     "n": int(part.notna().all(axis=1).sum()), "k": len(items),
                     "n_dropped": int(part.isna().any(axis=1).sum())}
            rows.append({"scale": scale, "round": rnd, **r})
    return pd.DataFrame(rows, columns=["scale", "round", "estimate", "ci_low", "ci_high", "n",
                                       "k", "n_dropped"])


__all__ = ["TOO_FEW_PAIRS", "estimate", "paired", "reliability", "welch"]
