"""Run the Examples sections of pku_eval.stats as doctests (they are part of the docs)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["proportions", "survival", "cox", "mixed", "reliability", "missing", "means", "mixed_fast",
           "imputation", "bootstrap", "errors", "stratified", "survival_contrasts", "effect_sizes",
           "multiplicity", "clustered", "sensitivity", "change", "delta_adjust"]


@pytest.mark.parametrize("name", MODULES)
def test_examples_run(name):
    module = importlib.import_module(f"pku_eval.stats.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"no examples in pku_eval.stats.{name}"
    assert result.failed == 0, f"{result.failed} example(s) failed in pku_eval.stats.{name}"


def test_lazy_package_exports():
    from pku_eval import stats

    for name in stats.__all__:
        assert callable(getattr(stats, name)), name
    with pytest.raises(AttributeError):
        stats.no_such_function  # noqa: B018
