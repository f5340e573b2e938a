"""Chapter 'learning_system': the employees' learning-system questionnaire before (``pre``) and
after (``post``) the learning system was put in place (GitHub issue 4).

Headline (REPORT_SPEC.md): ``learning.<scale>.difference`` = post minus pre of the mean scale
score, all answers of each round taken as two independent samples (Welch t). The questionnaire
goes to all employees in each round and staff changed between the rounds, so the two rounds are
two cross-sections of the offices; that comparison answers the question the trial asked (did the
offices change?). The paired comparison of the employees who answered both rounds (same
``respondent_id``) is a check that the change is not only a change of who answered; it goes in
``learning.<scale>.paired``.

Also shown: response per office and round against the offices' staff counts, Cronbach's alpha
per scale and round, means per office, per role and for employees in / not in the project, and
the item answers as a diverging stacked bar chart centred on the neutral answer 3.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from ... import stats, text
from ...chapter import Chapter
from ...codebook import LEARNING_SCALES, LEARNING_SURVEY, SCALES, office_label
from ...publish import HIDDEN, MARK, Column, fmt_published, publish_count, secondary_suppression
from ...results import SUPPRESSED
from ...text import fmt_int, fmt_num, fmt_pct

#: Contract files this chapter reads besides offices, participants and outcomes (the
#: build re-runs it when one of them changes; reading another raises an error).

ROUNDS = ("pre", "post")
ROLES = ("veileder", "jobbveileder", "leder", "annet")

#: Reasons of a null (results.json ``null_reasons``).
NO_FILE = "no learning_survey file"
NOT_ANSWERED = {"pre": "pre round not answered by the cut-off",
                "post": "post round not yet answered by the cut-off"}
TOO_FEW_PAIRS = "fewer than 2 respondents answered both rounds"
NO_ROWS = "no learning_survey answers at the offices of this report by the cut-off"

#: Colours of the two rounds (not arms: the arm palette is kept for arms) and of the five
#: answer categories (ColorBrewer PuOr, colour-blind safe, neutral in grey).
ROUND_COLOURS = {"pre": "#888888", "post": "#0072B2"}
ROUND_MARKER = {"pre": "o", "post": "D"}
LIKERT_COLOURS = ("#e66101", "#fdb863", "#d0d0d0", "#b2abd2", "#5e3c99")


@dataclass
class Learning:
    """Everything the chapter shows and records (see :func:`compute`)."""

    present: bool                   # the learning_survey file is in the data
    n_answers: dict                 # round -> answers (rows)
    values: dict                    # results.json path -> (value, reason)
    means: pd.DataFrame = field(default_factory=pd.DataFrame)        # scale, round, n, mean, …
    change: pd.DataFrame = field(default_factory=pd.DataFrame)       # scale, analysis, …
    response: pd.DataFrame = field(default_factory=pd.DataFrame)     # office, round, staff, …
    roles: pd.DataFrame = field(default_factory=pd.DataFrame)        # role, n_pre, n_post
    reliability: pd.DataFrame = field(default_factory=pd.DataFrame)  # scale, round, estimate, …
    by_office: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_role: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_project: pd.DataFrame = field(default_factory=pd.DataFrame)
    items: pd.DataFrame = field(default_factory=pd.DataFrame)        # scale, item, round, n, p1…p5
    n_linked: int = 0
    staff: int = 0
    min_cell: int = 5

    @property
    def rounds(self) -> list[str]:
        """The rounds with at least one answer."""
        return [r for r in ROUNDS if self.n_answers.get(r, 0) > 0]


# ---------------------------------------------------------------------------- computation

def _estimate(row) -> dict:
    return {k: float(row[k]) for k in ("estimate", "ci_low", "ci_high", "p_value")}


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


def hidden_cells(frame: pd.DataFrame, n_col: str, by: list[str], min_cell: int) -> pd.Series:
    """Which groups' counts (and the statistics resting on them) are withheld: primary
    suppression (1 … min_cell − 1 people) and, within each combination of ``by`` (e.g. one
    round and scale), secondary suppression across the groups — a single withheld group could
    otherwise be recovered from the published total (or overall mean) minus the other groups.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"round": ["pre"] * 3, "n": [3, 12, 30]})
    >>> hidden_cells(f, "n", ["round"], 5).tolist()
    [True, True, False]
    """
    mask = pd.Series(False, index=frame.index)
    groups = frame.groupby(by, sort=False).groups.values() if by else [frame.index]
    for index in groups:
        n = pd.to_numeric(frame.loc[index, n_col]).fillna(0).to_numpy(float)
        primary = (n > 0) & (n < min_cell)
        mask[index] = secondary_suppression(n[None, :], primary[None, :])[0]
    return mask


def _mark_hidden(tab: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Add ``hidden_pre``/``hidden_post`` to a group × scale table of :func:`_round_means`."""
    for rnd in ROUNDS:
        tab[f"hidden_{rnd}"] = hidden_cells(tab, f"n_{rnd}", ["scale"], min_cell)
    return tab


