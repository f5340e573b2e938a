"""mapping.yml (#18): a survey tool's export read as a contract file without editing it —
the mapping checked with file/line/column messages listed with the other problems, renames and
recodes (text answers, SPSS value labels) applied, its checksum in the fingerprint, and
`pku-eval map --draft` writing a starting mapping."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import read
from test_real_exports import (
    EMPLOYMENT_TEXT,
    ROLE_LABELS,
    SURVEY_RENAME,
    to_mapped_exports,
)

from pku_eval import cli
from pku_eval.mapping import MAPPING_FILE, UNMATCHED, draft, fingerprint, read_mapping
from pku_eval.tidy import load
from pku_eval.validate import validate_dir

DIGIT_RUN = re.compile(r"[0-9](?:[ .\-\u00a0\u2013]{0,3}[0-9]){9,}")


def errors(d) -> list[str]:
    _, problems = validate_dir(d)
    return [str(p) for p in problems if p.severity == "error"]


def run_cli(*args) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue() + err.getvalue()


@pytest.fixture
def mapped(demo_dir, tmp_path):
    d = tmp_path / "mapped"
    to_mapped_exports(demo_dir, d)
    return d


def set_mapping(d, change) -> None:
    m = yaml.safe_load((d / MAPPING_FILE).read_text(encoding="utf-8"))
    change(m)
    (d / MAPPING_FILE).write_text(yaml.safe_dump(m, allow_unicode=True, sort_keys=False),
                                  encoding="utf-8")


def test_a_mapped_export_reads_as_the_contract_file(mapped, demo_dir):
    assert errors(mapped) == []
    a, b = load(demo_dir), load(mapped)
    for name in ("survey", "learning_survey"):
        x, y = a.tables[name], b.tables[name]
        assert list(x.columns) == list(y.columns)
        for c in x.columns:
            if x[c].dtype.kind == "f":
                np.testing.assert_array_equal(x[c].to_numpy(), y[c].to_numpy())
            else:
                assert x[c].astype(object).tolist() == y[c].astype(object).tolist(), (name, c)
    assert set(b.sha256) >= {"nettskjema_69659.csv", "questback_laering.sav"}


@pytest.mark.parametrize("change, line, words", [
    (lambda m: m.update(surevy=m.pop("survey")), None,
     "a contract file: one of offices, participants, survey"),
    (lambda m: m["survey"]["rename"].update(Svardato="response_dato"), None,
     "a column of survey: did you mean 'response_date'?"),
    (lambda m: m["survey"]["recode"]["employment"].update({"Vet ikke": "dont_know"}), None,
     "one of ordinary_paid, subsidised, education, work_training, none"),
    (lambda m: m["survey"]["recode"]["mastery_1"].update({"Enig": 5}), None,
     "a value in 1–4 (or 8/9 missing codes)"),
    (lambda m: m["survey"].update(file="nettskjema_69695.csv"), None,
     ("the export named for 'survey' is not in the data directory: did you mean "
      "'nettskjema_69659.csv'?")),
    (lambda m: m["survey"].update(sheet="Svar"), None,
     "sheet: the name of a sheet, for an .xlsx export only"),
    (lambda m: m["survey"].update(file="../survey.csv"), None,
     "the name of a .csv, .xlsx or .sav file in the data directory (no folders)"),
    (lambda m: m["survey"]["rename"].update(Arbeidssituasjon=UNMATCHED), None,
     "not matched yet"),
    (lambda m: m["survey"]["rename"].update(Svardatoo="response_date"), None,
     "each contract column from one export column"),
    (lambda m: m["survey"]["recode"]["employment"].update({"15076500565": "none"}), None,
     "holds what looks like a Norwegian national identity number (not shown)"),
    (lambda m: m["survey"].update(sorting="x"), None, "one of file, sheet, rename, recode"),
])
def test_mapping_problems_are_listed_with_line_and_column(mapped, change, line, words):
    set_mapping(mapped, change)
    code, text = run_cli("validate", "--data", str(mapped), "--receipts",
                         str(mapped.parent / "receipts"))
    assert code == 1 and "Traceback" not in text
    hits = [x for x in text.splitlines() if x.startswith("ERROR: mapping.yml, row ")
            and words in x]
    assert hits, text[-3000:]
    assert not DIGIT_RUN.search(text)


def test_rename_of_a_column_the_export_lacks_is_named(mapped):
    set_mapping(mapped, lambda m: m["survey"]["rename"].update(Svardat="response_date") or
                m["survey"]["rename"].pop("Svardato"))
    errs = errors(mapped)
    assert any("mapping.yml" in e and "'Svardat'" in e and "did you mean 'Svardato'?" in e
               for e in errs), errs


def test_a_value_the_recode_does_not_cover_is_named_by_the_validator(mapped):
    s = pd.read_csv(mapped / "nettskjema_69659.csv", dtype=str, keep_default_na=False)
    s.loc[3, "Arbeidssituasjon"] = "Pensjonist"
    s.to_csv(mapped / "nettskjema_69659.csv", index=False)
    errs = errors(mapped)
    assert any(e.startswith("nettskjema_69659.csv, row 5, column 'employment': value "
                            "'Pensjonist'") for e in errs), errs


def test_a_mapping_with_yaml_anchors_or_broken_yaml_is_refused(mapped):
    (mapped / MAPPING_FILE).write_text("survey: &a {file: x.csv}\nse_log: *a\n",
                                       encoding="utf-8")
    assert any("mapping.yml, row 1" in e and "anchors or aliases" in e for e in errors(mapped))
    (mapped / MAPPING_FILE).write_text("survey: {file: [\n", encoding="utf-8")
    assert any(e.startswith("mapping.yml") and "not valid YAML" in e for e in errors(mapped))


def test_the_fingerprint_covers_the_mapping_and_its_exports(mapped):
    fp = fingerprint(mapped)
    assert {MAPPING_FILE, "nettskjema_69659.csv", "questback_laering.sav",
            "offices.csv"} <= set(fp)
    before = fp[MAPPING_FILE]
    set_mapping(mapped, lambda m: m["survey"]["recode"]["employment"].update({"Ukjent": 9}))
    assert fingerprint(mapped)[MAPPING_FILE] != before


def test_the_build_fingerprint_covers_the_mapping(mapped):
    from pku_eval.cache import data_fingerprint

    fp = data_fingerprint(mapped)
    assert MAPPING_FILE in fp and "nettskjema_69659.csv" in fp


def test_draft_matches_names_labels_and_marks_what_it_cannot(tmp_path, demo_dir):
    """An SPSS export with Norwegian column names and value labels: the draft renames what it
    recognises (Kjønn → gender), recodes the labels onto codes, marks the rest."""
    import pyreadstat

    p = read(demo_dir, "participants")
    out = pd.DataFrame({
        "Deltaker_id": p["participant_id"], "Kontor": p["office"], "Gruppe": p["arm"],
        "Randomisert": pd.to_numeric(p["randomised"]),
        "Dato_for_inklusjon": p["enrolled_date"],
        "Fødselsår": pd.to_numeric(p["birth_year"]),
        "kjønn": p["gender"].map({"kvinne": 1.0, "mann": 2.0}),
        "Hovedytelse": p["main_benefit"], "Utdanning": p["education"],
        "Innvandrer": pd.to_numeric(p["immigrant"]), "q99": 1.0})
    out.loc[0, "kjønn"] = 3.0
    path = tmp_path / "export.sav"
    pyreadstat.write_sav(out, str(path), variable_value_labels={
        "kjønn": {1.0: "Kvinne", 2.0: "Mann", 3.0: "Annet/vil ikke svare"}})
    text = draft(path)
    m = yaml.safe_load(text)
    assert list(m) == ["participants"]
    entry = m["participants"]
    assert entry["file"] == "export.sav"
    assert entry["rename"]["kjønn"] == "gender" and entry["rename"]["Fødselsår"] == "birth_year"
    assert entry["recode"]["gender"] == {"Kvinne": "kvinne", "Mann": "mann",
                                         "Annet/vil ikke svare": UNMATCHED}
    assert "q99" in text.split("not matched")[1].splitlines()[0]
    assert "P-0" not in text  # no id is ever written into a mapping


def test_map_draft_command_writes_once_and_the_result_validates(mapped, tmp_path):
    """`map --draft` on the survey export: the starting mapping it writes is refused only for
    what it marked; filled in, the data validate."""
    d = tmp_path / "fresh"
    d.mkdir()
    src = mapped / "nettskjema_69659.csv"
    (d / src.name).write_bytes(src.read_bytes())
    code, text = run_cli("map", "--draft", str(d / src.name))
    assert code == 0, text
    assert "wrote" in text and (d / MAPPING_FILE).exists()
    code, text = run_cli("map", "--draft", str(d / src.name))
    assert code == 1 and "exists already" in text and "Traceback" not in text
    m = yaml.safe_load((d / MAPPING_FILE).read_text(encoding="utf-8"))
    entry = m["survey"]
    assert entry["rename"]["Svardato"] == "response_date"
    assert entry["rename"]["Måletidspunkt"] == "wave"
    assert entry["recode"]["employment"]["Ordinært arbeid"] == "ordinary_paid"
    assert entry["recode"]["employment"]["Vet ikke"] == "8"
    code, text = run_cli("map", "--draft", str(d / src.name), "--out", "-")
    assert code == 0 and text.startswith("# mapping.yml drafted from nettskjema_69659.csv")
    entries, problems = read_mapping(d)
    assert "survey" in entries and not any("survey" in str(p) and "rename" in str(p)
                                           for p in problems)


def test_value_labels_of_an_sav_export_are_recoded(mapped):
    entries, problems = read_mapping(mapped)
    assert problems == []
    assert entries["learning_survey"].recode["role"]["Veileder"] == "veileder"
    tables = load(mapped).tables
    assert set(tables["learning_survey"]["role"].dropna()) <= {
        "veileder", "jobbveileder", "leder", "annet"}
    assert set(ROLE_LABELS.values()) and set(EMPLOYMENT_TEXT) and SURVEY_RENAME


def test_which_chapters_a_mapped_file_concerns(mapped):
    """What the build's per-chapter cache keys need: an export counts as the contract file it
    is mapped onto, and mapping.yml concerns every chapter."""
    from pku_eval.mapping import contract_names, reads_file

    names = contract_names(mapped)
    assert names["nettskjema_69659.csv"] == "survey" and names["offices.csv"] == "offices"
    assert reads_file("nettskjema_69659.csv", frozenset({"survey"}), names)
    assert not reads_file("nettskjema_69659.csv", frozenset({"se_log"}), names)
    assert reads_file(MAPPING_FILE, frozenset({"se_log"}), names)
    assert reads_file("se_log.csv", None, names)
