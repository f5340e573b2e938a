"""The report's glossary, reference list and lists of tables and figures (pku_eval.appendices),
the links from citations to the reference list, and the title of an English report."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from pku_eval import appendices
from pku_eval.params import parse_params
from pku_eval.report import report_title
from pku_eval.text import t


def terms(language: str) -> list[str]:
    return [e["term"][language] for e in appendices.glossary()]


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_glossary_has_the_report_s_terms_once_each(language):
    found = terms(language)
    assert len(found) == len(set(found))
    text = " ".join(found)
    for word in {"nb": ("SE", "ITT", "KI", "REML", "MCAR", "MNAR", "Hasardratio", "RMST",
                        "Holm", "Rubins regler", "Kaplan–Meier", "Mantel–Haenszel",
                        "McDonalds omega", "Greenwoods varians", "Cochrans Q og I²"),
                 "en": ("SE", "ITT", "CI", "REML", "MCAR", "MNAR", "Hazard ratio", "RMST",
                        "Holm", "Rubin's rules", "Kaplan–Meier", "Mantel–Haenszel",
                        "McDonald's omega", "Greenwood variance", "Cochran's Q and I²")}[language]:
        assert word in text, word


def test_the_glossary_sorts_as_a_norwegian_reader_expects():
    assert sorted(["Ørn", "Zebra", "Åker", "Ærlig", "abc"], key=appendices.sort_key) == [
        "abc", "Zebra", "Ærlig", "Ørn", "Åker"]
    html = appendices.glossary_html("nb", 12)
    shown = re.findall(r"<dt>(.*?)</dt>", html)
    assert shown == sorted(shown, key=appendices.sort_key) and len(shown) == len(terms("nb"))


def test_the_reference_list_has_the_methods_and_the_trial_s_documents():
    cites = {r["cite"]["en"] for r in appendices.references()}
    for cite in ("Schulz et al. 2010", "ICH 2019", "White et al. 2011", "Rubin 1987",
                 "Newcombe 1998", "Jacobson and Truax 1991", "Miller et al. 2003", "Holm 1979",
                 "Kaplan and Meier 1958", "Cox 1972", "Royston and Parmar 2013",
                 "Mantel and Haenszel 1959", "Breit et al. 2016", "KLAR-prosjektet 2017",
                 "Barnard and Rubin 1999", "Bauer et al. 2008", "Wilson 1927",
                 "Greenland and Robins 1985", "Little 1988", "Cronbach 1951",
                 "Pearlin and Schooler 1978", "Cochran 1954", "Higgins and Thompson 2002",
                 "Greenwood 1926", "McDonald 1999"):
        assert cite in cites, cite
    keys = [r["key"] for r in appendices.references()]
    assert len(keys) == len(set(keys))


def test_every_citation_in_the_glossary_is_in_the_reference_list():
    """A term's explanation cites its method; the reference list must hold every one."""
    for language in ("nb", "en"):
        cites = {r["cite"][language] for r in appendices.references()}
        for entry in appendices.glossary():
            for group in re.findall(r"\(([^()]*\d{4})\)", entry["text"][language]):
                for cite in group.split("; "):
                    assert cite in cites, (language, cite)


#: A short citation as the texts write it: "Cox 1972", "Kaplan og Meier 1958", "White mfl. 2011".
CITE = re.compile(r"^[A-ZÆØÅ][\w–-]+"
                  r"(?: (?:og|and) [A-ZÆØÅ][\w–-]+| mfl\.| et al\.)? \d{4}$")


def catalogue_texts(language: str) -> dict[str, dict[str, str]]:
    """file name → key → text of the text catalogues of ``language`` (read as plain YAML)."""
    import yaml

    from pku_eval.text import CATALOGUE_DIR

    return {path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
            for path in sorted((CATALOGUE_DIR / language).glob("*.yml"))}


#: Names with a year that are no citation: a guideline's name (its statement is Schulz et al.).
NOT_CITES = {"CONSORT 2010"}


