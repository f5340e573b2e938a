"""The deliveries made from a finished ``report.html`` (docs/report-spec.md, "Output"):

- ``tables.xlsx``: every published table, one sheet per table named by its number, with its
  caption and source line above the cells, exactly the cells the report
  shows (suppressed cells as ``*``), read back from the page by the same parser the disclosure
  audit uses (:func:`pku_eval.audit.read_tables`), so the workbook cannot show more than the
  report;
- ``report.pdf``: the same page laid out for print by WeasyPrint (no browser): the report's
  CSS has the ``@page`` rules (page numbers, running header, whole tables).

Where WeasyPrint (or the Pango library it needs) is missing, the build still publishes the HTML
and prints one line saying how to get the PDF.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from .cache import log

#: what to do when the PDF cannot be made here
PDF_HINT = ("install WeasyPrint (`.venv/bin/pip install weasyprint`; it needs the Pango "
            "library, e.g. `apt-get install libpango-1.0-0 libpangoft2-1.0-0`) and build "
            "again, or open report.html in a browser and print it to PDF")


# ------------------------------------------------------------------------------ tables.xlsx

def _sheet_name(number: str, taken: set[str]) -> str:
    """The table's number as a valid, unique Excel sheet name (at most 31 characters, none of
    ``[]:*?/\\``)."""
    name = "".join("_" if c in '[]:*?/\\' else c for c in number)[:31] or "table"
    base, k = name, 2
    while name.lower() in taken:
        name = f"{base[:27]} ({k})"
        k += 1
    taken.add(name.lower())
    return name


def write_tables_xlsx(report_dir: Path) -> Path:
    """``tables.xlsx`` beside ``report.html``: one sheet per published table, named by its
    number; the caption in A1, the source line in A2, the header row in row 4 and the cells
    from row 5, each cell the text the report prints (so ``46,7`` and ``*`` stay as shown)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    from .audit import read_tables

    report_dir = Path(report_dir)
    tables = read_tables((report_dir / "report.html").read_text(encoding="utf-8"))
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    rule = Border(bottom=Side(style="thin"))
    right = Alignment(horizontal="right")
    for tab in tables:
        ws = wb.create_sheet(_sheet_name(tab.number, taken))
        ws["A1"] = tab.caption or tab.number
        ws["A1"].font = Font(bold=True, size=12)
        ws["A2"] = tab.source
        ws["A2"].font = Font(italic=True, size=9)
        numeric = [k not in ("text", "") for k in tab.kinds]
        for j, h in enumerate(tab.headers, 1):
            c = ws.cell(row=4, column=j, value=h)
            c.font, c.border = bold, rule
            if j <= len(numeric) and numeric[j - 1]:
                c.alignment = right
        for i, row in enumerate(tab.rows, 5):
            for j, text in enumerate(row, 1):
                c = ws.cell(row=i, column=j, value=text)
                c.data_type = "s"  # as printed, never re-interpreted as a number or date
                if j <= len(numeric) and numeric[j - 1]:
                    c.alignment = right
        for j in range(1, max(len(tab.headers), 1) + 1):
            cells = [tab.headers[j - 1] if j <= len(tab.headers) else ""] + \
                [r[j - 1] for r in tab.rows if j <= len(r)]
            ws.column_dimensions[get_column_letter(j)].width = min(
                60, max(8, max(len(s) for s in cells) + 2))
        ws.freeze_panes = "A5"
    if not tables:
        wb.create_sheet("-")["A1"] = "no tables"
    out = report_dir / "tables.xlsx"
    wb.save(out)
    return out


# ------------------------------------------------------------------------------- report.pdf

def pdf_available() -> str | None:
    """None when WeasyPrint and Pango can be used here, else why not (one line)."""
    try:
        import weasyprint  # noqa: F401  (loading it loads Pango)
    except (ImportError, OSError) as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return None


def write_pdf(report_dir: Path, label: str = "") -> Path | None:
    """``report.pdf`` beside ``report.html``, laid out by WeasyPrint with the report's own
    print CSS; ``None`` (with one line saying how to get it) when WeasyPrint is missing."""
    report_dir = Path(report_dir)
    why = pdf_available()
    if why is not None:
        log(f"{label} report.pdf not written: WeasyPrint is not usable here ({why}); to get "
            f"the PDF, {PDF_HINT}".strip())
        return None
    import logging

    import weasyprint

    # WeasyPrint warns about every screen-only CSS property it ignores: not the reader's news
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    out = report_dir / "report.pdf"
    html = weasyprint.HTML(filename=str(report_dir / "report.html"), base_url=str(report_dir),
                           url_fetcher=_data_urls_only())
    try:
        html.write_pdf(out)
    except Exception as exc:  # noqa: BLE001  (a layout failure must not cost the report)
        out.unlink(missing_ok=True)
        log(f"{label} report.pdf not written: WeasyPrint failed ({type(exc).__name__}: "
            f"{str(exc)[:120]}); the HTML report is complete".strip())
        return None
    return out


#: ``PKU_EVAL_PDF=0`` skips the PDF (the test suite sets it, except for the builds whose PDF it
#: checks: a PDF costs about 10 s per build).
PDF_SWITCH = "PKU_EVAL_PDF"


def deliver(report_dir: Path, label: str = "") -> dict[str, Path | None]:
    """Both deliveries beside a checked ``report.html``; one line says what they cost."""
    t0 = time.perf_counter()
    xlsx = write_tables_xlsx(report_dir)
    t1 = time.perf_counter()
    if os.environ.get(PDF_SWITCH, "1") == "0":  # e.g. the test suite, where the PDF is not
        log(f"{label} report.pdf not written ({PDF_SWITCH}=0)".strip())  # what is tested
        pdf = None
    else:
        pdf = write_pdf(report_dir, label)
    t2 = time.perf_counter()
    made = f"tables.xlsx ({t1 - t0:.1f} s)" + (f", report.pdf ({t2 - t1:.1f} s)" if pdf else "")
    log(f"{label} {made} written".strip())
    return {"tables.xlsx": xlsx, "report.pdf": pdf}


def _data_urls_only():
    """A URL fetcher that fetches only ``data:`` URLs: the report is self-contained, so the PDF
    never reaches the network or another file of the machine."""
    from weasyprint import urls

    if hasattr(urls, "URLFetcher"):  # WeasyPrint 68 and later
        return urls.URLFetcher(allowed_protocols={"data"})

    def fetch(url: str, timeout: int = 10, ssl_context=None):  # earlier versions
        if not url.startswith("data:"):
            raise ValueError(f"not fetched (the report is self-contained): {url[:60]}")
        return urls.default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)

    return fetch


__all__ = ["PDF_HINT", "deliver", "pdf_available", "write_pdf", "write_tables_xlsx"]
