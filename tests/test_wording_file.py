"""The delivery's question wording (#15): an optional file ``wording`` (csv, xlsx or sav, read
and validated like every other file) whose wording replaces the codebook's wherever the report
labels a question, and the codebook appendix says it was delivered with the data. A delivery
without it works exactly as before."""

from __future__ import annotations

import html
import io
import re
from contextlib import redirect_stderr, redirect_stdout

import pandas as pd
import pytest
from conftest import read, small_project

from pku_eval import cli, codebook, codebook_tables, config
from pku_eval.tidy import load, prepare
from pku_eval.validate import validate_dir

#: A delivered wording with what a real form's text holds: a comma, æøå, a dash, digits.
NB = "Hvor fornøyd er du med hvor lett det er å nå veilederen din, på telefon eller e-post?"
EN = "How satisfied are you with how easy it is to reach your adviser, by phone or e-mail?"
#: The codebook's own (drafted) wording of satisfaction_2.
DRAFT_NB = codebook.SURVEY.var("satisfaction_2").label_nb


@pytest.fixture(autouse=True)
def codebook_wording():
    """Every test ends with the codebook's own wording installed again."""
    codebook.use_wording(None)
    yield
    codebook.use_wording(None)


def wording_frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["variable", "wording_nb", "wording_en"])


def write_wording(d, rows) -> None:
    wording_frame(rows).to_csv(d / "wording.csv", index=False)


def run_validate(d) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(["validate", "--data", str(d)])
    return code, out.getvalue() + err.getvalue()


# ---------------------------------------------------------------- reading and validating

def test_without_the_file_nothing_changes(data_copy):
    files, problems = validate_dir(data_copy)
    assert "wording" not in files
    assert not [p for p in problems if "wording" in p.file]   # not even a notice
    stage = prepare(load(data_copy), "2016-12-31")
    assert stage.wording == {} and "wording" not in stage.rows_used
    from pku_eval.quality import file_summary

    assert "wording" not in set(file_summary(stage)["file"])
    assert codebook_tables.wording_is_drafted("satisfaction_2")


def test_every_problem_of_the_file_is_listed_at_once(data_copy):
    write_wording(data_copy, [
        ("satisfaction_2", NB, EN),                               # row 2: fine
        ("satisfaction_9", "Fornøyd?", "Satisfied?"),             # row 3: unknown
        ("office", "Kontoret", "The office"),                     # row 4: not a question
        ("research_1", "", "I read research"),                    # row 5: empty wording
        ("satisfaction_2", NB, EN),                               # row 6: the same twice
        ("health", "Hvordan er helsen din?", "   "),               # row 7: spaces only
    ])
    code, text = run_validate(data_copy)
    assert code == 1 and "Traceback" not in text
    errors = [line for line in text.splitlines() if line.startswith("ERROR: wording.csv")]
    expected = [
        ("row 3, column 'variable': value 'satisfaction_9'",
         "unknown variable: did you mean 'satisfaction_"),
        ("row 4, column 'variable': value 'office'", "a variable of offices, not a question"),
        ("row 5, column 'wording_nb': value ''", "a value is required (the cell is empty)"),
        ("row 6, column 'variable': value 'satisfaction_2'", "a unique value"),
        ("row 7, column 'wording_en': value '   '", "only spaces"),
    ]
    for where, what in expected:
        assert any(where in line and what in line for line in errors), (where, text)
    assert len(errors) == len(expected), "\n".join(errors)
    # the loader stops on them with the same list, and no other file is blamed
    from pku_eval.errors import DataValidationError

    with pytest.raises(DataValidationError) as exc:
        load(data_copy)
    assert {p.file for p in exc.value.problems if p.severity == "error"} == {"wording.csv"}
    assert {p.row for p in exc.value.problems if p.severity == "error"} == {3, 4, 5, 6, 7}


def test_a_missing_column_is_named(data_copy):
    wording_frame([("satisfaction_2", NB, EN)]).drop(columns=["wording_en"]).to_csv(
        data_copy / "wording.csv", index=False)
    code, text = run_validate(data_copy)
    assert code == 1
    assert "ERROR: wording.csv, column 'wording_en': required column is missing" in text


def _norwegian_csv(d, frame):
    (d / "wording.csv").write_bytes(
        frame.to_csv(index=False, sep=";", lineterminator="\r\n").encode("cp1252"))


def _xlsx_with_titles(d, frame):
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Spørreskjemaenes ordlyd"])
    ws.append(["Eksportert fra skjemaverktøyet"])
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append(list(row))
    book.save(d / "wording.xlsx")


def _sav(d, frame):
    from pku_eval.io import write_table

    write_table(frame, d / "wording.sav")


