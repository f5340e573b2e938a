"""Chapter 'employers': the employer questionnaire (optional file ``employer_survey``).

Who answered (sector, size, office), how employers rated the job coach's follow-up (items
``followup_1`` … ``followup_6``, 1–5) and the share who would recommend others to take on a job
seeker with NAV follow-up (Wilson interval). When the file is absent, or has no answers dated on
or before the cut-off, the chapter says so and the build goes on.

Employers can be recognisable in small municipalities, so counts of employers get the same
disclosure control as counts of people, and a table in which exactly one cell of a variable is
withheld also withholds the next smallest cell (otherwise the total would give it away).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ... import stats, text
from ...chapter import Chapter
from ...codebook import EMPLOYER_SURVEY, office_label
from ...publish import Column, publish_count
from ...text import fmt_int, fmt_pct
from ...tidy import StageData

#: Contract files this chapter reads besides offices, participants and outcomes (the
#: build re-runs it when one of them changes; reading another raises an error).

ITEMS = tuple(f"followup_{i}" for i in range(1, 7))
GROUPS = (("negative", 1, 2), ("neutral", 3, 3), ("positive", 4, 5))  # for the figure
#: Diverging colours (ColorBrewer PuOr, colour-blind safe) of the three answer groups.
GROUP_COLOURS = {"negative": "#e08214", "neutral": "#d9d9d9", "positive": "#8073ac"}
BREAKDOWNS = ("sector", "size", "office")


@dataclass
class Employers:
    """Every number the employer chapter shows and records (no employer ids)."""

    status: str                     # "ok" | "no_file" | "no_rows" | "suppressed"
    reason: str | None
    cutoff: pd.Timestamp
    min_cell: int
    n: int = 0
    n_private: int = 0
    respondents: pd.DataFrame | None = None   # variable, category, n, share, n_base
    items: pd.DataFrame | None = None         # item, valid, negative/neutral/positive, mean
    recommend: dict = field(default_factory=dict)
    recommend_by: pd.DataFrame | None = None
    results: dict = field(default_factory=dict)


def secondary_suppression(counts: pd.Series, min_cell: int) -> pd.Series:
    """Which counts to withhold: those in 1 … min_cell − 1, and, when that is exactly one
    cell, also the next smallest non-zero cell (so that the total does not reveal it).

    Examples
    --------
    >>> import pandas as pd
    >>> secondary_suppression(pd.Series([3, 12, 7, 0]), 5).tolist()
    [True, False, True, False]
    """
    primary = (counts > 0) & (counts < min_cell)
    hide = primary.copy()
    if primary.sum() == 1:
        rest = counts[(~primary) & (counts > 0)]
        if len(rest):
            hide[rest.idxmin()] = True
    return hide


def _respondents(es: pd.DataFrame, lang: str, min_cell: int) -> pd.DataFrame:
    rows = []
    for var in BREAKDOWNS:
        spec = EMPLOYER_SURVEY.var(var)
        codes = list(spec.codes) if spec.codes else sorted(es[var].dropna().unique())
        counts = es[var].value_counts().reindex(codes, fill_value=0)
        hide = secondary_suppression(counts.reset_index(drop=True), min_cell).to_numpy()
        for code, count, hidden in zip(codes, counts.to_numpy(), hide):
            label = office_label(code, lang) if var == "office" else spec.code_label(code, lang)
            rows.append({"variable": spec.label(lang), "category": label, "n": int(count),
                         "share": count / len(es),
                         # base for disclosure control: 1 marks a withheld cell
                         "n_base": 1 if hidden else int(count)})
    return pd.DataFrame(rows)


def _items(es: pd.DataFrame, lang: str, min_cell: int) -> pd.DataFrame:
    """Per item: valid answers, the three answer groups (count, share, disclosure base) and
    the mean.

    Disclosure control within a row: a group resting on 1 … min_cell − 1 answers is withheld;
    when that is one group, the next smallest is withheld too (the shares add up to 100), and
    the mean is withheld whenever a group is (with the shown shares it would narrow them down).
    A base of 1 marks a withheld cell for :func:`pku_eval.publish.table_html`.
    """
    rows = []
    for item in ITEMS:
        v = es[item].dropna()
        row = {"item": item, "label": EMPLOYER_SURVEY.var(item).label(lang), "valid": len(v),
               "mean": float(v.mean()) if len(v) else np.nan}
        counts = []
        for name, lo, hi in GROUPS:
            k = int(v.between(lo, hi).sum())
            counts.append(k)
            row[f"n_{name}"] = k
            row[name] = k / len(v) if len(v) else np.nan
        hide = secondary_suppression(pd.Series(counts), min_cell)
        for (name, _, _), k, hidden in zip(GROUPS, counts, hide):
            row[f"base_{name}"] = 1 if hidden else k
        row["base_mean"] = 1 if hide.any() else len(v)
        rows.append(row)
    return pd.DataFrame(rows)


def _recommend_row(values: pd.Series, label: str, min_cell: int) -> dict:
    v = values.dropna()
    n, x = len(v), int(v.sum())
    row = {"group": label, "n": n, "x": x, "estimate": np.nan, "ci_low": np.nan,
           "ci_high": np.nan}
    if n:
        low, high = stats.wilson_interval(x, n)
        row.update(estimate=x / n, ci_low=low, ci_high=high)
    # withheld when the group, or those who would recommend, are fewer than min_cell (as
    # elsewhere in the report: a share of a small cell reveals the cell)
    row["base"] = min(n, x) if x else n
    return row


def compute(stage: StageData, params: dict) -> Employers:
    """Everything the chapter shows (pure: no display, no recording)."""
    min_cell = int(params.get("min_cell", 5))
    lang = params.get("language", "nb")
    res = Employers(status="ok", reason=None, cutoff=stage.cutoff, min_cell=min_cell)

    def stop(status: str, reason: str) -> Employers:
        res.status, res.reason = status, reason
        res.results["employers.respondents"] = (None, reason)
        res.results["employers.would_recommend"] = (None, reason)
        return res

    if not stage.has("employer_survey"):
        return stop("no_file", "no employer_survey file")
    es = stage.table("employer_survey")
    res.n = len(es)
    if res.n == 0:
        return stop("no_rows", f"no employer answers dated on or before the cut-off "
                               f"{stage.cutoff.date()}")
    if res.n < min_cell:
        return stop("suppressed", "suppressed")
    res.n_private = int((es["sector"] == "private").sum())
    res.respondents = _respondents(es, lang, min_cell)
    res.items = _items(es, lang, min_cell)
    rows = [_recommend_row(es["would_recommend"], text.t("em_all", lang), min_cell)]
    for var in ("sector", "size"):
        spec = EMPLOYER_SURVEY.var(var)
        for code in spec.codes:
            rows.append(_recommend_row(es.loc[es[var] == code, "would_recommend"],
                                       f"{spec.label(lang)}: {spec.code_label(code, lang)}",
                                       min_cell))
    res.recommend_by = pd.DataFrame(rows)
    overall = rows[0]
    res.recommend = {k: overall[k] for k in ("estimate", "ci_low", "ci_high", "n", "x")}
    res.results["employers.respondents"] = (publish_count(res.n, min_cell), None)
    if overall["n"] == 0:
        res.results["employers.would_recommend"] = (None, "no employer answered the question")
    elif overall["base"] < min_cell:
        res.results["employers.would_recommend"] = (None, "suppressed")
    else:
        res.results["employers.would_recommend"] = (
            {k: res.recommend[k] for k in ("estimate", "ci_low", "ci_high", "n")}, None)
    return res


def record(ch: Chapter, result: Employers) -> None:
    """Record the chapter's (extra) results.json keys."""
    for path, (value, reason) in result.results.items():
        ch.result(path, value, reason)


