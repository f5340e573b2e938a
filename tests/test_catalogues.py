"""The text catalogues (src/pku_eval/texts/<language>/*.yml) are complete and consistent: every
key in both languages with the same placeholders, every key the code or a notebook uses exists,
every key is used, and every text formats. The checks read the YAML files themselves (not
through pku_eval.text), and the loader's own checks are tested on broken copies."""

from __future__ import annotations

import ast
import json
import re
import shutil
import string
import tomllib
from pathlib import Path

import pytest
import yaml

from pku_eval import config, text
from pku_eval.text import CATALOGUE_DIR, STRINGS, CatalogueError, TextError, load_catalogues, t

LANGUAGES = ("nb", "en")
SRC = Path(text.__file__).resolve().parent


# ----------------------------------------------------------------------- reading the YAML files

def raw_catalogues(root: Path) -> dict[str, dict[str, dict[str, str]]]:
    """language → file name → key → text, read with a plain YAML reader (all scalars text)."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for lang in LANGUAGES:
        out[lang] = {}
        for path in sorted((root / lang).glob("*.yml")):
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or {}
            out[lang][path.name] = data
    return out


def fields(s: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(s) if name is not None}


def catalogue_problems(root: Path) -> list[str]:
    """What is wrong with the catalogues under ``root``: (a) a key or file missing in a
    language, (b) placeholders differing between the languages."""
    cats = raw_catalogues(root)
    problems = []
    files = {lang: set(cats[lang]) for lang in LANGUAGES}
    if files["nb"] != files["en"]:
        problems.append(f"files differ: nb only {files['nb'] - files['en']}, "
                        f"en only {files['en'] - files['nb']}")
    for name in sorted(files["nb"] | files["en"]):
        nb, en = cats["nb"].get(name, {}), cats["en"].get(name, {})
        for key in sorted(set(nb) ^ set(en)):
            lang = "en" if key in nb else "nb"
            problems.append(f"{lang}/{name}: '{key}' missing")
        for key in sorted(set(nb) & set(en)):
            if not (isinstance(nb[key], str) and nb[key].strip()
                    and isinstance(en[key], str) and en[key].strip()):
                problems.append(f"{name}: '{key}' is empty or not text")
            elif fields(nb[key]) != fields(en[key]):
                problems.append(f"{name}: '{key}' placeholders differ: nb {sorted(fields(nb[key]))}"
                                f", en {sorted(fields(en[key]))}")
    for lang in LANGUAGES:
        seen: dict[str, str] = {}
        for name, entries in cats[lang].items():
            for key in entries:
                if key in seen:
                    problems.append(f"{lang}: '{key}' in both {seen[key]} and {name}")
                seen[key] = name
    return problems


def all_keys() -> set[str]:
    return {k for entries in raw_catalogues(CATALOGUE_DIR)["nb"].values() for k in entries}


def test_every_key_in_both_languages_with_the_same_placeholders():
    assert catalogue_problems(CATALOGUE_DIR) == []


def test_the_loader_reads_what_the_files_hold():
    cats = raw_catalogues(CATALOGUE_DIR)
    for lang in LANGUAGES:
        flat = {k: v for entries in cats[lang].values() for k, v in entries.items()}
        assert {k: STRINGS[k][lang] for k in STRINGS} == flat
        assert text.catalogue().texts[lang] == flat


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_text_formats_with_its_placeholders(lang):
    for key in STRINGS:
        values = {name: f"<<{name}>>" for name in fields(STRINGS[key][lang])}
        out = t(key, lang, **values)
        assert out.strip(), key
        for value in values.values():
            assert value in out, (key, lang)
        assert not re.search(r"\{[a-z_]+\}", out), (key, lang, out)


# ------------------------------------------------------- keys used by the code and the notebooks

TEXT_CALLS = {"t", "text", "section", "heading", "warning"}

#: Keys the scan below cannot see being used (looked up in a way that is neither a literal, an
#: f-string nor a constant in a module that looks texts up by variable). Give each a comment
#: saying where it is used.
USED_ELSEWHERE: dict[str, str] = {}


def sources() -> list[tuple[str, str]]:
    """(name, Python source) of every module of the package and every notebook (a notebook's
    code cells joined; IPython magics blanked)."""
    out = [(str(p.relative_to(SRC.parent)), p.read_text(encoding="utf-8"))
           for p in sorted(SRC.rglob("*.py"))]
    for nb in sorted(config.NOTEBOOKS_DIR.glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                         for line in code.splitlines())
        out.append((f"notebooks/{nb.name}", code))
    return out


def _is_text_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call) or not node.args:
        return False
    f = node.func
    name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
    if name not in TEXT_CALLS or (name == "text" and len(node.args) >= 3):  # Axes.text(x, y, s)
        return False
    return not any(kw.arg == "raw" and not (isinstance(kw.value, ast.Constant)
                                            and kw.value.value is False)
                   for kw in node.keywords)


def _branches(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.IfExp):
        return _branches(node.body) + _branches(node.orelse)
    return [node]


def _pattern(node: ast.JoinedStr) -> str | None:
    """A regex for the keys an f-string can produce (None: too little literal text)."""
    literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    if len(literal.replace("_", "")) < 3:
        return None
    return "".join(re.escape(v.value) if isinstance(v, ast.Constant) else "[a-z0-9_]+"
                   for v in node.values)


def _key_position_constants(tree: ast.AST) -> tuple[set[str], set[str]]:
    """Strings (and f-string patterns) a module holds where a key could be kept for a later
    lookup: assigned, returned, a conditional's branch, in a tuple or list, a default."""
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    consts, patterns = set(), set()
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Constant, ast.JoinedStr)):
            continue
        parent = parents.get(node)
        ok = (isinstance(parent, (ast.Assign, ast.AnnAssign, ast.Return, ast.Tuple, ast.List,
                                  ast.arguments))
              or (isinstance(parent, ast.IfExp) and node is not parent.test))
        if not ok:
            continue
        if isinstance(node, ast.JoinedStr):
            if (p := _pattern(node)) is not None:
                patterns.add(p)
        elif isinstance(node.value, str):
            consts.add(node.value)
    return consts, patterns


