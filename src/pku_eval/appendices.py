"""The report's reference appendices: the term list ("Ordliste" / "Glossary"), the reference
list ("Litteratur" / "References") and the lists of figures and tables, and the links from the
chapters' short citations ("(Newcombe 1998)") to their entries.

The terms and references are data, in both languages, in ``appendix_data/glossary.yml`` and
``appendix_data/references.yml``; both are read and checked once, on first use.
"""

from __future__ import annotations

import functools
import html
import re
import urllib.parse
from pathlib import Path

import yaml

from .errors import PkuEvalError
from .text import t

DATA_DIR = Path(__file__).resolve().parent / "appendix_data"
LANGUAGES = ("nb", "en")
_KEY = re.compile(r"[a-z][a-z0-9-]*")
#: The reference list's parts, in order: the trial's own documents, the methods' literature.
GROUPS = ("trial", "methods")
#: Elements whose text is never turned into citation links.
_NO_LINKS = ("a", "pre", "code", "style", "title", "script", "h1", "h2", "h3")


def _by_language(value, where: str) -> dict[str, str]:
    """A text given once (the same in both languages) or as {nb: ..., en: ...}."""
    if isinstance(value, str) and value.strip():
        return {lang: value.strip() for lang in LANGUAGES}
    if (isinstance(value, dict) and set(value) == set(LANGUAGES)
            and all(isinstance(v, str) and v.strip() for v in value.values())):
        return {lang: value[lang].strip() for lang in LANGUAGES}
    raise PkuEvalError(f"{where}: expected a text, or nb and en texts, got {value!r}")


def _read(name: str) -> list:
    path = DATA_DIR / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list) or not data:
        raise PkuEvalError(f"{path}: expected a list of entries")
    return data


@functools.cache
def glossary() -> tuple[dict, ...]:
    """The terms: ``{"term": {nb, en}, "text": {nb, en}}`` each, in file order."""
    out = []
    for i, entry in enumerate(_read("glossary.yml"), 1):
        where = f"glossary.yml entry {i}"
        if not isinstance(entry, dict) or set(entry) != {"term", "text"}:
            raise PkuEvalError(f"{where}: expected the keys term and text")
        out.append({k: _by_language(entry[k], f"{where} {k}") for k in ("term", "text")})
    return tuple(out)


@functools.cache
def references() -> tuple[dict, ...]:
    """The references: ``{"key", "group", "cite": {nb, en}, "text": {nb, en}}`` each, in file
    order."""
    out, keys = [], set()
    for i, entry in enumerate(_read("references.yml"), 1):
        where = f"references.yml entry {i}"
        if not isinstance(entry, dict) or set(entry) != {"key", "group", "cite", "text"}:
            raise PkuEvalError(f"{where}: expected the keys key, group, cite and text")
        if entry["group"] not in GROUPS:
            raise PkuEvalError(f"{where}: group must be one of {', '.join(GROUPS)}")
        key = entry["key"]
        if not isinstance(key, str) or not _KEY.fullmatch(key) or key in keys:
            raise PkuEvalError(f"{where}: key {key!r} must be a unique lower-case name")
        keys.add(key)
        out.append({"key": key, "group": entry["group"],
                    "cite": _by_language(entry["cite"], f"{where} cite"),
                    "text": _by_language(entry["text"], f"{where} text")})
    return tuple(out)


def sort_key(text: str) -> str:
    """Alphabetical order as a Norwegian reader expects it: æ, ø, å after z."""
    return text.casefold().translate(str.maketrans({"æ": "{", "ø": "|", "å": "}"}))


def _heading(anchor: str, number: int, title: str) -> str:
    return (f'<h2 class="pku-chapter" id="{anchor}"><span class="pku-num">{number}</span> '
            f"{html.escape(title)}</h2>")


def glossary_html(language: str, number: int) -> str:
    """The term list as an appendix: a definition list, sorted by term."""
    terms = sorted(glossary(), key=lambda e: sort_key(e["term"][language]))
    items = "".join(f"<dt>{html.escape(e['term'][language])}</dt>"
                    f"<dd>{html.escape(e['text'][language])}</dd>" for e in terms)
    return (f'<section class="pku-appendix pku-glossary">'
            f'{_heading("glossary", number, t("glossary", language))}'
            f'<p class="pku-text">{html.escape(t("glossary_intro", language))}</p>'
            f"<dl>{items}</dl></section>")


_DOI = re.compile(r"https://doi\.org/10\.\S+$")


