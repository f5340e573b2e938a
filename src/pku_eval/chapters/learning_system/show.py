"""The pages of chapter 'learning_system': tables, figures and prose from a computed
:class:`~.computation.Learning`. What is withheld is the policy's decision (``ch.policy``, and the
``hidden_*`` columns it filled in :func:`~.computation.compute`); nothing here writes the marker."""

from __future__ import annotations

import pandas as pd

from ...chapter import Chapter
from ...codebook import LEARNING_SCALES, LEARNING_SURVEY, office_label
from ...publish import Column
from ...text import fmt_int, fmt_num, fmt_p, fmt_pct
from .computation import ROLES, ROUNDS, Learning
from .figures import likert_figure, means_figure, round_name, scale_name


def _role_name(role: str, lang: str) -> str:
    return LEARNING_SURVEY.var("role").code_label(role, lang)


def _office_name(office: str, ch: Chapter) -> str:
    return ch.t("ls_all_offices") if office == "all" else office_label(office, ch.language)


def _withhold(ch: Chapter, tab: pd.DataFrame, pairs: dict[str, str],
              base: str | None = None) -> pd.DataFrame:
    """A copy for publishing: each count column of ``pairs`` (count → hidden flag, the
    policy's decision) is withheld where flagged (so are the statistics based on it);
    ``base`` (the base of a change between rounds) is withheld when either round is."""
    out = tab
    any_hidden = pd.Series(False, index=tab.index)
    for count, flag in pairs.items():
        out = ch.policy.withhold(out, count, tab[flag])
        any_hidden |= tab[flag]
    if base:
        out = ch.policy.withhold(out, base, any_hidden)
    return out.copy()


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
    policy = ch.policy
    tot = res.response[res.response["office"] == "all"].set_index("round")

    def rate(rnd: str) -> str:  # a rate of few answers (staff is public) reveals the count
        return policy.text_or_mark(fmt_pct(tot.loc[rnd, "response_rate"], lang),
                                   tot.loc[rnd, "answered"])

    kw = {"n_pre": policy.prose(tot.loc["pre", "answered"], lang),
          "staff": fmt_int(res.staff, lang), "r_pre": rate("pre")}
    if res.n_answers["post"]:
        ch.text("ls_response_text",
                n_post=policy.prose(tot.loc["post", "answered"], lang),
                r_post=rate("post"),
                n_linked=policy.prose(res.n_linked, lang), **kw)
    else:
        ch.text("ls_response_text_pre", **kw)
    tab = _withhold(ch, res.response[res.response["round"].isin(res.rounds)],
                    {"answered": "hidden"})
    tab["office"] = tab["office"].map(lambda o: _office_name(o, ch))
    tab["round"] = tab["round"].map(lambda r: round_name(r, lang))
    ch.table(tab, [Column("round", ch.t("ls_h_round")), Column("office", ch.t("h_office")),
                   Column("staff", ch.t("ls_h_staff"), "num", decimals=0),
                   Column("answered", ch.t("ls_h_answers"), "count"),
                   Column("response_rate", ch.t("h_rate"), "pct", base="answered", decimals=0)],
             ch.t("ls_response_caption"), ch.t("ls_source_offices"),
             note=ch.t("ls_response_note"))
    roles = _withhold(ch, res.roles, {f"n_{r}": f"hidden_{r}" for r in ROUNDS})
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
    shown = rel[rel["n"].map(ch.policy.enough).astype(bool) & rel["estimate"].notna()]
    if len(shown):
        low = shown.loc[shown["estimate"].idxmin()]
        ch.text("ls_reliability_text", min_alpha=fmt_num(low["estimate"], 2, lang),
                scale=scale_name(low["scale"], lang), round=round_name(low["round"], lang))
    rel["scale"] = rel["scale"].map(lambda s: scale_name(s, lang))
    rel["round"] = rel["round"].map(lambda r: round_name(r, lang))
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


def _show_baseline(ch: Chapter, res: Learning) -> None:
    """Only the first round is in: its mean per scale."""
    lang = ch.language
    ch.section("ls_baseline")
    m = res.means[res.means["round"] == "pre"].set_index("scale")
    for scale in LEARNING_SCALES:
        if res.values[f"learning.{scale}.pre_mean"].shown:
            ch.text("ls_baseline_scale", scale=scale_name(scale, lang),
                    pre=fmt_num(m.loc[scale, "mean"], 2, lang),
                    n_pre=fmt_int(m.loc[scale, "n"], lang),
                    lo=fmt_num(m.loc[scale, "ci_low"], 2, lang),
                    hi=fmt_num(m.loc[scale, "ci_high"], 2, lang))


def _show_change_table(ch: Chapter, res: Learning) -> None:
    lang = ch.language
    tab = res.change.copy()
    tab["scale"] = tab["scale"].map(lambda s: scale_name(s, lang))
    tab["analysis"] = tab["analysis"].map(
        {"all_answers": ch.t("ls_all_answers"), "same_people": ch.t("ls_same_people")})
    tab["p"] = tab["p_value"].map(lambda p: fmt_p(p, lang))
    tab["pw"] = tab["wilcoxon_p_value"].map(lambda p: fmt_p(p, lang))
    ch.table(tab, [Column("scale", ch.t("ls_h_scale")),
                   Column("analysis", ch.t("ls_h_analysis")),
                   Column("n_first", ch.t("ls_h_n_pre"), "count"),
                   Column("n_second", ch.t("ls_h_n_post"), "count"),
                   Column("estimate", ch.t("ls_h_change"), "num", base="base", decimals=2),
                   Column("ci_low", ch.t("ls_h_ci_low"), "num", base="base", decimals=2),
                   Column("ci_high", ch.t("ls_h_ci_high"), "num", base="base", decimals=2),
                   Column("p", ch.t("ls_h_p")), Column("pw", ch.t("ls_h_wilcoxon"))],
             ch.t("ls_change_caption"), ch.t("ls_source"), note=ch.t("ls_change_note"))