@pytest.mark.parametrize("shape", [_norwegian_csv, _xlsx_with_titles, _sav],
                         ids=["norwegian_excel_csv", "xlsx_with_titles", "sav"])
def test_every_format_is_read_into_the_stage(data_copy, shape):
    frame = wording_frame([("satisfaction_2", NB, EN),
                           ("would_recommend", "Ville du anbefalt andre å ta inn en "
                            "jobbsøker med oppfølging fra NAV?", "Would you recommend it?"),
                           ("ors_social", "Sosialt: arbeid, skole, venner", "Socially")])
    shape(data_copy, frame)
    files, problems = validate_dir(data_copy)
    assert not [p for p in problems if p.severity == "error"], problems
    assert files["wording"].reading["file"].startswith("wording.")
    stage = prepare(load(data_copy), "2016-12-31")
    assert stage.wording["satisfaction_2"] == (NB, EN)
    assert stage.wording["ors_social"][0] == "Sosialt: arbeid, skole, venner"
    assert stage.rows_used["wording"] == 3 and "wording" not in stage.tables
    assert "wording" in stage.reading      # the provenance's table of how files were read


def test_the_wording_is_no_participant_data(data_copy):
    """No id from the wording: the stage's id hashes are those of the data without it, and
    the text (digits and all) passes the national-id check."""
    from pku_eval.privacy import id_fingerprints, text_has_id

    before = prepare(load(data_copy), "2016-12-31")
    write_wording(data_copy, [("satisfaction_2", NB, EN),
                              ("life_satisfaction", "Alt i alt, hvor fornøyd er du med livet "
                               "ditt nå (0-10, der 10 er best)?", "All in all (0-10)?")])
    stage = prepare(load(data_copy), "2016-12-31")

    def ids(st):
        return id_fingerprints({"participants": st.participants, **dict(st.tables)})

    assert (ids(stage) == ids(before)).all()
    assert not text_has_id(NB + EN, ids(stage))


# ---------------------------------------------------------------- its effect on the labels

def test_a_delivered_wording_replaces_the_codebook_s_everywhere():
    from pku_eval.chapters.data_quality.content import _worded
    from pku_eval.chapters.survey_waves.figures import item_label

    codebook.use_wording({"satisfaction_2": (NB, EN), "mastery_1": ("Mestring 1", "Mastery 1")})
    assert codebook.SURVEY.var("satisfaction_2").label("nb") == NB
    assert codebook.SURVEY.var("satisfaction_2").label("en") == EN
    assert item_label("satisfaction_2", "nb", width=1000) == NB          # figures
    counts = pd.DataFrame({"item": ["satisfaction_2", "satisfaction_3"]})
    assert list(_worded(counts, "survey", "en")["item"]) == [            # tables
        EN, codebook.SURVEY.var("satisfaction_3").label_en]
    assert codebook.SCALES["satisfaction"].label("nb") == "Tilfredshet med oppfølgingen"
    # the appendix: the full text, and where it comes from
    rows = {r["variable"]: r for r in codebook_tables.shown_rows("nb")}
    assert rows["satisfaction_2"]["label"] == NB
    assert rows["satisfaction_2"]["wording"] == codebook_tables.DELIVERED_SOURCE[0]
    assert rows["satisfaction_3"]["wording"] == codebook_tables.DRAFTED_SHORT[0]
    assert rows["mastery_1"]["wording"] == codebook_tables.DELIVERED_SOURCE[0]
    assert not codebook_tables.wording_is_drafted("satisfaction_2")
    assert codebook_tables.wording_is_drafted("satisfaction_3")
    codebook.use_wording(None)
    assert codebook.SURVEY.var("satisfaction_2").label("nb") == DRAFT_NB
    assert codebook_tables.wording_is_drafted("satisfaction_2")


def test_the_stage_carries_the_wording_and_a_chapter_installs_it(data_copy, tmp_path):
    from pku_eval.chapter import Chapter
    from pku_eval.params import load_params
    from pku_eval.store import open_stage, save_stage

    write_wording(data_copy, [("satisfaction_2", NB, EN)])
    save_stage(prepare(load(data_copy), "2016-12-31"), tmp_path / "stage")
    stage = open_stage(tmp_path / "stage")
    assert stage.wording == {"satisfaction_2": (NB, EN)}
    params = load_params(language="nb")
    Chapter("x", 1, stage, params, None)
    assert codebook.SURVEY.var("satisfaction_2").label("nb") == NB
    # a stage without the file: the codebook's wording again (a kernel never keeps another's)
    (data_copy / "wording.csv").unlink()
    Chapter("x", 1, prepare(load(data_copy), "2016-12-31"), params, None)
    assert codebook.SURVEY.var("satisfaction_2").label("nb") == DRAFT_NB


