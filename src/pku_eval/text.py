"""The words and number formats of the reports, in Norwegian (nb) and English (en).

**Texts.** Every generated sentence, heading, caption and label lives in a catalogue per
language: ``src/pku_eval/texts/<language>/<part>.yml`` (a file per chapter, ``report.yml`` for
the report frame, ``common.yml`` for labels several chapters share). A text is a YAML block
scalar with named ``{placeholders}`` that the code fills in; :func:`t` looks a key up. The
catalogues are read once, on first use, and checked: every key in every language, in the file
of the same name, with the same placeholders; a mistake stops the build with a
:class:`CatalogueError` that names the file, line and key. A placeholder the caller does not
supply, or gives as ``None``, is a :class:`TextError` (never a silent blank or "None").

**Numbers and dates.** One :class:`Locale` per language, built from the CLDR data of Babel
(nb_NO, en_GB) with the house style on top: Norwegian "1 234,5", "−19,7", "45 %", "95 % KI"
with a narrow no-break space (U+202F); English "1,234.5", "-19.7", "45%", "95% CI". The
formatting helpers (:func:`fmt_num`, :func:`fmt_pct`, :func:`fmt_p`, :func:`fmt_ci`,
:func:`fmt_date`) look everything up on it.
"""

from __future__ import annotations

import functools
import math
import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .codebook import arm_label
from .errors import PkuEvalError

THIN = "\u202f"  # narrow no-break space

#: Where the catalogues live: one folder per language, the same file names in each.
CATALOGUE_DIR = Path(__file__).resolve().parent / "texts"

_KEY = re.compile(r"[a-z][a-z0-9_]*")


class TextError(PkuEvalError, KeyError):
    """A text was asked for that the catalogues cannot give: an unknown key or language, or a
    placeholder the caller did not supply. (A ``KeyError`` too, as before the catalogues.)"""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""


class CatalogueError(PkuEvalError):
    """The text catalogues are inconsistent; ``problems`` lists every mistake found."""

    def __init__(self, problems: list[str], root: Path):
        self.problems = list(problems)
        super().__init__(f"the text catalogues in {root} have {len(problems)} problem(s):\n"
                         + "\n".join(f"  - {p}" for p in problems))


# ------------------------------------------------------------------------------- catalogues

@dataclass(frozen=True)
class Catalogue:
    """The texts of every language, as read from the catalogue folder and checked."""

    root: Path
    languages: tuple[str, ...]
    texts: dict[str, dict[str, str]]   # language → key → text
    fields: dict[str, frozenset[str]]  # key → its placeholders (the same in every language)
    files: dict[str, str]              # key → the file name it is in ("employment.yml")

    def path(self, key: str, language: str) -> Path:
        return self.root / language / self.files[key]


def placeholders(text: str) -> frozenset[str]:
    """The ``{names}`` in ``text``. ``ValueError`` for a brace that is not a placeholder (write
    ``{{`` and ``}}`` for literal braces) and for anything but a plain name (``{0}``, ``{}``,
    ``{n:.1f}``, ``{a.b}``): the code fills placeholders with ready-formatted values."""
    names = set()
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(f"placeholder {{{name}{'!' + conversion if conversion else ''}"
                             f"{':' + spec if spec else ''}}} is not a plain {{name}}")
        names.add(name)
    return frozenset(names)


def _read_file(path: Path, problems: list[str]) -> dict[str, tuple[str, int]]:
    """key → (text, line) of one catalogue file; mistakes are appended to ``problems``."""
    import yaml

    where = f"{path.parent.name}/{path.name}"
    loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)  # no implicit types: all text
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=loader)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(f"{where}: not readable as YAML: {exc}")
        return {}
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        problems.append(f"{where}: should be a list of 'key: text' entries")
        return {}
    out: dict[str, tuple[str, int]] = {}
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + 1
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            problems.append(f"{where}, line {line}: {key!r} is not a valid key "
                            "(lower-case letters, digits and _)")
            continue
        if key in out:
            problems.append(f"{where}, line {line}: key '{key}' is there twice "
                            f"(also line {out[key][1]})")
            continue
        if not isinstance(value_node, yaml.ScalarNode) or not value_node.value.strip():
            problems.append(f"{where}, line {line}: the text of '{key}' is empty or not text")
            continue
        out[key] = (value_node.value, line)
    return out


