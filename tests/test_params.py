"""Params files: the shipped ones parse; unknown or ill-typed keys are refused by name; every
params key is a parameter the chapter notebooks declare."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
import yaml

from pku_eval import config
from pku_eval.errors import ParamsError
from pku_eval.params import parse_params, read_params

PARAMS = sorted(config.PARAMS_DIR.glob("*.yml"))


@pytest.mark.parametrize("path", PARAMS, ids=lambda p: p.name)
def test_shipped_params_parse(path):
    p = read_params(path)
    assert p.stage in ("interim", "final") and p.chapters


def base() -> dict:
    return yaml.safe_load((config.PARAMS_DIR / "final.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("change, key", [
    ({"colour": "blue"}, "colour"),
    ({"min_cell": "five"}, "min_cell"),
    ({"stage": "draft"}, "stage"),
    ({"cutoff_date": "31.12.2016"}, "cutoff_date"),
    ({"waves": ["T1", "T5"]}, "waves"),
    ({"chapters": ["data_quality", "no_such_chapter"]}, "chapters"),
    ({"language": "de"}, "language"),
    ({"quality": {"min_response_rate": 1.7}}, "quality.min_response_rate"),
    ({"quality": {"max_gap": 0.1}}, "quality.max_gap"),
    ({"seed": 1.5}, "seed"),
    ({"filter": {"county": "rogaland"}}, "filter"),
])
def test_bad_params_name_the_key(change, key):
    raw = base() | change
    with pytest.raises(ParamsError, match=f"'{key}'"):
        parse_params(raw, "final.yml")


def test_all_problems_at_once():
    raw = base() | {"min_cell": -1, "language": "sv"}
    with pytest.raises(ParamsError) as exc:
        parse_params(raw, "final.yml")
    assert "'min_cell'" in str(exc.value) and "'language'" in str(exc.value)


def test_params_file_anywhere_resolves_chapters_in_project(tmp_path):
    copy = tmp_path / "elsewhere.yml"
    copy.write_text((config.PARAMS_DIR / "interim.yml").read_text(encoding="utf-8"),
                    encoding="utf-8")
    assert read_params(copy).chapters == read_params(config.PARAMS_DIR / "interim.yml").chapters


def declared_parameters(nb_path: Path) -> set[str]:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"{nb_path.name}: exactly one cell tagged 'parameters'"
    tree = ast.parse("".join(cells[0]["source"]))
    return {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets}


@pytest.mark.parametrize("nb_path", sorted(config.NOTEBOOKS_DIR.glob("*.ipynb")),
                         ids=lambda p: p.stem)
def test_params_keys_are_declared_notebook_parameters(nb_path):
    declared = declared_parameters(nb_path)
    keys = set()
    for path in PARAMS:
        keys |= set(yaml.safe_load(path.read_text(encoding="utf-8")))
    keys |= {"stage_file", "results_file", "chapter_number", "data_dir"}  # injected by build
    assert keys <= declared, f"not declared in {nb_path.name}: {sorted(keys - declared)}"