def test_re_deliveries_of_the_file_are_receipted(data_copy):
    write_wording(data_copy, [("satisfaction_2", NB, EN)])
    code, text = run_validate(data_copy)
    assert code == 0, text
    write_wording(data_copy, [("satisfaction_2", NB, EN), ("research_1", "Jeg leser", "I read")])
    code, text = run_validate(data_copy)
    assert code == 0, text
    assert re.search(r"wording\.csv: 1 → 2 rows", text), text


# ---------------------------------------------------------------- a real build

CHAPTERS = ["data_quality", "codebook"]


@pytest.fixture
def project(tmp_path, demo_dir, monkeypatch):
    """A params file of two chapters, a data copy and private caches."""
    return small_project(tmp_path, demo_dir, monkeypatch, CHAPTERS)


def _row(page: str, variable: str) -> str:
    """The text of the codebook appendix's table row of ``variable``."""
    rows = [r for r in re.findall(r"<tr[^>]*>.*?</tr>", page, flags=re.S)
            if re.search(rf"<td[^>]*>{variable}</td>", r)]
    assert len(rows) == 1, rows
    return html.unescape(re.sub(r"<[^>]+>", " ", rows[0]))


@pytest.mark.slow
def test_a_build_shows_the_delivered_wording_and_reruns_when_only_it_changes(project):
    from pku_eval import build as buildmod

    p = project
    write_wording(p["data"], [("satisfaction_2", NB, EN)])

    def run():
        return buildmod.build(p["params"], data_dir=p["data"], out_dir=p["out"])

    assert sorted(run().ran) == sorted(CHAPTERS)
    page = html.unescape((p["out"] / "report.html").read_text(encoding="utf-8"))
    row = _row(page, "satisfaction_2")
    assert NB in row and "levert med dataene" in row and "utkast" not in row
    assert "utkast" in _row(page, "satisfaction_3")        # not delivered: still drafted
    assert DRAFT_NB not in page                              # nowhere the drafted wording
    assert page.count(NB) >= 2    # the appendix and the data-quality chapter's item table
    assert "Levert med dataene: ordlyden er hentet fra filen wording" in page
    # the provenance appendix: how the file was read
    assert re.search(r"<code>wording</code></td><td[^>]*><code>wording\.csv</code>", page)
    # nothing changed: nothing runs
    assert run().up_to_date
    # only the wording file changed: every chapter runs again (each labels with it)
    write_wording(p["data"], [("satisfaction_2", NB + " (revidert)", EN)])
    res = run()
    assert sorted(res.ran) == sorted(CHAPTERS)
    page = html.unescape((p["out"] / "report.html").read_text(encoding="utf-8"))
    assert NB + " (revidert)" in _row(page, "satisfaction_2")
    # the file taken away again: the codebook's wording, marked drafted
    (p["data"] / "wording.csv").unlink()
    assert sorted(run().ran) == sorted(CHAPTERS)
    page = html.unescape((p["out"] / "report.html").read_text(encoding="utf-8"))
    assert "utkast" in _row(page, "satisfaction_2") and NB not in page


def test_the_standalone_codebook_shows_a_deliverys_wording(data_copy, tmp_path):
    """`pku-eval codebook --data DIR`: the page and the dictionary carry the wording the
    delivery brought, marked as delivered; without --data, the codebook's own; a delivery that
    does not validate stops it with its problems, without a traceback."""
    write_wording(data_copy, [("satisfaction_2", NB, EN)])
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(["codebook", "--data", str(data_copy), "--out", str(tmp_path / "a")])
    assert code == 0 and "1 questions in the delivered wording" in out.getvalue()
    page = (tmp_path / "a" / "codebook-nb.html").read_text(encoding="utf-8")
    assert html.escape(NB) in page and "levert med dataene" in page
    assert NB in (tmp_path / "a" / "codebook-nb.csv").read_text(encoding="utf-8")
    assert codebook.delivered_wording("satisfaction_2") is None  # not left installed

    assert cli.main(["codebook", "--out", str(tmp_path / "b")]) == 0
    assert html.escape(NB) not in (tmp_path / "b" / "codebook-nb.html").read_text(
        encoding="utf-8")

    write_wording(data_copy, [("satisfactoin_2", NB, EN)])
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(["codebook", "--data", str(data_copy), "--out", str(tmp_path / "c")])
    assert code == 1 and "wording.csv" in err.getvalue() and "Traceback" not in err.getvalue()
    assert not (tmp_path / "c").exists()