def _with_doi_link(text: str) -> str:
    """A reference as HTML: its text escaped, the DOI at its end (``https://doi.org/10...``)
    a link (percent-encoded in the address: some DOIs hold ``<`` and ``>``), whose text may
    break after a ``/``, ``)`` or ``:`` (a long DOI fits a narrow screen)."""
    m = _DOI.search(text)
    if m is None:
        return html.escape(text)
    url = m.group(0)
    href = urllib.parse.quote(url, safe=":/()._-;,~")
    scheme, rest = url.split("//", 1)
    shown = scheme + "//" + re.sub(r"([/):]+)", r"\1<wbr>", html.escape(rest))
    return (f"{html.escape(text[:m.start()])}"
            f'<a class="pku-doi" href="{html.escape(href)}">{shown}</a>')


def references_html(language: str, number: int) -> str:
    """The reference list as an appendix: the trial's documents, then the methods, each part
    sorted by author; each entry has the anchor ``ref-<key>`` the citations link to, and its
    DOI, where it has one, is a link."""
    parts = [f'<section class="pku-appendix pku-references">'
             f'{_heading("references", number, t("references", language))}'
             f'<p class="pku-text">{html.escape(t("references_intro", language))}</p>']
    for group in GROUPS:
        refs = sorted((r for r in references() if r["group"] == group),
                      key=lambda r: sort_key(r["text"][language]))
        items = "".join(f'<li id="ref-{r["key"]}">{_with_doi_link(r["text"][language])}</li>'
                        for r in refs)
        parts.append(f'<h3>{html.escape(t(f"references_{group}", language))}</h3>'
                     f'<ul class="pku-reflist">{items}</ul>')
    return "".join(parts) + "</section>"


def captions(body: str, language: str) -> dict[str, list[tuple[str, str, str]]]:
    """Every numbered table and figure of ``body``: kind → [(anchor, "Tabell 4.1", caption)]."""
    out: dict[str, list[tuple[str, str, str]]] = {"table": [], "figure": []}
    for kind, prefix in (("table", "tab"), ("figure", "fig")):
        label = re.escape(t(kind, language))
        pattern = rf'<span class="pku-label">({label} (\d+(?:\.\d+)+))</span>(.*?)</figcaption>'
        for m in re.finditer(pattern, body, re.DOTALL):
            anchor = f"{prefix}-{m.group(2).replace('.', '-')}"
            out[kind].append((anchor, m.group(1), m.group(3).strip()))
    return out


def lists_html(body: str, language: str, number: int) -> str:
    """The lists of tables and figures as an appendix, each entry a link to its caption."""
    found = captions(body, language)
    parts = [f'<section class="pku-appendix pku-lists">'
             f'{_heading("lists", number, t("lists", language))}']
    for kind, heading in (("table", "list_tables"), ("figure", "list_figures")):
        if not found[kind]:
            continue
        items = "".join(f'<li><a href="#{a}"><span class="pku-label">{html.escape(label)}</span> '
                        f"{caption}</a></li>" for a, label, caption in found[kind])
        parts.append(f"<h3>{html.escape(t(heading, language))}</h3>"
                     f'<ul class="pku-list-of">{items}</ul>')
    return "".join(parts) + "</section>"


def link_citations(body: str, language: str) -> str:
    """Every short citation in the text of ``body`` ("Newcombe 1998", "Jacobson og Truax
    1991") as a link to its entry in the reference list. Only text between tags is changed,
    never an attribute, a heading, code or an existing link."""
    cites = {html.escape(r["cite"][language], quote=False): r["key"] for r in references()}
    pattern = re.compile(r"(?<![\w-])(" + "|".join(
        re.escape(c) for c in sorted(cites, key=len, reverse=True)) + r")(?![\w-])")
    start = body.find("<body")
    head, rest = (body[:start], body[start:]) if start >= 0 else ("", body)
    out, closed = [], []  # closed: the stack of open elements whose text is left alone
    for part in re.split(r"(<[^>]*>)", rest):
        if part.startswith("<"):
            m = re.match(r"<(/?)([a-zA-Z0-9]+)", part)
            if m and m.group(2).lower() in _NO_LINKS:
                if m.group(1):
                    if closed:
                        closed.pop()
                elif not part.endswith("/>"):
                    closed.append(m.group(2).lower())
            out.append(part)
        elif closed or not part:
            out.append(part)
        else:
            out.append(pattern.sub(
                lambda m: f'<a class="pku-cite" href="#ref-{cites[m.group(1)]}">'
                          f"{m.group(1)}</a>", part))
    return head + "".join(out)
