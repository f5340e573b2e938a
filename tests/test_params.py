"""Params files: the shipped ones parse; unknown or ill-typed keys are refused by name; every
params key is a parameter the chapter notebooks declare."""

from __future__ import annotations

import ast
import json
import os
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
def test_notebooks_declare_only_what_locates_the_stage(nb_path):
    """Typed params end to end (#13): a notebook's parameters cell declares exactly what the
    build injects (where the params, the stage and the fragments are); no params key becomes
    a loose global, so a default cannot be written twice."""
    from pku_eval.chapter import PARAM_NAMES
    from pku_eval.runner import chapter_task

    declared = declared_parameters(nb_path)
    assert declared == set(PARAM_NAMES), nb_path.name
    keys = set()
    for path in PARAMS:
        keys |= set(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert not keys & declared
    injected = chapter_task("x", 1, read_params(PARAMS[0]), Path("/nonexistent/w"),
                            Path("/s"), Path("/d"), write=False).parameters
    assert set(injected) == set(PARAM_NAMES)


def test_load_params_defaults_live_in_the_schema(tmp_path):
    """A chapter run alone gets params/final.yml; overrides are checked like the file; the
    params a build writes read back equal."""
    from pku_eval.params import Params, load_params, write_params

    p = load_params()
    assert p == read_params(config.PARAMS_DIR / "final.yml")
    assert load_params(min_cell=1).min_cell == 1
    with pytest.raises(ParamsError, match="min_cell"):
        load_params(min_cell=0)
    back = load_params(write_params(p, tmp_path / "params.json"))
    assert back == p and isinstance(back, Params)
    with pytest.raises(Exception):
        p.min_cell = 3  # frozen


# ---------------------------------------------------------------- safe by construction:
# params are data, not code paths; messages stay short whatever the value

from pku_eval.params import (MAX_PARAMS_BYTES, NAME_PATTERN, parse_filter,  # noqa: E402
                             quote)

SHORT = 600  # characters: a whole message about one bad value


def refused(raw: dict, key: str) -> str:
    with pytest.raises(ParamsError) as exc:
        parse_params(raw, "final.yml")
    msg = str(exc.value)
    assert f"'{key}'" in msg and len(msg) < SHORT, msg
    return msg


@pytest.mark.parametrize("name", [
    "../../tmp/evil", "data_quality/../summary", "/abs/path", "/etc/passwd", "Summary",
    "", " summary", "summary.ipynb", "sum mary", "summary\n", "1summary", "_summary",
    "summary/", "..", ".", "~/x", "a" * 300, "a" * 65, "sümmary",
])
def test_chapter_must_be_a_plain_name(name):
    msg = refused(base() | {"chapters": ["data_quality", name]}, "chapters")
    assert quote(name, 40) in msg


def test_chapter_outside_notebooks_dir_is_refused_even_if_it_exists(tmp_path):
    evil = tmp_path / "evil.ipynb"
    evil.write_text("{}", encoding="utf-8")
    rel = os.path.relpath(tmp_path / "evil", config.NOTEBOOKS_DIR)
    assert (config.NOTEBOOKS_DIR / f"{rel}.ipynb").is_file()  # the path would resolve
    refused(base() | {"chapters": [rel]}, "chapters")
    refused(base() | {"chapters": [str(tmp_path / "evil")]}, "chapters")


def test_many_bad_chapters_give_one_short_line():
    msg = refused(base() | {"chapters": [f"../c{i}" for i in range(10_000)]}, "chapters")
    assert "9,997 more" in msg and msg.count("\n") == 0


def test_chapter_name_pattern_is_the_contract_code_pattern():
    from pku_eval.validate import CODE_PATTERN

    assert NAME_PATTERN == CODE_PATTERN


@pytest.mark.parametrize("value", [
    {"project": "../../x"}, {"office": "Moss"}, {"project": ""}, {"project": "a/b"},
    {"office": "moss-x"}, {"project": "x" * 1000}, {"project": 5}, {"project": ["klar"]},
])
def test_filter_value_must_be_a_plain_code(value):
    refused(base() | {"filter": value}, "filter")


@pytest.mark.parametrize("text", [
    "project=../../x", "office=", "project", "=klar", "county=x", "office=Moss",
    "project=klar/../x", "project=" + "k" * 5000,
])
def test_parse_filter_refuses_what_is_no_plain_code(text):
    with pytest.raises(ParamsError, match="filter") as exc:
        parse_filter(text)
    assert len(str(exc.value)) < SHORT


def test_parse_filter_accepts_codes():
    assert parse_filter("project=klar") == {"project": "klar"}
    assert parse_filter(" office = sor_trondelag ") == {"office": "sor_trondelag"}
    assert parse_filter({"office": "moss"}) == {"office": "moss"}
    p = parse_params(base() | {"filter": {"project": "ungjobb"}}, "final.yml")
    assert p.out_name == "final-ungjobb"


@pytest.mark.parametrize("value", ["x" * 100_000 + ".json", "a\0b.json", "results.csv", 5,
                                   "reports/" + "ø" * 200 + ".json"])
def test_compare_with_is_refused_with_a_short_message(value):
    refused(base() | {"compare_with": value}, "compare_with")


@pytest.mark.parametrize("value", ["/srv/pku/interim/results.json", "../x/results.json", None])
def test_compare_with_may_be_any_json_path(value):
    assert parse_params(base() | {"compare_with": value}, "final.yml").compare_with == value


@pytest.mark.parametrize("seed, ok", [(0, True), (2**32 - 1, True), (-1, False),
                                      (2**32, False), ("10**5000", False)], ids=str)
def test_seed_range(seed, ok):
    seed = 10**5000 if seed == "10**5000" else seed
    raw = base() | {"seed": seed}
    if ok:
        assert parse_params(raw, "final.yml").seed == seed
    else:
        refused(raw, "seed")


HUGE = {
    "title": lambda: ["t" * 10_000_000],
    "stage": lambda: "s" * 100_000,
    "min_cell": lambda: -(10**5000),
    "waves": lambda: ["T" * 10_000] * 10_000,
    "language": lambda: {"a": "b" * 10**6},
    "quality": lambda: {"min_response_rate": "r" * 10**6},
    "cutoff_date": lambda: list(range(1_000_000)),
}


@pytest.mark.parametrize("key", HUGE)
def test_huge_values_are_quoted_short(key):
    named = "quality.min_response_rate" if key == "quality" else key
    msg = refused(base() | {key: HUGE[key]()}, named)
    assert len(msg) < 400


def test_many_unknown_keys_give_one_short_line():
    raw = base() | {f"k{i}": i for i in range(50_000)} | {"q" * 10**6: 1}
    msg = refused(raw, "k0")
    assert "more" in msg and msg.count("\n") == 0


def test_a_shared_billion_laughs_structure_is_quoted_without_expanding():
    # nine levels of nine references: 387 million leaves if rendered in full
    value = ["lol"] * 9
    for _ in range(9):
        value = [value] * 9
    msg = refused(base() | {"title": value}, "title")
    assert len(msg) < 300


def test_quote_is_short_and_says_the_length():
    assert quote("summary") == "'summary'"
    q = quote("a" * 312_000_000)
    assert len(q) < 120 and "312,000,000 characters" in q
    assert len(quote(list(range(10**6)))) < 120
    assert len(quote(10**5000)) < 120
    assert len(quote({"k" * 10**6: "v" * 10**6})) <= 80


# ---------------------------------------------------------------- the YAML itself

def billion_laughs(levels: int) -> str:
    lines = ["stage: final", "cutoff_date: 2016-12-31", "chapters: [summary]",
             'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines + [f"title: *a{levels - 1}"]) + "\n"


def read_text_params(tmp_path, text: str, name: str = "p.yml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_params(path)


def refused_file(tmp_path, text: str, *needles: str, name: str = "p.yml") -> str:
    with pytest.raises(ParamsError) as exc:
        read_text_params(tmp_path, text, name)
    msg = str(exc.value)
    assert name in msg and len(msg) < 300, msg
    for needle in needles:
        assert needle in msg, msg
    return msg


@pytest.mark.parametrize("levels", [9, 10])
def test_yaml_alias_bomb_is_refused(tmp_path, levels):
    refused_file(tmp_path, billion_laughs(levels), "anchors or aliases (&/*)", "line 4")


@pytest.mark.parametrize("text, line", [
    ("stage: &s final\n", 1),
    ("stage: final\nx: &a [1]\ny: *a\n", 2),
    ("defaults: &d {language: nb}\nsettings:\n  <<: *d\n", 1),
])
def test_any_anchor_or_alias_is_refused(tmp_path, text, line):
    refused_file(tmp_path, text, "anchors or aliases", f"line {line}")


def test_params_file_size_is_capped(tmp_path):
    big = (config.PARAMS_DIR / "final.yml").read_text(encoding="utf-8")
    big += "# " + "x" * MAX_PARAMS_BYTES + "\n"
    refused_file(tmp_path, big, "at most 1,000,000 bytes")


@pytest.mark.parametrize("text, needle", [
    ("title: " + "[" * 100_000 + "]" * 100_000 + "\n", "nested more than"),
    ("stage: final\n  title: x\n", "line 2"),
    ("stage: [final\n", "not valid YAML"),
    ("stage: final\ncutoff_date: 2016-13-45\n", "line 2"),
    ("min_cell: " + "9" * 5000 + "\n", "line 1"),
    ("stage: final\nx: !!python/object:os.system 1\n", "line 2"),
    ("stage: final\n---\nstage: interim\n", "line 2"),
    ("stage: a\x00b\n", "not valid YAML"),
    ("- a\n- b\n", "mapping"),
])
def test_bad_yaml_gives_a_short_message(tmp_path, text, needle):
    msg = refused_file(tmp_path, text, needle)
    assert msg.count("\n") == 0


def test_params_file_not_utf8(tmp_path):
    (tmp_path / "p.yml").write_bytes(b"stage: \xff\xfe final\n")
    with pytest.raises(ParamsError, match="UTF-8"):
        read_params(tmp_path / "p.yml")


def test_params_file_name_too_long_is_a_params_error(tmp_path):
    with pytest.raises(ParamsError) as exc:
        read_params(tmp_path / ("p" * 300 + ".yml"))
    assert len(str(exc.value)) < 400


def test_analysis_plan():
    """analysis_plan (docs/report-spec.md): the primary outcome and its horizon; the horizon in
    days is months × 30.4375 (365.25 for 12 months)."""
    p = read_params(config.PARAMS_DIR / "final.yml")
    assert p.analysis_plan.primary == "employment" and p.analysis_plan.horizon_months == 12
    assert p.analysis_plan.horizon_days == 365.25
    raw = base()
    raw["analysis_plan"] = {"primary": "survey", "horizon_months": 0, "lag": 1}
    with pytest.raises(ParamsError) as exc:
        parse_params(raw, "final.yml")
    msg = str(exc.value)
    assert "analysis_plan.primary" in msg and "analysis_plan.horizon_months" in msg
    assert "analysis_plan.lag" in msg
    raw["analysis_plan"] = {"horizon_months": 24}
    assert parse_params(raw, "final.yml").analysis_plan.horizon_months == 24


# ---------------------------------------------------------------- the title page's keys (#15)

@pytest.mark.parametrize("key, value, expected", [
    ("authors", "Ola Nordmann", "a list of names"),            # one text, not a list
    ("authors", ["Ola Nordmann", ""], "a list of names"),      # a blank name
    ("authors", ["Ola Nordmann", 5], "a list of names"),
    ("authors", ["Ola\nNordmann"], "a list of names"),         # one line each
    ("authors", ["x" * 201], "at most 200 characters"),
    ("institution", ["AFI"], "text of at most 200 characters"),
    ("institution", "   ", "text of at most 200 characters"),
    ("status", "Endelig", "one of draft, final"),
    ("status", None, "one of draft, final"),
    ("report_version", 1.0, 'in quotes, e.g. "1.0"'),          # YAML read a bare 1.0 as a number
    ("report_version", "v" * 41, "at most 40 characters"),
])
def test_title_page_keys_refuse_bad_values_naming_key_value_and_expected(key, value, expected):
    msg = refused(base() | {key: value}, key)
    assert f"key '{key}': expected" in msg and expected in msg
    assert f"got {quote(value)}" in msg


def test_title_page_keys_are_optional_and_read_back():
    raw = {k: v for k, v in base().items()
           if k not in ("authors", "institution", "status", "report_version")}
    p = parse_params(raw, "final.yml")
    assert (p.authors, p.institution, p.status, p.report_version) == ((), None, "draft", None)
    for empty in ({"authors": None}, {"authors": []}, {"institution": None},
                  {"report_version": None}):
        assert parse_params(raw | empty, "final.yml") == p
    p = parse_params(raw | {"authors": [" Kari Nordmann ", "Ola Nordmann"], "status": "final",
                            "institution": "AFI", "report_version": "1.0"}, "final.yml")
    assert p.authors == ("Kari Nordmann", "Ola Nordmann") and p.status == "final"
    assert p.institution == "AFI" and p.report_version == "1.0"
    assert p.notebook_parameters()["authors"] == ["Kari Nordmann", "Ola Nordmann"]


def test_title_page_keys_survive_the_build_s_params_file(tmp_path):
    """The build writes the params as JSON for the chapters (and keys its caches on them)."""
    from pku_eval.params import load_params, write_params

    for stage in ("interim", "final"):
        p = read_params(config.PARAMS_DIR / f"{stage}.yml")
        assert p.authors and p.institution and p.report_version
        assert p.status == ("draft" if stage == "interim" else "final")
        back = load_params(write_params(p, tmp_path / f"{stage}.json"))
        assert back == p
        assert load_params(tmp_path / f"{stage}.json", status="draft").status == "draft"
