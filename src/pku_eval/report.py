"""Assembling the report: executed chapter notebooks → one self-contained HTML file with a
title page, a static table of contents, the appendices (glossary, references, lists of tables
and figures: pku_eval.appendices) and a provenance appendix."""

from __future__ import annotations

import html
import importlib.metadata
import re
from pathlib import Path

import nbformat
import yaml

from . import __version__, config
from .appendices import glossary_html, link_citations, lists_html, references_html
from .params import Params
from .text import fmt_date, t

HEADING = re.compile(
    r'<h([23]) class="pku-(chapter|section)" id="([^"]+)">(.*?)</h\1>', re.DOTALL)
TABLE = re.compile(r"<table>(.*?)</table>", re.DOTALL)
ANY_TABLE = re.compile(r"<table(\s[^>]*)?>(.*?)</table>", re.DOTALL)  # with attributes too
CELL = re.compile(r"<t([dh])([^>]*)>(.*?)</t\1>", re.DOTALL)
ROW = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)

PACKAGES = ("pandas", "numpy", "scipy", "statsmodels", "pingouin", "lifelines", "matplotlib",
            "seaborn", "papermill", "nbconvert", "nbformat", "ipykernel", "pyarrow", "openpyxl",
            "pyreadstat")


def combine(notebooks: list[Path]) -> nbformat.NotebookNode:
    """One notebook of all chapters' displayed outputs (streams and errors dropped)."""
    out = nbformat.v4.new_notebook()
    out.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                  "language": "python"}
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            outputs = [o for o in cell.get("outputs", [])
                       if o.get("output_type") in ("display_data", "execute_result")]
            if not outputs:
                continue
            new = nbformat.v4.new_code_cell(source="")
            new["id"] = f"{path.stem}-{len(out.cells)}"  # deterministic (not random) ids
            new.outputs = outputs
            for o in new.outputs:
                if o.get("output_type") == "execute_result":
                    o["execution_count"] = None
            out.cells.append(new)
    return out


def toc_html(body: str) -> str:
    """Static links to every chapter and section heading in ``body``."""
    items: list[tuple[int, str, str]] = []
    for level, _, anchor, inner in HEADING.findall(body):
        text = re.sub(r"<[^>]+>", " ", inner)
        text = re.sub(r"\s+", " ", text).strip()
        items.append((int(level), anchor, text))
    out = ["<ol>"]
    open_sub = False
    for level, anchor, text in items:
        if level == 2:
            if open_sub:
                out.append("</ol></li>")
                open_sub = False
            elif len(out) > 1:
                out.append("</li>")
            out.append(f'<li><a href="#{anchor}">{html.escape(text, quote=False)}</a>')
        else:
            if not open_sub:
                out.append("<ol>")
                open_sub = True
            out.append(f'<li><a href="#{anchor}">{html.escape(text, quote=False)}</a></li>')
    if open_sub:
        out.append("</ol></li>")
    elif len(out) > 1:
        out.append("</li>")
    out.append("</ol>")
    return "\n".join(out)


def _plain(markup: str) -> str:
    """The text of an HTML fragment: tags dropped, white space collapsed (entities kept)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)).strip()


def _cells(row: str) -> list[str]:
    return [c[2] for c in CELL.findall(row)]


def stackable_tables(body: str) -> str:
    """Every published table (one with a header row) with its column header on each cell
    (``data-label``: on a narrow screen each row becomes a card of "header: value" lines) and
    explicit ARIA roles, so that a screen reader still reads a table when CSS lays it out as
    blocks."""
    def one(m: re.Match) -> str:
        attrs, inner = m.group(1) or "", m.group(2)
        head = re.search(r"<thead>(.*?)</thead>", inner, re.DOTALL)
        if head is None or "role=" in attrs:
            return m.group(0)
        headers = [html.escape(html.unescape(_plain(c)), quote=True)
                   for c in _cells(head.group(1))]

        def row(rm: re.Match) -> str:
            out = []
            for i, c in enumerate(CELL.finditer(rm.group(1))):
                kind, attrs, content = c.groups()
                if kind == "h":
                    role = "columnheader" if 'scope="col"' in attrs else "rowheader"
                    attrs += f' role="{role}"'
                else:
                    label = f' data-label="{headers[i]}"' if i < len(headers) else ""
                    attrs += f' role="cell"{label}'
                out.append(f"<t{kind}{attrs}>{content}</t{kind}>")
            return '<tr role="row">' + "".join(out) + "</tr>"

        inner = ROW.sub(row, inner)
        inner = inner.replace("<thead>", '<thead role="rowgroup">').replace(
            "<tbody>", '<tbody role="rowgroup">')
        return f'<table{attrs} role="table">{inner}</table>'

    return ANY_TABLE.sub(one, body)


def static_document(body: str) -> str:
    """A report is a document read at leisure: no live regions (a warning box is a note, not
    an alert a screen reader would interrupt with)."""
    return re.sub(r'\srole="alert"', ' role="note"', body)


def summary_number(notebooks: list[Path]) -> int | None:
    """The number of the chapter that reads the other chapters' results (its spec says so):
    the report's summary, whose key findings open the report."""
    from .chapters.spec import spec_of

    for i, path in enumerate(notebooks, 1):
        if spec_of(path.stem).reads_results:
            return i
    return None


