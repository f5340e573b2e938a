"""Real deliveries (#18): the demo data re-saved the way researchers receive them — Norwegian
Excel CSV (';', decimal commas, Windows-1252, CRLF, DD.MM.YYYY), Excel workbooks with title rows,
real date cells and serial numbers, and survey-tool exports read through mapping.yml (renamed
columns, text answers, an SPSS file with value labels) — are read as the same data: the same
typed tables, and (end to end) the same results.json as the original files."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import read, run_build

from pku_eval import config
from pku_eval.codebook import FILES
from pku_eval.demo import write_demo
from pku_eval.tidy import load
from pku_eval.validate import validate_dir

NUMBER_COLUMNS = {v.name for spec in FILES.values() for v in spec.variables if v.kind == "number"}
DATE_COLUMNS = {v.name for spec in FILES.values() for v in spec.variables if v.kind == "date"}


def _files(src: Path) -> list[str]:
    return [n for n in FILES if (src / f"{n}.csv").exists()]


def to_norwegian_csv(src: Path, dst: Path) -> None:
    """Every file as Norwegian Excel saves it: ';', decimal comma, Windows-1252, CRLF,
    DD.MM.YYYY dates."""
    dst.mkdir(parents=True)
    for name in _files(src):
        f = read(src, name)
        for c in f.columns:
            if c in DATE_COLUMNS:
                f[c] = f[c].map(lambda v: f"{v[8:10]}.{v[5:7]}.{v[:4]}" if v else v)
            if c in NUMBER_COLUMNS:
                f[c] = f[c].str.replace(".", ",", regex=False)
        (dst / f"{name}.csv").write_bytes(
            f.to_csv(index=False, sep=";", lineterminator="\r\n").encode("cp1252"))


def to_xlsx_with_titles(src: Path, dst: Path) -> None:
    """Every file as an Excel workbook with two title rows above the header; the dates of
    participants as real date cells, those of the survey as Excel serial numbers."""
    import openpyxl

    dst.mkdir(parents=True)
    for name in _files(src):
        f = read(src, name)
        book = openpyxl.Workbook()
        ws = book.active
        ws.append([f"Uttrekk: {name}"])
        ws.append(["Eksportert fra skjemaverktøyet"])
        ws.append(list(f.columns))
        spec = FILES[name]
        kinds = {c: spec.var(c).kind if c in spec.columns else "text" for c in f.columns}
        for row in f.itertuples(index=False):
            cells = []
            for c, v in zip(f.columns, row):
                if v == "":
                    cells.append(None)
                elif kinds[c] == "date" and name == "participants":
                    cells.append(dt.datetime.strptime(v, "%Y-%m-%d"))
                elif kinds[c] == "date" and name == "survey":
                    cells.append((dt.date.fromisoformat(v) - dt.date(1899, 12, 30)).days)
                elif kinds[c] in ("int", "item", "binary", "number"):
                    cells.append(float(v) if "." in v else int(v))
                else:
                    cells.append(v)
            ws.append(cells)
        book.save(dst / f"{name}.xlsx")


#: The survey tool's names for the survey's columns and its text answers.
SURVEY_RENAME = {"Deltaker": "participant_id", "Måletidspunkt": "wave", "Svardato": "response_date",
                 "Arbeidssituasjon": "employment", "q5": "hours_per_week"}
EMPLOYMENT_TEXT = {"ordinary_paid": "Ordinært arbeid", "subsidised": "Arbeid med lønnstilskudd",
                   "education": "Utdanning", "work_training": "Arbeidstrening",
                   "none": "Ingen aktivitet", "8": "Vet ikke", "9": "Ikke svart"}
MASTERY_TEXT = {"1": "Svært uenig", "2": "Uenig", "3": "Enig", "4": "Svært enig",
                "8": "Vet ikke", "9": "Ikke svart"}
ROLE_LABELS = {1.0: "Veileder", 2.0: "Jobbspesialist", 3.0: "Leder", 4.0: "Annet"}
ROLE_CODES = {"Veileder": "veileder", "Jobbspesialist": "jobbveileder", "Leder": "leder",
              "Annet": "annet"}


def to_mapped_exports(src: Path, dst: Path) -> None:
    """The survey as a Nettskjema-like CSV (its own column names, text answers) and the
    learning survey as an SPSS file with value labels (role as numbers 1–4 labelled in
    Norwegian, renamed columns), with the mapping.yml that reads them; the other files as they
    are."""
    import pyreadstat
    import yaml

    shutil.copytree(src, dst)
    s = read(dst, "survey")
    s["employment"] = s["employment"].map(lambda v: EMPLOYMENT_TEXT.get(v, v))
    s["mastery_1"] = s["mastery_1"].map(lambda v: MASTERY_TEXT.get(v, v))
    back = {v: k for k, v in SURVEY_RENAME.items()}
    s.rename(columns=back).to_csv(dst / "nettskjema_69659.csv", index=False)
    (dst / "survey.csv").unlink()
    ls = read(dst, "learning_survey")
    out = pd.DataFrame({c: ls[c] for c in ls.columns})
    codes = {v: k for k, v in ROLE_CODES.items()}
    by_label = {v: k for k, v in ROLE_LABELS.items()}
    out["role"] = ls["role"].map(lambda r: by_label[codes[r]])
    for c in ls.columns:
        if c.startswith(("arenas_", "sharing_", "research_")) or c in ("tenure_years",
                                                                        "in_project"):
            out[c] = pd.to_numeric(ls[c].replace("", np.nan))
    out = out.rename(columns={"respondent_id": "RespID", "response_date": "Dato"})
    pyreadstat.write_sav(out, str(dst / "questback_laering.sav"),
                         variable_value_labels={"role": ROLE_LABELS},
                         missing_ranges={c: [8, 9] for c in out.columns
                                         if c.startswith(("arenas_", "sharing_", "research_"))})
    (dst / "learning_survey.csv").unlink()
    mapping = {
        "survey": {"file": "nettskjema_69659.csv", "rename": SURVEY_RENAME,
                   "recode": {"employment": {v: k for k, v in EMPLOYMENT_TEXT.items()},
                              "mastery_1": {v: int(k) for k, v in MASTERY_TEXT.items()}}},
        "learning_survey": {"file": "questback_laering.sav",
                            "rename": {"RespID": "respondent_id", "Dato": "response_date"},
                            "recode": {"role": ROLE_CODES}},
    }
    (dst / "mapping.yml").write_text(yaml.safe_dump(mapping, allow_unicode=True,
                                                    sort_keys=False), encoding="utf-8")


VARIANTS = {"norwegian_csv": to_norwegian_csv, "xlsx_titles": to_xlsx_with_titles,
            "mapped": to_mapped_exports}


def _same_tables(a, b) -> None:
    assert set(a.tables) == set(b.tables)
    for name in a.tables:
        x, y = a.tables[name], b.tables[name]
        assert list(x.columns) == list(y.columns), name
        for c in x.columns:
            if x[c].dtype.kind == "f":
                np.testing.assert_allclose(x[c].to_numpy(), y[c].to_numpy(), rtol=0,
                                           atol=1e-9, err_msg=f"{name}.{c}")
            else:
                assert x[c].astype(object).where(x[c].notna(), None).tolist() == \
                    y[c].astype(object).where(y[c].notna(), None).tolist(), f"{name}.{c}"


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_real_world_shapes_give_the_same_tables(variant, demo_dir, tmp_path):
    d = tmp_path / variant
    VARIANTS[variant](demo_dir, d)
    _, problems = validate_dir(d)
    assert not [p for p in problems if p.severity == "error"], \
        [str(p) for p in problems if p.severity == "error"][:10]
    _same_tables(load(demo_dir), load(d))
    notices = "\n".join(str(p) for p in problems)
    if variant == "norwegian_csv":
        assert "offices.csv: read as CSV, ';'-separated, Windows-1252, CRLF line endings" \
            in notices
        assert "learning_survey.csv: read as CSV, ';'-separated, decimal comma" in notices
        assert "written DD.MM.YYYY (the Norwegian form) read as the same dates" in notices
    elif variant == "xlsx_titles":
        assert "participants.xlsx, row 3: the header row is row 3" in notices
        assert "participants.xlsx, column 'enrolled_date': real Excel date cells" in notices
        assert "survey.xlsx, column 'response_date'" in notices and \
            "Excel serial number(s) read as dates" in notices
    else:
        assert "nettskjema_69659.csv: read as CSV" in notices
        assert "questback_laering.sav: read as SPSS .sav" in notices


def test_raw_exports_stay_untouched(demo_dir, tmp_path):
    d = tmp_path / "mapped"
    to_mapped_exports(demo_dir, d)
    before = {p.name: p.read_bytes() for p in d.iterdir() if p.is_file()}
    load(d)
    assert {p.name: p.read_bytes() for p in d.iterdir() if p.is_file()} == before


# ---------------------------------------------------------------- end to end

#: Chapters of the end-to-end comparison: every file the variants change is read by one of them
#: (survey, participants, outcomes, learning_survey); the full list takes minutes per build.
E2E_CHAPTERS = ["data_quality", "participants", "learning_system"]


def _comparable(results: dict) -> dict:
    out = dict(results)
    out.pop("data", None)   # the files' checksums differ by construction
    return out


@pytest.mark.slow
def test_real_world_shapes_build_the_same_results_json(tmp_path):
    import yaml

    src = tmp_path / "original"
    write_demo(src, participants=80)
    params = yaml.safe_load((config.PARAMS_DIR / "interim.yml").read_text(encoding="utf-8"))
    params["chapters"] = E2E_CHAPTERS
    params.pop("compare_with", None)
    pfile = tmp_path / "params.yml"
    pfile.write_text(yaml.safe_dump(params), encoding="utf-8")
    res = run_build(pfile, src, tmp_path / "reports" / "original")
    assert res.returncode == 0, res.stderr[-3000:]
    want = json.loads((tmp_path / "reports" / "original" / "results.json").read_text())
    for variant, convert in VARIANTS.items():
        d = tmp_path / variant
        convert(src, d)
        out = tmp_path / "reports" / variant
        res = run_build(pfile, d, out)
        assert res.returncode == 0, (variant, res.stderr[-3000:])
        got = json.loads((out / "results.json").read_text())
        assert _comparable(got) == _comparable(want), variant
        html = (out / "report.html").read_text(encoding="utf-8")
        if variant == "mapped":
            assert "nettskjema_69659.csv" in html  # the file read is named in the report


@pytest.mark.parametrize("fmt", ["xlsx", "sav"])
def test_the_demo_in_its_other_formats_still_gives_the_same_tables(fmt, tmp_path):
    """The readers behind the new dialects still read what `demo-data --format` writes."""
    from pku_eval.io import convert_dir

    src = tmp_path / "csv"
    write_demo(src, participants=40)
    convert_dir(src, tmp_path / fmt, fmt)
    _same_tables(load(src), load(tmp_path / fmt))
