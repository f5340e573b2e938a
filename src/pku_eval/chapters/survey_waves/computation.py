"""The 'survey_waves' chapter's computation: :func:`compute` turns the stage data and the
params into a frozen :class:`SurveyWaves` (no display), whose ``values`` are every
results.json value the chapter publishes — ``scales.<scale>.alpha`` and
``scales.<scale>.arm_by_wave.<wave>`` (REPORT_SPEC.md) plus extra keys (reliability per wave,
sensitivity analyses, Little's test), nulls with their reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import pandas as pd

from ...codebook import SURVEY_SCALES
from ...disclosure import Policy
from ...params import Params
from ...shared_counts import shared_counts
from ...tidy import StageData
from ...values import Value, frozen_values
from .analyses import (
    CONTROL,
    TREATMENT,
    Missing,
    descriptive_change,
    employment_table,
    item_distribution,
    mcar_items,
    mcar_waves,
    reliability,
    scale_means,
    sensitivity,
    survey_long,
    trial_model,
)
from .analyses import _randomised as randomised_participants
from .nested import nested_values, partially_nested
from .precision import precision_forecast, small_sample, small_sample_values
from .tipping import delta_tipping, tipping_values


def _empty() -> Mapping:
    return MappingProxyType({})


@dataclass(frozen=True)
class SurveyWaves:
    """Everything the chapter shows and records (see :func:`compute`)."""

    waves: tuple[str, ...]
    later: tuple[str, ...]
    cutoff: pd.Timestamp
    policy: Policy
    seed: int
    values: Mapping[str, Value] = field(default_factory=_empty)   # results.json path -> Value
    absent: Missing | None = None          # set when the survey file is missing
    n_randomised: Mapping[str, int] = field(default_factory=_empty)
    #: per arm: whether the report withholds that count (a shared count of the report:
    #: :mod:`pku_eval.shared_counts`, the employment table prints it too)
    n_randomised_withheld: Mapping[str, bool] = field(default_factory=_empty)
    reliability: pd.DataFrame | None = None
    alpha: Mapping[str, float | Missing] = field(default_factory=_empty)  # scale -> value
    items: pd.DataFrame | None = None
    means: pd.DataFrame | None = None
    model: pd.DataFrame | None = None      # scale × later wave; "missing" holds a Missing
    fast_engine: bool = False
    sensitivity: pd.DataFrame | None = None
    mi: Mapping = field(default_factory=_empty)
    mcar_items: pd.DataFrame | None = None
    mcar_waves: pd.DataFrame | None = None
    employment: pd.DataFrame | None = None
    change: pd.DataFrame | None = None
    nested: pd.DataFrame | None = None     # the coaches: partially nested model per scale × wave
    tipping: pd.DataFrame | None = None    # δ-adjusted MNAR analysis per scale × wave
    tipping_curve: pd.DataFrame | None = None  # its estimate and interval against δ
    tipping_info: Mapping = field(default_factory=_empty)  # m, n analysed, total randomised
    #: per scale × wave: Satterthwaite-df estimate and Hedges' g of the change (#16)
    small_sample: pd.DataFrame | None = None


def compute(stage: StageData, params: Params) -> SurveyWaves:
    """Every number of the chapter, from the stage data and the params (no display; neither
    is changed)."""
    waves = list(params.waves)
    later = [w for w in waves if w != "T0"]
    policy = Policy(params.min_cell)
    base = {"waves": tuple(waves), "later": tuple(later), "cutoff": stage.cutoff,
            "policy": policy, "seed": params.seed}
    if not stage.has("survey"):
        absent = Missing("no_survey")
        return SurveyWaves(**base, absent=absent, values=_absent_values(absent, later))
    long = survey_long(stage, waves)
    randomised = randomised_participants(stage)
    n_randomised = randomised["arm"].value_counts().reindex([TREATMENT, CONTROL],
                                                           fill_value=0).to_dict()
    rel, alpha = reliability(long, policy)
    model, fast = trial_model(stage, long, randomised, waves, policy)
    sens, mi = sensitivity(stage, long, randomised, model, waves, params.seed)
    parts = {"reliability": rel, "alpha": MappingProxyType(alpha), "model": model,
             "sensitivity": sens, "mcar_items": mcar_items(long, params.seed)}
    nested = partially_nested(stage, long, randomised, model)
    tipping, curve, tip_info = delta_tipping(stage, long, randomised, model, waves, params.seed)
    small = small_sample(long, randomised, model, policy)
    return SurveyWaves(
        **base, **parts, nested=nested, tipping=tipping, tipping_curve=curve,
        tipping_info=MappingProxyType(tip_info), small_sample=small,
        values=frozen_values({**_values(later=later, **parts), **nested_values(nested),
                              **tipping_values(tipping, tip_info),
                              **small_sample_values(small),
                              **precision_forecast(stage, randomised, model, params)}),
        n_randomised=MappingProxyType({k: int(v) for k, v in n_randomised.items()}),
        n_randomised_withheld=MappingProxyType({
            arm: shared_counts(stage, waves, policy, params.filter).is_hidden("klar_analysed", arm)
            for arm in n_randomised}),
        items=item_distribution(long[long["wave"] == "T0"]), means=scale_means(long),
        fast_engine=fast, mi=MappingProxyType(mi),
        mcar_waves=mcar_waves(stage, long, randomised, waves, params.seed),
        employment=employment_table(long), change=descriptive_change(long, later))


# ------------------------------------------------------------------------------ results.json

def _estimate(row) -> dict:
    return {k: float(row[k]) for k in ("estimate", "ci_low", "ci_high", "p_value")}


def _null(missing: Missing, n=None) -> Value:
    return Value.null(missing.reason(), n=n)


def _absent_values(absent: Missing, later: list[str]) -> Mapping[str, Value]:
    values = {}
    for scale in SURVEY_SCALES:
        values[f"scales.{scale}.alpha"] = _null(absent)
        for wave in later:
            values[f"scales.{scale}.arm_by_wave.{wave}"] = _null(absent)
            values[f"scales.{scale}.partially_nested.{wave}"] = _null(absent)
            values[f"scales.{scale}.arm_by_wave_small_sample.{wave}"] = _null(absent)
            values[f"scales.{scale}.hedges_g.{wave}"] = _null(absent)
            for name in ("mar_ancova", "tipping_delta"):
                values[f"scales.{scale}.sensitivity.{name}.{wave}"] = _null(absent)
    return frozen_values(values)


def _values(*, later: list[str], reliability: pd.DataFrame, alpha: Mapping, model: pd.DataFrame,
            sensitivity: pd.DataFrame, mcar_items: pd.DataFrame) -> Mapping[str, Value]:
    """``scales.<scale>.alpha`` and ``scales.<scale>.arm_by_wave.<wave>``, and the extra keys
    ``reliability``, ``sensitivity``, ``mcar_items``, as values."""
    values = {}
    for scale in SURVEY_SCALES:
        a = alpha[scale]
        rel = reliability[reliability["scale"] == scale]
        t0 = rel.loc[rel["wave"] == "T0", "n"]
        n_t0 = int(t0.iloc[0]) if len(t0) else None
        values[f"scales.{scale}.alpha"] = (_null(a, n_t0) if isinstance(a, Missing)
                                           else Value(a, n=n_t0))
        for _, r in model[model["scale"] == scale].iterrows():
            n = int(min(r["n_treatment"], r["n_control"]))
            values[f"scales.{scale}.arm_by_wave.{r['wave']}"] = (
                _null(r["missing"], n) if r["missing"] is not None else Value(_estimate(r), n=n))
        for _, r in rel.iterrows():
            n = int(r["n"])
            values[f"scales.{scale}.reliability.{r['wave']}"] = (
                _null(r["missing"], n) if r["missing"] is not None else Value(
                    {"alpha": r["alpha"], "ci_low": r["ci_low"], "ci_high": r["ci_high"],
                     "omega": r["omega"], "n": r["n"]}, n=n))
        m = mcar_items[mcar_items["scale"] == scale].iloc[0]
        values[f"scales.{scale}.mcar_items"] = (
            _null(m["missing"]) if m["missing"] else Value(
                {k: m[k] for k in ("statistic", "df", "p_value", "n")}, n=int(m["n"])))
        for method, name in (("cc", "complete_case"), ("mi", "multiple_imputation")):
            for wave in later:
                s = sensitivity[(sensitivity["scale"] == scale) & (sensitivity["wave"] == wave)
                                & (sensitivity["method"] == method)]
                main = model[(model["scale"] == scale) & (model["wave"] == wave)]
                path = f"scales.{scale}.sensitivity.{name}.{wave}"
                if len(s):
                    values[path] = Value(_estimate(s.iloc[0]), n=int(s.iloc[0]["n"]))
                elif len(main) and main.iloc[0]["missing"] is not None:
                    values[path] = _null(main.iloc[0]["missing"])
                else:
                    values[path] = _null(Missing("too_few"))
    return frozen_values(values)
