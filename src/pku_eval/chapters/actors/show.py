"""The pages of chapter 'actors': tables, figures and prose from a computed
:class:`~.computation.Actors`. What is withheld is the policy's decision (``ch.policy``, and the
``hidden_*`` columns it filled in :func:`~.computation.compute`); nothing here writes the
marker."""

from __future__ import annotations

import pandas as pd

from ...chapter import Chapter
from ...codebook import ACTOR_PARTIES, ACTOR_ROUNDS, ACTOR_SCALES
from ...publish import Column
from ...text import fmt_date, fmt_int, fmt_num, fmt_p
from .computation import PROJECTS, Actors
from .figures import items_figure, party_name, project_name, projects_figure, round_name, scale_name


def _withhold(ch: Chapter, tab: pd.DataFrame, rounds: list[str]) -> pd.DataFrame:
    """A copy for publishing: each round's count withheld where the policy decided (with the
    statistics resting on it); the change's base when either round is."""
    out = tab
    any_hidden = pd.Series(False, index=tab.index)
    for rnd in rounds:
        out = ch.policy.withhold(out, f"n_{rnd}", tab[f"hidden_{rnd}"])
        any_hidden |= tab[f"hidden_{rnd}"].astype(bool)
    if "base_change" in tab:
        out = ch.policy.withhold(out, "base_change", any_hidden)
    return out.copy()


def show_status(ch: Chapter, res: Actors) -> None:
    """The introduction, and a notice when there is nothing (or only the first round)."""
    cutoff = fmt_date(res.cutoff, ch.language)
    ch.text("act_intro")
    if res.status == "no_file":
        ch.notice(ch.t("act_no_file"))
    elif res.status == "per_project":
        ch.notice(ch.t("act_per_project"))
    elif res.status == "not_yet":
        ch.notice(ch.t("act_not_yet", cutoff=cutoff))
    elif res.n_answers.get("second", 0) == 0:
        ch.notice(ch.t("act_first_only", cutoff=cutoff))


def show_response(ch: Chapter, res: Actors) -> None:
    """Answers per project, party and round."""
    if res.status != "ok":
        return
    lang, policy = ch.language, ch.policy
    ch.section("act_response")
    if res.n_answers.get("second", 0):
        ch.text("act_response_text",
                n_first=policy.prose(res.n_answers.get("first", 0), lang),
                n_second=policy.prose(res.n_answers.get("second", 0), lang),
                n_linked=policy.prose(res.n_linked, lang))
    else:
        ch.text("act_response_text_first", n_first=policy.prose(res.n_answers["first"], lang))
    tab = _withhold(ch, res.response, list(ACTOR_ROUNDS))
    tab["project"] = tab["project"].map(lambda p: project_name(p, lang))
    tab["party"] = tab["party"].map(lambda p: party_name(p, lang))
    ch.table(tab, [Column("project", ch.t("act_h_project")),
                   Column("party", ch.t("act_h_party"))] +
             [Column(f"n_{r}", round_name(r, lang), "count") for r in res.rounds],
             ch.t("act_response_caption"), ch.t("act_source"), note=ch.t("act_response_note"))


def show_reliability(ch: Chapter, res: Actors) -> None:
    """Cronbach's alpha per scale and round."""
    if res.status != "ok" or res.reliability.empty:
        return
    lang = ch.language
    ch.section("act_reliability")
    ch.text("act_reliability_text")
    rel = res.reliability.copy()
    rel["scale"] = rel["scale"].map(lambda s: scale_name(s, lang))
    rel["round"] = rel["round"].map(lambda r: round_name(r, lang))
    ch.table(rel, [Column("scale", ch.t("act_h_scale")), Column("round", ch.t("act_h_round")),
                   Column("n", ch.t("act_h_n_used"), "count"),
                   Column("estimate", ch.t("act_h_alpha"), "num", base="n", decimals=2),
                   Column("ci_low", ch.t("act_h_ci_low"), "num", base="n", decimals=2),
                   Column("ci_high", ch.t("act_h_ci_high"), "num", base="n", decimals=2)],
             ch.t("act_reliability_caption"), ch.t("act_source"))


