"""Chapter 'summary': the goal-achievement table of the key figures, each with its confidence
interval and a one-line reading generated from the numbers, and — in the final report — the
interim figures beside the final ones, each with its interval, and by how much the estimate
changed. That comparison is descriptive: the two reports share participants, follow them for
different lengths of time, and no alpha was spent at the interim, so it draws no conclusion
(no "the interim conclusion held").

The chapter runs after every other chapter of a build and reads their results
(:meth:`pku_eval.chapter.Chapter.build_results`); the interim results come from the file that
``params.compare_with`` names (relative to the project root, or absolute). It records no
required key of results.json: ``summary.*`` extras, and the Holm-adjusted p-value of each
secondary comparison of the analysis plan (``AnalysisPlan.SECONDARY``) beside its owner's key,
which only the last chapter, having read every p-value of the family, can compute.

A figure's *conclusion* is one of

- ``positive`` / ``negative``: the 95% CI excludes the null value (0 for a difference, 1 for a
  ratio) and lies above / below it;
- ``unclear``: the CI includes the null value;
- ``no_ci``: an estimate without a CI; ``na``: no value (its reason is shown);
- for the data-quality flags: ``none`` or the sorted flag codes joined by ``+``.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ... import config, text
from ...chapter import read_results
from ...codebook import ACTOR_SCALES, LEARNING_SCALES, SCALES, SURVEY_SCALES
from ...params import Params
from ...results import get
from ...text import fmt_int, fmt_num
from ...values import SUPPRESSED, Value, frozen_values

#: Kinds of key figures: how they are read and shown.
#: null: the value of "no difference"; scale: multiplier for display; decimals; topic: which
#: reading sentences apply (trial: SE vs internal control; learning: before vs after).
KINDS = {
    "primary": {"null": 0.0, "scale": 100.0, "decimals": 1, "topic": "trial"},
    "risk_difference": {"null": 0.0, "scale": 100.0, "decimals": 1, "topic": "trial"},
    "hazard_ratio": {"null": 1.0, "scale": 1.0, "decimals": 2, "topic": "trial"},
    "arm_by_wave": {"null": 0.0, "scale": 1.0, "decimals": 2, "topic": "trial"},
    "learning": {"null": 0.0, "scale": 1.0, "decimals": 2, "topic": "learning"},
    "kor": {"null": 0.0, "scale": 1.0, "decimals": 1, "topic": "kor"},
    "actors": {"null": 0.0, "scale": 1.0, "decimals": 2, "topic": "actors"},
    "flags": {"null": None, "scale": 1.0, "decimals": 0, "topic": "flags"},
}


@dataclass(frozen=True)
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
    change: float | None = None  # final − interim estimate, in display units
    in_both: bool = False        # a value in both reports
    p_holm: float | None = None  # Holm-adjusted p within the trial's secondary comparisons


@dataclass(frozen=True)
class Summary:
    """The summary chapter's result: its rows, the comparison with the interim, and the
    results.json values it records (``summary.rows``, ``summary.comparison``,
    ``summary.filter``)."""

    stage: str
    language: str
    min_cell: int                      # for the text of a withheld value only
    values: Mapping[str, Value]
    rows: tuple[Row, ...] = ()
    comparison: str = "interim_stage"  # interim_stage | not_set | missing | unreadable | ok
    interim_file: str | None = None
    error: str | None = None
    interim_stage: str | None = None
    filter_mismatch: tuple | None = None  # (interim filter, this filter) when they differ


# ---------------------------------------------------------------------------- reading

def key_figures(waves: list[str], horizon_months: int = 12) -> list[tuple[str, str, dict]]:
    """The rows of the table: (results path, kind, label placeholders); the trial's primary
    estimate (analysis_plan) first."""
    rows = [("employment.horizon.risk_difference", "primary", {"months": horizon_months}),
            ("employment.risk_difference", "risk_difference", {}),
            ("time_to_work.hazard_ratio", "hazard_ratio", {})]
    later = [w for w in waves if w != "T0"]
    if later:
        rows += [(f"scales.{s}.arm_by_wave.{later[-1]}", "arm_by_wave",
                  {"scale": s, "wave": later[-1]}) for s in SURVEY_SCALES]
    rows += [(f"learning.{s}.difference", "learning", {"scale": s}) for s in LEARNING_SCALES]
    rows.append(("kor.ors_change", "kor", {}))
    rows += [(f"actors.{s}.change", "actors", {"scale": s}) for s in ACTOR_SCALES]
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
    if reason.startswith("the actor survey had not yet been carried out"):
        return text.t("sm_reason_actors_not_yet", language)
    if reason.startswith("second round not yet carried out"):
        return text.t("sm_reason_second_round", language)
    if reason.startswith("the actor survey is per project"):
        return text.t("sm_reason_actors_per_project", language)
    if reason.startswith(("no office of this report uses KOR", "no KOR session forms")):
        return text.t("sm_reason_no_kor", language)
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


def reading(kind: str, value, reason: str | None, language: str, min_cell: int) -> str:
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


def compare(row: Row) -> Row:
    """The row with its change (final − interim estimate, display units) filled from its
    interim and final values: a description, not a judgement of either report's conclusion."""
    final, interim = _estimate_of(row.kind, row.value), _estimate_of(row.kind, row.interim)
    in_both = final is not None and interim is not None
    change = (final - interim) * KINDS[row.kind]["scale"] if in_both else None
    return dataclasses.replace(row, in_both=in_both, change=change)


