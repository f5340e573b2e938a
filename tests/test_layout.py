"""The report's assembly (#15): the summary's key findings open the report, tables carry what
a narrow screen needs to show each row as a card, a static warning is no alert, and the page
style has no inner scroll boxes. The browser test measures the result in Chromium."""

from __future__ import annotations

import re
from pathlib import Path

from pku_eval import config
from pku_eval.report import front_summary, stackable_tables, static_document, summary_number

TABLE = ('<figure class="pku-table" id="tab-8-1"><figcaption>Tabell 8.1 Nøkkeltall'
         '</figcaption><div class="table-wrap"><table><thead><tr>'
         '<th data-kind="text" scope="col">Nøkkeltall</th>'
         '<th data-kind="text" scope="col">Estimat</th>'
         '<th data-kind="text" scope="col">95 % KI</th>'
         '<th data-kind="text" scope="col">p</th>'
         '<th data-kind="text" scope="col">Tolkning</th></tr></thead><tbody>'
         '<tr><td>Hovedresultat &amp; mer</td><td>13,5</td><td>4,4 til 22,6</td><td>–</td>'
         '<td>KI-et utelukker 0.</td></tr>'
         '<tr><td>Varsler</td><td>6</td><td>–</td><td>–</td><td>6 varsler.</td></tr>'
         '<tr><td>KOR</td><td>–</td><td>–</td><td>–</td><td>Ikke tilgjengelig.</td></tr>'
         '</tbody></table></div></figure>')
CHAPTER = ('<h2 class="pku-chapter" id="kap-8"><span class="pku-num">8</span> Oppsummering</h2>'
           '<p class="pku-text">Slik leses tabellen.</p>'
           '<h3 class="pku-section" id="kap-8-1"><span class="pku-num">8.1</span> Nøkkeltall</h3>'
           '<p class="pku-text">9 av 9 nøkkeltall finnes.</p>' + TABLE)


def test_every_cell_carries_its_column_header_and_a_role():
    out = stackable_tables(TABLE)
    assert '<table role="table">' in out and '<tbody role="rowgroup">' in out
    assert '<th data-kind="text" scope="col" role="columnheader">Estimat</th>' in out
    assert '<td role="cell" data-label="Nøkkeltall">Hovedresultat &amp; mer</td>' in out
    assert '<td role="cell" data-label="95 % KI">4,4 til 22,6</td>' in out
    assert out.count('<tr role="row">') == 4
    # a table without a header row (the provenance appendix) is left as it is
    plain = "<table><tbody><tr><td>a</td></tr></tbody></table>"
    assert stackable_tables(plain) == plain
    # a table with its own attributes (the provenance's reading table) gets the same
    classed = stackable_tables(TABLE.replace("<table>", '<table class="pku-reading">'))
    assert '<table class="pku-reading" role="table">' in classed
    assert 'data-label="95 % KI"' in classed
    assert stackable_tables(classed) == classed   # once only


def test_a_warning_is_a_note_not_an_alert():
    out = static_document('<div class="pku-warning" role="alert"><strong>x</strong></div>')
    assert 'role="alert"' not in out and 'role="note"' in out


def test_the_summary_opens_with_the_key_findings_of_the_summary_chapter():
    out = front_summary(CHAPTER, 8, "nb")
    assert out.startswith('<section class="pku-front"')
    assert '<h2 class="pku-chapter" id="pku-summary">Sammendrag</h2>' in out
    assert "9 av 9 nøkkeltall finnes." in out and "Slik leses" not in out
    items = re.findall(r"<li>(.*?)</li>", out)
    assert items == [("<strong>Hovedresultat &amp; mer</strong>: 13,5 (95 % KI 4,4 til 22,6). "
                      "KI-et utelukker 0."),
                     "<strong>Varsler</strong>: 6 varsler.",  # the count once
                     "<strong>KOR</strong>: Ikke tilgjengelig."]
    assert '<a href="#tab-8-1">Tabell 8.1 i kapittel 8' in out
    # no summary chapter, or one without a table: nothing
    assert front_summary(CHAPTER, None, "nb") == ""
    assert front_summary(CHAPTER.replace(TABLE, ""), 8, "nb") == ""


def test_the_summary_chapter_is_the_one_that_reads_the_others_results():
    notebooks = [Path(f"{n}.ipynb") for n in ("data_quality", "participants", "summary")]
    assert summary_number(notebooks) == 3
    assert summary_number(notebooks[:2]) is None


def test_the_template_places_the_summary_after_the_title_page():
    template = (config.TEMPLATES_DIR / "pku" / "index.html.j2").read_text(encoding="utf-8")
    assert template.index("</header>") < template.index("<!--PKU-SUMMARY-->") \
        < template.index('<nav class="pku-toc"')


def test_the_style_has_no_inner_scroll_box_and_large_enough_targets():
    css = (config.TEMPLATES_DIR / "report.css").read_text(encoding="utf-8")
    # only the sidebar (a list of links, reachable by keyboard) scrolls on its own
    outside_sidebar = re.sub(r"\.pku-toc \{[^}]*\}", "", css)
    assert not re.search(r"overflow(-[xy])?:\s*(auto|scroll)", outside_sidebar)
    assert "max-height: 40rem" not in css
    assert re.search(r"\.pku-toc a \{[^}]*min-height: 24px", css)
    assert "attr(data-label)" in css


def test_an_image_without_alternative_text_gets_one(tmp_path):
    """The report's exporter leaves out nbconvert's BeautifulSoup pass (#19) but, like it,
    gives an image without alternative text nbconvert's; an image with one keeps it."""
    import nbformat

    from pku_eval.params import read_params
    from pku_eval.report import render

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output(
        "display_data", {"text/html": '<p><img src="a.png"> <IMG class="x" src="b.png">'
                                      '<img alt="Figur 1" src="c.png"></p>'}),
        nbformat.v4.new_output("display_data", {"image/png": "iVBORw0KGgo="})]
    nb.cells = [cell]
    path = tmp_path / "one.ipynb"
    nbformat.write(nb, path)
    page = render([path], read_params(config.PARAMS_DIR / "final.yml"), {}, {}, "x")
    tags = re.findall(r"<img\b[^>]*>", page, re.I)
    assert len(tags) == 4 and all(re.search(r"\balt=", t) for t in tags), tags
    assert '<img alt="No description has been provided for this image" src="a.png">' in page
    assert '<img alt="Figur 1" src="c.png">' in page
