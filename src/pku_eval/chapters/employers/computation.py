"""Chapter 'employers': the computation (pure: no display, no recording).

Who answered (sector, size, office), how employers rated the job coach's follow-up (items
``followup_1`` … ``followup_6``, 1–5) and the share who would recommend others to take on a job
seeker with NAV follow-up (Wilson interval). When the file is absent, or has no answers dated on
or before the cut-off, the result says so and the build goes on.

Employers can be recognisable in small municipalities, so counts of employers get the same
disclosure control as counts of people, and a line in which exactly one cell is withheld also
withholds the next smallest cell (otherwise the total would give it away): the policy
(:meth:`pku_eval.disclosure.Policy.line_mask`) decides, and a withheld cell's base is
withheld with it, so that the publishing path shows the marker.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ... import stats, text
from ...codebook import EMPLOYER_SURVEY, office_label
from ...disclosure import Policy
from ...params import Params
from ...tidy import StageData
from ...values import SUPPRESSED, Value, frozen_values

ITEMS = tuple(f"followup_{i}" for i in range(1, 7))
GROUPS = (("negative", 1, 2), ("neutral", 3, 3), ("positive", 4, 5))  # for the figure
BREAKDOWNS = ("sector", "size", "office")


@dataclass(frozen=True)
class Employers:
    """Every number the employer chapter shows and records (no employer ids).

    Table frames carry their disclosure decisions: a base column (``n_base``, ``base_*``,
    ``base``) withheld by the policy marks the cells resting on it as withheld.
    """

    status: str                     # "ok" | "no_file" | "no_rows" | "suppressed"
    reason: str | None
    cutoff: pd.Timestamp
    policy: Policy
    values: Mapping[str, Value]     # results.json path → value
    n: int = 0
    private: Value | None = None    # employers in the private sector (withheld with the table)
    respondents: pd.DataFrame | None = None   # variable, category, n, share, n_base
    items: pd.DataFrame | None = None         # item, valid, negative/neutral/positive, mean
    recommend: Mapping | None = None          # estimate, ci_low, ci_high, n, x (all employers)
    recommend_by: pd.DataFrame | None = None  # group, n, x, estimate, ci_low, ci_high, base


def _respondents(es: pd.DataFrame, lang: str, policy: Policy) -> tuple[pd.DataFrame, Value]:
    """The respondents by sector, size and office (the base of a withheld count withheld),
    and the number of private-sector employers as the table publishes it (withheld with its
    cell, so that the prose does not give away a cell the table withholds)."""
    rows, hidden = [], []
    private = Value(0, n=0)
    for var in BREAKDOWNS:
        spec = EMPLOYER_SURVEY.var(var)
        codes = list(spec.codes) if spec.codes else sorted(es[var].dropna().unique())
        counts = es[var].value_counts().reindex(codes, fill_value=0)
        hide = policy.line_mask(counts).to_numpy()
        for code, count, withheld in zip(codes, counts.to_numpy(), hide):
            count = int(count)
            label = office_label(code, lang) if var == "office" else spec.code_label(code, lang)
            rows.append({"variable": spec.label(lang), "category": label, "n": count,
                         "share": count / len(es), "n_base": count})
            hidden.append(bool(withheld))
            if (var, code) == ("sector", "private"):
                private = Value.null(SUPPRESSED, n=count) if withheld else Value(count, n=count)
    return policy.withhold(pd.DataFrame(rows), "n_base", hidden), private


def _items(es: pd.DataFrame, lang: str, policy: Policy) -> pd.DataFrame:
    """Per item: valid answers, the three answer groups (count, share, disclosure base) and
    the mean.

    Disclosure control within a row (:meth:`Policy.line_mask`): a group resting on too few
    answers is withheld; when that is one group, the next smallest is withheld too (the shares
    add up to 100), and the mean is withheld whenever a group is (with the shown shares it
    would narrow them down). A withheld base withholds the cells resting on it.
    """
    rows, hidden = [], []
    for item in ITEMS:
        v = es[item].dropna()
        row = {"item": item, "label": EMPLOYER_SURVEY.var(item).label(lang), "valid": len(v),
               "mean": float(v.mean()) if len(v) else np.nan}
        counts = []
        for name, lo, hi in GROUPS:
            k = int(v.between(lo, hi).sum())
            counts.append(k)
            row.update({f"n_{name}": k, name: k / len(v) if len(v) else np.nan,
                        f"base_{name}": k})
        row["base_mean"] = len(v)
        hide = policy.line_mask(counts)
        hidden.append({**{f"base_{name}": h for (name, _, _), h in zip(GROUPS, hide)},
                       "base_mean": bool(hide.any())})
        rows.append(row)
    out, hidden = pd.DataFrame(rows), pd.DataFrame(hidden)
    for col in hidden.columns:
        out = policy.withhold(out, col, hidden[col])
    return out


def _recommend_row(values: pd.Series, label: str) -> dict:
    v = values.dropna()
    n, x = len(v), int(v.sum())
    row = {"group": label, "n": n, "x": x, "estimate": np.nan, "ci_low": np.nan,
           "ci_high": np.nan}
    if n:
        low, high = stats.wilson_interval(x, n)
        row.update(estimate=x / n, ci_low=low, ci_high=high)
    # withheld when the group, those who would recommend, or those who would not are too few:
    # a share and its group's size give both counts (8 × 62,5 % → 5 would, 3 would not)
    parts = [c for c in (n, x, n - x) if c > 0]
    row["base"] = min(parts) if parts else n
    return row


def _would_recommend(overall: dict, policy: Policy) -> Value:
    if overall["n"] == 0:
        return Value.null("no employer answered the question")
    if policy.too_few(overall["base"]):
        return Value.null(SUPPRESSED, n=overall["n"])
    return Value({k: overall[k] for k in ("estimate", "ci_low", "ci_high", "n")},
                 n=overall["n"])


def compute(stage: StageData, params: Params) -> Employers:
    """Everything the chapter shows (pure: no display, no recording)."""
    policy = Policy(params.min_cell)
    lang = params.language
    base = {"cutoff": stage.cutoff, "policy": policy}

    def stop(status: str, reason: str, n: int = 0) -> Employers:
        return Employers(status=status, reason=reason, n=n, **base, values=frozen_values({
            "employers.respondents": Value.null(reason),
            "employers.would_recommend": Value.null(reason)}))

    if not stage.has("employer_survey"):
        return stop("no_file", "no employer_survey file")
    es = stage.table("employer_survey")
    n = len(es)
    if n == 0:
        return stop("no_rows", f"no employer answers dated on or before the cut-off "
                               f"{stage.cutoff.date()}")
    if policy.too_few(n):
        return stop("suppressed", SUPPRESSED, n)
    respondents, private = _respondents(es, lang, policy)
    rows = [_recommend_row(es["would_recommend"], text.t("em_all", lang))]
    for var in ("sector", "size"):
        spec = EMPLOYER_SURVEY.var(var)
        for code in spec.codes:
            rows.append(_recommend_row(es.loc[es[var] == code, "would_recommend"],
                                       f"{spec.label(lang)}: {spec.code_label(code, lang)}"))
    overall = rows[0]
    return Employers(
        status="ok", reason=None, n=n, private=private, **base,
        respondents=respondents, items=_items(es, lang, policy),
        recommend_by=pd.DataFrame(rows),
        recommend={k: overall[k] for k in ("estimate", "ci_low", "ci_high", "n", "x")},
        values=frozen_values({"employers.respondents": policy.count(n),
                              "employers.would_recommend": _would_recommend(overall, policy)}))