# ---------------------------------------------------------------------------- computation

def interim_path(params: Params) -> Path | None:
    """The interim results file named by ``compare_with`` (relative to the project root)."""
    p = params.compare_with
    if not p:
        return None
    p = Path(p)
    return p if p.is_absolute() else config.PROJECT_ROOT / p


def _interim(params: Params, interim) -> tuple[dict | None, dict]:
    """The interim results and what the result says about them (comparison, interim_file,
    error, interim_stage, filter_mismatch)."""
    info: dict = {}
    if params.stage != "final":
        return None, info
    if isinstance(interim, str) and interim == "params":
        path = interim_path(params)
        if path is None:
            info["comparison"], interim = "not_set", None
        else:
            info["interim_file"] = str(params.compare_with)
            try:
                interim = read_results(path)
                info["comparison"] = "ok" if interim is not None else "missing"
            except (json.JSONDecodeError, UnicodeDecodeError, OSError) as exc:
                info.update(comparison="unreadable", error=str(exc))
                interim = None
    else:
        info["interim_file"] = str(params.compare_with or "")
        info["comparison"] = "ok" if interim is not None else "missing"
    if interim is not None:
        info["interim_stage"] = interim.get("stage")
        theirs = (interim.get("summary") or {}).get("filter")
        ours = params.filter or {}
        if theirs is not None and theirs != ours:
            info["filter_mismatch"] = (theirs, ours)
    return interim, info


def _p_value(results: dict, path: str) -> tuple[float | None, str | None]:
    """The p-value of the estimate at ``path``: its ``p_value``, or the sibling key
    ``<path>_p_value`` (e.g. ``time_to_work.hazard_ratio_p_value``); else why there is none."""
    value, reason = lookup(results, path)
    if not isinstance(value, dict):
        return None, reason or "no estimate"
    p = value.get("p_value")
    if p is None:
        p, reason = lookup(results, f"{path}_p_value")
    if isinstance(p, (int, float)) and not isinstance(p, bool):
        return float(p), None
    return None, reason or "no p-value"


