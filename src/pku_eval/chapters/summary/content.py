"""Chapter 'summary': the goal-achievement table of the key figures, each with its confidence
interval and a one-line reading generated from the numbers, and — in the final report — the
interim figures beside the final ones: what changed, by how much, and whether the interim
conclusion held.

The chapter runs after every other chapter of a build and reads their results
(:meth:`pku_eval.chapter.Chapter.build_results`); the interim results come from the file that
``params["compare_with"]`` names (relative to the project root, or absolute). It records no
required key of results.json, only ``summary.*`` extras.

A figure's *conclusion* is one of

- ``positive`` / ``negative``: the 95% CI excludes the null value (0 for a difference, 1 for a
  ratio) and lies above / below it;
- ``unclear``: the CI includes the null value;
- ``no_ci``: an estimate without a CI; ``na``: no value (its reason is shown);
- for the data-quality flags: ``none`` or the sorted flag codes joined by ``+``.

An interim conclusion *held* when the final conclusion is the same; it cannot be judged (None)
when either is ``na`` or ``no_ci``.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from ... import config, text
from ...chapter import Chapter, read_results
from ...codebook import LEARNING_SCALES, SCALES, SURVEY_SCALES
from ...publish import Column
from ...results import SUPPRESSED, get
from ...text import fmt_int, fmt_num

#: Contract files this chapter reads besides offices, participants and outcomes (the
#: build re-runs it when one of them changes; reading another raises an error).

#: Kinds of key figures: how they are read and shown.
#: null: the value of "no difference"; scale: multiplier for display; decimals; topic: which
#: reading sentences apply (trial: SE vs internal control; learning: before vs after).
KINDS = {
    "risk_difference": dict(null=0.0, scale=100.0, decimals=1, topic="trial"),
    "hazard_ratio": dict(null=1.0, scale=1.0, decimals=2, topic="trial"),
    "arm_by_wave": dict(null=0.0, scale=1.0, decimals=2, topic="trial"),
    "learning": dict(null=0.0, scale=1.0, decimals=2, topic="learning"),
    "flags": dict(null=None, scale=1.0, decimals=0, topic="flags"),
}


@dataclass
class Row:
    """One key figure of the goal-achievement table."""

    key: str                     # results.json path
    kind: str                    # a key of KINDS
    label: str
    value: object                # estimate dict, flag list, or None
    reason: str | None           # why the value is None (results null_reasons)
    conclusion: str
    reading: str
    interim: object = None
    interim_reason: str | None = None
    interim_conclusion: str | None = None
    change: float | None = None  # final − interim estimate, in display units
    held: bool | None = None
    in_both: bool = False        # a value in both reports


@dataclass
class Summary:
    stage: str
    language: str
    min_cell: int
    rows: list[Row] = field(default_factory=list)
    comparison: str = "interim_stage"  # interim_stage | not_set | missing | unreadable | ok
    interim_file: str | None = None
    error: str | None = None
    interim_stage: str | None = None
    filter_mismatch: tuple | None = None  # (interim filter, this filter) when they differ


# ---------------------------------------------------------------------------- reading

def key_figures(waves: list[str]) -> list[tuple[str, str, dict]]:
    """The rows of the table: (results path, kind, label placeholders)."""
    rows = [("employment.risk_difference", "risk_difference", {}),
            ("time_to_work.hazard_ratio", "hazard_ratio", {})]
    later = [w for w in waves if w != "T0"]
    if later:
        rows += [(f"scales.{s}.arm_by_wave.{later[-1]}", "arm_by_wave",
                  {"scale": s, "wave": later[-1]}) for s in SURVEY_SCALES]
    rows += [(f"learning.{s}.difference", "learning", {"scale": s}) for s in LEARNING_SCALES]
    rows.append(("quality.flags", "flags", {}))
    return rows


def lookup(results: dict | None, path: str) -> tuple[object, str | None]:
    """A value of a results dict and, when it is (partly) null, its reason."""
    if results is None:
        return None, "no results"
    reasons = results.get("null_reasons") or {}
    try:
        value = get(results, path)
    except KeyError:
        return None, "missing from the results"
    if value is None:
        return None, reasons.get(path, "no reason given")
    if isinstance(value, dict):
        nested = [reasons[f"{path}.{k}"] for k, v in value.items()
                  if v is None and f"{path}.{k}" in reasons]
        return value, nested[0] if nested else None
    return value, None


def conclusion(kind: str, value) -> str:
    """``positive`` | ``negative`` | ``unclear`` | ``no_ci`` | ``na`` (estimates) or
    ``none`` | the sorted flag codes joined by ``+`` (flags). See the module docstring."""
    if kind == "flags":
        if value is None:
            return "na"
        codes = sorted({f.get("code", "?") for f in value})
        return "+".join(codes) if codes else "none"
    if not isinstance(value, dict) or value.get("estimate") is None:
        return "na"
    lo, hi = value.get("ci_low"), value.get("ci_high")
    if lo is None or hi is None:
        return "no_ci"
    null = KINDS[kind]["null"]
    if lo > null:
        return "positive"
    if hi < null:
        return "negative"
    return "unclear"


def reason_text(reason: str | None, language: str, min_cell: int) -> str:
    """A null reason for readers (known machine reasons translated)."""
    if not reason:
        return text.t("sm_reason_missing_key", language)
    if reason == SUPPRESSED:
        return text.t("sm_reason_suppressed", language, min_cell=min_cell)
    if m := re.fullmatch(r"chapter '(\w+)' is not part of this report", reason):
        return text.t("sm_reason_not_part", language, name=m.group(1))
    if m := re.fullmatch(r"not computed by the '(\w+)' chapter", reason):
        return text.t("sm_reason_not_computed", language, name=m.group(1))
    if reason == "missing from the results":
        return text.t("sm_reason_missing_key", language)
    if reason.startswith("post round not yet answered"):
        return text.t("sm_reason_post_round", language)
    if m := re.match(r"(T\d) not yet due", reason):
        return text.t("sm_reason_not_due", language, wave=m.group(1))
    if m := re.fullmatch(r"no (\w+) file", reason):
        return text.t("sm_reason_no_file", language, name=m.group(1))
    return reason


def _num(kind: str, x, language: str) -> str:
    k = KINDS[kind]
    return fmt_num(None if x is None else k["scale"] * x, k["decimals"], language)


def _flag_codes(flags: list[dict], language: str) -> str:
    counts: dict[str, int] = {}
    for f in flags:
        counts[f.get("code", "?")] = counts.get(f.get("code", "?"), 0) + 1
    parts = []
    for code, n in counts.items():
        key = f"sm_flag_{code}"
        name = text.t(key, language) if key in text.STRINGS else code
        parts.append(f"{name} ({fmt_int(n, language)})")
    return ", ".join(parts)


def reading(kind: str, value, reason: str | None, language: str, min_cell: int = 5) -> str:
    """The one-line reading of a key figure, generated from its numbers."""
    c = conclusion(kind, value)
    if c == "na":
        return text.t("sm_read_na", language, reason=reason_text(reason, language, min_cell))
    if kind == "flags":
        if c == "none":
            return text.t("sm_read_flags_none", language)
        key = "sm_read_flags_one" if len(value) == 1 else "sm_read_flags_many"
        return text.t(key, language, n=fmt_int(len(value), language),
                      codes=_flag_codes(value, language))
    if c == "no_ci":
        return text.t("sm_read_no_ci", language)
    null = fmt_num(KINDS[kind]["null"], 0, language)
    return text.t(f"sm_read_{c}_{KINDS[kind]['topic']}", language, null=null)


def short_conclusion(kind: str, c: str, language: str) -> str:
    if c in ("positive", "negative", "unclear"):
        return text.t(f"sm_c_{c}_{KINDS[kind]['topic']}", language)
    if c in ("no_ci", "na", "none"):
        return text.t(f"sm_c_{c}", language)
    return ", ".join(text.t(f"sm_flag_{code}", language) if f"sm_flag_{code}" in text.STRINGS
                     else code for code in c.split("+"))


def _label(kind: str, placeholders: dict, language: str) -> str:
    if kind == "flags":
        return text.t("sm_l_flags", language)
    kw = dict(placeholders)
    if "scale" in kw:
        kw["scale"] = SCALES[kw["scale"]].label(language)
    return text.t(f"sm_l_{kind}", language, **kw)


def _estimate_of(kind: str, value) -> float | None:
    if kind == "flags":
        return None if value is None else float(len(value))
    return value.get("estimate") if isinstance(value, dict) else None


def compare(row: Row) -> None:
    """Fill a row's change and held from its interim and final values (in place)."""
    final, interim = _estimate_of(row.kind, row.value), _estimate_of(row.kind, row.interim)
    row.in_both = final is not None and interim is not None
    if row.in_both:
        row.change = (final - interim) * KINDS[row.kind]["scale"]
    judged = {"na", "no_ci"}
    if row.conclusion in judged or row.interim_conclusion in judged \
            or row.interim_conclusion is None:
        row.held = None
    else:
        row.held = row.conclusion == row.interim_conclusion


