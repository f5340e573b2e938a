"""Chapter 'codebook' (an appendix): the data dictionary, from the same codebook the loader
validates with (pku_eval.codebook, shown through pku_eval.codebook_tables)."""

from __future__ import annotations

import pandas as pd

from ... import codebook, codebook_tables
from ...chapter import Chapter
from ...publish import Column


def show_scales(ch: Chapter) -> None:
    ch.section("cb_scales")
    df = pd.DataFrame(codebook_tables.scale_rows(ch.language))
    ch.table(df, [Column("label", ch.t("cb_h_scale")), Column("items", ch.t("cb_h_items")),
                  Column("reversed", ch.t("cb_h_reversed")),
                  Column("min_items", ch.t("cb_h_min_items")),
                  Column("range", ch.t("cb_h_range")),
                  Column("anchors", ch.t("cb_h_anchors"))],
             ch.t("cb_scales_caption"), ch.t("cb_source", version=codebook.CONTRACT_VERSION))


def show_files(ch: Chapter) -> None:
    """Where the questions' wording comes from, then every file's variables (a file with
    questions has a column saying where each question's wording comes from: a question whose
    wording the delivery's ``wording`` file gave shows that wording and says so)."""
    ch.section("cb_wording")
    ch.text("cb_wording_note")
    df = pd.DataFrame(codebook_tables.shown_rows(ch.language))
    delivered = [v for v in df["variable"] if codebook_tables.wording_is_delivered(v)]
    if delivered:
        ch.text("cb_wording_delivered", n=len(delivered))
    drafted = codebook_tables.DRAFTED_SHORT[ch.language == "en"]
    from_data = codebook_tables.DELIVERED_SOURCE[ch.language == "en"]
    for name in codebook.FILES:
        ch.section("cb_file", file=name)
        sub = df[df["file"] == name]
        columns = [Column("variable", ch.t("cb_h_variable")),
                   Column("label", ch.t("cb_h_label")), Column("type", ch.t("cb_h_type")),
                   Column("range", ch.t("cb_h_range")), Column("codes", ch.t("cb_h_codes")),
                   Column("missing", ch.t("cb_h_missing")),
                   Column("scale", ch.t("cb_h_scale"))]
        if (sub["wording"] != "").any():
            columns.insert(2, Column("wording", ch.t("cb_h_wording")))
        notes = [ch.t(key) for key, marker in (("cb_drafted_note", drafted),
                                                 ("cb_delivered_note", from_data))
                 if (sub["wording"] == marker).any()]
        ch.table(sub, columns, ch.t("cb_file_caption", file=name),
                 ch.t("cb_source", version=codebook.CONTRACT_VERSION),
                 note=" ".join(notes) or None)
