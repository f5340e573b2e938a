"""The codebook for people: the data dictionary (one row per variable of every contract file,
one row per scale) as the codebook appendix and ``pku-eval codebook`` show it, where each
question's wording comes from, and the standalone codebook page.

Everything here is read off :mod:`pku_eval.codebook`, the codebook the loader validates with.
"""

from __future__ import annotations

from .codebook import FILES, MISSING_CODES, SCALES, delivered_wording, is_question


KIND_LABEL = {
    "id": ("id (tekst, minst 5 tegn med minst én bokstav)",
           "id (text, at least 5 characters with a letter)"),
    "code": ("kode", "code"), "date": ("dato ÅÅÅÅ-MM-DD", "date YYYY-MM-DD"),
    "int": ("heltall", "whole number"), "number": ("tall", "number"),
    "binary": ("0/1", "0/1"), "item": ("spørsmål (heltall)", "item (whole number)"),
    "text": ("tekst", "text"),
}


def dictionary(language: str = "nb") -> list[dict]:
    """One row per variable of every contract file: the data dictionary (codebook) that the
    validator checks against, for people."""
    en = language == "en"
    scale_of = {item: s for s in SCALES.values() for item in s.items}
    rows = []
    for spec in FILES.values():
        for v in spec.variables:
            codes = ""
            if v.codes:
                codes = "; ".join(f"{c} = {v.code_label(c, language)}" for c in v.codes)
            rng = ""
            if v.kind == "binary":
                rng = "0–1"
            elif v.low is not None:
                rng = f"{v.low:g}–{v.high:g}"
            missing = ("8 = " + MISSING_CODES[8]["en" if en else "nb"] + ", 9 = "
                       + MISSING_CODES[9]["en" if en else "nb"]
                       + (", empty" if en else ", tom celle")) if v.missing_codes else (
                ("empty cell" if en else "tom celle") if v.nullable else
                ("not allowed" if en else "ikke tillatt"))
            scale = scale_of.get(v.name)
            scale_txt = ""
            if scale is not None:
                scale_txt = scale.label(language)
                if v.name in scale.reversed_items:
                    scale_txt += " (reversed)" if en else " (snudd)"
            rows.append({
                "file": spec.name, "required_file": spec.required, "variable": v.name,
                "label": v.label(language), "type": KIND_LABEL[v.kind][1 if en else 0],
                "range": rng, "codes": codes, "missing": missing, "scale": scale_txt,
                "unique": v.unique, "wording": wording_source(v.name, language),
                "references": f"{v.references[0]}.{v.references[1]}" if v.references else "",
            })
    return rows


def scale_rows(language: str = "nb") -> list[dict]:
    """One row per scale: items, reversed items, the min-items rule, the answer scale."""
    i = 1 if language == "en" else 0
    return [{"scale": s.name, "label": s.label(language), "file": s.file,
             "items": ", ".join(s.items), "reversed": ", ".join(s.reversed_items) or "–",
             "min_items": f"{s.min_items} / {len(s.items)}", "range": f"{s.low}–{s.high}",
             "anchors": (f"{s.low} = {s.anchors[0][i]} … {s.high} = {s.anchors[1][i]}"
                         if s.anchors else "–")}
            for s in SCALES.values()]


#: Where the wording of the questions comes from: the published instruments (item prefix →
#: short citation as in the report's reference list, nb and en). Every other question's
#: wording was drafted from the instrument's description in the data contract — the trial's
#: documents describe the questionnaires but do not print them — and is replaced by the
#: wording of the forms that were used where a delivery brings them (its ``wording`` file:
#: :func:`pku_eval.codebook.use_wording`), which then comes first for any question.
PUBLISHED_WORDING = {
    "mastery": ("Pearlin og Schooler 1978", "Pearlin and Schooler 1978"),
    "ors": ("Miller mfl. 2003", "Miller et al. 2003"),
    "srs": ("Duncan mfl. 2003", "Duncan et al. 2003"),
}
DRAFTED_WORDING = ("utkast etter beskrivelsen av instrumentet – erstattes med levert ordlyd",
                   "drafted from the instrument's description – replace with the delivered "
                   "wording")
#: How a table cell shows the drafted marker (the table's note says what it means).
DRAFTED_SHORT = ("utkast", "drafted")
#: Where the wording of a question comes from when the delivery's ``wording`` file gave it.
DELIVERED_SOURCE = ("levert med dataene (filen wording)",
                    "delivered with the data (the wording file)")


def wording_is_drafted(name: str) -> bool:
    """True for a question whose wording was drafted (not taken from the instrument, nor
    delivered with the data)."""
    return (is_question(name) and delivered_wording(name) is None
            and name.split("_")[0] not in PUBLISHED_WORDING)


def wording_is_delivered(name: str) -> bool:
    """True for a question whose wording the delivery's ``wording`` file gave."""
    return is_question(name) and delivered_wording(name) is not None