def _holm(rows: list, results: dict, params: Params) -> tuple[list, dict]:
    """Holm-adjusted p-values (stats.multiplicity.holm, as R's p.adjust) over the family of
    secondary comparisons the analysis plan defines (``AnalysisPlan.SECONDARY``): for the
    table's rows, as ``summary.holm`` (estimate path → adjusted p), and under each member's
    own section (its Holm path, e.g. ``employment.risk_difference_p_value_holm``)."""
    from ...stats.multiplicity import holm

    pairs = params.analysis_plan.secondary_family(list(params.waves), SURVEY_SCALES)
    family, why = {}, {}
    for path, _ in pairs:
        p, reason = _p_value(results, path)
        if p is None:
            why[path] = reason
        else:
            family[path] = p
    if len(family) < 2:
        reason = "fewer than two secondary comparisons with a p-value"
        return rows, {"summary.holm": Value.null(reason),
                      **{target: Value.null(reason) for _, target in pairs}}
    adjusted = dict(zip(family, holm(list(family.values()))["p_adjusted"].astype(float)))
    values = {"summary.holm": Value(adjusted)}
    for path, target in pairs:
        values[target] = (Value(adjusted[path]) if path in adjusted
                          else Value.null(f"no p-value: {why[path]}"))
    rows = [dataclasses.replace(r, p_holm=adjusted.get(r.key)) for r in rows]
    return rows, values


def _row_value(r: Row, compared: bool) -> dict:
    """One object of ``summary.rows``."""
    d = {"key": r.key, "conclusion": r.conclusion}
    if r.kind == "flags":
        d["estimate"] = _estimate_of("flags", r.value)
    else:
        d.update({k: (r.value or {}).get(k) for k in ("estimate", "ci_low", "ci_high",
                                                      "p_value")})
    if r.p_holm is not None:
        d["p_holm"] = r.p_holm
    if r.value is None:
        d["reason"] = r.reason
    if compared:
        d["interim_estimate"] = _estimate_of(r.kind, r.interim)
        if r.kind != "flags":
            d.update({f"interim_{k}": (r.interim or {}).get(k) for k in ("ci_low", "ci_high")})
        d["change"] = None if r.change is None else r.change / KINDS[r.kind]["scale"]
    return d


def compute(results: dict, params: Params, interim: dict | None | str = "params") -> Summary:
    """The goal-achievement rows and, at the final stage, the comparison with the interim.

    Parameters
    ----------
    results : dict
        The results of this build (:meth:`Chapter.build_results`, or a hand-made dict built
        with :func:`pku_eval.results.skeleton`); not changed.
    params : Params
        The stage's params (``stage``, ``waves``, ``language``, ``min_cell`` for the text of a
        withheld value, ``compare_with``, ``filter``).
    interim : dict, None or "params"
        The interim results; ``"params"`` (default) reads the file ``compare_with`` names;
        ``None`` means there is no interim file.
    """
    lang, min_cell = params.language, params.min_cell
    interim, info = _interim(params, interim)
    comparison = info.get("comparison", "interim_stage")
    rows = []
    for path, kind, placeholders in key_figures(list(params.waves),
                                                params.analysis_plan.horizon_months):
        value, reason = lookup(results, path)
        row = Row(key=path, kind=kind, label=_label(kind, placeholders, lang), value=value,
                  reason=reason, conclusion=conclusion(kind, value),
                  reading=reading(kind, value, reason, lang, min_cell))
        if comparison == "ok":
            interim_value, interim_reason = lookup(interim, path)
            row = compare(dataclasses.replace(row, interim=interim_value,
                                              interim_reason=interim_reason))
        rows.append(row)
    rows, holm_values = _holm(rows, results, params)
    comp = {"status": comparison}
    if comparison == "ok":
        comp["kind"] = "descriptive"   # no alpha spent at the interim: no conclusion drawn
    if info.get("interim_file"):
        comp["file"] = info["interim_file"]
    values = frozen_values({
        "summary.rows": Value([_row_value(r, comparison == "ok") for r in rows]),
        "summary.comparison": Value(comp),
        "summary.filter": Value(dict(params.filter or {})),
        **holm_values})
    return Summary(stage=params.stage, language=lang, min_cell=min_cell, values=values,
                   rows=tuple(rows), **info)