# ---------------------------------------------------------------------------------------------
# Display
# ---------------------------------------------------------------------------------------------


def show_intro(ch: Chapter, result: Employers) -> None:
    """Intro, or the notice why there is nothing to show."""
    lang = ch.language
    cutoff = text.fmt_date(result.cutoff, lang)
    ch.text("em_intro")
    if result.status == "no_file":
        ch.notice(ch.t("em_no_file"))
    elif result.status == "no_rows":
        ch.notice(ch.t("em_no_rows", cutoff=cutoff))
    elif result.status == "suppressed":
        ch.notice(ch.t("em_too_few", min_cell=ch.min_cell, cutoff=cutoff))


def show_respondents(ch: Chapter, result: Employers) -> None:
    if result.status != "ok":
        return
    lang = ch.language
    ch.section("em_who")
    private = publish_count(result.n_private, ch.min_cell)
    ch.text("em_who_text", n=fmt_int(result.n, lang), cutoff=text.fmt_date(result.cutoff, lang),
            private="*" if private is None and result.n_private else fmt_int(result.n_private,
                                                                           lang))
    ch.table(result.respondents,
             [Column("variable", ch.t("em_h_variable")), Column("category", ch.t("em_h_category")),
              Column("n", ch.t("em_h_employers"), "num", base="n_base", decimals=0),
              Column("share", ch.t("em_h_share"), "pct", base="n_base")],
             ch.t("em_who_caption"), ch.t("em_source"), note=ch.t("em_who_note"))


