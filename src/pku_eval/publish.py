"""The one publishing path: every table and figure that reaches a report passes through here.

Disclosure control happens here, by construction: what the suppression policy
(:mod:`pku_eval.disclosure`) withholds — counts of 1 … ``min_cell`` − 1 people, statistics
resting on fewer than ``min_cell``, the cells secondary suppression adds — is rendered as the
marker, and the note under the table says so.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .disclosure import HIDDEN, MARK, Policy
from .text import fmt_int, fmt_num, fmt_pct, t


@dataclass
class Column:
    """How one table column is published.

    kind: ``text`` | ``count`` | ``pct`` | ``num`` | ``cell``; ``base``: the column holding the
    number of people a ``pct``/``num`` value rests on (suppressed when that is below min_cell);
    ``of``: the count column a share is the share of (``base`` is then its denominator): the
    share is withheld with that count, and whenever share × base would give a withheld count
    (the count column need not be shown).
    ``cell``: text already formatted by :meth:`~pku_eval.disclosure.Policy.cell` (disclosure
    control applied there), aligned as a number.
    """

    name: str
    header: str
    kind: str = "text"
    base: str | None = None
    decimals: int = 1
    of: str | None = None


def table_html(df: pd.DataFrame, columns: list[Column], *, policy: Policy, language: str,
               number: str, caption: str, source: str, note: str | None = None,
               secondary: list[str] | None = None) -> tuple[str, int]:
    """Render a table as accessible HTML with disclosure control applied.

    ``secondary`` names count columns that form a cross-table whose row and column totals are
    known (or shown elsewhere): :func:`secondary_suppression` is applied across them, and a
    share or mean resting on a suppressed count is suppressed with it.
    Returns the HTML and the number of suppressed cells.
    """
    body_rows = []
    suppressed = 0
    masks = {}
    for col in columns:
        if col.kind == "count":
            masks[col.name] = policy.count_mask(df[col.name]).to_numpy()
        elif col.kind in ("pct", "num") and col.base:
            masks[col.name] = policy.base_mask(df[col.base]).to_numpy()
        else:
            masks[col.name] = np.zeros(len(df), dtype=bool)
    if secondary:
        counts = df[secondary].map(lambda x: np.nan if x is HIDDEN else x).apply(
            pd.to_numeric, errors="coerce").fillna(0).to_numpy()
        primary = np.column_stack([masks[c] for c in secondary])
        final = policy.table_mask(counts, primary)
        for k, c in enumerate(secondary):
            masks[c] = final[:, k]
    for col in columns:  # a cell the policy withheld before (HIDDEN), whatever its kind
        masks[col.name] = masks[col.name] | np.array([x is HIDDEN for x in df[col.name]],
                                                     dtype=bool)
    for col in columns:  # a statistic resting on a withheld base is withheld with it
        if col.base in masks:
            masks[col.name] = masks[col.name] | masks[col.base]
    for col in columns:  # a share is withheld with the count it is the share of
        if col.of in masks:
            masks[col.name] = masks[col.name] | masks[col.of]
    for col in columns:  # a share reveals its count (share × base): withheld with it
        if col.kind == "pct" and col.base and col.of:
            masks[col.name] = masks[col.name] | policy.revealing_shares(df[col.name],
                                                                        df[col.base])
    for i, (_, row) in enumerate(df.iterrows()):
        cells = []
        for col in columns:
            v = row[col.name]
            if masks[col.name][i]:
                suppressed += 1
                cells.append(f'<td class="num suppressed">{MARK}</td>')
                continue
            if col.kind == "count":
                s = fmt_int(v, language) if pd.notna(v) else "–"
            elif col.kind == "pct":
                s = fmt_num(100 * v, col.decimals, language) if pd.notna(v) else "–"
            elif col.kind == "num":
                s = fmt_num(v, col.decimals, language) if pd.notna(v) else "–"
            else:
                s = "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
                if col.kind == "cell" and s == MARK:
                    suppressed += 1
            cls = {"text": "", "count": ' class="num count"', "cell": ' class="num count"'
                   }.get(col.kind, ' class="num"')  # "count": checked by the disclosure test
            cells.append(f"<td{cls}>{html.escape(s)}</td>")
        body_rows.append("<tr>" + "".join(cells) + "</tr>")
    num_cls = ' class="num"'
    index = {c.name: i for i, c in enumerate(columns)}

    def kind(c: Column) -> str:  # what the disclosure audit reads (tables.json)
        base = f' data-base="{index[c.base]}"' if c.base in index else ""
        of = f' data-of="{index[c.of]}"' if c.of in index else ""
        return f' data-kind="{c.kind}"{base}{of}'

    head = "".join(
        f'<th scope="col"{num_cls if c.kind != "text" else ""}{kind(c)}>'
        f'{html.escape(c.header)}</th>' for c in columns)
    notes = [f'{html.escape(t("source", language))}: {html.escape(source)}.']
    if suppressed:
        notes.append(html.escape(t("suppressed_note", language, min_cell=policy.min_cell)))
    if note:
        notes.append(html.escape(note))
    label = t("table", language)
    out = (f'<figure class="pku-table" id="tab-{number.replace(".", "-")}">'
           f'<figcaption><span class="pku-label">{label} {number}</span> '
           f"{html.escape(caption)}</figcaption>"
           f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead>'
           f'<tbody>{"".join(body_rows)}</tbody></table></div>'
           f'<p class="pku-source">{" ".join(notes)}</p></figure>')
    return out, suppressed


#: The resolution a figure is shown at on screen (it is stored at print resolution).
SCREEN_DPI = 110


def figure_html(fig, *, language: str, number: str, caption: str, source: str,
                note: str | None = None, alt: str | None = None, fingerprints=None) -> str:
    """Render a matplotlib figure as an embedded PNG with a numbered caption. Every text the
    figure draws is checked against the ids of the data (``fingerprints``) first: a PNG cannot
    be scanned afterwards."""
    import matplotlib.pyplot as plt

    from .plots import PRINT_DPI
    from .privacy import check_figure

    buf = io.BytesIO()
    # at print resolution; shown on screen at the size of a 110-dpi image
    fig.savefig(buf, format="png", dpi=PRINT_DPI, bbox_inches="tight",
                metadata={"Software": None})
    if fingerprints is not None:
        check_figure(fig, fingerprints, f"{t('figure', language)} {number}")
    plt.close(fig)
    png = buf.getvalue()
    width = int.from_bytes(png[16:20], "big") * SCREEN_DPI // PRINT_DPI  # the IHDR width
    data = base64.b64encode(png).decode("ascii")
    label = t("figure", language)
    notes = [f'{html.escape(t("source", language))}: {html.escape(source)}.']
    if note:
        notes.append(html.escape(note))
    return (f'<figure class="pku-figure" id="fig-{number.replace(".", "-")}">'
            f'<img src="data:image/png;base64,{data}" width="{width}" '
            f'alt="{html.escape(alt or caption)}"/>'
            f'<figcaption><span class="pku-label">{label} {number}</span> '
            f"{html.escape(caption)}</figcaption>"
            f'<p class="pku-source">{" ".join(notes)}</p></figure>')


__all__ = ["Column", "figure_html", "fmt_pct", "table_html"]