def shown_rows(language: str = "nb") -> list[dict]:
    """:func:`dictionary` as a table shows it: the drafted marker shortened (the table's note,
    ``cb_drafted_note``, says it in full)."""
    i = 1 if language == "en" else 0
    return [r | {"wording": DRAFTED_SHORT[i]} if r["wording"] == DRAFTED_WORDING[i] else r
            for r in dictionary(language)]


def wording_source(name: str, language: str = "nb") -> str:
    """Where a question's wording comes from (delivered with the data, a published source, or
    the drafted marker); empty for a variable that is not a question."""
    if not is_question(name):
        return ""
    i = 1 if language == "en" else 0
    if delivered_wording(name) is not None:
        return DELIVERED_SOURCE[i]
    published = PUBLISHED_WORDING.get(name.split("_")[0])
    return published[i] if published else DRAFTED_WORDING[i]


# ---------------------------------------------------------------- the standalone page

def _cell(value, language: str) -> str:
    """A cell's text in the page's language: yes/no for a flag, never True/False."""
    from .text import t

    if isinstance(value, bool):
        return t("cbk_yes" if value else "cbk_no", language)
    return "" if value is None else str(value)


def _table(rows: list[dict], columns: list[tuple[str, str]], language: str,
           caption: str) -> str:
    import html

    head = "".join(f'<th scope="col">{html.escape(label)}</th>' for _, label in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(r[c], language))}</td>"
                                    for c, _ in columns) + "</tr>" for r in rows)
    return (f'<figure class="pku-table"><figcaption>{html.escape(caption)}</figcaption>'
            f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div></figure>")


def codebook_page(language: str = "nb") -> str:
    """The codebook as one self-contained HTML page in ``language``, styled by the report's
    stylesheet: the scales, then every contract file's variables."""
    import html

    from . import config
    from .codebook import CONTRACT_VERSION
    from .report import stackable_tables
    from .text import t

    def h(key: str, **kw) -> str:
        return html.escape(t(key, language, **kw))

    title = t("cbk_title", language, version=CONTRACT_VERSION)
    css = (config.TEMPLATES_DIR / "report.css").read_text(encoding="utf-8")
    parts = [f'<!DOCTYPE html>\n<html lang="{"en" if language == "en" else "nb"}"><head>'
             '<meta charset="utf-8"><meta name="viewport" '
             'content="width=device-width, initial-scale=1.0">'
             f'<meta name="generator" content="pku-eval"><title>{html.escape(title)}</title>'
             f"<style>\n{css}\n.pku-main {{ margin-left: auto; }}\n"
             ".pku-main > .pku-table { max-width: none; }\n"
             "</style></head>"
             f'<body><main class="pku-main"><header class="pku-titlepage">'
             f"<h1>{html.escape(title)}</h1></header>"
             f'<p class="pku-text">{h("cb_intro")}</p>'
             f'<p class="pku-text">{h("cb_wording_note")}</p>'
             f'<h2 class="pku-chapter">{h("cb_scales")}</h2>',
             _table(scale_rows(language),
                    [("label", t("cb_h_scale", language)), ("items", t("cb_h_items", language)),
                     ("reversed", t("cb_h_reversed", language)),
                     ("min_items", t("cb_h_min_items", language)),
                     ("range", t("cb_h_range", language)),
                     ("anchors", t("cb_h_anchors", language))],
                    language, t("cb_scales_caption", language))]
    rows = shown_rows(language)
    for name in FILES:
        sub = [r for r in rows if r["file"] == name]
        columns = [("variable", t("cb_h_variable", language)),
                   ("label", t("cb_h_label", language)), ("type", t("cb_h_type", language)),
                   ("range", t("cb_h_range", language)), ("codes", t("cb_h_codes", language)),
                   ("missing", t("cb_h_missing", language)),
                   ("scale", t("cb_h_scale", language)),
                   ("unique", t("cbk_h_unique", language)),
                   ("references", t("cbk_h_references", language))]
        if any(r["wording"] for r in sub):
            columns.insert(2, ("wording", t("cb_h_wording", language)))
        parts.append(f'<h2 class="pku-chapter">{h("cb_file", file=name)}</h2>'
                     f'<p class="pku-text">{html.escape(t("cbk_required", language))}: '
                     f'{html.escape(_cell(FILES[name].required, language))}</p>')
        parts.append(_table(sub, columns, language, t("cb_file_caption", language, file=name)))
        if any(r["wording"] == DRAFTED_SHORT[language == "en"] for r in sub):
            parts.append(f'<p class="pku-source">{h("cb_drafted_note")}</p>')
    parts.append("</main></body></html>")
    return stackable_tables("\n".join(parts))


def write_codebook(out, language: str = "nb") -> tuple[int, list]:
    """Write ``codebook-<language>.html`` and the dictionary and scales as CSV to the folder
    ``out``; returns (number of variables, the files written)."""
    import csv
    from pathlib import Path

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in ((f"codebook-{language}.csv", dictionary(language)),
                       (f"codebook-scales-{language}.csv", scale_rows(language))):
        with open(out / name, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        written.append(out / name)
    page = out / f"codebook-{language}.html"
    page.write_text(codebook_page(language), encoding="utf-8")
    written.append(page)
    return len(dictionary(language)), written