def front_summary(body: str, number: int | None, language: str) -> str:
    """The key findings right after the title page ("Sammendrag"), written from the summary
    chapter's first table as published (key figure, estimate, confidence interval, reading:
    disclosure control already applied) and the sentence that counts them, with a link to
    the full table. Empty when the report has no summary chapter or it has no table."""
    if number is None:
        return ""
    fig = re.search(rf'<figure class="pku-table" id="tab-{number}-1">(.*?)</figure>', body,
                    re.DOTALL)
    section = re.search(rf'id="kap-{number}-1">.*?</h3>(.*?)<figure class="pku-table"', body,
                        re.DOTALL)
    if fig is None:
        return ""
    table = TABLE.search(fig.group(1))
    head = re.search(r"<thead>(.*?)</thead>", table.group(1), re.DOTALL) if table else None
    if head is None:
        return ""
    ci_header = _plain(_cells(head.group(1))[2])
    items = []
    for row in ROW.findall(re.search(r"<tbody>(.*?)</tbody>", table.group(1), re.DOTALL).group(1)):
        cells = [_plain(c) for c in _cells(row)]
        label, estimate, ci, reading = cells[0], cells[1], cells[2], cells[-1]
        if estimate in ("–", "") or (ci in ("–", "") and reading.startswith(estimate)):
            # not available (the reading says why), or a count the reading states itself
            items.append(f"<li><strong>{label}</strong>: {reading}</li>")
            continue
        value = estimate if ci in ("–", "") else f"{estimate} ({ci_header} {ci})"
        items.append(f"<li><strong>{label}</strong>: {value}. {reading}</li>")
    lead = "".join(re.findall(r'<p class="pku-text">.*?</p>', section.group(1), re.DOTALL)) \
        if section else ""
    more = html.escape(t("front_summary_more", language,
                         table=f"{t('table', language)} {number}.1", chapter=number))
    return (f'<section class="pku-front" aria-labelledby="pku-summary">'
            f'<h2 class="pku-chapter" id="pku-summary">'
            f'{html.escape(t("front_summary", language))}</h2>{lead}'
            f'<ul class="pku-findings">{"".join(items)}</ul>'
            f'<p class="pku-text"><a href="#tab-{number}-1">{more}</a></p></section>')


def git_state() -> tuple[str, bool]:
    """(commit, dirty) of the project checkout; ('unknown', False) outside git."""
    from .version import git_state as state

    return state()


