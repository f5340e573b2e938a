"""Every text exists in both languages; numbers are formatted the Norwegian or English way."""

from __future__ import annotations

import importlib
import pkgutil
import string

import pytest

import pku_eval.chapters
from pku_eval.text import STRINGS, fmt_num, fmt_pct, t


def all_strings():
    for mod in pkgutil.iter_modules(pku_eval.chapters.__path__):
        importlib.import_module(f"pku_eval.chapters.{mod.name}")
    return STRINGS


def test_every_string_in_both_languages_with_the_same_fields():
    for key, entry in all_strings().items():
        assert set(entry) == {"nb", "en"}, key
        assert entry["nb"].strip() and entry["en"].strip(), key
        fields = [{f for _, f, _, _ in string.Formatter().parse(entry[lang]) if f}
                  for lang in ("nb", "en")]
        assert fields[0] == fields[1], f"{key}: placeholders differ between nb and en"


def test_number_formats():
    assert fmt_num(1234.56, 1, "nb") == "1\u202f234,6"
    assert fmt_num(1234.56, 1, "en") == "1,234.6"
    assert fmt_pct(0.456, "nb") == "46\u202f%"
    assert fmt_pct(0.456, "en") == "46%"
    assert fmt_num(float("nan")) == "–"
    assert fmt_num(-0.04, 1, "nb") == "0,0"          # no negative zero
    assert fmt_num(-19.7, 1, "nb") == "\u221219,7"   # Norwegian minus sign
    assert fmt_num(-19.7, 1, "en") == "-19.7"


def test_unknown_key_is_an_error():
    with pytest.raises(KeyError):
        t("no_such_text")