def cites_in(text: str) -> list[str]:
    """The short citations in a text: the parts of a parenthesis that read as one."""
    found = []
    for group in re.findall(r"\(([^()]*\d{4})\)", text):
        for part in re.split(r"; |, ", group):
            if CITE.match(part.strip()) and part.strip() not in NOT_CITES:
                found.append(part.strip())
    return found


@pytest.mark.parametrize("language", ["nb", "en"])
def test_every_citation_in_the_chapter_texts_is_in_the_reference_list(language):
    cites = {r["cite"][language] for r in appendices.references()}
    for name, texts in catalogue_texts(language).items():
        for key, text in texts.items():
            for cite in cites_in(text):
                assert cite in cites, (language, name, key, cite)


#: The methods each chapter's texts name and cite (#15, #16): the work behind each estimator.
CITED = {
    "employment": {"Newcombe 1998", "Wilson 1927", "Cox 1972", "Kaplan og Meier 1958", "ICH 2019",
                   "Royston og Parmar 2013", "Mantel og Haenszel 1959",
                   "Greenland og Robins 1985", "Rubin 1987", "Barnard og Rubin 1999",
                   # Greenwood's variance, Cochran's Q and I² (#15)
                   "Greenwood 1926", "Cochran 1954", "Higgins og Thompson 2002"},
    "survey_waves": {"Cronbach 1951", "Little 1988", "White mfl. 2011", "Pearlin og Schooler 1978",
                     "Rubin 1987", "Barnard og Rubin 1999", "Bauer mfl. 2008",
                     "McDonald 1999"},                                  # McDonald's omega (#15)
    "participants": {"Schulz mfl. 2010"},                               # CONSORT 2010 (#15)
    "summary": {"Holm 1979"},
}

#: The methods a text names, each with the citation that must follow it in the same text
#: (#15): a name without its work is a method the reader cannot look up.
NAMED = {
    "nb": [("employment", "Greenwoods varians", "Greenwood 1926"),
           ("employment", "Cochrans Q", "Cochran 1954"),
           ("employment", "I²", "Higgins og Thompson 2002"),
           ("survey_waves", "McDonalds omega", "McDonald 1999"),
           ("participants", "CONSORT 2010", "Schulz mfl. 2010")],
    "en": [("employment", "Greenwood variances", "Greenwood 1926"),
           ("employment", "Cochran's Q", "Cochran 1954"),
           ("employment", "I²", "Higgins and Thompson 2002"),
           ("survey_waves", "McDonald's omega", "McDonald 1999"),
           ("participants", "CONSORT 2010", "Schulz et al. 2010")],
}

#: The new methods' entries (#15): (key, what the entry must hold, its DOI or None).
NEW_REFERENCES = [
    ("cochran1954", "Cochran, W. G. (1954). The combination of estimates from different "
                    "experiments. Biometrics, 10(1), 101–129.", "10.2307/3001666"),
    ("higgins2002", "Higgins, J. P. T. & Thompson, S. G. (2002). Quantifying heterogeneity in a "
                    "meta-analysis. Statistics in Medicine, 21(11), 1539–1558.", "10.1002/sim.1186"),
    ("greenwood1926", "Greenwood, M. (1926). The natural duration of cancer. Reports on Public "
                      "Health and Medical Subjects, No. 33. London:", None),
    ("mcdonald1999", "McDonald, R. P. (1999). Test Theory: A Unified Treatment. Mahwah, NJ: "
                     "Lawrence Erlbaum.", None),
    ("schulz2010", "Schulz, K. F., Altman, D. G. & Moher, D. (2010). CONSORT 2010 Statement: "
                   "updated guidelines for reporting parallel group randomised trials. BMJ, 340, "
                   "c332.", "10.1136/bmj.c332"),
]


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_chapters_cite_the_methods_they_use(language):
    english = {r["cite"]["nb"]: r["cite"]["en"] for r in appendices.references()}
    texts = catalogue_texts(language)
    for chapter, expected in CITED.items():
        found = {c for text in texts[chapter].values() for c in cites_in(text)}
        want = expected if language == "nb" else {english[c] for c in expected}
        assert want <= found, (chapter, language, want - found)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_every_method_named_is_cited_where_it_is_named(language):
    """Each method #15 found named without its work is cited in the very text that names it,
    and the citation becomes a link to its entry in the reference list."""
    texts = catalogue_texts(language)
    by_cite = {r["cite"][language]: r["key"] for r in appendices.references()}
    for chapter, name, cite in NAMED[language]:
        naming = [key for key, text in texts[chapter].items() if name in text]
        assert naming, (chapter, name)
        for key in naming:
            text = texts[chapter][key]
            if key.endswith("_caption"):     # a caption names it; its note or text cites it
                continue
            assert cite in cites_in(text), (language, chapter, key, cite)
            linked = appendices.link_citations(f"<body><p>{text}</p></body>", language)
            assert f'<a class="pku-cite" href="#ref-{by_cite[cite]}">{cite}</a>' in linked