def used_keys():
    """Literal keys of text calls and f-string patterns of text calls (each with where they
    are), and the strings and f-string patterns held for a lookup by variable."""
    literal: dict[str, list[str]] = {}
    patterns: dict[str, list[str]] = {}
    indirect: set[str] = set()
    indirect_patterns: set[str] = set()
    for name, src in sources():
        tree = ast.parse(src, filename=name)
        dynamic = False
        for call in filter(_is_text_call, ast.walk(tree)):
            where = f"{name}:{call.lineno}"
            for arg in _branches(call.args[0]):
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    literal.setdefault(arg.value, []).append(where)
                elif isinstance(arg, ast.JoinedStr) and _pattern(arg) is not None:
                    patterns.setdefault(_pattern(arg), []).append(where)
                else:
                    dynamic = True
        if dynamic:
            consts, pats = _key_position_constants(tree)
            indirect |= consts
            indirect_patterns |= pats
    return literal, patterns, indirect, indirect_patterns


def test_the_scan_finds_the_keys():
    literal, patterns, _, _ = used_keys()
    assert len(literal) > 300
    assert "dq_title" in literal and any(w.startswith("notebooks/") for w in literal["dq_title"])
    assert "se_ev_[a-z0-9_]+" in patterns


def test_every_key_the_code_uses_exists():
    literal, patterns, _, _ = used_keys()
    keys = all_keys()
    missing = {k: where for k, where in literal.items() if k not in keys}
    assert not missing, f"texts used but in no catalogue: {missing}"
    unmatched = {p: where for p, where in patterns.items()
                 if not any(re.fullmatch(p, k) for k in keys)}
    assert not unmatched, f"f-string keys that match no text: {unmatched}"


def test_every_key_is_used():
    literal, patterns, indirect, indirect_patterns = used_keys()
    keys = all_keys()
    used = set(literal) | (indirect & keys) | set(USED_ELSEWHERE)
    used |= {k for k in keys for p in {*patterns, *indirect_patterns} if re.fullmatch(p, k)}
    unused = sorted(keys - used)
    assert not unused, (f"{len(unused)} text(s) in the catalogues that no code uses (remove "
                        f"them, or list them in USED_ELSEWHERE with where they are used): "
                        f"{unused}")
    assert not set(USED_ELSEWHERE) - keys, "USED_ELSEWHERE lists texts that do not exist"


# ------------------------------------------------------------------- t() and the loader's checks

def test_a_missing_placeholder_is_an_error_naming_key_language_and_placeholder():
    with pytest.raises(TextError) as err:
        t("dq_no_flags", "en", threshold="70%")
    msg = str(err.value)
    assert "'dq_no_flags'" in msg and "en" in msg and "{gap}" in msg and "threshold" in msg
    assert isinstance(err.value, KeyError)  # as before the catalogues
    with pytest.raises(TextError, match=r"\{file\}"):
        t("cb_file", "nb")  # no keyword arguments at all: not the raw "{file}" either