def load_catalogues(root: Path | str = CATALOGUE_DIR) -> Catalogue:
    """Read and check the catalogues under ``root`` (``<root>/<language>/*.yml``).

    Checked: the languages have the same files; within a language every key is in one file
    only; every key is in every language, in the file of the same name; each text's
    placeholders are plain ``{names}`` and the same in every language; every language has a
    :class:`Locale`. All problems are reported at once in a :class:`CatalogueError`."""
    root = Path(root)
    problems: list[str] = []
    order = list(LOCALE_SPECS)  # nb first
    languages = tuple(sorted((d.name for d in root.iterdir() if d.is_dir()
                              and any(d.glob("*.yml"))),
                             key=lambda lang: (order.index(lang) if lang in order
                                               else len(order), lang))) \
        if root.is_dir() else ()
    if not languages:
        raise CatalogueError([f"no catalogues (<language>/*.yml) under {root}"], root)
    for lang in languages:
        if lang not in LOCALE_SPECS:
            problems.append(f"{lang}/: no number and date formats (Locale) for language "
                            f"'{lang}' in pku_eval.text.LOCALE_SPECS")
    names = {lang: sorted(p.name for p in (root / lang).glob("*.yml")) for lang in languages}
    all_names = sorted(set().union(*names.values()))
    for lang in languages:
        for name in all_names:
            if name not in names[lang]:
                others = [o for o in languages if name in names[o]]
                problems.append(f"{lang}/{name}: missing (there is {others[0]}/{name})")

    # key → (text, file, line) per language
    entries: dict[str, dict[str, tuple[str, str, int]]] = {}
    for lang in languages:
        entries[lang] = {}
        for name in names[lang]:
            for key, (text, line) in _read_file(root / lang / name, problems).items():
                if key in entries[lang]:
                    _, other, other_line = entries[lang][key]
                    problems.append(f"{lang}/{name}, line {line}: key '{key}' is also in "
                                    f"{lang}/{other}, line {other_line}")
                    continue
                entries[lang][key] = (text, name, line)

    keys: list[str] = []
    for lang in languages:
        keys += [k for k in entries[lang] if k not in keys]
    texts = {lang: {k: v[0] for k, v in entries[lang].items()} for lang in languages}
    fields: dict[str, frozenset[str]] = {}
    files: dict[str, str] = {}
    for key in keys:
        present = [lang for lang in languages if key in entries[lang]]
        first = present[0]
        _, file, line = entries[first][key]
        files[key] = file
        for lang in languages:
            if lang not in present:
                problems.append(f"{lang}/{file}: the text '{key}' is missing "
                                f"(it is in {first}/{file}, line {line})")
            elif entries[lang][key][1] != file:
                problems.append(f"{lang}/{entries[lang][key][1]}: the text '{key}' should be in "
                                f"{lang}/{file}, as in {first}/{file}")
        found: dict[str, frozenset[str]] = {}
        for lang in present:
            text, lfile, lline = entries[lang][key]
            try:
                found[lang] = placeholders(text)
            except ValueError as exc:
                problems.append(f"{lang}/{lfile}, line {lline}: the text '{key}': {exc}")
        if len(set(found.values())) > 1:
            shown = "; ".join(f"{lang}: {_braces(f) or 'none'}" for lang, f in found.items())
            problems.append(f"the text '{key}' ({file}) has different placeholders in the "
                            f"languages ({shown})")
        fields[key] = frozenset().union(*found.values()) if found else frozenset()
    if problems:
        raise CatalogueError(problems, root)
    return Catalogue(root, languages, texts, fields, files)