@pytest.mark.parametrize("key, text, doi", NEW_REFERENCES)
def test_the_new_methods_references_are_whole(key, text, doi):
    entry = {r["key"]: r for r in appendices.references()}[key]
    assert entry["group"] == "methods"
    for language in ("nb", "en"):
        assert entry["text"][language].startswith(text), (key, language)
        if doi is None:
            assert "doi.org" not in entry["text"][language]
        else:
            assert entry["text"][language].endswith(f" https://doi.org/{doi}")
    out = appendices.references_html("en", 13)
    item = re.search(rf'<li id="ref-{key}">(.*?)</li>', out).group(1)
    links = re.findall(r'<a class="pku-doi" href="([^"]+)">', item)
    assert links == ([] if doi is None else [f"https://doi.org/{doi}"])


def test_a_doi_is_a_link_and_may_break_on_a_narrow_screen():
    out = appendices.references_html("en", 13)
    entry = re.search(r'<li id="ref-newcombe1998">(.*?)</li>', out).group(1)
    href = re.search(r'<a class="pku-doi" href="([^"]+)">(.*?)</a>', entry)
    assert href.group(1) == ("https://doi.org/10.1002/(SICI)1097-0258(19980430)17:8%3C873::"
                             "AID-SIM779%3E3.0.CO;2-I")
    assert "<wbr>" in href.group(2)
    assert re.sub(r"<wbr>", "", href.group(2)) == (
        "https://doi.org/10.1002/(SICI)1097-0258(19980430)17:8&lt;873::AID-SIM779&gt;3.0.CO;2-I")
    holm = re.search(r'<li id="ref-holm1979">(.*?)</li>', out).group(1)
    assert "<a" not in holm  # no DOI: plain text


def test_citations_link_to_the_reference_list_only_in_text():
    body = ('<html><head><title>Newcombe 1998</title></head><body>'
            '<h3 class="pku-section">Holm 1979</h3>'
            '<p class="pku-text">Newcombes intervall (Newcombe 1998; Holm 1979).</p>'
            '<img alt="Newcombe 1998"/><a href="#x">Newcombe 1998</a>'
            '<p>Not a cite: Newcombe 19981, Cox 1972-style.</p></body></html>')
    out = appendices.link_citations(body, "nb")
    links = re.findall(r'<a class="pku-cite" href="#ref-([a-z0-9-]+)">(.*?)</a>', out)
    assert links == [("newcombe1998", "Newcombe 1998"), ("holm1979", "Holm 1979")]
    assert '<title>Newcombe 1998</title>' in out and 'alt="Newcombe 1998"' in out
    assert '<h3 class="pku-section">Holm 1979</h3>' in out
    assert "Newcombe 19981" in out and "Cox 1972-style" in out