def show_change(ch: Chapter, res: Learning) -> None:
    """The headline: means before and after, the change with its CI, the paired check."""
    if not res.rounds:
        return
    lang = ch.language
    if not res.n_answers["post"]:
        _show_baseline(ch, res)
    else:
        ch.section("ls_change")
        ch.text("ls_change_intro")
    for scale in LEARNING_SCALES:
        value = res.values[f"learning.{scale}.difference"]
        name = scale_name(scale, lang)
        if not value.shown:
            if res.n_answers["post"]:
                ch.text("ls_change_na", scale=name, reason=value.reason)
            continue
        diff = value.estimate
        m = res.means.set_index(["scale", "round"])
        sentence = ch.t("ls_change_scale", scale=name,
                        pre=fmt_num(m.loc[(scale, "pre"), "mean"], 2, lang),
                        post=fmt_num(m.loc[(scale, "post"), "mean"], 2, lang),
                        n_pre=fmt_int(m.loc[(scale, "pre"), "n"], lang),
                        n_post=fmt_int(m.loc[(scale, "post"), "n"], lang),
                        diff=fmt_num(diff["estimate"], 2, lang),
                        lo=fmt_num(diff["ci_low"], 2, lang), hi=fmt_num(diff["ci_high"], 2, lang))
        ch.text(f"{sentence} {ch.t(_reading_key(diff))}", raw=True)
        paired = res.values[f"learning.{scale}.paired"]
        if not paired.shown:
            ch.text("ls_paired_na", reason=paired.reason)
        else:
            p = paired.estimate
            ch.text("ls_paired_text", n=fmt_int(p["n_pairs"], lang), scale=name.lower(),
                    diff=fmt_num(p["estimate"], 2, lang),
                    lo=fmt_num(p["ci_low"], 2, lang), hi=fmt_num(p["ci_high"], 2, lang))
    if res.n_answers["post"]:
        ch.text("ls_caveat")
        _show_change_table(ch, res)
    fig, hidden = means_figure(res.means, res.rounds, lang, ch.policy)
    caption = ch.t("ls_means_fig" if res.n_answers["post"] else "ls_means_fig_pre")
    ch.figure(fig, caption, ch.t("ls_source"),
              note=ch.t("ls_fig_note_hidden", min_cell=ch.policy.min_cell) if hidden else None)


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
    """Means per office and per role (groups the policy withholds are not shown)."""
    if not res.rounds:
        return
    ch.section("ls_groups")
    lang = ch.language
    ch.text("ls_groups_text", min_cell=ch.policy.min_cell)
    office_order = list(ch.data.offices["office"])
    tab = _withhold(ch, res.by_office, {"n_pre": "hidden_pre", "n_post": "hidden_post"},
                    "base_change")
    tab = tab.sort_values(["office", "scale"], key=lambda s: s.map(
        office_order.index if s.name == "office" else LEARNING_SCALES.index))
    tab["office"] = tab["office"].map(lambda o: office_label(o, lang))
    tab["scale"] = tab["scale"].map(lambda s: scale_name(s, lang))
    ch.table(tab, _group_table(ch, tab, Column("office", ch.t("h_office")), res.rounds),
             ch.t("ls_office_caption"), ch.t("ls_source"))
    tab = _withhold(ch, res.by_role, {"n_pre": "hidden_pre", "n_post": "hidden_post"},
                    "base_change")
    tab = tab.sort_values(["role", "scale"], key=lambda s: s.map(
        ROLES.index if s.name == "role" else LEARNING_SCALES.index))
    tab["role"] = tab["role"].map(lambda r: _role_name(r, lang))
    tab["scale"] = tab["scale"].map(lambda s: scale_name(s, lang))
    ch.table(tab, _group_table(ch, tab, Column("role", ch.t("ls_h_role")), res.rounds),
             ch.t("ls_role_means_caption"), ch.t("ls_source"))


def show_project(ch: Chapter, res: Learning) -> None:
    """Employees in the trial (in_project = 1) and the others."""
    if not res.rounds:
        return
    ch.section("ls_project")
    lang = ch.language
    ch.text("ls_project_text")
    tab = _withhold(ch, res.by_project, {"n_pre": "hidden_pre", "n_post": "hidden_post"},
                    "base_change")
    tab["group"] = tab["in_project"].map({1.0: ch.t("ls_in_project"),
                                          0.0: ch.t("ls_not_in_project")})
    tab["scale"] = tab["scale"].map(lambda s: scale_name(s, lang))
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
    fig, hidden = likert_figure(res.items, res.rounds, ch.language, ch.policy)
    note = ch.t("ls_items_note")
    if hidden:
        note += " " + ch.t("ls_fig_note_hidden", min_cell=ch.policy.min_cell)
    ch.figure(fig, ch.t("ls_items_fig"), ch.t("ls_source"), note=note)
