"""The pages of chapter 'kor': tables, figures and prose from a computed :class:`~.computation.Kor`.
What is withheld is the policy's decision (``ch.policy`` and the ``hidden`` columns it filled in
:func:`~.computation.compute`); nothing here writes the marker."""

from __future__ import annotations

from ...chapter import Chapter
from ...codebook import ORS_CUTOFF, ORS_RELIABLE_CHANGE, SRS_CUTOFF
from ...publish import Column
from ...text import fmt_ci, fmt_date, fmt_int, fmt_num, fmt_p, fmt_pct
from .computation import EARLY_SESSIONS, Kor
from .figures import ors_figure, srs_figure


def _num(ch: Chapter, x, decimals: int = 1) -> str:
    return fmt_num(x, decimals, ch.language)


def _share_text(ch: Chapter, res: Kor, key: str) -> str:
    v = res.values[f"kor.{key}"]
    return fmt_pct(v.estimate, ch.language) if v.shown else ch.policy.text_or_mark("–", 1)


def show_status(ch: Chapter, res: Kor) -> None:
    """The introduction, and a notice when there is nothing to show."""
    cutoff = fmt_date(res.cutoff, ch.language)
    ch.text("kor_intro", cutoff=_num(ch, ORS_CUTOFF, 0), change=_num(ch, ORS_RELIABLE_CHANGE, 0),
            srs=_num(ch, SRS_CUTOFF, 0))
    if res.status == "no_file":
        ch.notice(ch.t("kor_no_file"))
    elif res.status == "no_office":
        ch.notice(ch.t("kor_no_office"))
    elif res.status == "no_sessions":
        ch.notice(ch.t("kor_no_sessions", cutoff=cutoff))


def show_sessions(ch: Chapter, res: Kor) -> None:
    """How many took part, sessions per participant and the days between sessions."""
    if res.status != "ok":
        return
    lang, policy = ch.language, ch.policy
    ch.section("kor_sessions")
    median = res.values["kor.sessions_per_participant.median"]
    sp = res.spacing or {}
    ch.text("kor_sessions_text",
            n=policy.prose(res.n_participants, lang),
            n_with=policy.prose(res.n_with_sessions, lang),
            sessions=policy.text_or_mark(fmt_int(res.n_sessions, lang), res.n_with_sessions),
            median=policy.text_or_mark(_num(ch, median.estimate, 0) if median.shown else "–",
                                       res.n_with_sessions))
    if sp.get("gaps"):
        ch.text("kor_spacing_text",
                median=policy.text_or_mark(_num(ch, sp["median"], 0), sp["n"]),
                p25=policy.text_or_mark(_num(ch, sp["p25"], 0), sp["n"]),
                p75=policy.text_or_mark(_num(ch, sp["p75"], 0), sp["n"]))
    tab = policy.withhold(res.distribution, "n", res.distribution["hidden"])
    ch.table(tab, [Column("bin", ch.t("kor_h_sessions")),
                   Column("n", ch.t("kor_h_participants"), "count")],
             ch.t("kor_distribution_caption"), ch.t("kor_source"))


def show_ors(ch: Chapter, res: Kor) -> None:
    """The ORS by session number: figure with mean, CI and bands; the table behind it."""
    if res.status != "ok" or res.by_session.empty:
        return
    lang, policy = ch.language, ch.policy
    ch.section("kor_ors")
    ch.text("kor_ors_text", figure=ch.next_figure, cutoff=_num(ch, ORS_CUTOFF, 0))
    fig, left_out = ors_figure(res.by_session, lang, policy)
    ch.figure(fig, ch.t("kor_ors_caption"), ch.t("kor_source"),
              note=ch.t("kor_ors_note") + (" " + ch.t("kor_left_out") if left_out else ""))
    tab = policy.withhold(res.by_session, "people", res.by_session["hidden"])
    ch.table(tab, [Column("label", ch.t("kor_h_session")),
                   Column("people", ch.t("kor_h_participants"), "count"),
                   Column("mean", ch.t("kor_h_mean"), "num", base="people", decimals=1),
                   Column("ci_low", ch.t("kor_h_ci_low"), "num", base="people", decimals=1),
                   Column("ci_high", ch.t("kor_h_ci_high"), "num", base="people", decimals=1),
                   Column("p25", ch.t("kor_h_p25"), "num", base="people", decimals=1),
                   Column("p50", ch.t("kor_h_p50"), "num", base="people", decimals=1),
                   Column("p75", ch.t("kor_h_p75"), "num", base="people", decimals=1)],
             ch.t("kor_by_session_caption"), ch.t("kor_source"), note=ch.t("kor_by_session_note"))


