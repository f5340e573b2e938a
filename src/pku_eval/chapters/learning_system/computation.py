"""The computation of chapter 'learning_system' (pure: nothing here draws, writes or changes its
inputs). :func:`compute` returns a frozen :class:`Learning` whose ``values`` are every
results.json value of the chapter; what is withheld is decided by the suppression policy
(:class:`pku_eval.disclosure.Policy`), never here.

Headline (REPORT_SPEC.md): ``learning.<scale>.difference`` = post minus pre of the mean scale
score, all answers of each round taken as two independent samples (Welch t). The questionnaire
goes to all employees in each round and staff changed between the rounds, so the two rounds are
two cross-sections of the offices; that comparison answers the question the trial asked (did the
offices change?). The paired comparison of the employees who answered both rounds (same
``respondent_id``) is a check that the change is not only a change of who answered; it goes in
``learning.<scale>.paired``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from ... import stats
from ...codebook import LEARNING_SCALES, SCALES
from ...disclosure import Policy
from ...params import Params
from ...values import SUPPRESSED, Value, frozen_values
from .. import rounds

ROUNDS = ("pre", "post")
ROLES = ("veileder", "jobbveileder", "leder", "annet")

#: Reasons of a null (results.json ``null_reasons``).
NO_FILE = "no learning_survey file"
NOT_ANSWERED = {"pre": "pre round not answered by the cut-off",
                "post": "post round not yet answered by the cut-off"}
NO_ROWS = "no learning_survey answers at the offices of this report by the cut-off"


def _frame() -> pd.DataFrame:
    return pd.DataFrame()


@dataclass(frozen=True)
class Learning:
    """Everything the chapter shows and records (see :func:`compute`). The ``hidden_*``
    columns of the group tables are the policy's decisions (primary and secondary
    suppression); the show code only renders them."""

    present: bool                   # the learning_survey file is in the data
    n_answers: Mapping[str, int]    # round -> answers (rows)
    values: Mapping[str, Value]     # results.json path -> Value
    means: pd.DataFrame = field(default_factory=_frame)        # scale, round, n, mean, …
    change: pd.DataFrame = field(default_factory=_frame)       # scale, analysis, …
    response: pd.DataFrame = field(default_factory=_frame)     # office, round, staff, …
    roles: pd.DataFrame = field(default_factory=_frame)        # role, n_pre, n_post, hidden_…
    reliability: pd.DataFrame = field(default_factory=_frame)  # scale, round, estimate, …
    by_office: pd.DataFrame = field(default_factory=_frame)
    by_role: pd.DataFrame = field(default_factory=_frame)
    by_project: pd.DataFrame = field(default_factory=_frame)
    items: pd.DataFrame = field(default_factory=_frame)        # scale, item, round, n, p1…p5
    n_linked: int = 0
    staff: int = 0

    @property
    def rounds(self) -> list[str]:
        """The rounds with at least one answer."""
        return [r for r in ROUNDS if self.n_answers.get(r, 0) > 0]


# ---------------------------------------------------------------------------- helpers

def _round_means(ls: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Per group and scale: n and mean in each round (wide: n_pre, mean_pre, n_post, …),
    the change post − pre and its base (the smaller n)."""
    rows = []
    for scale in LEARNING_SCALES:
        m = stats.mean_ci(ls, scale, by=[*by, "round"])
        for key, part in m.groupby(by, sort=False) if by else [((), m)]:
            keys = key if isinstance(key, tuple) else (key,)
            row = dict(zip(by, keys, strict=True))
            row["scale"] = scale
            for rnd in ROUNDS:
                r = part[part["round"] == rnd]
                row[f"n_{rnd}"] = int(r["n"].iloc[0]) if len(r) else 0
                row[f"mean_{rnd}"] = float(r["mean"].iloc[0]) if len(r) else np.nan
            rows.append(row)
    out = pd.DataFrame(rows, columns=[*by, "scale", "n_pre", "mean_pre", "n_post", "mean_post"])
    out["change"] = out["mean_post"] - out["mean_pre"]
    out["base_change"] = out[["n_pre", "n_post"]].min(axis=1)
    return out