def _braces(names) -> str:
    return ", ".join(f"{{{n}}}" for n in sorted(names))


@functools.cache
def catalogue() -> Catalogue:
    """The package's catalogues, read and checked once (then cached)."""
    return load_catalogues(CATALOGUE_DIR)


def languages() -> tuple[str, ...]:
    """The report languages: one catalogue folder each ('nb' first)."""
    return catalogue().languages


def t(key: str, language: str = "nb", **kwargs) -> str:
    """The text ``key`` in ``language`` with its ``{placeholders}`` filled from ``kwargs``
    (extra keyword arguments are ignored; a missing or ``None`` one is a :class:`TextError`)."""
    cat = catalogue()
    texts = cat.texts.get(language)
    if texts is None:
        raise TextError(f"no text catalogue for language {language!r} "
                        f"(there are: {', '.join(cat.languages)})")
    text = texts.get(key)
    if text is None:
        raise TextError(f"no text '{key}' in the catalogues ({cat.root}/<language>/*.yml)")
    needed = cat.fields[key]
    missing = needed - kwargs.keys()
    if missing:
        supplied = ", ".join(sorted(kwargs)) or "nothing"
        raise TextError(f"the text '{key}' ({language}, {cat.path(key, language)}) has the "
                        f"placeholder(s) {_braces(missing)}, which the code did not supply "
                        f"(it supplied: {supplied})")
    empty = {name for name in needed if kwargs[name] is None}
    if empty:
        raise TextError(f"the text '{key}' ({language}, {cat.path(key, language)}): the "
                        f"value of {_braces(empty)} is None (a result that is missing)")
    return text.format_map(kwargs)


class _Strings(Mapping):
    """Read-only view ``key → {language: text}`` of the catalogues (read on first use)."""

    def __getitem__(self, key: str) -> dict[str, str]:
        cat = catalogue()
        if key not in cat.fields:
            raise KeyError(key)
        return {lang: cat.texts[lang][key] for lang in cat.languages}

    def __contains__(self, key) -> bool:
        return key in catalogue().fields

    def __iter__(self) -> Iterator[str]:
        return iter(catalogue().fields)

    def __len__(self) -> int:
        return len(catalogue().fields)


#: Every text: ``STRINGS[key][language]`` (a view of the catalogues).
STRINGS: Mapping[str, dict[str, str]] = _Strings()


def arm_name(arm: str, language: str = "nb") -> str:
    if arm == "all":
        return t("all_arms", language)
    return arm_label(arm, language)


# ------------------------------------------------------------------------ numbers and dates

@dataclass(frozen=True)
class Locale:
    """How numbers and dates are written in one language."""

    language: str         # "nb"
    cldr: str             # the Babel/CLDR locale: "nb_NO"
    decimal: str          # decimal mark: ","
    group: str            # thousands separator: "\u202f"
    minus: str            # minus sign: "\u2212"
    percent: str          # a percentage, {num} the formatted number: "{num}\u202f%"
    less_than: str        # a value below a bound (p-values): "<\u202f{num}"
    ci: str               # an interval; {level} is formatted as a percentage
    date: str             # CLDR date pattern for babel.dates.format_date: "d. MMMM y"
    missing: str = "–"    # a missing number
    _table: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._table.update(str.maketrans({",": self.group, ".": self.decimal, "-": self.minus}))

    def number(self, formatted: str) -> str:
        """A number formatted by Python (``f"{x:,.2f}"``: "-1,234.50") in this language."""
        return formatted.translate(self._table)


