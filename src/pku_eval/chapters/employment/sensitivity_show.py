"""The employment chapter's sensitivity analyses on the page: the job coaches, the missing
register outcomes (bounds, MAR, tipping point), the external control group weighted by the
propensity score (exploratory) and, at an interim stage, the precision forecast."""

from __future__ import annotations

from ...chapter import Chapter
from ...codebook import FILES
from ...publish import Column
from ...text import fmt_int, fmt_num, fmt_p
from .computation import Employment
from .figures_sensitivity import overlap_figure, tipping_figure
from .show import _why

PARTICIPANTS = FILES["participants"]


def _pp(est: dict, key: str, lang: str) -> str:
    return fmt_num(100 * est[key], 1, lang) if est.get(key) is not None else "–"


def show_sensitivity(ch: Chapter, computed: Employment) -> None:
    """Sensitivity analyses of the randomised comparison (coaches, missing outcomes)."""
    if not computed.usable or computed.sensitivity is None:
        return
    lang, s = ch.language, computed.sensitivity
    v = computed.values
    ch.section("job_sensitivity")
    coach = v["employment.sensitivity.coach_robust"]
    if coach.shown:
        e = coach.estimate
        ch.text("job_coach_text", rd=_pp(e, "estimate", lang), lo=_pp(e, "ci_low", lang),
                hi=_pp(e, "ci_high", lang), coaches=fmt_int(e["n_coaches"], lang),
                ratio=fmt_num(e["width_ratio"], 2, lang))
    else:
        ch.notice(ch.t("job_coach_not_shown", why=_why(ch, coach.reason)))
    bounds, mar = v["employment.missing.bounds"], v["employment.missing.mar"]
    tip = v["employment.missing.tipping_point"]
    if not (bounds.shown or mar.shown):
        ch.notice(ch.t("job_missing_not_shown", why=_why(ch, bounds.reason)))
        return
    if bounds.shown:
        b = bounds.estimate
        ch.text("job_bounds_text", lower=_pp(b, "lower", lang), upper=_pp(b, "upper", lang),
                rd=_pp(b, "estimate", lang))
    if mar.shown:
        m = mar.estimate
        ch.text("job_mar_text", rd=_pp(m, "estimate", lang), lo=_pp(m, "ci_low", lang),
                hi=_pp(m, "ci_high", lang), m=fmt_int(m["imputations"], lang))
    if tip.shown:
        ch.text("job_tipping_text", delta=fmt_num(100 * tip.estimate["delta"], 0, lang))
    elif tip.reason and tip.reason.startswith("the interval under MAR"):
        ch.text("job_tipping_includes_zero")
    elif tip.reason and tip.reason.startswith("no shift"):
        ch.text("job_tipping_never")
    if s.tipping is not None:
        ch.figure(tipping_figure(s.tipping, tip.estimate["delta"] if tip.shown else None,
                                 lang),
                  ch.t("job_tipping_caption"), ch.t("job_source"),
                  note=ch.t("job_tipping_note", m=fmt_int(mar.estimate["imputations"], lang)
                            if mar.shown else "–"))


def _covariate_label(ch: Chapter, name: str) -> str:
    """'age', 'immigrant' or '<variable>_<code>' in words (the codebook's labels)."""
    if name == "age":
        return ch.t("job_cov_age")
    var_of = PARTICIPANTS.var
    for col in ("gender", "main_benefit", "education"):
        if name.startswith(f"{col}_"):
            v = var_of(col)
            return f"{v.label(ch.language)}: {v.code_label(name[len(col) + 1:], ch.language)}"
    return var_of(name).label(ch.language)


def show_external_ipw(ch: Chapter, computed: Employment) -> None:
    """The external control group weighted by the propensity score: exploratory, with the
    balance before and after weighting."""
    if not computed.usable or computed.sensitivity is None:
        return
    lang, s = ch.language, computed.sensitivity
    ipw = computed.values["employment.external_ipw"]
    if not ipw.shown:
        ch.notice(ch.t("job_ipw_not_shown", why=_why(ch, ipw.reason)))
        return
    e = ipw.estimate
    ch.text("job_ipw_text", rd=_pp(e, "estimate", lang), lo=_pp(e, "ci_low", lang),
            hi=_pp(e, "ci_high", lang), p=fmt_p(e["p_value"], lang),
            before=fmt_num(e["max_abs_diff_before"], 2, lang),
            after=fmt_num(e["max_abs_diff_after"], 2, lang))
    if s.balance is not None:
        tab = s.balance[["covariate", "diff_unadjusted", "diff_adjusted", "base"]].copy()
        tab["covariate"] = [_covariate_label(ch, c) for c in tab["covariate"]]
        ch.table(tab, [Column("covariate", ch.t("job_h_covariate")),
                       Column("diff_unadjusted", ch.t("job_h_diff_before"), "num",
                              base="base"),
                       Column("diff_adjusted", ch.t("job_h_diff_after"), "num",
                              base="base")],
                 ch.t("job_balance_caption"), ch.t("job_source"),
                 note=ch.t("job_balance_note"))
    if s.propensity is not None and len(s.propensity):
        ch.figure(overlap_figure(s.propensity, ch.policy, lang), ch.t("job_overlap_caption"),
                  ch.t("job_source"), note=ch.t("job_overlap_note", min_cell=ch.policy.min_cell))


def show_forecast(ch: Chapter, computed: Employment) -> None:
    """At an interim stage: the precision the final report will have."""
    if not computed.usable:
        return
    f = computed.values["employment.horizon.precision_forecast"]
    if not f.shown:
        return
    e, lang = f.estimate, ch.language
    ch.text("job_forecast_text", now=_pp(e, "half_width_now", lang),
            final=_pp(e, "half_width_final", lang),
            months=computed.primary.horizon_months if computed.primary else "–",
            n_t=fmt_int(e["n_treatment_final"], lang), n_c=fmt_int(e["n_control_final"], lang))
    ch.text("job_forecast_need_text", target=_pp(e, "target_half_width", lang),
            months=computed.primary.horizon_months if computed.primary else "–",
            n_t=fmt_int(e["n_treatment_needed"], lang), n_c=fmt_int(e["n_control_needed"], lang),
            n_rand=fmt_int(e["n_randomised_needed"], lang))