def show_change(ch: Chapter, res: Kor) -> None:
    """Change from the first to the last ORS, and the Jacobson–Truax style classes."""
    if res.status != "ok":
        return
    lang, policy = ch.language, ch.policy
    ch.section("kor_change")
    v = res.values["kor.ors_change"]
    first, last = res.values["kor.ors_first_mean"], res.values["kor.ors_last_mean"]
    if not v.shown:
        ch.text("kor_change_none", n=policy.prose(res.n_change, lang))
        return
    e = v.estimate
    ch.text("kor_change_text", n=policy.prose(res.n_change, lang),
            first=_num(ch, first.estimate), last=_num(ch, last.estimate),
            change=_num(ch, e["estimate"]),
            ci=fmt_ci(e["ci_low"], e["ci_high"], 1, lang), p=fmt_p(e["p_value"], lang))
    ch.text("kor_classes_text", improved=_share_text(ch, res, "reliable_improvement"),
            worse=_share_text(ch, res, "reliable_deterioration"),
            clinical=_share_text(ch, res, "clinically_significant_improvement"),
            change=_num(ch, ORS_RELIABLE_CHANGE, 0), cutoff=_num(ch, ORS_CUTOFF, 0))
    tab = res.classes.copy()
    tab["label"] = tab["class"].map(lambda c: ch.t(f"kor_class_{c}"))
    tab = policy.withhold(tab, ["events", "share", "ci_low", "ci_high"], tab["hidden"])
    ch.table(tab, [Column("label", ch.t("kor_h_class")),
                   Column("events", ch.t("kor_h_events"), "count"),
                   Column("n", ch.t("kor_h_base"), "count"),
                   Column("share", ch.t("kor_h_share"), "pct", base="n", of="events"),
                   Column("ci_low", ch.t("kor_h_ci_low"), "pct", base="n", of="events"),
                   Column("ci_high", ch.t("kor_h_ci_high"), "pct", base="n", of="events")],
             ch.t("kor_classes_caption"), ch.t("kor_source"), note=ch.t("kor_classes_note"))


def show_alliance(ch: Chapter, res: Kor) -> None:
    """SRS below 36 by session number, and whether an early low SRS goes with less change."""
    if res.status != "ok":
        return
    lang, policy = ch.language, ch.policy
    ch.section("kor_alliance")
    ch.text("kor_srs_text", share=_share_text(ch, res, "srs_below_cutoff"),
            srs=_num(ch, SRS_CUTOFF, 0), figure=ch.next_figure)
    fig, left_out = srs_figure(res.by_session, lang, policy)
    ch.figure(fig, ch.t("kor_srs_caption"), ch.t("kor_source"),
              note=ch.t("kor_left_out") if left_out else None)
    if res.early.empty:
        return
    tab = res.early.copy()
    tab["label"] = tab["group"].map(lambda g: ch.t(f"kor_group_{g}", k=fmt_int(EARLY_SESSIONS,
                                                                                lang)))
    tab = policy.withhold(tab, "n", tab["hidden"])
    ch.table(tab, [Column("label", ch.t("kor_h_group")),
                   Column("n", ch.t("kor_h_participants"), "count"),
                   Column("mean", ch.t("kor_h_change"), "num", base="n", decimals=1),
                   Column("ci_low", ch.t("kor_h_ci_low"), "num", base="n", decimals=1),
                   Column("ci_high", ch.t("kor_h_ci_high"), "num", base="n", decimals=1)],
             ch.t("kor_early_caption", k=fmt_int(EARLY_SESSIONS, lang)), ch.t("kor_source"))
    d = res.values["kor.early_low_srs.difference"]
    if d.shown:
        e = d.estimate
        ch.text("kor_early_text", diff=_num(ch, e["estimate"]),
                ci=fmt_ci(e["ci_low"], e["ci_high"], 1, lang), p=fmt_p(e["p_value"], lang))
    ch.text("kor_early_caveat")


def show_limits(ch: Chapter, res: Kor) -> None:
    """What a KOR chapter cannot say without a control group."""
    if res.status != "ok":
        return
    ch.section("kor_limits")
    ch.text("kor_limits_text")


__all__ = ["show_alliance", "show_change", "show_limits", "show_ors", "show_sessions",
           "show_status"]