def test_the_lists_of_tables_and_figures_link_every_caption():
    body = ('<figure class="pku-table" id="tab-4-1"><figcaption><span class="pku-label">'
            'Tabell 4.1</span> Hovedresultatet</figcaption></figure>'
            '<figure class="pku-figure" id="fig-2-3"><img alt="x"/><figcaption>'
            '<span class="pku-label">Figur 2.3</span> Flytdiagram</figcaption></figure>')
    out = appendices.lists_html(body, "nb", 14)
    assert re.findall(r'href="#([^"]+)"', out) == ["tab-4-1", "fig-2-3"]
    assert "Hovedresultatet" in out and "Flytdiagram" in out
    assert out.index(t("list_tables", "nb")) < out.index(t("list_figures", "nb"))


class Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs = set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href", "").startswith("#ref-"):
            self.hrefs.append(a["href"][1:])


@pytest.mark.parametrize("language", ["nb", "en"])
def test_every_reference_has_an_anchor_a_citation_can_reach(language):
    html = appendices.references_html(language, 13) + appendices.link_citations(
        "<body><p>" + " ".join(f"({r['cite'][language]})" for r in appendices.references())
        + "</p></body>", language)
    parser = Ids()
    parser.feed(html)
    assert len(parser.hrefs) == len(appendices.references())
    assert set(parser.hrefs) <= parser.ids


def params(**extra):
    raw = {"stage": "final", "title": t("default_title_final", "nb"),
           "cutoff_date": "2017-06-30", "chapters": ["summary"]} | extra
    return parse_params(raw, check_notebooks=False)


def test_an_english_report_has_an_english_title():
    assert report_title(params()) == t("default_title_final", "nb")
    assert report_title(params(language="en")) == t("default_title_final", "en")
    assert report_title(params(language="en", title_en="PKU: the final report")) == (
        "PKU: the final report")
    # a title of one's own stays as written when no English one is given
    assert report_title(params(language="en", title="Min rapport")) == "Min rapport"
    # a filtered report names its project or office, in its language
    assert report_title(params(language="en", filter={"project": "klar"})) == (
        t("default_title_final", "en") + " – project KLAR")
    assert report_title(params(filter={"office": "royken"})) == (
        t("default_title_final", "nb") + " – NAV Røyken")


def test_the_shipped_params_use_the_default_titles():
    """The English default title is recognised by the Norwegian default: they stay in step."""
    from pku_eval import config
    from pku_eval.params import read_params

    for stage in ("interim", "final"):
        p = read_params(config.PARAMS_DIR / f"{stage}.yml")
        assert p.title == t(f"default_title_{stage}", "nb")


def test_title_en_must_be_text():
    from pku_eval.errors import ParamsError

    with pytest.raises(ParamsError, match="title_en"):
        params(title_en=["x"])


@pytest.mark.slow
def test_the_built_report_has_its_appendices_and_links_its_citations(built):
    html = (built / "final" / "report.html").read_text(encoding="utf-8")
    parser = Ids()
    parser.feed(html)
    for anchor in ("glossary", "references", "lists", "provenance"):
        assert anchor in parser.ids
        assert f'<li><a href="#{anchor}">' in html      # in the table of contents
    order = [html.index(f'id="{a}"') for a in ("glossary", "references", "lists", "provenance")]
    assert order == sorted(order)
    assert parser.hrefs and set(parser.hrefs) <= parser.ids  # every citation reaches its entry
    for key, _, _ in NEW_REFERENCES:                      # the methods #15 found uncited
        assert f"ref-{key}" in parser.hrefs and f"ref-{key}" in parser.ids, key
    lists = html[html.index('id="lists"'):html.index('id="provenance"')]
    listed = re.findall(r'<a href="#((?:tab|fig)-[0-9-]+)">', lists)
    shown = re.findall(r'<figure class="pku-(?:table|figure)" id="((?:tab|fig)-[0-9-]+)"', html)
    assert sorted(listed) == sorted(shown) and len(shown) > 20
