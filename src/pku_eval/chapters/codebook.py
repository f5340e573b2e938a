"""Chapter 'codebook' (an appendix): the data dictionary, from the same codebook the loader
validates with (pku_eval.codebook)."""

from __future__ import annotations

import pandas as pd

from .. import codebook
from ..chapter import Chapter
from ..publish import Column
from ..text import register

#: Contract files this chapter reads besides offices, participants and outcomes (the
#: build re-runs it when one of them changes; reading another raises an error).
READS = ()

TEXTS = {
    "cb_title": {"nb": "Vedlegg: kodebok", "en": "Appendix: codebook"},
    "cb_intro": {
        "nb": "Kodeboken beskriver hver datafil, hver variabel, tillatte verdier og koder, "
              "koder for manglende svar og hvordan skalaene beregnes. Den er den samme som "
              "datakontrollen bruker, så det som står her, er det som sjekkes.",
        "en": "The codebook describes every data file, variable, allowed value and code, the "
              "missing-value codes and how the scales are scored. It is the one the data "
              "checks use, so what is written here is what is checked."},
    "cb_scales": {"nb": "Skalaer", "en": "Scales"},
    "cb_scales_caption": {"nb": "Skalaer: spørsmål, snudde spørsmål og minste antall svar",
                          "en": "Scales: items, reversed items and the minimum answered"},
    "cb_file": {"nb": "Fil: {file}", "en": "File: {file}"},
    "cb_file_caption": {"nb": "Variabler i {file}", "en": "Variables in {file}"},
    "cb_source": {"nb": "datakontrakten, versjon {version}", "en": "the data contract, version {version}"},
    "cb_h_variable": {"nb": "Variabel", "en": "Variable"},
    "cb_h_label": {"nb": "Beskrivelse", "en": "Description"},
    "cb_h_type": {"nb": "Type", "en": "Type"},
    "cb_h_range": {"nb": "Gyldige verdier", "en": "Valid values"},
    "cb_h_codes": {"nb": "Koder", "en": "Codes"},
    "cb_h_missing": {"nb": "Manglende", "en": "Missing"},
    "cb_h_scale": {"nb": "Skala", "en": "Scale"},
    "cb_h_items": {"nb": "Spørsmål", "en": "Items"},
    "cb_h_reversed": {"nb": "Snudd (5 − x)", "en": "Reversed"},
    "cb_h_min_items": {"nb": "Minst besvart", "en": "Minimum answered"},
}
register(TEXTS)


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