def _withheld(items: pd.DataFrame, name: str, min_cell: int) -> np.ndarray:
    base = items[f"base_{name}"].to_numpy()
    return (base > 0) & (base < min_cell)


def _diverging(items: pd.DataFrame, lang: str, min_cell: int):
    """Diverging bars: answers 1–2 to the left of zero, 4–5 to the right, and 3 in a panel of
    its own, so that no bar's position depends on a withheld share (withheld ones are not
    drawn)."""
    shown = items[items["valid"] >= min_cell].iloc[::-1].reset_index(drop=True)
    fig, (ax, ax3) = plt.subplots(1, 2, figsize=(7.5, 0.5 * len(shown) + 1.6), sharey=True,
                                  gridspec_kw={"width_ratios": [3, 1]})
    y = np.arange(len(shown))
    share = {name: np.where(_withheld(shown, name, min_cell), np.nan,
                            100 * shown[name].to_numpy()) for name, _, _ in GROUPS}
    ax.barh(y, -share["negative"], color=GROUP_COLOURS["negative"], height=0.7,
            label=text.t("em_group_negative", lang))
    ax.barh(y, share["positive"], color=GROUP_COLOURS["positive"], height=0.7,
            label=text.t("em_group_positive", lang))
    ax3.barh(y, share["neutral"], color=GROUP_COLOURS["neutral"], height=0.7,
             label=text.t("em_group_neutral", lang))
    ax.axvline(0, color="#333333", lw=0.8)
    ax.set_yticks(y, shown["label"])
    ax.set_xlim(-100, 100)
    ticks = np.arange(-100, 101, 50)
    ax.set_xticks(ticks, [fmt_int(abs(t), lang) for t in ticks])
    ax3.set_xlim(0, 100)
    ax3.set_xticks([0, 50, 100], [fmt_int(t, lang) for t in (0, 50, 100)])
    ax.set_xlabel(text.t("em_x_share", lang))
    ax3.set_title(text.t("em_group_neutral", lang), fontsize=9)
    ax.legend(loc="upper center", bbox_to_anchor=(0.65, -0.14), ncol=2)
    return fig


def show_items(ch: Chapter, result: Employers) -> None:
    if result.status != "ok":
        return
    lang = ch.language
    ch.section("em_items")
    it = result.items
    drawn = it["valid"] >= ch.min_cell
    ok = it[drawn & ~_withheld(it, "positive", ch.min_cell)]
    if len(ok):
        best = ok.loc[ok["positive"].idxmax()]
        worst = ok.loc[ok["positive"].idxmin()]
        ch.text("em_items_text", best_item=best["label"],
                best_share=fmt_pct(best["positive"], lang),
                worst_item=worst["label"], worst_share=fmt_pct(worst["positive"], lang))
    if drawn.any():
        ch.figure(_diverging(it, lang, ch.min_cell), ch.t("em_items_caption"),
                  ch.t("em_source"),
                  note=ch.t("em_items_fig_note", min_cell=ch.min_cell))
    cols = [Column("label", ch.t("em_h_item")), Column("valid", ch.t("em_h_valid"), "count")]
    cols += [Column(name, ch.t(f"em_group_{name}") + " (%)", "pct", base=f"base_{name}")
             for name, _, _ in GROUPS]
    cols += [Column("mean", ch.t("em_h_mean"), "num", base="base_mean", decimals=2)]
    ch.table(it, cols, ch.t("em_items_table_caption"), ch.t("em_source"),
             note=ch.t("em_items_table_note"))


def show_recommend(ch: Chapter, result: Employers) -> None:
    if result.status != "ok":
        return
    lang = ch.language
    ch.section("em_recommend")
    r = result.recommend
    overall = result.recommend_by.iloc[0]
    if r["n"] and overall["base"] >= ch.min_cell:
        ch.text("em_recommend_text", share=fmt_pct(r["estimate"], lang), n=fmt_int(r["n"], lang),
                low=fmt_pct(r["ci_low"], lang), high=fmt_pct(r["ci_high"], lang))
    tab = result.recommend_by
    ch.table(tab, [Column("group", ch.t("em_h_category")),
                   Column("n", ch.t("em_h_employers"), "count"),
                   Column("estimate", ch.t("em_h_recommend"), "pct", base="base"),
                   Column("ci_low", ch.t("em_h_ci_low"), "pct", base="base"),
                   Column("ci_high", ch.t("em_h_ci_high"), "pct", base="base")],
             ch.t("em_recommend_caption"), ch.t("em_source"),
             note=ch.t("em_recommend_note", min_cell=ch.min_cell))


__all__ = ["compute", "record", "show_intro", "show_respondents", "show_items",
           "show_recommend", "secondary_suppression", "Employers"]