def _mark_hidden(tab: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """A copy of a group × scale table of :func:`_round_means` with ``hidden_pre`` and
    ``hidden_post``: within each scale, the groups whose count (and the statistics resting on
    it) the policy withholds — primary suppression and, across the groups, secondary
    suppression (one withheld group could otherwise be recovered from the published total or
    overall mean minus the other groups)."""
    return tab.assign(**{f"hidden_{rnd}": policy.grouped_mask(tab, f"n_{rnd}", ["scale"])
                         for rnd in ROUNDS})


def _response(ls: pd.DataFrame, offices: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Answers per office and round against the offices' staff, plus an 'all' row per round;
    ``hidden`` marks offices whose count is withheld (primary and secondary suppression)."""
    office_order = [o for o in offices["office"] if o in set(ls["office"])]
    staff = offices.set_index("office")["staff"].astype(float)
    counts = ls.groupby(["office", "round"]).size()
    rows = []
    for rnd in ROUNDS:
        for office in office_order:
            rows.append({"office": office, "round": rnd, "staff": staff.get(office, np.nan),
                         "answered": int(counts.get((office, rnd), 0))})
    out = pd.DataFrame(rows, columns=["office", "round", "staff", "answered"])
    out["hidden"] = policy.grouped_mask(out, "answered", ["round"])
    total = out.groupby("round", sort=False)[["staff", "answered"]].sum().reset_index()
    total["office"] = "all"
    total["hidden"] = policy.count_mask(total["answered"])
    out = pd.concat([out, total[out.columns]], ignore_index=True)
    out = out.sort_values("round", key=lambda s: s.map(ROUNDS.index), kind="stable")
    out = out.reset_index(drop=True)
    out["response_rate"] = out["answered"] / out["staff"].where(out["staff"] > 0)
    return out


def _items(ls: pd.DataFrame) -> pd.DataFrame:
    """Share of each answer 1–5 among the valid answers, per item and round."""
    rows = []
    for scale in LEARNING_SCALES:
        for item in SCALES[scale].items:
            for rnd in ROUNDS:
                v = ls.loc[ls["round"] == rnd, item].dropna()
                if not (ls["round"] == rnd).any():
                    continue
                n = len(v)
                shares = {f"p{k}": (float((v == k).sum()) / n if n else np.nan)
                          for k in range(1, 6)}
                rows.append({"scale": scale, "item": item, "round": rnd, "n": n, **shares})
    return pd.DataFrame(rows, columns=["scale", "item", "round", "n",
                                       *[f"p{k}" for k in range(1, 6)]])


def _by_project(ls: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    d = ls.assign(in_project=ls["in_project"].astype(float))
    tab = _round_means(d, ["in_project"])
    tab["ci_low"] = tab["ci_high"] = tab["p_value"] = np.nan
    for i, row in tab.iterrows():
        part = d[d["in_project"] == row["in_project"]]
        if policy.enough(row["base_change"]) and row["base_change"] >= 2:
            value, _, _ = rounds.welch(part, row["scale"], ROUNDS, NOT_ANSWERED, policy)
            if value:
                tab.loc[i, ["ci_low", "ci_high", "p_value"]] = (
                    value["ci_low"], value["ci_high"], value["p_value"])
    return tab.sort_values(["in_project", "scale"], ascending=[False, True],
                           key=lambda s: s if s.name == "in_project"
                           else s.map(LEARNING_SCALES.index)).reset_index(drop=True)


def _scale_means(ls: pd.DataFrame) -> pd.DataFrame:
    """Mean and CI of every scale in every round (rounds without answers: n 0)."""
    means = stats.mean_ci(ls.melt(id_vars=["round"], value_vars=list(LEARNING_SCALES),
                                  var_name="scale", value_name="score"),
                          "score", by=["scale", "round"])
    means = (means.set_index(["scale", "round"])
             .reindex(pd.MultiIndex.from_product([LEARNING_SCALES, ROUNDS],
                                                 names=["scale", "round"]))
             .reset_index())
    means["n"] = pd.to_numeric(means["n"]).fillna(0).astype(int)
    return means


def _change_table(rows: list[dict]) -> pd.DataFrame:
    change = pd.DataFrame(rows, columns=["scale", "analysis", "estimate", "ci_low", "ci_high",
                                         "p_value", "wilcoxon_p_value", "n_first", "n_second",
                                         "reason"])
    for col in ("n_first", "n_second"):
        change[col] = pd.to_numeric(change[col], errors="coerce")
    change["base"] = change[["n_first", "n_second"]].min(axis=1).fillna(0)
    return change


# ---------------------------------------------------------------------------- compute

def compute(stage, params: Params) -> Learning:
    """Every number of the chapter, from the prepared data of a stage.

    Parameters
    ----------
    stage : pku_eval.tidy.StageData
        Data of the report stage (``learning_survey`` with the scale scores
        ``arenas``/``sharing``/``research`` and items with 8/9 as missing). Not changed.
    params : pku_eval.params.Params
        The stage's params (``min_cell`` sets the suppression policy).

    Returns
    -------
    Learning
        frozen; ``values`` maps every results.json path this chapter fills to a
        :class:`~pku_eval.values.Value` (nulls with their reason).
    """
    policy = Policy(params.min_cell)
    values: dict[str, Value] = {}
    ls = stage.table("learning_survey")
    if ls is None or ls.empty:
        for scale in LEARNING_SCALES:
            for key in ("pre_mean", "post_mean", "difference", "paired"):
                values[f"learning.{scale}.{key}"] = Value.null(NO_FILE if ls is None
                                                               else NO_ROWS)
        return Learning(ls is not None, MappingProxyType({r: 0 for r in ROUNDS}),
                        frozen_values(values))

    n_answers = {r: int((ls["round"] == r).sum()) for r in ROUNDS}
    means = _scale_means(ls)
    change_rows = []
    for scale in LEARNING_SCALES:
        for rnd in ROUNDS:
            m = means[(means["scale"] == scale) & (means["round"] == rnd)].iloc[0]
            n = int(m["n"])
            if n_answers[rnd] == 0:
                mean = Value.null(NOT_ANSWERED[rnd], n=n)
            elif n == 0:
                mean = Value.null(f"no {rnd} answer has a {scale} score", n=n)
            else:
                mean = policy.stat(float(m["mean"]), n)
            values[f"learning.{scale}.{rnd}_mean"] = mean
            values[f"learning.{scale}.n.{rnd}"] = policy.count(n)
        welch, reason, full = rounds.welch(ls, scale, ROUNDS, NOT_ANSWERED, policy)
        values[f"learning.{scale}.difference"] = Value(welch, reason=reason)
        change_rows.append({"scale": scale, "analysis": "all_answers", "reason": reason,
                            "n_first": full.get("n_first"), "n_second": full.get("n_second"),
                            "wilcoxon_p_value": np.nan, **(welch or {})})
        paired, reason, full = rounds.paired(ls, scale, ROUNDS, NOT_ANSWERED, policy,
                                             ("wilcoxon_p_value", "rank_biserial"))
        values[f"learning.{scale}.paired"] = Value(paired, reason=reason)
        change_rows.append({"scale": scale, "analysis": "same_people", "reason": reason,
                            "n_first": full.get("n_pairs"), "n_second": full.get("n_pairs"),
                            "wilcoxon_p_value": (paired or {}).get("wilcoxon_p_value", np.nan),
                            **{k: v for k, v in (paired or {}).items()
                               if k in ("estimate", "ci_low", "ci_high", "p_value")}})

    response = _response(ls, stage.offices, policy)
    for _, r in response.iterrows():
        path = f"learning.response_rate.{r['round']}.{r['office']}"
        if n_answers[r["round"]] == 0:
            values[path] = Value.null(NOT_ANSWERED[r["round"]])
        elif pd.isna(r["response_rate"]):
            values[path] = Value.null("no staff count for the office")
        elif r["hidden"]:
            values[path] = Value.null(SUPPRESSED)
        else:
            values[path] = Value(float(r["response_rate"]))

    reliability = rounds.reliability(ls, LEARNING_SCALES, ROUNDS)
    for scale in LEARNING_SCALES:
        for rnd in ROUNDS:
            r = reliability[(reliability["scale"] == scale) & (reliability["round"] == rnd)]
            path = f"learning.{scale}.alpha.{rnd}"
            if r.empty:
                values[path] = Value.null(NOT_ANSWERED[rnd])
            elif policy.too_few(r["n"].iloc[0]):
                values[path] = Value.null(SUPPRESSED, n=int(r["n"].iloc[0]))
            elif pd.isna(r["estimate"].iloc[0]):
                values[path] = Value.null("too few complete answers or no variance")
            else:
                values[path] = Value(float(r["estimate"].iloc[0]), n=int(r["n"].iloc[0]))

    roles = (ls.groupby(["role", "round"]).size().unstack("round")
             .reindex(index=[r for r in ROLES if r in set(ls["role"])], columns=list(ROUNDS))
             .fillna(0).astype(int).add_prefix("n_").reset_index())
    roles = roles.assign(**{f"hidden_{rnd}": policy.grouped_mask(roles, f"n_{rnd}", [])
                            for rnd in ROUNDS})
    linked = ls.groupby("respondent_id")["round"].nunique()
    staff_offices = response[(response["office"] != "all") & (response["round"] == "pre")]
    return Learning(
        present=True, n_answers=MappingProxyType(n_answers), values=frozen_values(values),
        means=means, change=_change_table(change_rows), response=response, roles=roles,
        reliability=reliability,
        by_office=_mark_hidden(_round_means(ls, ["office"]), policy),
        by_role=_mark_hidden(_round_means(ls, ["role"]), policy),
        by_project=_mark_hidden(_by_project(ls, policy), policy), items=_items(ls),
        n_linked=int((linked == 2).sum()), staff=int(staff_offices["staff"].sum()))
