"""The report's deliveries and frame (docs/report-spec.md, "Output"): tables.xlsx, report.pdf
(real WeasyPrint), DEMO marking by the data folder's marker alone, the title page, the index
page beside the report folders, ``--version`` and the codebook page. Real parts throughout:
the fast tests render real tables through the publishing path; the slow ones build."""

from __future__ import annotations

import html as html_lib
import json
import re
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import run_build

from pku_eval import __version__, cli, config, safety
from pku_eval.audit import read_tables
from pku_eval.deliver import deliver, write_tables_xlsx
from pku_eval.demo_marker import DEMO_MARKER, is_demo, mark_demo
from pku_eval.index_page import INDEX_MARKER, is_ours, update_index
from pku_eval.params import read_params

openpyxl = pytest.importorskip("openpyxl")


# ------------------------------------------------------------------------------ helpers

def _page(tables_html: str, lang: str = "nb") -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>t</title>'
            f'</head><body><main>{tables_html}</main></body></html>')


@pytest.fixture
def report_dir(tmp_path) -> Path:
    """A report page of two real tables from the publishing path, one with withheld cells."""
    import pandas as pd

    from pku_eval.disclosure import Policy
    from pku_eval.publish import Column, table_html

    df = pd.DataFrame({"office": ["NAV Moss", "NAV Rygge", "Jobbhuset"],
                       "due": [40, 35, 3], "answered": [30, 20, 2]})
    cols = [Column("office", "Kontor"), Column("due", "Forfalt (n)", "count"),
            Column("answered", "Besvart (n)", "count")]
    t1, hidden = table_html(df, cols, policy=Policy(5), language="nb", number="3.2",
                            caption="Svar per kontor", source="deltakerundersøkelsen")
    assert hidden >= 2
    t2, _ = table_html(df.iloc[:2], cols, policy=Policy(5), language="nb", number="3.3",
                       caption="Bare store kontorer", source="deltakerundersøkelsen")
    d = tmp_path / "rep"
    d.mkdir()
    (d / "report.html").write_text(_page(t1 + "<p>tekst</p>" + t2), encoding="utf-8")
    return d


@pytest.fixture(autouse=True)
def pdf_on(monkeypatch):
    """The suite turns the PDF off for its builds (tests/conftest.py); here it is the subject."""
    monkeypatch.setenv("PKU_EVAL_PDF", "1")


def test_the_pdf_switch_skips_only_the_pdf(report_dir, monkeypatch, capsys):
    monkeypatch.setenv("PKU_EVAL_PDF", "0")
    made = deliver(report_dir, "[final]")
    assert made["report.pdf"] is None and made["tables.xlsx"].is_file()
    assert "PKU_EVAL_PDF=0" in capsys.readouterr().err


def _xlsx_matches_report(d: Path) -> int:
    """tables.xlsx of ``d`` against the tables of its report.html; returns the tables seen."""
    tables = read_tables((d / "report.html").read_text(encoding="utf-8"))
    wb = openpyxl.load_workbook(d / "tables.xlsx")
    assert wb.sheetnames == [t.number for t in tables]
    for tab in tables:
        ws = wb[tab.number]
        assert ws["A1"].value == tab.caption and tab.caption.split(" ")[1] == tab.number
        assert ws["A2"].value == tab.source and ws["A2"].value.startswith(("Kilde", "Source"))
        rows = [[("" if v is None else v) for v in r]
                for r in ws.iter_rows(min_row=4, values_only=True)]
        assert rows[0][:len(tab.headers)] == tab.headers
        shown = [r[:len(tab.headers)] for r in rows[1:]]
        assert shown == [r + [""] * (len(tab.headers) - len(r)) for r in tab.rows], tab.number
        assert all(isinstance(v, str) for r in shown for v in r)  # as printed, never re-typed
    return len(tables)


# ------------------------------------------------------------------------------ tables.xlsx

def test_xlsx_one_sheet_per_table_with_caption_source_and_the_printed_cells(report_dir):
    write_tables_xlsx(report_dir)
    assert _xlsx_matches_report(report_dir) == 2
    ws = openpyxl.load_workbook(report_dir / "tables.xlsx")["3.2"]
    assert ws["A1"].value == "Tabell 3.2 Svar per kontor"
    assert "* = færre enn 5" in ws["A2"].value
    cells = [c for r in ws.iter_rows(min_row=5, values_only=True) for c in r]
    assert cells.count("*") >= 2 and "2" not in cells and "3" not in cells


