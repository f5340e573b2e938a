"""Every text exists in both languages; numbers and dates are formatted the Norwegian or English
way, from one Locale per language (tests/test_catalogues.py checks the catalogues in depth)."""

from __future__ import annotations

import datetime as dt
import string

import pytest

from pku_eval.text import (STRINGS, TextError, fmt_ci, fmt_date, fmt_int, fmt_num, fmt_p,
                           fmt_pct, locale, t)


def test_every_string_in_both_languages_with_the_same_fields():
    assert len(STRINGS) > 500
    for key, entry in STRINGS.items():
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
    assert fmt_int(1234567, "nb") == "1\u202f234\u202f567"
    assert fmt_int(1234567, "en") == "1,234,567"
    assert fmt_pct(0.4567, "nb", 1) == "45,7\u202f%"
    assert fmt_pct(None, "en") == "–"


def test_p_values():
    assert fmt_p(0.0004, "nb") == "<\u202f0,001"
    assert fmt_p(0.0004, "en") == "<\u202f0.001"
    assert fmt_p(0.0456, "nb") == "0,046"
    assert fmt_p(float("nan"), "en") == "–"


def test_confidence_interval_follows_its_level():
    assert fmt_ci(0.12, 0.34, 2, "nb") == "95\u202f% KI 0,12 til 0,34"
    assert fmt_ci(0.12, 0.34, 2, "en") == "95% CI 0.12 to 0.34"
    assert fmt_ci(-0.5, 1.25, 1, "nb", level=0.90) == "90\u202f% KI \u22120,5 til 1,2"
    assert fmt_ci(-0.5, 1.25, 1, "en", level=0.90) == "90% CI -0.5 to 1.2"
    assert fmt_ci(0.1, 0.2, language="en", level=0.99) == "99% CI 0.10 to 0.20"
    assert fmt_ci(0.1, 0.2, language="nb", level=0.975) == "97,5\u202f% KI 0,10 til 0,20"
    for bad in (95, 0, 1, -0.1, "0.95", None):
        with pytest.raises(ValueError):
            fmt_ci(0.1, 0.2, 2, "nb", level=bad)


def test_dates():
    assert fmt_date("2016-12-31", "nb") == "31. desember 2016"
    assert fmt_date("2016-12-31", "en") == "31 December 2016"
    assert fmt_date(dt.date(2017, 5, 1), "nb") == "1. mai 2017"
    assert fmt_date(dt.datetime(2017, 3, 9, 13, 0), "en") == "9 March 2017"


def test_one_locale_per_language():
    nb, en = locale("nb"), locale("en")
    assert (nb.decimal, nb.group, nb.minus) == (",", "\u202f", "\u2212")
    assert (en.decimal, en.group, en.minus) == (".", ",", "-")
    assert (nb.cldr, en.cldr) == ("nb_NO", "en_GB")
    assert nb.percent.format(num="45") == "45\u202f%" and en.percent.format(num="45") == "45%"


def test_unknown_key_is_an_error():
    with pytest.raises(KeyError):
        t("no_such_text")


def test_unknown_language_is_an_error():
    for helper in (lambda: fmt_num(1.0, 1, "de"), lambda: fmt_pct(0.5, "no"),
                   lambda: fmt_date("2016-01-01", "sv"), lambda: t("contents", "nn")):
        with pytest.raises(TextError):
            helper()
