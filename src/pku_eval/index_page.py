"""``index.html`` beside the report folders (``reports/index.html``, or the parent folder of
``--out``): one row per report folder there — stage, filter, cut-off, build time, demo or real
data, links to the HTML, the PDF and the tables workbook. Every build rewrites it, but only an
index the suite wrote itself: it carries ``<meta name="generator" content="pku-eval …">`` and
the marker comment :data:`INDEX_MARKER`; any other ``index.html`` is left alone, with a notice.

What a row shows is read back from each report's own page (its ``pku-*`` meta tags and title
page), so the index needs no other record and lists reports built by earlier builds too.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from pathlib import Path

from . import __version__, safety
from .cache import log
from .text import t

#: the comment that marks an index page as the suite's own (with the generator meta tag)
INDEX_MARKER = "<!-- pku-eval:index — written by pku-eval; rewritten by every build -->"
_GENERATOR = re.compile(r'<meta name="generator" content="pku-eval[ "]')  # as we write it
_STAGE_ORDER = {"interim": 0, "final": 1}


@dataclass(frozen=True)
class Entry:
    folder: str
    title: str
    stage: str
    stage_label: str
    filter: str
    cutoff: str
    built: str
    demo: bool
    language: str
    files: tuple[str, ...]   # report.html, report.pdf, tables.xlsx: those present


def _meta(head: str, name: str) -> str:
    """The content of ``<meta name=…>`` in either attribute order (nbconvert reorders them)."""
    for tag in re.findall(r"<meta\s[^>]*>", head):
        if re.search(rf'\bname="{re.escape(name)}"', tag):
            m = re.search(r'\bcontent="([^"]*)"', tag)
            return html.unescape(m.group(1)) if m else ""
    return ""


def _text(page: str, pattern: str) -> str:
    m = re.search(pattern, page, re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).strip() if m else ""


def read_entry(folder: Path) -> Entry | None:
    """What the index shows of one report folder (None when it is not a report folder the
    suite made, or its page cannot be read)."""
    page_path = folder / "report.html"
    if safety.marked_as(folder) != safety.REPORT or not page_path.is_file():
        return None
    try:
        with page_path.open(encoding="utf-8", errors="replace") as f:
            page = f.read(200_000)  # the head and the title page
    except OSError:
        return None
    head = page.split("</head>", 1)[0]
    lang = _text(page, r'<html lang="([a-z]+)"') or "nb"
    return Entry(
        folder=folder.name,
        title=_text(page, r'<h1>(.*?)</h1>') or _text(head, r"<title>(.*?)</title>"),
        stage=_meta(head, "pku-stage"),
        stage_label=_text(page, r'<p class="pku-stage">(.*?)</p>'),
        filter=_meta(head, "pku-filter"),
        cutoff=_meta(head, "pku-cutoff"),
        built=_text(page, r'<dd class="pku-build-time">(.*?)</dd>'),
        demo=_meta(head, "pku-data") == "demo",
        language=lang,
        files=tuple(n for n in ("report.html", "report.pdf", "tables.xlsx")
                    if (folder / n).is_file()))


def is_ours(path: Path) -> bool:
    """True when ``path`` is an index page the suite wrote (generator meta and marker)."""
    try:
        if path.is_symlink() or not path.is_file():
            return False
        with path.open(encoding="utf-8", errors="replace") as f:
            head = f.read(4096)
    except OSError:
        return False
    return INDEX_MARKER in head and bool(_GENERATOR.search(head))


def index_html(entries: list[Entry], language: str) -> str:
    lang = language
    rows = []
    for e in entries:
        links = " · ".join(
            f'<a href="{html.escape(e.folder)}/{n}">{n.rsplit(".", 1)[1].upper()}</a>'
            for n in e.files)
        demo = (f'<span class="demo">{html.escape(t("demo_tag", lang))}</span>' if e.demo
                else html.escape(t("index_data_real", lang)))
        rows.append(
            f'<tr class="{"is-demo" if e.demo else "is-real"}">'
            f'<td><a href="{html.escape(e.folder)}/report.html">{html.escape(e.folder)}</a><br>'
            f'<small>{html.escape(e.title)}</small></td>'
            f"<td>{html.escape(e.stage_label or e.stage)}</td>"
            f"<td>{html.escape(e.filter or '–')}</td>"
            f'<td class="num">{html.escape(e.cutoff)}</td>'
            f'<td class="num">{html.escape(e.built)}</td>'
            f'<td>{demo}</td><td class="num">{links}</td></tr>')
    head = "".join(f"<th>{html.escape(h)}</th>" for h in (
        t("index_folder", lang), t("index_report", lang), t("index_filter", lang),
        t("cutoff", lang), t("built", lang), t("index_data", lang), t("index_links", lang)))
    title = t("index_title", lang)
    return f"""<!DOCTYPE html>
{INDEX_MARKER}
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="generator" content="pku-eval {html.escape(__version__)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{html.escape(title)}</title>
<style>
body {{ font-family: "Source Sans 3", "Segoe UI", "Helvetica Neue", Arial, sans-serif;
       color: #1d1d1f; margin: 2rem auto; max-width: 72rem; padding: 0 1.5rem; }}
table {{ border-collapse: collapse; width: 100%; font-size: .92rem; }}
th, td {{ text-align: left; vertical-align: top; padding: .35rem .6rem;
          border-bottom: 1px solid #d9d9de; }}
thead th {{ border-bottom: 2px solid #1d1d1f; }}
td.num {{ white-space: nowrap; font-variant-numeric: tabular-nums; }}
small {{ color: #5f6368; }}
.demo {{ background: #b00020; color: #fff; font-weight: 800; letter-spacing: .12em;
         padding: .05rem .45rem; border-radius: 3px; }}
a {{ color: #0072B2; }}
</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<p>{html.escape(t("index_intro", lang))}</p>
<table>
<thead><tr>{head}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</body>
</html>
"""


def update_index(parent: Path) -> Path | None:
    """Rewrite ``parent/index.html`` from the report folders in ``parent``; leave someone
    else's ``index.html`` alone (with a notice). Returns the page written, or None. Never
    fails a build: a problem is a notice."""
    parent = safety.expand(parent)
    target = parent / "index.html"
    why = safety._protected(parent, None)  # never into /, a home or the project's own folders
    if why is not None:
        log(f"notice: no index page written in {parent}, because {why}")
        return None
    try:
        if (target.exists() or target.is_symlink()) and not is_ours(target):
            log(f"notice: {target} was not written by pku-eval, so it was left alone "
                "(remove or rename it to get the list of reports there)")
            return None
        entries = [e for e in (read_entry(p) for p in sorted(parent.iterdir())
                               if p.is_dir() and not p.name.startswith("."))
                   if e is not None]
        entries.sort(key=lambda e: (bool(e.filter), e.filter,
                                    _STAGE_ORDER.get(e.stage, 9), e.folder))
        langs = {e.language for e in entries}
        language = "en" if langs == {"en"} else "nb"
        tmp = parent / f".index.html.tmp-{os.getpid()}"
        tmp.write_text(index_html(entries, language), encoding="utf-8")
        os.replace(tmp, target)
        return target
    except OSError as exc:
        log(f"notice: {target} not updated ({exc.strerror or exc})")
        return None


__all__ = ["INDEX_MARKER", "Entry", "index_html", "is_ours", "read_entry", "update_index"]