# ---------------------------------------------------------------------------- computation

def interim_path(params: dict) -> Path | None:
    """The interim results file named by ``compare_with`` (relative to the project root)."""
    p = params.get("compare_with")
    if not p:
        return None
    p = Path(p)
    return p if p.is_absolute() else config.PROJECT_ROOT / p


def compute(results: dict, params: dict, interim: dict | None | str = "params") -> Summary:
    """The goal-achievement rows and, at the final stage, the comparison with the interim.

    Parameters
    ----------
    results : dict
        The results of this build (:meth:`Chapter.build_results`, or a hand-made dict built
        with :func:`pku_eval.results.skeleton`).
    params : dict
        Chapter params: ``stage``, ``waves``, ``language``, ``min_cell``, ``compare_with``,
        ``filter``.
    interim : dict, None or "params"
        The interim results; ``"params"`` (default) reads the file ``compare_with`` names;
        ``None`` means there is no interim file.
    """
    stage = params.get("stage", results.get("stage", "final"))
    lang = params.get("language", "nb")
    min_cell = int(params.get("min_cell", 5))
    out = Summary(stage=stage, language=lang, min_cell=min_cell)
    waves = list(params.get("waves", ["T0", "T1", "T2"]))

    if stage == "final":
        path = interim_path(params)
        if isinstance(interim, str) and interim == "params":
            if path is None:
                out.comparison, interim = "not_set", None
            else:
                out.interim_file = str(params.get("compare_with"))
                try:
                    interim = read_results(path)
                    out.comparison = "ok" if interim is not None else "missing"
                except (json.JSONDecodeError, UnicodeDecodeError, OSError) as exc:
                    out.comparison, out.error, interim = "unreadable", str(exc), None
        else:
            out.interim_file = str(params.get("compare_with") or "")
            out.comparison = "ok" if interim is not None else "missing"
        if interim is not None:
            out.interim_stage = interim.get("stage")
            theirs = (interim.get("summary") or {}).get("filter")
            ours = params.get("filter") or {}
            if theirs is not None and theirs != ours:
                out.filter_mismatch = (theirs, ours)
    else:
        interim = None

    for path, kind, placeholders in key_figures(waves):
        value, reason = lookup(results, path)
        row = Row(key=path, kind=kind, label=_label(kind, placeholders, lang), value=value,
                  reason=reason, conclusion=conclusion(kind, value),
                  reading=reading(kind, value, reason, lang, min_cell))
        if out.comparison == "ok":
            row.interim, row.interim_reason = lookup(interim, path)
            row.interim_conclusion = conclusion(kind, row.interim)
            compare(row)
        out.rows.append(row)
    return out