def package_versions() -> dict[str, str]:
    out = {"pku-eval": __version__}
    for name in PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def reading_html(reading: dict | None, language: str) -> str:
    """How each contract file was read (:func:`pku_eval.io.reading`, as the processed data
    record it): the file, format, separator, decimal mark, encoding, line endings, sheet and
    header row, and the mapping applied; empty without a record."""
    if not reading:
        return ""
    from .codebook import FILES

    lang = language

    def cell(v) -> str:
        return "–" if v in (None, "") else html.escape(str(v))

    rows = []
    for name in [n for n in FILES if n in reading] + sorted(set(reading) - set(FILES)):
        r = reading[name]
        sep, decimal, m = r.get("separator"), r.get("decimal"), r.get("mapping")
        enc = r.get("encoding")  # utf8, utf8_bom, cp1252 or ascii
        sheet = ", ".join(x for x in (
            t("prov_sheet", lang, sheet=r["sheet"]) if r.get("sheet") else "",
            t("prov_header_row", lang, row=r["header_row"]) if r.get("header_row") else "")
            if x)
        mapping = t("prov_mapping", lang, line=m["line"], renamed=m["renamed"],
                    recoded=m["recoded"]) if m else None
        rows.append(
            f"<tr><td><code>{html.escape(name)}</code></td>"
            f"<td><code>{html.escape(str(r.get('file', '')))}</code></td>"
            f"<td>{cell(r.get('format'))}</td>"
            f"<td>{f'<code>{html.escape(sep)}</code>' if sep else '–'}</td>"
            f"<td>{cell(t(f'prov_decimal_{decimal}', lang) if decimal else None)}</td>"
            f"<td>{cell(t(f'prov_encoding_{enc}', lang) if enc else None)}</td>"
            f"<td>{cell(r.get('line_endings') if r.get('line_endings') != 'no' else None)}</td>"
            f"<td>{cell(sheet)}</td><td>{cell(mapping)}</td></tr>")
    head = "".join(f'<th scope="col">{html.escape(t(k, lang))}</th>' for k in (
        "prov_col_contract", "prov_col_file", "prov_col_format", "prov_col_separator",
        "prov_col_decimal", "prov_col_encoding", "prov_col_newline", "prov_col_sheet",
        "prov_col_mapping"))
    return (f'<h3>{html.escape(t("prov_reading", lang))}</h3>'
            f'<table class="pku-reading"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def appendix_html(params: Params, sha256: dict[str, str], durations: dict[str, float],
                  built: str, language: str, number: int, reading: dict | None = None) -> str:
    commit, dirty = git_state()
    lang = language
    rows = "".join(f"<tr><td><code>{html.escape(f)}</code></td><td><code>{h}</code></td></tr>"
                   for f, h in sorted(sha256.items()))
    pk = "".join(f"<tr><td>{html.escape(n)}</td><td>{html.escape(v)}</td></tr>"
                 for n, v in package_versions().items())
    ch = "".join(
        f'<tr><td><a href="notebooks/{html.escape(c)}.ipynb">notebooks/{html.escape(c)}.ipynb'
        f'</a></td><td class="num pku-duration">{d:.1f} s</td></tr>'
        for c, d in durations.items())
    params_yaml = yaml.safe_dump(params.notebook_parameters(), allow_unicode=True,
                                 sort_keys=False)
    dirty_note = f" ({t('prov_dirty', lang)})" if dirty else ""
    return (
        f'<section class="pku-appendix"><h2 class="pku-chapter" id="provenance">'
        f'<span class="pku-num">{number}</span> {html.escape(t("provenance", lang))}</h2>'
        f'<p>{html.escape(t("prov_commit", lang))}: <code>{html.escape(commit)}</code>'
        f"{html.escape(dirty_note)}</p>"
        f'<p class="pku-build-time">{html.escape(t("prov_build_time", lang))}: {html.escape(built)}</p>'
        f'<h3>{html.escape(t("prov_chapters", lang))}</h3><table><tbody>{ch}</tbody></table>'
        f'<h3>{html.escape(t("prov_params", lang))}</h3><pre>{html.escape(params_yaml)}</pre>'
        f'<h3>{html.escape(t("prov_data", lang))}</h3><table><tbody>{rows}</tbody></table>'
        f"{reading_html(reading, lang)}"
        f'<h3>{html.escape(t("prov_packages", lang))}</h3><table><tbody>{pk}</tbody></table>'
        "</section>")


def base_title(params: Params) -> str:
    """The title in the report's language: ``title``; in an English report ``title_en`` when
    given, else the English default when ``title`` is the shipped Norwegian default of its
    stage (the catalogues hold both), else ``title`` as written."""
    if params.language != "en":
        return params.title
    if params.title_en:
        return params.title_en
    key = f"default_title_{params.stage}"
    if params.title.strip() == t(key, "nb"):
        return t(key, "en")
    return params.title


def report_title(params: Params) -> str:
    """The report's title; a report filtered to a project or office names it."""
    from .codebook import OFFICES, office_label

    lang = params.language
    title = base_title(params)
    for key, code in (params.filter or {}).items():
        if key == "project":
            name = OFFICES.var("project").code_label(str(code), lang)
            title = t("title_project", lang, title=title, name=name)
        else:
            title = t("title_office", lang, title=title, name=office_label(str(code), lang))
    return title


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (safe inside a ``<style>`` element too)."""
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")
    return '"' + text.replace("\n", " ") + '"'


def page_css(language: str) -> str:
    """The language's page numbers for print (``Side 3 av 79``) as a CSS ``content`` value."""
    a, b = "\x00PAGE\x00", "\x00PAGES\x00"
    text = t("page_of", language, page=a, pages=b)
    out = _css_string(text)
    return (out.replace(a, '" counter(page) "').replace(b, '" counter(pages) "')
            .replace(' ""', "").replace('"" ', ""))