def show_change(ch: Chapter, res: Actors) -> None:
    """Means per scale and round, the change second − first (Welch) and the paired check."""
    if res.status != "ok":
        return
    lang = ch.language
    ch.section("act_change")
    for scale in ACTOR_SCALES:
        name = scale_name(scale, lang)
        first = res.values[f"actors.{scale}.first.mean"]
        second = res.values[f"actors.{scale}.second.mean"]
        change = res.values[f"actors.{scale}.change"]
        if change.shown:
            e = change.estimate
            ch.text("act_change_scale", scale=name, first=fmt_num(first.estimate, 2, lang),
                    second=fmt_num(second.estimate, 2, lang),
                    diff=fmt_num(e["estimate"], 2, lang), lo=fmt_num(e["ci_low"], 2, lang),
                    hi=fmt_num(e["ci_high"], 2, lang), p=fmt_p(e["p_value"], lang))
        elif first.shown:
            ch.text("act_first_scale", scale=name, first=fmt_num(first.estimate, 2, lang))
        paired = res.values[f"actors.{scale}.paired"]
        if paired.shown:
            p = paired.estimate
            ch.text("act_paired_text", n=fmt_int(p["n_pairs"], lang), scale=name.lower(),
                    diff=fmt_num(p["estimate"], 2, lang), lo=fmt_num(p["ci_low"], 2, lang),
                    hi=fmt_num(p["ci_high"], 2, lang))
    if len(res.rounds) < 2:
        return
    ch.text("act_caveat")
    tab = res.change.copy()
    tab["scale"] = tab["scale"].map(lambda s: scale_name(s, lang))
    tab["analysis"] = tab["analysis"].map({"all_answers": ch.t("act_all_answers"),
                                           "same_people": ch.t("act_same_people")})
    tab["p"] = tab["p_value"].map(lambda p: fmt_p(p, lang))
    ch.table(tab, [Column("scale", ch.t("act_h_scale")),
                   Column("analysis", ch.t("act_h_analysis")),
                   Column("n_first", ch.t("act_h_n_first"), "count"),
                   Column("n_second", ch.t("act_h_n_second"), "count"),
                   Column("estimate", ch.t("act_h_change"), "num", base="base", decimals=2),
                   Column("ci_low", ch.t("act_h_ci_low"), "num", base="base", decimals=2),
                   Column("ci_high", ch.t("act_h_ci_high"), "num", base="base", decimals=2),
                   Column("p", ch.t("act_h_p"))],
             ch.t("act_change_caption"), ch.t("act_source"), note=ch.t("act_change_note"))


def _group_columns(ch: Chapter, first: Column, rounds: list[str]) -> list[Column]:
    cols = [first, Column("scale", ch.t("act_h_scale"))]
    for rnd in rounds:
        cols += [Column(f"n_{rnd}", ch.t(f"act_h_n_{rnd}"), "count"),
                 Column(f"mean_{rnd}", ch.t(f"act_h_mean_{rnd}"), "num", base=f"n_{rnd}",
                        decimals=2)]
    if len(rounds) == 2:
        cols.append(Column("change", ch.t("act_h_change"), "num", base="base_change",
                           decimals=2))
    return cols


def show_groups(ch: Chapter, res: Actors) -> None:
    """Means by party and by project, per round."""
    if res.status != "ok":
        return
    lang = ch.language
    ch.section("act_groups")
    ch.text("act_groups_text", min_cell=ch.policy.min_cell)
    for by, order, name, header, caption in (
            ("party", ACTOR_PARTIES, party_name, "act_h_party", "act_party_caption"),
            ("project", PROJECTS, project_name, "act_h_project", "act_project_caption")):
        tab = getattr(res, f"by_{by}")
        tab = _withhold(ch, tab, list(ACTOR_ROUNDS))
        tab = tab.sort_values([by, "scale"], key=lambda s, o=order: s.map(
            o.index if s.name == by else ACTOR_SCALES.index))
        tab[by] = tab[by].map(lambda v, f=name: f(v, lang))
        tab["scale"] = tab["scale"].map(lambda s: scale_name(s, lang))
        ch.table(tab, _group_columns(ch, Column(by, ch.t(header)), res.rounds),
                 ch.t(caption), ch.t("act_source"))


def show_projects(ch: Chapter, res: Actors) -> None:
    """The evaluator's comparison across the three projects, as a figure."""
    if res.status != "ok":
        return
    ch.section("act_projects")
    ch.text("act_projects_text", figure=ch.next_figure)
    fig, left_out = projects_figure(res.by_project, res.rounds, ch.language, ch.policy)
    ch.figure(fig, ch.t("act_projects_caption"), ch.t("act_source"),
              note=ch.t("act_projects_note") + (" " + ch.t("act_left_out",
                                                           min_cell=ch.policy.min_cell)
                                                if left_out else ""))


def show_items(ch: Chapter, res: Actors) -> None:
    """Item-level diverging stacked bars with the question wording."""
    if res.status != "ok":
        return
    ch.section("act_items")
    ch.text("act_items_text", figure=ch.next_figure)
    fig, left_out = items_figure(res.items, res.rounds, ch.language, ch.policy)
    ch.figure(fig, ch.t("act_items_caption"), ch.t("act_source"),
              note=ch.t("act_left_out", min_cell=ch.policy.min_cell) if left_out else None)


__all__ = ["show_change", "show_groups", "show_items", "show_projects", "show_reliability",
           "show_response", "show_status"]
