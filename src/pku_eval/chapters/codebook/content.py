"""Chapter 'codebook' (an appendix): the data dictionary, from the same codebook the loader
validates with (pku_eval.codebook)."""

from __future__ import annotations

import pandas as pd

from ... import codebook
from ...chapter import Chapter
from ...publish import Column


def show_scales(ch: Chapter) -> None:
    ch.section("cb_scales")
    df = pd.DataFrame(codebook.scale_rows(ch.language))
    ch.table(df, [Column("label", ch.t("cb_h_scale")), Column("items", ch.t("cb_h_items")),
                  Column("reversed", ch.t("cb_h_reversed")),
                  Column("min_items", ch.t("cb_h_min_items")),
                  Column("range", ch.t("cb_h_range"))],
             ch.t("cb_scales_caption"), ch.t("cb_source", version=codebook.CONTRACT_VERSION))


def show_files(ch: Chapter) -> None:
    df = pd.DataFrame(codebook.dictionary(ch.language))
    for name in codebook.FILES:
        ch.section("cb_file", file=name)
        sub = df[df["file"] == name]
        ch.table(sub, [Column("variable", ch.t("cb_h_variable")),
                       Column("label", ch.t("cb_h_label")), Column("type", ch.t("cb_h_type")),
                       Column("range", ch.t("cb_h_range")), Column("codes", ch.t("cb_h_codes")),
                       Column("missing", ch.t("cb_h_missing")),
                       Column("scale", ch.t("cb_h_scale"))],
                 ch.t("cb_file_caption", file=name),
                 ch.t("cb_source", version=codebook.CONTRACT_VERSION))