#: An ``<img>`` without alternative text (nbconvert gives it this one, and so does the report)
_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt=)", re.I)
_NO_ALT = "No description has been provided for this image"


def report_exporter():
    """nbconvert's HTML exporter without its last pass: HTMLExporter parses the page it
    rendered with BeautifulSoup to give alternative text to images that lack it and a tab
    stop to the input and output areas of a ``.jp-Notebook``, and writes the page out again
    (#19: more than half of the render's time). The report's template has no
    ``.jp-Notebook`` (no tab stops to add); an image without alternative text gets
    nbconvert's text here, by a search of the page."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            # HTMLExporter.from_notebook_node up to its BeautifulSoup pass
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight = self.filters.get("highlight_code",
                                         Highlight2HTML(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                              resources=resources)
            self.register_filter("highlight_code", highlight)
            self.register_filter("filter_data_type", data_type)
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _IMG_WITHOUT_ALT.sub(f'<img alt="{_NO_ALT}"', page), resources

    return ReportExporter


def render(notebooks: list[Path], params: Params, sha256: dict[str, str],
           durations: dict[str, float], built: str, *, demo: bool = False,
           data_label: str | None = None, reading: dict | None = None,
           offices: list[str] | None = None) -> str:
    """The report as one HTML string. ``demo``: built on demo data (the data folder carries
    the demo marker): DEMO on the title page and in the header of every screen and page.
    ``data_label``: the data folder's name, shown as the data source of real data.
    ``reading``: how each contract file was read (the provenance appendix shows it).
    ``offices``: the offices the report covers, named in its head (``pku-offices``) as its
    title and tables name them in words, for the disclosure audit of a report set."""
    from .version import version_string

    lang = params.language
    nb = combine(notebooks)
    exporter = report_exporter()(
        template_name="pku", extra_template_basedirs=[str(config.TEMPLATES_DIR)],
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
        embed_images=True)
    title = report_title(params)
    status = t(f"status_{params.status}", lang)
    # the running header: stage, status (and the report's version), cut-off
    runhead = " · ".join([t(f"stage_{params.stage}", lang), status]
                         + ([t("runhead_version", lang, version=params.report_version)]
                            if params.report_version else []))
    resources = {"pku": {
        "lang": "nb" if lang != "en" else "en",
        "version": __version__,
        "min_cell": params.min_cell,
        "title": title,
        "css": (config.TEMPLATES_DIR / "report.css").read_text(encoding="utf-8"),
        "page_css": page_css(lang),
        "head_css": _css_string(" · ".join(
            ([t("demo_tag", lang)] if demo else []) + [title, runhead])),
        "contents": t("contents", lang),
        "stage": params.stage,
        "stage_label": t(f"stage_{params.stage}", lang),
        "runhead": runhead,
        "authors": ", ".join(params.authors),
        "institution": params.institution or "",
        "filter": ",".join(f"{k}={v}" for k, v in (params.filter or {}).items()),
        "offices": ",".join(sorted(map(str, offices or []))),
        "cutoff_iso": str(params.cutoff_date),
        "cutoff_label": t("cutoff", lang),
        "cutoff": fmt_date(params.cutoff_date, lang),
        "built_label": t("built", lang),
        "built": built,
        "status_label": t("status", lang),
        "status": status,
        "version_label": t("version", lang),
        "report_version": params.report_version or "",
        "full_version": f"pku-eval {version_string()}",
        "source_label": t("data_source", lang),
        "source": t("data_demo", lang) if demo else (data_label or "–"),
        "demo": demo,
        "demo_tag": t("demo_tag", lang),
        "demo_notice": t("demo_notice", lang),
    }}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    n = len(notebooks)
    appendix = (glossary_html(lang, n + 1) + references_html(lang, n + 2) + "<!--PKU-LISTS-->"
                + appendix_html(params, sha256, durations, built, lang, n + 4, reading))
    body = body.replace("<!--PKU-APPENDIX-->", appendix, 1)
    body = body.replace("<!--PKU-LISTS-->", lists_html(body, lang, n + 3), 1)
    body = body.replace("<!--PKU-SUMMARY-->",
                        front_summary(body, summary_number(notebooks), lang), 1)
    body = link_citations(stackable_tables(static_document(body)), lang)
    return body.replace("<!--PKU-TOC-->", toc_html(body), 1)