def test_the_parser_reads_caption_and_source(report_dir):
    tabs = read_tables((report_dir / "report.html").read_text(encoding="utf-8"))
    assert [t.caption for t in tabs] == ["Tabell 3.2 Svar per kontor",
                                         "Tabell 3.3 Bare store kontorer"]
    assert tabs[1].source == "Kilde: deltakerundersøkelsen."


# ------------------------------------------------------------------------------ report.pdf

def test_without_weasyprint_the_html_stays_and_one_line_says_how(report_dir, monkeypatch,
                                                                capsys):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` fails
    made = deliver(report_dir, "[final]")
    assert made["report.pdf"] is None and not (report_dir / "report.pdf").exists()
    assert (report_dir / "tables.xlsx").is_file() and (report_dir / "report.html").is_file()
    err = capsys.readouterr().err.splitlines()
    hint, = [ln for ln in err if "report.pdf" in ln]  # one line about the PDF
    assert "not written" in hint and "pip install weasyprint" in hint
    assert "print it to PDF" in hint
    assert any("tables.xlsx" in ln for ln in err)


def test_pdf_of_a_small_page_is_real(report_dir):
    pytest.importorskip("weasyprint")
    pypdf = pytest.importorskip("pypdf")
    deliver(report_dir)
    reader = pypdf.PdfReader(report_dir / "report.pdf")
    text = _norm("".join(p.extract_text() for p in reader.pages))
    assert _norm("Tabell 3.2 Svar per kontor") in text


def _norm(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s).split())


# ------------------------------------------------------------------------------ DEMO marker

def test_demo_data_command_marks_its_folder_in_every_format(tmp_path):
    for fmt in ("csv", "xlsx"):
        out = tmp_path / fmt
        assert cli.main(["demo-data", "--out", str(out), "--participants", "40",
                         "--format", fmt]) == 0
        assert (out / DEMO_MARKER).is_file() and is_demo(out)


def test_only_the_marker_makes_demo_data(tmp_path, demo_dir):
    assert not is_demo(demo_dir)  # write_demo alone writes the seven tables, nothing else
    d = tmp_path / "d"
    d.mkdir()
    (d / DEMO_MARKER).write_text("not json", encoding="utf-8")
    assert not is_demo(d)
    (d / DEMO_MARKER).unlink()
    (d / DEMO_MARKER).symlink_to(mark_demo(tmp_path))
    assert not is_demo(d)  # a symlink is not the suite's marker
    (tmp_path / "e").mkdir()
    mark_demo(tmp_path / "e", seed=1)
    assert is_demo(tmp_path / "e")


# ------------------------------------------------------------------------------ title page

def test_title_of_a_filtered_report_names_the_project_or_office():
    from pku_eval.params import read_params
    from pku_eval.report import page_css, report_title

    p = read_params(config.PARAMS_DIR / "final.yml")
    assert report_title(p) == p.title
    assert report_title(replace(p, filter={"project": "klar"})) == f"{p.title} – prosjekt KLAR"
    assert report_title(replace(p, filter={"office": "moss"})) == f"{p.title} – NAV Moss"
    en = replace(p, language="en", filter={"project": "ungjobb"})
    # the shipped Norwegian title reads in English in an English report (#15)
    en_title = report_title(replace(p, language="en"))
    assert en_title != p.title and en_title.startswith("Practice and knowledge")
    assert report_title(en) == f"{en_title} – project Ung@jobb"
    assert page_css("nb") == '"Side " counter(page) " av " counter(pages)'


@pytest.mark.parametrize("lang, status, words", [
    ("nb", "draft", ("Utkast", "versjon 2.1")), ("nb", "final", ("Endelig", "versjon 2.1")),
    ("en", "draft", ("Draft", "version 2.1")), ("en", "final", ("Final", "version 2.1"))])
def test_title_page_shows_authors_institution_status_and_version(monkeypatch, lang, status,
                                                                 words):
    """The params' authors, institution, status and report version (#15) on the title page,
    and the status and version in the running header of every screen and printed page."""
    from pku_eval import version
    from pku_eval.report import render

    monkeypatch.setattr(version, "git_state", lambda: ("unknown", False))
    p = replace(read_params(config.PARAMS_DIR / "final.yml"), language=lang, status=status,
                authors=("Kari Nordmann", "Ola Nordmann"), institution="AFI & Proba",
                report_version="2.1")
    html = render([], p, {}, {}, "2026-12-03 02:00")
    head, rest = html.split('<header class="pku-titlepage">', 1)
    title = rest.split("</header>", 1)[0]
    assert '<p class="pku-authors">Kari Nordmann, Ola Nordmann</p>' in title
    assert '<p class="pku-institution">AFI &amp; Proba</p>' in title
    assert f'<dd class="pku-status">{words[0]}</dd>' in title
    assert (f'<dd class="pku-version"><span class="pku-report-version">2.1</span> · '
            f"pku-eval {__version__}</dd>") in title
    runhead = re.search(r'<div class="pku-runhead">(.*?)</div>', head, re.DOTALL).group(1)
    assert f"· {words[0]} · {words[1]} ·" in runhead                    # every screen
    page = re.search(r"@top-center \{ content: (\"[^\"]*\")", head).group(1)
    assert f"· {words[0]} · {words[1]}" in page                         # every printed page
    # without the optional keys: no empty lines, the package version alone, a draft
    bare = replace(p, authors=(), institution=None, report_version=None, status="draft")
    title = render([], bare, {}, {}, "x").split('<header class="pku-titlepage">', 1)[1]
    title = title.split("</header>", 1)[0]
    assert "pku-authors" not in title and "pku-institution" not in title
    assert f'<dd class="pku-version">pku-eval {__version__}</dd>' in title
    assert ("Utkast" if lang == "nb" else "Draft") in title


# ------------------------------------------------------------------------------ index page

def _fake_report(parent: Path, name: str, stage: str, demo: bool) -> Path:
    d = safety.mark(parent / name, safety.REPORT)
    (d / "report.html").write_text(
        f'<!DOCTYPE html><html lang="nb"><head><meta content="{stage}" name="pku-stage"/>'
        f'<meta content="" name="pku-filter"/><meta content="2016-12-31" name="pku-cutoff"/>'
        f'<meta content="{"demo" if demo else "real"}" name="pku-data"/></head><body>'
        f'<p class="pku-stage">{stage.title()}</p><h1>PKU {stage}</h1>'
        f'<dd class="pku-build-time">2026-12-01 10:00</dd></body></html>', encoding="utf-8")
    return d


def test_index_lists_every_report_folder_and_is_rewritten(tmp_path):
    _fake_report(tmp_path, "final", "final", demo=True)
    (tmp_path / "final" / "report.pdf").write_bytes(b"%PDF")
    _fake_report(tmp_path, "interim", "interim", demo=False)
    (tmp_path / "notes").mkdir()                      # not a report folder: not listed
    page = update_index(tmp_path).read_text(encoding="utf-8")
    assert is_ours(tmp_path / "index.html") and INDEX_MARKER in page
    assert page.index('href="interim/report.html"') < page.index('href="final/report.html"')
    assert 'href="final/report.pdf"' in page and 'href="interim/report.pdf"' not in page
    assert "DEMO" in page and "ekte data" in page and "2016-12-31" in page
    assert "notes" not in page
    shutil.rmtree(tmp_path / "interim")
    page = update_index(tmp_path).read_text(encoding="utf-8")
    assert "interim/report.html" not in page


def test_someone_elses_index_is_left_alone(tmp_path, capsys):
    _fake_report(tmp_path, "final", "final", demo=False)
    theirs = "<html><head><meta name='generator' content='pku-eval'></head>mine</html>"
    (tmp_path / "index.html").write_text(theirs, encoding="utf-8")
    assert update_index(tmp_path) is None
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == theirs
    assert "left alone" in capsys.readouterr().err


# ------------------------------------------------------------------------------ CLI

def test_version():
    res = subprocess.run([sys.executable, "-m", "pku_eval.cli", "--version"],
                         capture_output=True, text=True, timeout=60, check=False)
    assert res.returncode == 0
    assert re.fullmatch(rf"pku-eval {re.escape(__version__)}( \([0-9a-f]{{7}}\+?\))?\n",
                        res.stdout)


@pytest.mark.parametrize("lang, words", [("nb", ("Variabel", "Beskrivelse", "Påkrevd fil",
                                                  "ja", "nei")),
                                          ("en", ("Variable", "Description", "Required file",
                                                  "yes", "no"))])
def test_codebook_page(tmp_path, lang, words):
    assert cli.main(["codebook", "--language", lang, "--out", str(tmp_path)]) == 0
    page = (tmp_path / f"codebook-{lang}.html").read_text(encoding="utf-8")
    assert "}}" not in page and "{{" not in page
    assert not re.search(r">(True|False)<", page)
    cells = set(re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", page))
    assert all(w in cells or w in page for w in words)
    if lang == "nb":
        assert not {"label", "required_file", "unique"} & cells
        # ('variable' is also a column of the optional wording file: a cell may name it)
        assert "variable" not in set(re.findall(r"<th[^>]*>([^<]*)</th>", page))


# ------------------------------------------------------------------------------ builds

@pytest.mark.slow
@pytest.mark.parametrize("stage", ["interim", "final"])
def test_built_report_has_its_deliveries(built, stage, demo_dir):
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("weasyprint")
    d = built / stage
    html = (d / "report.html").read_text(encoding="utf-8")
    # tables.xlsx: every table, exactly as shown
    assert _xlsx_matches_report(d) >= 20
    # report.pdf: paginated, with every table's caption
    reader = pypdf.PdfReader(d / "report.pdf")
    assert len(reader.pages) > 10
    text = _norm("\n".join(p.extract_text() for p in reader.pages))
    for tab in read_tables(html):
        assert _norm(tab.caption) in text, tab.caption
    last = _norm(reader.pages[-1].extract_text())
    assert f"Side{len(reader.pages)}av{len(reader.pages)}" in last
    # the title page: status, version with commit, data source (the folder: no marker here)
    title = re.search(r'<header class="pku-titlepage">.*?</header>', html, re.DOTALL).group(0)
    assert ("Utkast" if stage == "interim" else "Endelig") in title  # params: status
    assert f"pku-eval {__version__}" in title
    params = read_params(config.PARAMS_DIR / f"{stage}.yml")  # authors, institution, version
    for shown in (", ".join(params.authors), params.institution, params.report_version):
        assert html_lib.escape(shown, quote=False) in title, shown
    assert f">{demo_dir.name}<" in title
    assert "DEMO" not in html.split("</header>", 1)[0]  # unmarked data: not DEMO
    # the index beside the report folders
    index = (built / "index.html").read_text(encoding="utf-8")
    assert is_ours(built / "index.html")
    for s in ("interim", "final"):
        if (built / s).exists():
            assert f'href="{s}/report.html"' in index and f'href="{s}/report.pdf"' in index


@pytest.mark.slow
def test_demo_data_say_demo_on_every_page_and_unmarked_data_do_not(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("weasyprint")
    data = tmp_path / "demo-data"
    assert cli.main(["demo-data", "--out", str(data)]) == 0
    res = run_build("interim.yml", data, tmp_path / "reports" / "demo", pdf=True)
    assert res.returncode == 0, res.stderr
    assert re.search(r"tables\.xlsx \([0-9.]+ s\), report\.pdf \([0-9.]+ s\) written", res.stderr)
    d = tmp_path / "reports" / "demo"
    html = (d / "report.html").read_text(encoding="utf-8")
    head, rest = html.split('<header class="pku-titlepage">', 1)
    assert '<span class="pku-demo-tag">DEMO</span>' in head.split("<main", 1)[1]  # header
    assert "DEMO" in rest.split("</header>", 1)[0]                              # title page
    assert "demodata" in rest.split("</header>", 1)[0]
    reader = pypdf.PdfReader(d / "report.pdf")
    assert len(reader.pages) > 10
    assert all("DEMO" in p.extract_text() for p in reader.pages)  # the running header
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert 'class="demo">DEMO<' in index

    plain = tmp_path / "plain-data"
    shutil.copytree(data, plain)
    (plain / DEMO_MARKER).unlink()
    res = run_build("interim.yml", plain, tmp_path / "reports" / "plain", pdf=True)
    assert res.returncode == 0, res.stderr
    html = (tmp_path / "reports" / "plain" / "report.html").read_text(encoding="utf-8")
    assert "DEMO" not in html.split("</header>", 1)[0]
    assert 'class="pku-demo-tag"' not in html
    assert '<meta name="pku-data" content="real">' in html  # as the template writes it
    reader = pypdf.PdfReader(tmp_path / "reports" / "plain" / "report.pdf")
    assert not any("DEMO" in p.extract_text() for p in reader.pages[:3])
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert index.count("<tr class=") == 2 and "ekte data" in index
    json.loads((tmp_path / "reports" / "plain" / "results.json").read_text(encoding="utf-8"))


def test_no_index_in_a_home_or_project_folder(capsys):
    assert update_index(config.PROJECT_ROOT) is None
    assert not (config.PROJECT_ROOT / "index.html").exists()
    assert "no index page" in capsys.readouterr().err