def record(ch: Chapter, s: Summary) -> None:
    """Extra results keys: ``summary.rows`` (one object per key figure),
    ``summary.comparison`` and ``summary.filter``."""
    rows = []
    for r in s.rows:
        d = {"key": r.key, "conclusion": r.conclusion}
        if r.kind == "flags":
            d["estimate"] = _estimate_of("flags", r.value)
        else:
            d.update({k: (r.value or {}).get(k) for k in ("estimate", "ci_low", "ci_high",
                                                          "p_value")})
        if r.value is None:
            d["reason"] = r.reason
        if s.comparison == "ok":
            d["interim_estimate"] = _estimate_of(r.kind, r.interim)
            d["interim_conclusion"] = r.interim_conclusion
            d["change"] = None if r.change is None else r.change / KINDS[r.kind]["scale"]
            d["held"] = r.held
        rows.append(d)
    ch.result("summary.rows", rows)
    comp = {"status": s.comparison}
    if s.interim_file:
        comp["file"] = s.interim_file
    ch.result("summary.comparison", comp)
    ch.result("summary.filter", ch.params.get("filter") or {})


# ---------------------------------------------------------------------------- display

def _fmt_p(p, lang: str) -> str:
    if p is None or pd.isna(p):
        return "–"
    return "<" + fmt_num(0.001, 3, lang) if p < 0.001 else fmt_num(p, 3, lang)


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
    return est, ci, _fmt_p(value.get("p_value"), lang)


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
        data.append({"label": r.label, "estimate": est, "ci": ci, "p": p, "reading": r.reading})
    ch.table(pd.DataFrame(data),
             [Column("label", ch.t("sm_h_figure")), Column("estimate", ch.t("sm_h_estimate")),
              Column("ci", ch.t("sm_h_ci")), Column("p", ch.t("sm_h_p")),
              Column("reading", ch.t("sm_h_reading"))],
             ch.t("sm_goals_caption"), ch.t("sm_source"), note=ch.t("sm_goals_note"))