def test_a_placeholder_given_none_is_an_error():
    with pytest.raises(TextError, match=r"'cb_file'.*\{file\} is None"):
        t("cb_file", "en", file=None)
    assert t("contents", "en", unused=None) == "Contents"  # not a placeholder of the text


def test_extra_values_are_ignored():
    assert t("contents", "nb", unused=1) == "Innhold"
    assert t("cb_file", "en", file="survey", other="x") == "File: survey"


def test_unknown_key_or_language_is_an_error():
    with pytest.raises(TextError, match="no_such_text"):
        t("no_such_text", "nb")
    with pytest.raises(TextError, match="'de'"):
        t("contents", "de")


def test_strings_view():
    assert "contents" in STRINGS and "no_such_text" not in STRINGS
    assert STRINGS["contents"] == {"nb": "Innhold", "en": "Contents"}
    assert len(STRINGS) == len(all_keys())
    assert text.languages() == LANGUAGES


def test_special_characters_survive():
    assert (t("dq_response_caption", "nb")
            == "Svarprosent (besvart ÷ forfalt) per måletidspunkt og gruppe")
    assert "«vet ikke» (8)" in t("dq_missing_caption", "nb")
    assert "\"don't know\" (8)" in t("dq_missing_caption", "en")
    assert t("cb_h_reversed", "nb") == "Snudd (5 \u2212 x)"
    assert STRINGS["yes"] == {"nb": "ja", "en": "yes"}  # not YAML's boolean
    assert STRINGS["no"] == {"nb": "nei", "en": "no"}


def test_the_catalogues_ship_with_the_package():
    pyproject = tomllib.loads((config.PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["pku_eval"]
    shipped = {p for pat in patterns for p in SRC.glob(pat) if p.is_file()}
    assert set(CATALOGUE_DIR.glob("*/*.yml")) <= shipped
    assert len(set(CATALOGUE_DIR.glob("*/*.yml"))) >= 2 * 10


# ---------------------------------------------------------------------- broken copies (mutations)

@pytest.fixture
def copy(tmp_path) -> Path:
    root = tmp_path / "texts"
    shutil.copytree(CATALOGUE_DIR, root)
    return root


def _edit(path: Path, old: str, new: str) -> None:
    s = path.read_text(encoding="utf-8")
    assert s.count(old) == 1, old
    path.write_text(s.replace(old, new), encoding="utf-8")


def _drop(path: Path, key: str) -> None:
    s = path.read_text(encoding="utf-8")
    m = re.search(rf"\n{key}: >-\n(  .*\n)+", s)
    path.write_text(s[:m.start()] + s[m.end():], encoding="utf-8")


def test_the_copy_is_fine(copy):
    assert catalogue_problems(copy) == []
    assert load_catalogues(copy).texts == text.catalogue().texts


def test_a_text_missing_in_one_language_fails(copy):
    _drop(copy / "en" / "employment.yml", "job_title")
    assert catalogue_problems(copy) == ["en/employment.yml: 'job_title' missing"]
    with pytest.raises(CatalogueError, match=r"en/employment.yml: the text 'job_title' is missing"):
        load_catalogues(copy)


def test_a_placeholder_in_one_language_only_fails(copy):
    _edit(copy / "nb" / "employment.yml", "  Overgang til arbeid (registerdata)\n",
          "  Overgang til arbeid (registerdata) {n}\n")
    assert len(catalogue_problems(copy)) == 1
    with pytest.raises(CatalogueError, match=r"'job_title'.*different placeholders.*nb: \{n\}"):
        load_catalogues(copy)


def test_a_missing_file_a_duplicate_key_and_a_stray_brace_fail(copy):
    (copy / "en" / "codebook.yml").unlink()
    _edit(copy / "nb" / "report.yml", "contents: >-\n", "contents: >-\n  Innhold\n\nbuilt: >-\n")
    _edit(copy / "nb" / "summary.yml", "sm_title: >-\n  ", "sm_title: >-\n  {oops ")
    with pytest.raises(CatalogueError) as err:
        load_catalogues(copy)
    msg = str(err.value)
    assert "en/codebook.yml: missing" in msg
    assert "key 'built' is there twice" in msg
    assert "nb/summary.yml" in msg and "'sm_title'" in msg


def test_non_text_values_and_bad_keys_fail(copy):
    _edit(copy / "en" / "report.yml", "contents: >-\n  Contents\n", "contents:\n  - Contents\n")
    _edit(copy / "nb" / "report.yml", "built: >-\n", "Built: >-\n")
    with pytest.raises(CatalogueError) as err:
        load_catalogues(copy)
    msg = str(err.value)
    assert "the text of 'contents' is empty or not text" in msg
    assert "'Built' is not a valid key" in msg
