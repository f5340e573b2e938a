"""How each file was read, in the report's provenance appendix (#18): a Norwegian-Excel CSV
delivery (';', decimal comma, Windows-1252, CRLF), an Excel workbook with title rows (sheet and
header row) and a mapped survey-tool export (the mapping applied) are recorded per contract
file by the processed data, and the appendix shows them."""

from __future__ import annotations

import html
import re

import pytest
from test_real_exports import to_mapped_exports, to_norwegian_csv, to_xlsx_with_titles

from pku_eval import config
from pku_eval.params import read_params
from pku_eval.processed import ProcessedStage
from pku_eval.report import reading_html
from pku_eval.store import open_stage, save_stage
from pku_eval.tidy import load, prepare
from pku_eval.validate import validate_dir


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    from pku_eval.demo import write_demo

    d = tmp_path_factory.mktemp("prov") / "data"
    write_demo(d, participants=80)
    return d


def _row(page: str, contract: str) -> list[str]:
    """The cells of the appendix row of one contract file, as text."""
    m = re.search(rf"<tr><td><code>{contract}</code></td>(.*?)</tr>", page)
    assert m, f"no row for {contract}"
    cells = re.findall(r"<td>(.*?)</td>", m.group(1))
    return [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in cells]


def test_a_norwegian_excel_csv_delivery_is_recorded_by_the_stage_and_shown(small, tmp_path,
                                                                           monkeypatch):
    monkeypatch.setattr(config, "PROCESSED_DIR", tmp_path / "processed")  # its own store
    d = tmp_path / "nor"
    to_norwegian_csv(small, d)
    params = read_params(config.PARAMS_DIR / "interim.yml")
    stage = ProcessedStage(d, params, {"x": "y"}, "code")
    save_stage(prepare(load(d), params.cutoff_date, None), stage.folder)
    reading = stage.reading()  # as the build passes it to the report: from the stored stage
    assert reading == open_stage(stage.folder).reading
    s = reading["session_feedback"]
    assert (s["file"], s["format"], s["separator"], s["decimal"], s["line_endings"]) == (
        "session_feedback.csv", "CSV", ";", "comma", "CRLF")
    assert reading["offices"]["encoding"] == "cp1252"  # office names hold æøå
    assert s["encoding"] == "ascii"  # no letter beyond ASCII: the same in both encodings
    assert s["mapping"] is None and s["sheet"] is None and s["header_row"] == 1
    page = reading_html(reading, "nb")
    assert "Slik ble hver datafil lest" in page
    assert _row(page, "session_feedback") == [
        "session_feedback.csv", "CSV", ";", "komma", "ASCII (lik i UTF-8 og Windows-1252)", "CRLF",
        "overskrift på rad 1", "–"]
    assert _row(page, "offices")[4] == "Windows-1252"
    assert "decimal mark" not in page.lower() and "Decimal mark" in reading_html(reading, "en")


def test_an_xlsx_with_title_rows_records_its_sheet_and_header_row(small, tmp_path):
    d = tmp_path / "xlsx"
    to_xlsx_with_titles(small, d)
    files, problems = validate_dir(d)
    assert not [p for p in problems if p.severity == "error"]
    r = files["survey"].reading
    assert (r["file"], r["format"], r["sheet"], r["header_row"], r["separator"]) == (
        "survey.xlsx", "Excel workbook", "Sheet", 3, None)
    page = reading_html({n: f.reading for n, f in files.items()}, "en")
    assert _row(page, "survey") == ["survey.xlsx", "Excel workbook", "–", "–", "–", "–",
                                    "sheet 'Sheet', header on row 3", "–"]


def test_a_mapped_export_records_the_mapping_applied(small, tmp_path):
    d = tmp_path / "mapped"
    to_mapped_exports(small, d)
    files, problems = validate_dir(d)
    assert not [p for p in problems if p.severity == "error"]
    reading = {n: f.reading for n, f in files.items()}
    assert reading["survey"]["file"] == "nettskjema_69659.csv"
    assert reading["survey"]["mapping"] == {"line": 1, "renamed": 5, "recoded": 2,
                                            "sheet": None}
    assert reading["learning_survey"]["format"] == "SPSS .sav"
    assert reading["participants"]["mapping"] is None
    page = reading_html(reading, "en")
    assert _row(page, "survey")[-1] == "mapping.yml (line 1): 5 columns renamed, 2 recoded"
    assert _row(page, "learning_survey")[:2] == ["questback_laering.sav", "SPSS .sav"]
    assert _row(page, "participants")[-1] == "–"
    assert reading_html({}, "en") == ""