def show_comparison(ch: Chapter, s: Summary) -> None:
    """Interim beside final (final stage), or a notice why there is no comparison."""
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
    judged = [r for r in s.rows if r.held is not None]
    if judged:
        ch.text("sm_compare_counts", n=fmt_int(len(judged), lang),
                held=fmt_int(sum(r.held for r in judged), lang))
        changed = [r.label for r in judged if not r.held]
        if changed:
            ch.text("sm_compare_changed", labels="; ".join(changed))
    else:
        ch.text("sm_compare_none")
    data = []
    for r in s.rows:
        if r.held is None:
            held = ch.t(_why_not_judged(r))
        elif r.held:
            held = ch.t("sm_held_yes")
        else:
            held = ch.t("sm_held_no", a=short_conclusion(r.kind, r.interim_conclusion, lang),
                        b=short_conclusion(r.kind, r.conclusion, lang))
        interim = _with_ci(r.kind, r.interim, lang) if r.interim is not None else \
            short_conclusion(r.kind, "na", lang)
        final = _with_ci(r.kind, r.value, lang) if r.value is not None else \
            short_conclusion(r.kind, "na", lang)
        change = "–" if r.change is None else fmt_num(r.change, KINDS[r.kind]["decimals"], lang)
        if r.change is not None and r.change > 0:
            change = "+" + change
        data.append({"label": r.label, "interim": interim, "final": final, "change": change,
                     "held": held})
    ch.table(pd.DataFrame(data),
             [Column("label", ch.t("sm_h_figure")), Column("interim", ch.t("sm_h_interim")),
              Column("final", ch.t("sm_h_final")), Column("change", ch.t("sm_h_change")),
              Column("held", ch.t("sm_h_held"))],
             ch.t("sm_compare_caption"), ch.t("sm_source"), note=ch.t("sm_compare_note"))


def _why_not_judged(r: Row) -> str:
    a, b = r.interim_conclusion == "na", r.conclusion == "na"
    if a and b:
        return "sm_held_na_both"
    if a:
        return "sm_held_na_interim"
    if b:
        return "sm_held_na_final"
    return "sm_held_na_ci"


def as_dicts(s: Summary) -> list[dict]:
    """The rows as plain dicts (for inspection in JupyterLab)."""
    return [asdict(r) for r in s.rows]
