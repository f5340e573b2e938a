"""Chapter 'summary': the goal-achievement table and the descriptive interim → final comparison
(the estimates side by side with their intervals, no judgement of a conclusion), from the
computed result."""

from __future__ import annotations

import pandas as pd

from ... import text
from ...chapter import Chapter
from ...publish import Column
from ...text import fmt_int, fmt_num, fmt_p
from .computation import KINDS, Summary, _num, short_conclusion


def _fmt_value(kind: str, value, lang: str) -> tuple[str, str, str]:
    """(estimate, CI, p) as text; '–' when absent."""
    if value is None:
        return "–", "–", "–"
    if kind == "flags":
        return fmt_int(len(value), lang), "–", "–"
    est = _num(kind, value.get("estimate"), lang)
    lo, hi = value.get("ci_low"), value.get("ci_high")
    ci = "–" if lo is None or hi is None else text.t(
        "sm_ci", lang, lo=_num(kind, lo, lang), hi=_num(kind, hi, lang))
    return est, ci, fmt_p(value.get("p_value"), lang)


def _with_ci(kind: str, value, lang: str) -> str:
    est, ci, _ = _fmt_value(kind, value, lang)
    return est if ci == "–" else f"{est} ({ci})"


def show_goals(ch: Chapter, s: Summary) -> None:
    """The goal-achievement table, with a sentence counting the clear results."""
    ch.section("sm_goals")
    lang = ch.language
    est_rows = [r for r in s.rows if r.kind != "flags"]
    n_avail = sum(r.conclusion != "na" for r in est_rows)
    if n_avail:
        ch.text("sm_counts", n=fmt_int(len(est_rows), lang), n_avail=fmt_int(n_avail, lang),
                n_clear=fmt_int(sum(r.conclusion in ("positive", "negative")
                                    for r in est_rows), lang),
                n_unclear=fmt_int(sum(r.conclusion == "unclear" for r in est_rows), lang))
    else:
        ch.text("sm_counts_none", n=fmt_int(len(est_rows), lang))
    data = []
    for r in s.rows:
        est, ci, p = _fmt_value(r.kind, r.value, lang)
        data.append({"label": r.label, "estimate": est, "ci": ci, "p": p,
                     "p_holm": fmt_p(r.p_holm, lang), "reading": r.reading})
    ch.table(pd.DataFrame(data),
             [Column("label", ch.t("sm_h_figure")), Column("estimate", ch.t("sm_h_estimate")),
              Column("ci", ch.t("sm_h_ci")), Column("p", ch.t("sm_h_p")),
              Column("p_holm", ch.t("sm_h_p_holm")),
              Column("reading", ch.t("sm_h_reading"))],
             ch.t("sm_goals_caption"), ch.t("sm_source"), note=ch.t("sm_goals_note"))


def show_comparison(ch: Chapter, s: Summary) -> None:
    """Interim beside final (final stage), descriptively: each estimate with its CI and the
    change; or a notice why there is no comparison."""
    lang = ch.language
    if s.comparison == "interim_stage":
        ch.notice(ch.t("sm_compare_interim_stage"))
        return
    ch.section("sm_compare")
    if s.comparison == "not_set":
        ch.notice(ch.t("sm_compare_not_set"))
        return
    if s.comparison == "missing":
        ch.notice(ch.t("sm_compare_missing", interim_file=s.interim_file))
        return
    if s.comparison == "unreadable":
        ch.notice(ch.t("sm_compare_unreadable", interim_file=s.interim_file, error=s.error))
        return
    ch.text("sm_compare_intro", interim_file=s.interim_file)
    if s.interim_stage and s.interim_stage != "interim":
        ch.notice(ch.t("sm_compare_stage_warning", stage=s.interim_stage))
    if s.filter_mismatch:
        def show(f):
            return ", ".join(f"{k}={v}" for k, v in f.items()) or ch.t("sm_all_data")
        ch.notice(ch.t("sm_compare_filter_warning", interim_filter=show(s.filter_mismatch[0]),
                       filter=show(s.filter_mismatch[1])))
    if not any(r.in_both for r in s.rows):
        ch.text("sm_compare_none")
    data = []
    for r in s.rows:
        interim = _with_ci(r.kind, r.interim, lang) if r.interim is not None else \
            short_conclusion(r.kind, "na", lang)
        final = _with_ci(r.kind, r.value, lang) if r.value is not None else \
            short_conclusion(r.kind, "na", lang)
        change = "–" if r.change is None else fmt_num(r.change, KINDS[r.kind]["decimals"], lang)
        if r.change is not None and r.change > 0:
            change = "+" + change
        data.append({"label": r.label, "interim": interim, "final": final, "change": change})
    ch.table(pd.DataFrame(data),
             [Column("label", ch.t("sm_h_figure")), Column("interim", ch.t("sm_h_interim")),
              Column("final", ch.t("sm_h_final")), Column("change", ch.t("sm_h_change"))],
             ch.t("sm_compare_caption"), ch.t("sm_source"), note=ch.t("sm_compare_note"))