def _welch_rows(ls: pd.DataFrame, scale: str, min_cell: int) -> tuple[dict | None, str | None,
                                                                      dict]:
    """Welch difference post − pre of ``scale``; (value, reason, full row)."""
    n = {r: int(ls.loc[ls["round"] == r, scale].notna().sum()) for r in ROUNDS}
    for rnd in ("post", "pre"):
        if not (ls["round"] == rnd).any():
            return None, NOT_ANSWERED[rnd], {}
    if min(n.values()) < 2:
        return None, f"fewer than 2 answers with a {scale} score in a round", {}
    if min(n.values()) < min_cell:
        return None, SUPPRESSED, {}
    try:
        res = stats.welch_difference(ls, scale, "round", first="pre", second="post").iloc[0]
    except stats.EstimationError as exc:
        return None, f"cannot be computed: {exc}", {}
    return _estimate(res), None, res.to_dict()


def _paired_rows(ls: pd.DataFrame, scale: str, min_cell: int) -> tuple[dict | None, str | None,
                                                                       dict]:
    """Paired difference post − pre of ``scale`` among respondents with a score in both rounds
    (their latest answer in a round if a respondent answered a round twice)."""
    for rnd in ("post", "pre"):
        if not (ls["round"] == rnd).any():
            return None, NOT_ANSWERED[rnd], {}
    d = (ls.dropna(subset=[scale]).sort_values("response_date")
         .drop_duplicates(["respondent_id", "round"], keep="last"))
    both = d.groupby("respondent_id")["round"].nunique()
    n_pairs = int((both == 2).sum())
    if n_pairs < 2:
        return None, TOO_FEW_PAIRS, {}
    if n_pairs < min_cell:
        return None, SUPPRESSED, {}
    try:
        res = stats.paired_difference(d, scale, "round", "respondent_id", first="pre",
                                      second="post").iloc[0]
    except stats.EstimationError as exc:
        return None, f"cannot be computed: {exc}", {}
    value = _estimate(res)
    value.update(n_pairs=int(res["n_pairs"]), wilcoxon_p_value=float(res["wilcoxon_p_value"]),
                 rank_biserial=float(res["rank_biserial"]))
    return value, None, res.to_dict()


def _response(ls: pd.DataFrame, offices: pd.DataFrame, min_cell: int) -> pd.DataFrame:
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
    out["hidden"] = hidden_cells(out, "answered", ["round"], min_cell)
    total = out.groupby("round", sort=False)[["staff", "answered"]].sum().reset_index()
    total["office"] = "all"
    total["hidden"] = (total["answered"] > 0) & (total["answered"] < min_cell)
    out = pd.concat([out, total[out.columns]], ignore_index=True)
    out = out.sort_values("round", key=lambda s: s.map(ROUNDS.index), kind="stable")
    out = out.reset_index(drop=True)
    out["response_rate"] = out["answered"] / out["staff"].where(out["staff"] > 0)
    return out


