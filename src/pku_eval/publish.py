"""The one publishing path: every table and figure that reaches a report passes through here.

Disclosure control happens here, by construction: counts below ``min_cell`` (but above 0) are
replaced by a marker, and so are shares, means and other statistics computed from fewer than
``min_cell`` people. (Secondary suppression is the next step of this module.)
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .text import fmt_int, fmt_num, fmt_pct, t

MARK = "*"


class _Hidden:
    """A cell withheld by a rule of the chapter (e.g. a difference that would reveal a
    suppressed count); rendered like any suppressed cell."""

    def __repr__(self) -> str:
        return "HIDDEN"


HIDDEN = _Hidden()


def suppress_counts(values: pd.Series, min_cell: int) -> pd.Series:
    """Boolean mask: counts in 1 … ``min_cell`` − 1 (zero is not disclosive and is kept).

    Examples
    --------
    >>> import pandas as pd
    >>> suppress_counts(pd.Series([0, 1, 4, 5, 12]), 5).tolist()
    [False, True, True, False, False]
    """
    hidden = pd.Series([x is HIDDEN for x in values], index=getattr(values, "index", None))
    v = pd.to_numeric(pd.Series(values).where(~hidden.to_numpy(), np.nan), errors="coerce")
    return (((v > 0) & (v < min_cell)).fillna(False) | hidden.to_numpy()).astype(bool)


def suppress_by_base(base: pd.Series, min_cell: int) -> pd.Series:
    """Boolean mask: statistics computed from fewer than ``min_cell`` people (base 1 … min_cell−1)."""
    return suppress_counts(base, min_cell)


def secondary_suppression(counts: np.ndarray, primary: np.ndarray) -> np.ndarray:
    """Complementary suppression for a table of counts whose row and column totals are known.

    A suppressed cell that is the only one suppressed in its row (or column) could be recovered
    by subtracting the others from the total; so the smallest other positive cell of that row
    (or column) is suppressed too, until every row and column with a suppressed cell has at
    least two (the rule Statistics Norway and NAV apply to published tables).

    Examples
    --------
    >>> import numpy as np
    >>> c = np.array([[3, 10, 20], [12, 15, 30]])
    >>> secondary_suppression(c, c < 5).astype(int).tolist()
    [[1, 1, 0], [1, 1, 0]]
    """
    counts = np.asarray(counts, dtype=float)
    mask = np.asarray(primary, dtype=bool).copy()
    if counts.ndim != 2 or not mask.any():
        return mask
    changed = True
    while changed:
        changed = False
        for axis in (1, 0):
            c = counts if axis == 1 else counts.T
            m = mask if axis == 1 else mask.T
            if c.shape[1] < 2:
                continue
            for i in np.flatnonzero(m.sum(axis=1) == 1):
                free = np.flatnonzero(~m[i])
                if free.size == 0:
                    continue
                positive = free[c[i, free] > 0]
                pool = positive if positive.size else free
                j = pool[np.argmin(c[i, pool])]
                m[i, j] = True
                changed = True
    return mask


@dataclass
class Column:
    """How one table column is published.

    kind: ``text`` | ``count`` | ``pct`` | ``num`` | ``cell``; ``base``: the column holding the
    number of people a ``pct``/``num`` value rests on (suppressed when that is below min_cell).
    ``cell``: text already formatted by :func:`count_cell` (disclosure control applied there),
    aligned as a number.
    """

    name: str
    header: str
    kind: str = "text"
    base: str | None = None
    decimals: int = 1


def table_html(df: pd.DataFrame, columns: list[Column], *, min_cell: int, language: str,
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
            masks[col.name] = suppress_counts(df[col.name], min_cell).to_numpy()
        elif col.kind in ("pct", "num") and col.base:
            masks[col.name] = suppress_by_base(df[col.base], min_cell).to_numpy()
        else:
            masks[col.name] = np.zeros(len(df), dtype=bool)
    if secondary:
        counts = df[secondary].map(lambda x: np.nan if x is HIDDEN else x).apply(
            pd.to_numeric, errors="coerce").fillna(0).to_numpy()
        primary = np.column_stack([masks[c] for c in secondary])
        final = secondary_suppression(counts, primary)
        for k, c in enumerate(secondary):
            masks[c] = final[:, k]
        for col in columns:
            if col.base in secondary:
                masks[col.name] = masks[col.name] | masks[col.base]
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
    head = "".join(
        f'<th scope="col"{num_cls if c.kind != "text" else ""}>{html.escape(c.header)}</th>'
        for c in columns)
    notes = [f'{html.escape(t("source", language))}: {html.escape(source)}.']
    if suppressed:
        notes.append(html.escape(t("suppressed_note", language, min_cell=min_cell)))
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


def figure_html(fig, *, language: str, number: str, caption: str, source: str,
                note: str | None = None, alt: str | None = None, fingerprints=None) -> str:
    """Render a matplotlib figure as an embedded PNG with a numbered caption. Every text the
    figure draws is checked against the ids of the data (``fingerprints``) first: a PNG cannot
    be scanned afterwards."""
    import matplotlib.pyplot as plt

    from .privacy import check_figure

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight",
                metadata={"Software": None})
    if fingerprints is not None:
        check_figure(fig, fingerprints, f"{t('figure', language)} {number}")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    label = t("figure", language)
    notes = [f'{html.escape(t("source", language))}: {html.escape(source)}.']
    if note:
        notes.append(html.escape(note))
    return (f'<figure class="pku-figure" id="fig-{number.replace(".", "-")}">'
            f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt or caption)}"/>'
            f'<figcaption><span class="pku-label">{label} {number}</span> '
            f"{html.escape(caption)}</figcaption>"
            f'<p class="pku-source">{" ".join(notes)}</p></figure>')


def count_cell(n, share=None, min_cell: int = 5, language: str = "nb", hidden: bool = False,
               decimals: int = 1) -> str:
    """'84 (46,7)': a count with its share in percent, or the marker when the count is below
    ``min_cell`` or ``hidden`` (e.g. by secondary suppression). For ``kind='cell'`` columns."""
    if n is None or (isinstance(n, float) and np.isnan(n)):
        return "–"
    if hidden or 0 < n < min_cell:
        return MARK
    if share is None or (isinstance(share, float) and np.isnan(share)):
        return fmt_int(n, language)
    return f"{fmt_int(n, language)} ({fmt_num(100 * share, decimals, language)})"


def publish_count(value, min_cell: int):
    """A count for results.json: the value, or None when disclosure control withholds it."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return None if 0 < value < min_cell else value


def fmt_published(value, min_cell: int, language: str) -> str:
    """A count for prose: the number, or the marker when it is withheld."""
    return MARK if publish_count(value, min_cell) is None and value else fmt_int(value, language)


__all__ = ["Column", "table_html", "secondary_suppression", "HIDDEN", "count_cell", "figure_html", "suppress_counts", "suppress_by_base",
           "publish_count", "fmt_published", "MARK", "fmt_pct"]
