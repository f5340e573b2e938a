"""The codebook for people (pku_eval.codebook_tables): the standalone page `pku-eval codebook`
writes, in the document's language and the report's style, and where each question's wording
comes from."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from pku_eval import cli, codebook, codebook_tables
from pku_eval.text import catalogue


class Page(HTMLParser):
    """The page's language, style text, column headers and cell texts."""

    def __init__(self):
        super().__init__()
        self.lang, self.style, self.headers, self.cells = None, "", [], []
        self._in = None

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        if tag in ("style", "th", "td"):
            self._in = tag
            if tag in ("th", "td"):
                (self.headers if tag == "th" else self.cells).append("")

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "style":
            self.style += data
        elif self._in == "th":
            self.headers[-1] += data
        elif self._in == "td":
            self.cells[-1] += data


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("codebook")
    parsed = {}
    for lang in ("nb", "en"):
        assert cli.main(["codebook", "--language", lang, "--out", str(out)]) == 0
        page = Page()
        page.feed((out / f"codebook-{lang}.html").read_text(encoding="utf-8"))
        parsed[lang] = page
    return parsed


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_page_is_in_its_language_with_the_report_s_style(pages, lang):
    page = pages[lang]
    assert page.lang == lang
    assert "}}" not in page.style and "{{" not in page.style
    assert ".pku-table" in page.style          # the report's stylesheet
    other = "en" if lang == "nb" else "nb"
    own = set(catalogue().texts[lang].values())
    foreign = set(catalogue().texts[other].values()) - own
    assert page.headers and all(h in own for h in page.headers)
    assert not set(page.headers) & foreign


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_no_cell_says_true_or_false(pages, lang):
    assert not {"True", "False"} & set(pages[lang].cells)
    assert catalogue().texts[lang]["cbk_yes"] in pages[lang].cells


def test_the_page_shows_every_question_s_wording_and_its_source(pages):
    cells = pages["nb"].cells
    for v in codebook.SURVEY.variables:
        assert v.label("nb") in cells
    assert "Pearlin og Schooler 1978" in cells
    assert codebook_tables.DRAFTED_SHORT[0] in cells
    assert codebook_tables.DRAFTED_SHORT[1] in pages["en"].cells


def test_published_wording_is_told_apart_from_drafted_wording():
    assert not codebook_tables.wording_is_drafted("mastery_3")
    assert not codebook_tables.wording_is_drafted("ors_social")
    for name in ("satisfaction_1", "participation_4", "arenas_2", "followup_6",
                 "collaboration_5", "would_recommend"):
        assert codebook_tables.wording_is_drafted(name), name
    assert codebook_tables.wording_source("office") == ""      # not a question
    rows = {r["variable"]: r for r in codebook_tables.dictionary("en")}
    assert rows["mastery_1"]["wording"] == "Pearlin and Schooler 1978"
    assert rows["research_1"]["wording"] == codebook_tables.DRAFTED_WORDING[1]


def test_scales_show_their_answer_scale_and_natural_norwegian():
    rows = {r["scale"]: r for r in codebook_tables.scale_rows("nb")}
    assert rows["mastery"]["anchors"] == "1 = svært uenig … 4 = svært enig"
    assert rows["satisfaction"]["anchors"].startswith("1 = svært misfornøyd")
    scales = [r["scale"] for r in codebook_tables.dictionary("nb") if r["scale"]]
    assert "Mestring (snudd)" in scales and not any("snus" in s for s in scales)
