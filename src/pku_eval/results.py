"""results.json: the key figures of a report, machine-readable (REPORT_SPEC.md).

Chapters record values with :func:`record` into a fragment file; the build starts from
:func:`skeleton` (every required key, ``null`` with a reason) and merges the fragments in.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from .codebook import ACTOR_ROUNDS, ACTOR_SCALES, ARMS, LEARNING_SCALES, SURVEY_SCALES

#: The KOR chapter's required keys (REPORT_SPEC.md), under ``kor.``.
KOR_KEYS = ("ors_change", "reliable_improvement", "reliable_deterioration",
            "clinically_significant_improvement", "srs_below_cutoff")

ESTIMATE_KEYS = ("estimate", "ci_low", "ci_high", "p_value")
SUPPRESSED = "suppressed"

def required_paths(waves: list[str]) -> list[str]:
    """Every leaf key path REPORT_SPEC.md requires, for the given waves."""
    paths = ["stage", "data.sha256"]
    paths += [f"flow.enrolled.{a}" for a in ARMS] + [f"flow.withdrawn.{a}" for a in ARMS]
    for w in waves:
        paths += [f"response.{w}.{a}" for a in (*ARMS, "all")]
    paths += ["quality.flags"]
    paths += [f"employment.rate.{a}" for a in ARMS]
    paths += ["employment.risk_difference", "time_to_work.hazard_ratio"]
    paths += ["employment.risk_difference_stratified", "employment.horizon.risk_difference",
              "time_to_work.rmst_difference"]
    for s in SURVEY_SCALES:
        paths.append(f"scales.{s}.alpha")
        paths += [f"scales.{s}.arm_by_wave.{w}" for w in waves if w != "T0"]
    paths += ["se_log.contacts_per_participant_month", "se_log.share_employer_contacts"]
    for s in LEARNING_SCALES:
        paths += [f"learning.{s}.pre_mean", f"learning.{s}.post_mean", f"learning.{s}.difference"]
    paths += [f"kor.{k}" for k in KOR_KEYS]
    for s in ACTOR_SCALES:
        paths += [f"actors.{s}.{r}.mean" for r in ACTOR_ROUNDS] + [f"actors.{s}.change"]
    return paths


def skeleton(stage: str, waves: list[str], chapters: list[str]) -> dict:
    """A results dict with every required key ``None`` and its reason in ``null_reasons``
    (which chapter would fill it comes from the chapters' declared specs: ``owns``)."""
    from .chapters.spec import owners

    owner_of = owners()
    res: dict = {"null_reasons": {}}
    for path in required_paths(waves):
        if path == "stage":
            res["stage"] = stage
            continue
        if path == "data.sha256":
            _set(res, path, {})
            continue
        owner = owner_of.get(path.split(".")[0], "?")
        if owner in chapters:
            reason = f"not computed by the '{owner}' chapter"
        else:
            reason = f"chapter '{owner}' is not part of this report"
        _set(res, path, None)
        res["null_reasons"][path] = reason
    return res


def _set(d: dict, path: str, value) -> None:
    keys = path.split(".")
    for k in keys[:-1]:
        if not isinstance(d.get(k), dict):
            d[k] = {}
        d = d[k]
    d[keys[-1]] = value


def get(d: dict, path: str):
    for k in path.split("."):
        if not isinstance(d, dict) or k not in d:
            raise KeyError(path)
        d = d[k]
    return d


def clean(value):
    """JSON-safe value: NaN/inf → None, numpy scalars → Python, tuples → lists."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def record(fragment_file: Path | None, path: str, value, reason: str | None = None) -> None:
    """Record one results.json value (a leaf or an object) in a chapter's fragment file.

    A ``None`` value needs a ``reason`` (it goes to ``null_reasons``).
    """
    value = clean(value)
    if value is None and not reason:
        raise ValueError(f"results key '{path}' is null: give the reason")
    if fragment_file is None:
        return
    fragment_file = Path(fragment_file)
    frag = {"values": {}, "null_reasons": {}}
    if fragment_file.exists():
        frag = json.loads(fragment_file.read_text(encoding="utf-8"))
    frag["values"][path] = value
    if value is None:
        frag["null_reasons"][path] = reason
    else:
        frag["null_reasons"].pop(path, None)
    if isinstance(value, dict):  # nulls inside an object need their reason too
        for k, v in value.items():
            if v is None and reason:
                frag["null_reasons"][f"{path}.{k}"] = reason
    fragment_file.write_text(json.dumps(frag, ensure_ascii=False, indent=1), encoding="utf-8")


def merge(results: dict, fragment: dict) -> None:
    """Merge a chapter fragment into ``results`` (in place)."""
    for path, value in fragment.get("values", {}).items():
        _set(results, path, value)
        results["null_reasons"].pop(path, None)
        for key in [k for k in results["null_reasons"] if k.startswith(path + ".")]:
            results["null_reasons"].pop(key)
    results["null_reasons"].update(fragment.get("null_reasons", {}))


def missing_keys(results: dict, waves: list[str]) -> list[str]:
    """Required paths absent from ``results`` (a ``null`` counts as present)."""
    missing = []
    for path in required_paths(waves):
        try:
            get(results, path)
        except KeyError:
            missing.append(path)
    return missing


def null_paths(results: dict, waves: list[str]) -> list[str]:
    """Required paths whose value is ``null`` (or has a ``null`` inside an estimate object)."""
    out = []
    for path in required_paths(waves):
        value = get(results, path)
        if value is None:
            out.append(path)
        elif isinstance(value, dict) and path.split(".")[-1] not in ("sha256",):
            out += [f"{path}.{k}" for k, v in value.items() if v is None]
    return out