def _reliability(ls: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    rows = []
    for scale in LEARNING_SCALES:
        items = list(SCALES[scale].items)
        for rnd in ROUNDS:
            part = ls.loc[ls["round"] == rnd, items]
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


def _by_project(ls: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    d = ls.assign(in_project=ls["in_project"].astype(float))
    tab = _round_means(d, ["in_project"])
    tab["ci_low"] = tab["ci_high"] = tab["p_value"] = np.nan
    for i, row in tab.iterrows():
        part = d[d["in_project"] == row["in_project"]]
        if row["base_change"] >= max(min_cell, 2):
            value, _, _ = _welch_rows(part, row["scale"], min_cell)
            if value:
                tab.loc[i, ["ci_low", "ci_high", "p_value"]] = (
                    value["ci_low"], value["ci_high"], value["p_value"])
    return tab.sort_values(["in_project", "scale"], ascending=[False, True],
                           key=lambda s: s if s.name == "in_project"
                           else s.map(LEARNING_SCALES.index)).reset_index(drop=True)


def compute(stage, params: dict) -> Learning:
    """Every number of the chapter, from the prepared data of a stage.

    Parameters
    ----------
    stage : pku_eval.tidy.StageData
        Data of the report stage (``learning_survey`` with the scale scores
        ``arenas``/``sharing``/``research`` and items with 8/9 as missing).
    params : dict
        The chapter params (``min_cell``).

    Returns
    -------
    Learning
        ``values`` maps every results.json path this chapter fills to ``(value, reason)``.
    """
    min_cell = int(params.get("min_cell", 5))
    values: dict = {}
    ls = stage.table("learning_survey")
    if ls is None or ls.empty:
        for scale in LEARNING_SCALES:
            for key in ("pre_mean", "post_mean", "difference", "paired"):
                values[f"learning.{scale}.{key}"] = (None, NO_FILE if ls is None else NO_ROWS)
        return Learning(ls is not None, {r: 0 for r in ROUNDS}, values, min_cell=min_cell)

    n_answers = {r: int((ls["round"] == r).sum()) for r in ROUNDS}
    means = stats.mean_ci(ls.melt(id_vars=["round"], value_vars=list(LEARNING_SCALES),
                                  var_name="scale", value_name="score"),
                          "score", by=["scale", "round"])
    means = (means.set_index(["scale", "round"])
             .reindex(pd.MultiIndex.from_product([LEARNING_SCALES, ROUNDS],
                                                 names=["scale", "round"]))
             .reset_index())
    means["n"] = pd.to_numeric(means["n"]).fillna(0).astype(int)

    change_rows = []
    for scale in LEARNING_SCALES:
        for rnd in ROUNDS:
            m = means[(means["scale"] == scale) & (means["round"] == rnd)].iloc[0]
            if n_answers[rnd] == 0:
                value, reason = None, NOT_ANSWERED[rnd]
            elif m["n"] == 0:
                value, reason = None, f"no {rnd} answer has a {scale} score"
            elif m["n"] < min_cell:
                value, reason = None, SUPPRESSED
            else:
                value, reason = float(m["mean"]), None
            values[f"learning.{scale}.{rnd}_mean"] = (value, reason)
            n = publish_count(int(m["n"]), min_cell)
            values[f"learning.{scale}.n.{rnd}"] = (n, SUPPRESSED if n is None else None)
        welch, reason, full = _welch_rows(ls, scale, min_cell)
        values[f"learning.{scale}.difference"] = (welch, reason)
        change_rows.append({"scale": scale, "analysis": "all_answers", "reason": reason,
                            "n_first": full.get("n_first"), "n_second": full.get("n_second"),
                            "wilcoxon_p_value": np.nan, **(welch or {})})
        paired, reason, full = _paired_rows(ls, scale, min_cell)
        values[f"learning.{scale}.paired"] = (paired, reason)
        change_rows.append({"scale": scale, "analysis": "same_people", "reason": reason,
                            "n_first": full.get("n_pairs"), "n_second": full.get("n_pairs"),
                            "wilcoxon_p_value": (paired or {}).get("wilcoxon_p_value", np.nan),
                            **{k: v for k, v in (paired or {}).items()
                               if k in ("estimate", "ci_low", "ci_high", "p_value")}})
    change = pd.DataFrame(change_rows, columns=["scale", "analysis", "estimate", "ci_low",
                                                "ci_high", "p_value", "wilcoxon_p_value",
                                                "n_first", "n_second", "reason"])
    for col in ("n_first", "n_second"):
        change[col] = pd.to_numeric(change[col], errors="coerce")
    change["base"] = change[["n_first", "n_second"]].min(axis=1).fillna(0)

    response = _response(ls, stage.offices, min_cell)
    for _, r in response.iterrows():
        path = f"learning.response_rate.{r['round']}.{r['office']}"
        if n_answers[r["round"]] == 0:
            values[path] = (None, NOT_ANSWERED[r["round"]])
        elif pd.isna(r["response_rate"]):
            values[path] = (None, "no staff count for the office")
        elif r["hidden"]:
            values[path] = (None, SUPPRESSED)
        else:
            values[path] = (float(r["response_rate"]), None)

    reliability = _reliability(ls, min_cell)
    for scale in LEARNING_SCALES:
        for rnd in ROUNDS:
            r = reliability[(reliability["scale"] == scale) & (reliability["round"] == rnd)]
            path = f"learning.{scale}.alpha.{rnd}"
            if r.empty:
                values[path] = (None, NOT_ANSWERED[rnd])
            elif r["n"].iloc[0] < min_cell:
                values[path] = (None, SUPPRESSED)
            elif pd.isna(r["estimate"].iloc[0]):
                values[path] = (None, "too few complete answers or no variance")
            else:
                values[path] = (float(r["estimate"].iloc[0]), None)

    roles = (ls.groupby(["role", "round"]).size().unstack("round")
             .reindex(index=[r for r in ROLES if r in set(ls["role"])], columns=list(ROUNDS))
             .fillna(0).astype(int).add_prefix("n_").reset_index())
    for rnd in ROUNDS:
        roles[f"hidden_{rnd}"] = hidden_cells(roles, f"n_{rnd}", [], min_cell)
    linked = ls.groupby("respondent_id")["round"].nunique()
    staff_offices = response[(response["office"] != "all") & (response["round"] == "pre")]
    return Learning(
        present=True, n_answers=n_answers, values=values, means=means, change=change,
        response=response, roles=roles, reliability=reliability,
        by_office=_mark_hidden(_round_means(ls, ["office"]), min_cell),
        by_role=_mark_hidden(_round_means(ls, ["role"]), min_cell),
        by_project=_mark_hidden(_by_project(ls, min_cell), min_cell), items=_items(ls),
        n_linked=int((linked == 2).sum()), staff=int(staff_offices["staff"].sum()),
        min_cell=min_cell)


def record(ch: Chapter, res: Learning) -> None:
    """Record the chapter's results.json keys (required ones and the extra ones)."""
    for path, (value, reason) in res.values.items():
        ch.result(path, value, reason)


# ---------------------------------------------------------------------------- display

def _scale_name(scale: str, lang: str) -> str:
    return SCALES[scale].label(lang)


def _round_name(rnd: str, lang: str) -> str:
    return LEARNING_SURVEY.var("round").code_label(rnd, lang)


def _role_name(role: str, lang: str) -> str:
    return LEARNING_SURVEY.var("role").code_label(role, lang)


def _office_name(office: str, ch: Chapter) -> str:
    return ch.t("ls_all_offices") if office == "all" else office_label(office, ch.language)


def _withhold(tab: pd.DataFrame, pairs: dict[str, str], base: str | None = None) -> pd.DataFrame:
    """A copy for publishing: each count column of ``pairs`` (count → hidden flag) holds
    :data:`~pku_eval.publish.HIDDEN` where flagged (so do the statistics based on it);
    ``base`` (the base of a change between rounds) is hidden when either round is."""
    out = tab.copy()
    any_hidden = pd.Series(False, index=out.index)
    for count, flag in pairs.items():
        out[count] = out[count].astype(object)
        out.loc[out[flag], count] = HIDDEN
        any_hidden |= out[flag]
    if base:
        out[base] = out[base].astype(object)
        out.loc[any_hidden, base] = HIDDEN
    return out


def _fmt_p(p, lang: str) -> str:
    if p is None or pd.isna(p):
        return "–"
    return "<" + fmt_num(0.001, 3, lang) if p < 0.001 else fmt_num(p, 3, lang)


def show_status(ch: Chapter, res: Learning) -> None:
    """A notice when the file is absent, nobody answered, or only the first round is in."""
    from ...text import fmt_date

    cutoff = fmt_date(ch.data.cutoff, ch.language)
    if not res.present:
        ch.notice(ch.t("ls_no_file"))
    elif not res.rounds:
        ch.notice(ch.t("ls_no_rows", cutoff=cutoff))
    elif res.n_answers["post"] == 0:
        ch.notice(ch.t("ls_post_missing", cutoff=cutoff))


def show_response(ch: Chapter, res: Learning) -> None:
    """Answers per office and round against staff; answers per role."""
    if not res.rounds:
        return
    ch.section("ls_response")
    lang = ch.language
    tot = res.response[res.response["office"] == "all"].set_index("round")

    def rate(rnd: str) -> str:  # a rate of few answers (staff is public) reveals the count
        n = tot.loc[rnd, "answered"]
        return MARK if publish_count(n, res.min_cell) is None else \
            fmt_pct(tot.loc[rnd, "response_rate"], lang)

    kw = dict(n_pre=fmt_published(tot.loc["pre", "answered"], res.min_cell, lang),
              staff=fmt_int(res.staff, lang),
              r_pre=rate("pre"))
    if res.n_answers["post"]:
        ch.text("ls_response_text",
                n_post=fmt_published(tot.loc["post", "answered"], res.min_cell, lang),
                r_post=rate("post"),
                n_linked=fmt_published(res.n_linked, res.min_cell, lang), **kw)
    else:
        ch.text("ls_response_text_pre", **kw)
    tab = _withhold(res.response[res.response["round"].isin(res.rounds)],
                    {"answered": "hidden"})
    tab["office"] = tab["office"].map(lambda o: _office_name(o, ch))
    tab["round"] = tab["round"].map(lambda r: _round_name(r, lang))
    ch.table(tab, [Column("round", ch.t("ls_h_round")), Column("office", ch.t("h_office")),
                   Column("staff", ch.t("ls_h_staff"), "num", decimals=0),
                   Column("answered", ch.t("ls_h_answers"), "count"),
                   Column("response_rate", ch.t("h_rate"), "pct", base="answered", decimals=0)],
             ch.t("ls_response_caption"), ch.t("ls_source_offices"),
             note=ch.t("ls_response_note"))
    roles = _withhold(res.roles, {f"n_{r}": f"hidden_{r}" for r in ROUNDS})
    roles["role"] = roles["role"].map(lambda r: _role_name(r, lang))
    ch.table(roles, [Column("role", ch.t("ls_h_role"))] +
             [Column(f"n_{r}", ch.t(f"ls_h_n_{r}"), "count") for r in res.rounds],
             ch.t("ls_role_caption"), ch.t("ls_source"))


def show_reliability(ch: Chapter, res: Learning) -> None:
    """Cronbach's alpha per scale and round."""
    if res.reliability.empty:
        return
    ch.section("ls_reliability")
    lang = ch.language
    rel = res.reliability.copy()
    shown = rel[(rel["n"] >= res.min_cell) & rel["estimate"].notna()]
    if len(shown):
        low = shown.loc[shown["estimate"].idxmin()]
        ch.text("ls_reliability_text", min_alpha=fmt_num(low["estimate"], 2, lang),
                scale=_scale_name(low["scale"], lang), round=_round_name(low["round"], lang))
    rel["scale"] = rel["scale"].map(lambda s: _scale_name(s, lang))
    rel["round"] = rel["round"].map(lambda r: _round_name(r, lang))
    ch.table(rel, [Column("scale", ch.t("ls_h_scale")), Column("round", ch.t("ls_h_round")),
                   Column("n", ch.t("ls_h_n_used"), "count"),
                   Column("estimate", ch.t("ls_h_alpha"), "num", base="n", decimals=2),
                   Column("ci_low", ch.t("ls_h_ci_low"), "num", base="n", decimals=2),
                   Column("ci_high", ch.t("ls_h_ci_high"), "num", base="n", decimals=2)],
             ch.t("ls_reliability_caption"), ch.t("ls_source"))


def _reading_key(value: dict) -> str:
    if value["ci_low"] > 0:
        return "ls_reading_up"
    if value["ci_high"] < 0:
        return "ls_reading_down"
    return "ls_reading_unclear"


def show_change(ch: Chapter, res: Learning) -> None:
    """The headline: means before and after, the change with its CI, the paired check."""
    if not res.rounds:
        return
    lang = ch.language
    if not res.n_answers["post"]:
        ch.section("ls_baseline")
        m = res.means[res.means["round"] == "pre"].set_index("scale")
        for scale in LEARNING_SCALES:
            if res.values[f"learning.{scale}.pre_mean"][0] is not None:
                ch.text("ls_baseline_scale", scale=_scale_name(scale, lang),
                        pre=fmt_num(m.loc[scale, "mean"], 2, lang),
                        n_pre=fmt_int(m.loc[scale, "n"], lang),
                        lo=fmt_num(m.loc[scale, "ci_low"], 2, lang),
                        hi=fmt_num(m.loc[scale, "ci_high"], 2, lang))
    else:
        ch.section("ls_change")
        ch.text("ls_change_intro")
    for scale in LEARNING_SCALES:
        diff, reason = res.values[f"learning.{scale}.difference"]
        name = _scale_name(scale, lang)
        if diff is None:
            if res.n_answers["post"]:
                ch.text("ls_change_na", scale=name, reason=reason)
            continue
        m = res.means.set_index(["scale", "round"])
        sentence = ch.t("ls_change_scale", scale=name,
                        pre=fmt_num(m.loc[(scale, "pre"), "mean"], 2, lang),
                        post=fmt_num(m.loc[(scale, "post"), "mean"], 2, lang),
                        n_pre=fmt_int(m.loc[(scale, "pre"), "n"], lang),
                        n_post=fmt_int(m.loc[(scale, "post"), "n"], lang),
                        diff=fmt_num(diff["estimate"], 2, lang),
                        lo=fmt_num(diff["ci_low"], 2, lang), hi=fmt_num(diff["ci_high"], 2, lang))
        ch.text(f"{sentence} {ch.t(_reading_key(diff))}", raw=True)
        paired, reason = res.values[f"learning.{scale}.paired"]
        if paired is None:
            ch.text("ls_paired_na", reason=reason)
        else:
            ch.text("ls_paired_text", n=fmt_int(paired["n_pairs"], lang), scale=name.lower(),
                    diff=fmt_num(paired["estimate"], 2, lang),
                    lo=fmt_num(paired["ci_low"], 2, lang), hi=fmt_num(paired["ci_high"], 2, lang))
    if res.n_answers["post"]:
        ch.text("ls_caveat")
        tab = res.change.copy()
        tab["scale"] = tab["scale"].map(lambda s: _scale_name(s, lang))
        tab["analysis"] = tab["analysis"].map(
            {"all_answers": ch.t("ls_all_answers"), "same_people": ch.t("ls_same_people")})
        tab["p"] = tab["p_value"].map(lambda p: _fmt_p(p, lang))
        tab["pw"] = tab["wilcoxon_p_value"].map(lambda p: _fmt_p(p, lang))
        ch.table(tab, [Column("scale", ch.t("ls_h_scale")),
                       Column("analysis", ch.t("ls_h_analysis")),
                       Column("n_first", ch.t("ls_h_n_pre"), "count"),
                       Column("n_second", ch.t("ls_h_n_post"), "count"),
                       Column("estimate", ch.t("ls_h_change"), "num", base="base", decimals=2),
                       Column("ci_low", ch.t("ls_h_ci_low"), "num", base="base", decimals=2),
                       Column("ci_high", ch.t("ls_h_ci_high"), "num", base="base", decimals=2),
                       Column("p", ch.t("ls_h_p")), Column("pw", ch.t("ls_h_wilcoxon"))],
                 ch.t("ls_change_caption"), ch.t("ls_source"), note=ch.t("ls_change_note"))
    fig, hidden = means_figure(res.means, res.rounds, lang, res.min_cell)
    caption = ch.t("ls_means_fig" if res.n_answers["post"] else "ls_means_fig_pre")
    ch.figure(fig, caption, ch.t("ls_source"),
              note=ch.t("ls_fig_note_hidden", min_cell=res.min_cell) if hidden else None)


def means_figure(means: pd.DataFrame, rounds: list[str], lang: str, min_cell: int):
    """Mean and 95% CI per scale (x) and round (marker); groups below ``min_cell`` not drawn.
    Returns the figure and whether a group was left out."""
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    x = np.arange(len(LEARNING_SCALES))
    hidden = False
    for i, rnd in enumerate(rounds):
        m = means[means["round"] == rnd].set_index("scale").reindex(list(LEARNING_SCALES))
        ok = (m["n"] >= min_cell).to_numpy()
        hidden |= bool((~ok & (m["n"] > 0)).any())
        pos = x + (i - (len(rounds) - 1) / 2) * 0.25
        mean = m["mean"].to_numpy(float)
        err = np.vstack([mean - m["ci_low"].to_numpy(float), m["ci_high"].to_numpy(float) - mean])
        ax.errorbar(pos[ok], mean[ok], yerr=err[:, ok], fmt=ROUND_MARKER[rnd], capsize=4,
                    color=ROUND_COLOURS[rnd], label=_round_name(rnd, lang))
    ax.set_xticks(x, [_scale_name(s, lang) for s in LEARNING_SCALES])
    ax.set_ylim(1, 5)
    ax.set_ylabel(text.t("ls_mean_axis", lang))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=len(rounds))
    return fig, hidden


def _group_table(ch: Chapter, tab: pd.DataFrame, first: Column, rounds: list[str]) -> list:
    cols = [first, Column("scale", ch.t("ls_h_scale"))]
    cols += [Column("n_pre", ch.t("ls_h_n_pre"), "count"),
             Column("mean_pre", ch.t("ls_h_mean_pre"), "num", base="n_pre", decimals=2)]
    if "post" in rounds:
        cols += [Column("n_post", ch.t("ls_h_n_post"), "count"),
                 Column("mean_post", ch.t("ls_h_mean_post"), "num", base="n_post", decimals=2),
                 Column("change", ch.t("ls_h_change"), "num", base="base_change", decimals=2)]
    return cols


def show_groups(ch: Chapter, res: Learning) -> None:
    """Means per office and per role (groups below min_cell suppressed)."""
    if not res.rounds:
        return
    ch.section("ls_groups")
    lang = ch.language
    ch.text("ls_groups_text", min_cell=res.min_cell)
    office_order = list(ch.data.offices["office"])
    tab = _withhold(res.by_office, {"n_pre": "hidden_pre", "n_post": "hidden_post"},
                    "base_change")
    tab = tab.sort_values(["office", "scale"], key=lambda s: s.map(
        office_order.index if s.name == "office" else LEARNING_SCALES.index))
    tab["office"] = tab["office"].map(lambda o: office_label(o, lang))
    tab["scale"] = tab["scale"].map(lambda s: _scale_name(s, lang))
    ch.table(tab, _group_table(ch, tab, Column("office", ch.t("h_office")), res.rounds),
             ch.t("ls_office_caption"), ch.t("ls_source"))
    tab = _withhold(res.by_role, {"n_pre": "hidden_pre", "n_post": "hidden_post"},
                    "base_change")
    tab = tab.sort_values(["role", "scale"], key=lambda s: s.map(
        ROLES.index if s.name == "role" else LEARNING_SCALES.index))
    tab["role"] = tab["role"].map(lambda r: _role_name(r, lang))
    tab["scale"] = tab["scale"].map(lambda s: _scale_name(s, lang))
    ch.table(tab, _group_table(ch, tab, Column("role", ch.t("ls_h_role")), res.rounds),
             ch.t("ls_role_means_caption"), ch.t("ls_source"))


def show_project(ch: Chapter, res: Learning) -> None:
    """Employees in the trial (in_project = 1) and the others."""
    if not res.rounds:
        return
    ch.section("ls_project")
    lang = ch.language
    ch.text("ls_project_text")
    tab = _withhold(res.by_project, {"n_pre": "hidden_pre", "n_post": "hidden_post"},
                    "base_change")
    tab["group"] = tab["in_project"].map({1.0: ch.t("ls_in_project"),
                                          0.0: ch.t("ls_not_in_project")})
    tab["scale"] = tab["scale"].map(lambda s: _scale_name(s, lang))
    cols = _group_table(ch, tab, Column("group", ch.t("ls_h_group")), res.rounds)
    if "post" in res.rounds:
        cols += [Column("ci_low", ch.t("ls_h_ci_low"), "num", base="base_change", decimals=2),
                 Column("ci_high", ch.t("ls_h_ci_high"), "num", base="base_change",
                        decimals=2)]
    ch.table(tab, cols, ch.t("ls_project_caption"), ch.t("ls_source"),
             note=ch.t("ls_project_note") if "post" in res.rounds else None)


def show_items(ch: Chapter, res: Learning) -> None:
    """Item-level diverging stacked bars centred on the neutral answer 3."""
    if not res.rounds:
        return
    ch.section("ls_items")
    ch.text("ls_items_text")
    fig, hidden = likert_figure(res.items, res.rounds, ch.language, res.min_cell)
    note = ch.t("ls_items_note")
    if hidden:
        note += " " + ch.t("ls_fig_note_hidden", min_cell=res.min_cell)
    ch.figure(fig, ch.t("ls_items_fig"), ch.t("ls_source"), note=note)


def likert_figure(items: pd.DataFrame, rounds: list[str], lang: str, min_cell: int):
    """Diverging stacked bars: per scale one panel, per item and round one bar; categories 1
    and 2 to the left of 0, 4 and 5 to the right, 3 split evenly across 0. Bars resting on
    fewer than ``min_cell`` valid answers are left out. Returns the figure and whether a bar
    was left out."""
    per_scale = len(SCALES[LEARNING_SCALES[0]].items) * len(rounds)
    fig, axes = plt.subplots(len(LEARNING_SCALES), 1, sharex=True,
                             figsize=(7.5, 0.9 + 0.32 * per_scale * len(LEARNING_SCALES)))
    hidden = False
    labels = {1: text.t("ls_likert_low", lang), 2: "2", 3: text.t("ls_likert_mid", lang),
              4: "4", 5: text.t("ls_likert_high", lang)}
    for ax, scale in zip(np.atleast_1d(axes), LEARNING_SCALES, strict=True):
        d = items[(items["scale"] == scale) & items["round"].isin(rounds)]
        d = d.assign(order=d["item"].map(list(SCALES[scale].items).index) * 10
                     + d["round"].map(ROUNDS.index)).sort_values("order", ascending=False)
        ylabels = []
        for y, (_, r) in enumerate(d.iterrows()):
            number = r["item"].rsplit("_", 1)[1]
            ylabels.append(f"{number} – {_round_name(r['round'], lang)}")
            if r["n"] < min_cell:
                hidden |= r["n"] > 0
                continue
            p = np.array([r[f"p{k}"] for k in range(1, 6)]) * 100
            left = -(p[0] + p[1] + p[2] / 2)
            for k in range(5):
                ax.barh(y, p[k], left=left, color=LIKERT_COLOURS[k], edgecolor="white",
                        linewidth=0.5)
                left += p[k]
        ax.set_yticks(range(len(ylabels)), ylabels, fontsize=8)
        ax.axvline(0, color="#333333", linewidth=0.8)
        ax.set_title(_scale_name(scale, lang), loc="left", fontsize=10)
        ax.grid(axis="y", visible=False)
    last = np.atleast_1d(axes)[-1]
    last.set_xlim(-100, 100)
    ticks = np.arange(-100, 101, 25)
    last.set_xticks(ticks, [fmt_int(abs(v), lang) for v in ticks])
    last.set_xlabel(text.t("ls_share_axis", lang))
    handles = [Patch(facecolor=LIKERT_COLOURS[k - 1], label=labels[k]) for k in range(1, 6)]
    fig.legend(handles=handles, loc="lower center", ncol=5, bbox_to_anchor=(0.5, -0.02))
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig, hidden