#: House style over CLDR, per language: the CLDR locale, and what is not taken from CLDR.
#: Norwegian uses the narrow no-break space (U+202F) where CLDR has U+00A0 (grouping, "45 %").
LOCALE_SPECS: dict[str, dict] = {
    "nb": dict(cldr="nb_NO", narrow_spaces=True, less_than=f"<{THIN}{{num}}",
               ci="{level} KI {low} til {high}"),
    "en": dict(cldr="en_GB", narrow_spaces=False, less_than=f"<{THIN}{{num}}",
               ci="{level} CI {low} to {high}"),
}


@functools.cache
def locale(language: str) -> Locale:
    """The :class:`Locale` of ``language``, from Babel's CLDR data plus :data:`LOCALE_SPECS`."""
    try:
        spec = dict(LOCALE_SPECS[language])
    except (KeyError, TypeError):
        raise TextError(f"no number and date formats for language {language!r} "
                        f"(there are: {', '.join(LOCALE_SPECS)})") from None
    import babel

    cldr = babel.Locale.parse(spec.pop("cldr"))
    narrow = spec.pop("narrow_spaces")

    def house(s: str) -> str:
        return s.replace("\u00a0", THIN) if narrow else s

    symbols = cldr.number_symbols["latn"]
    percent = house(cldr.percent_formats[None].pattern)
    if "#,##0" not in percent:
        raise ValueError(f"unexpected CLDR percent pattern {percent!r} for {cldr}")
    return Locale(language=language, cldr=str(cldr), decimal=symbols["decimal"],
                  group=house(symbols["group"]), minus=symbols["minusSign"],
                  percent=percent.replace("#,##0", "{num}"),
                  date=cldr.date_formats["long"].pattern, **spec)


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def fmt_num(x, decimals: int = 1, language: str = "nb") -> str:
    """A number for prose or tables: '1 234,5' (nb) or '1,234.5' (en); '–' for missing."""
    loc = locale(language)
    if _missing(x):
        return loc.missing
    s = f"{x:,.{decimals}f}"
    if s.lstrip("-").strip("0.,") == "":  # no "-0,0"
        s = s.lstrip("-")
    return loc.number(s)


def fmt_int(x, language: str = "nb") -> str:
    return fmt_num(x, 0, language)


def fmt_pct(p, language: str = "nb", decimals: int = 0) -> str:
    """A proportion as a percentage: 0.456 → '46 %' (nb) or '46%' (en)."""
    loc = locale(language)
    if _missing(p):
        return loc.missing
    return loc.percent.format(num=fmt_num(100 * p, decimals, language))


def fmt_p(p, language: str = "nb") -> str:
    """A p-value: '< 0,001' (nb) / '< 0.001' (en) below 0.001, else three decimals."""
    loc = locale(language)
    if _missing(p):
        return loc.missing
    if p < 0.001:
        return loc.less_than.format(num=fmt_num(0.001, 3, language))
    return fmt_num(p, 3, language)


def _level_decimals(level: float) -> int:
    """The fewest decimals (up to 3) that show ``level`` as a percentage exactly."""
    pct = 100 * level
    return next((d for d in range(4) if abs(pct - round(pct, d)) < 1e-9), 3)


def fmt_ci(low, high, decimals: int = 2, language: str = "nb", level: float = 0.95) -> str:
    """A confidence interval at ``level`` (a proportion): '95 % KI 0,12 til 0,34' (nb) /
    '95% CI 0.12 to 0.34' (en); ``level=0.90`` → '90 % KI …' / '90% CI …'."""
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise ValueError(f"confidence level {level!r}: give a proportion between 0 and 1, "
                         "e.g. 0.95")
    loc = locale(language)
    return loc.ci.format(level=fmt_pct(level, language, _level_decimals(level)),
                         low=fmt_num(low, decimals, language),
                         high=fmt_num(high, decimals, language))


def fmt_date(d, language: str = "nb") -> str:
    """A date in prose: '31. desember 2016' (nb) / '31 December 2016' (en)."""
    import pandas as pd
    from babel.dates import format_date

    loc = locale(language)
    return format_date(pd.Timestamp(d).date(), loc.date, locale=loc.cldr)
