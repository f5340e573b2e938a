"""``mapping.yml``: how a survey tool's export becomes a contract file, without touching it.

A data directory may hold a ``mapping.yml`` (docs/data-contract.md, "Mapping a survey tool's
export onto the contract") that says, per contract file, which export file to read, which sheet,
how its columns are renamed and how its values are recoded::

    survey:
      file: internal_69659.csv
      sheet: Svar                     # .xlsx only
      rename: {q1: wave, Dato: response_date}
      recode:
        employment: {"Ordinært arbeid": ordinary_paid, "Vet ikke": 8}

The mapping is checked like the data (file, line, column, value and what was expected, every
problem at once); :func:`find_sources` gives the file each contract name is read from;
:func:`apply_entry` renames and recodes a read export in memory (the raw export is never
written); :func:`draft` writes a starting mapping from an export's column names and SPSS value
labels. Imports no pandas at module level (the build's no-op check reads the file list).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .codebook import FILES, Var
from .errors import Problem
from .files import FORMATS, find_files, sha256_file

MAPPING_FILE = "mapping.yml"
#: A mapping file is small: the limit keeps a wrong file (an export renamed) from being parsed.
MAX_MAPPING_BYTES = 1_000_000
_KEYS = ("file", "sheet", "rename", "recode")
#: Marks a value :func:`draft` could not match (read_mapping refuses it until filled in).
UNMATCHED = "???"


@dataclass(frozen=True)
class Entry:
    """The mapping of one contract file: the export it is read from and how."""

    contract: str
    file: str
    sheet: str | None = None
    rename: dict = field(default_factory=dict)   # export column -> contract column
    recode: dict = field(default_factory=dict)   # contract column -> {export value: code}
    line: int = 1                                 # where the entry starts in mapping.yml


# ---------------------------------------------------------------- guessing names

def _plain(text: str) -> str:
    """Lower case, æøå spelled out, accents and separators removed: ``Kjønn`` → ``kjonn``."""
    text = str(text).strip().lower()
    for a, b in (("æ", "ae"), ("ø", "o"), ("å", "a")):
        text = text.replace(a, b)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _names(var: Var) -> set[str]:
    return {_plain(var.name), _plain(var.label_nb), _plain(var.label_en)}


def guess_column(column: str, spec_name: str | None = None) -> str | None:
    """The contract column an export's column name most likely means (its name or Norwegian or
    English label, spelled loosely: ``kjønn`` → ``gender``), or None."""
    plain = _plain(column)
    specs = [FILES[spec_name]] if spec_name else list(FILES.values())
    for spec in specs:
        for var in spec.variables:
            if plain in _names(var):
                return var.name
    pool = {n: var.name for spec in specs for var in spec.variables for n in _names(var)}
    close = difflib.get_close_matches(plain, list(pool), n=1, cutoff=0.8)
    return pool[close[0]] if close else None


def did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f": did you mean '{close[0]}'?" if close else ""


def _text(value) -> str:
    """A YAML scalar as the text cell it stands for (``8`` → "8", ``1.0`` → "1")."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


# ---------------------------------------------------------------- reading mapping.yml

def _load_nodes(path: Path) -> tuple[object | None, list[Problem]]:
    import yaml

    from .params import _ParamsLoader

    data = path.read_bytes()[: MAX_MAPPING_BYTES + 1]
    if len(data) > MAX_MAPPING_BYTES:
        return None, [Problem(MAPPING_FILE, None, None, None,
                              f"at most {MAX_MAPPING_BYTES:,} bytes (is this the mapping?)")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [Problem(MAPPING_FILE, None, None, None,
                              f"not UTF-8 text (byte {exc.start + 1}): save it as UTF-8")]
    try:
        loader = _ParamsLoader(text)
        try:
            return loader.get_single_node(), []
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = str(getattr(exc, "problem", "") or exc).splitlines()[0]
        problem = problem.replace("params files", "a mapping")
        return None, [Problem(MAPPING_FILE, mark.line + 1 if mark else None, None, None,
                              f"not valid YAML: {problem[:160]}")]


def _scalar(node) -> object:
    """The Python value of a YAML scalar node (safe types only)."""
    import yaml

    return yaml.constructor.SafeConstructor().construct_object(node, deep=True)


def _pairs(node) -> list[tuple[object, object, int]]:
    """(key, value node, line) of a YAML mapping node."""
    return [(_scalar(k) if k.id == "scalar" else None, v, k.start_mark.line + 1)
            for k, v in node.value]


def read_mapping(data_dir: Path) -> tuple[dict[str, Entry], list[Problem]]:
    """The entries of ``data_dir/mapping.yml`` (none when there is no mapping) and every
    problem found in it, each with its line (as ``row``), the contract column and the value."""
    path = Path(data_dir) / MAPPING_FILE
    if not path.is_file():
        return {}, []
    root, problems = _load_nodes(path)
    if root is None:
        return {}, problems
    M = MAPPING_FILE
    if root.id != "mapping":
        return {}, [Problem(M, 1, None, None, "a mapping of contract file names (e.g. survey:) "
                                              "to their export")]
    entries: dict[str, Entry] = {}
    from .validate import looks_like_national_id

    for name, node, line in _pairs(root):
        if name not in FILES:
            problems.append(Problem(M, line, None, _text(name),
                                    "a contract file: one of " + ", ".join(FILES)
                                    + did_you_mean(name, FILES)))
            continue
        spec = FILES[name]
        if node.id != "mapping":
            problems.append(Problem(M, line, None, name, "a mapping with file: (and sheet:, "
                                                         "rename:, recode:)"))
            continue
        got = {k: (v, ln) for k, v, ln in _pairs(node)}
        for k, (_, ln) in got.items():
            if k not in _KEYS:
                problems.append(Problem(M, ln, None, _text(k), "one of file, sheet, rename, "
                                        "recode" + did_you_mean(k, _KEYS)))
        file = _text(_scalar(got["file"][0])) if "file" in got and got["file"][0].id == \
            "scalar" else None
        if not file:
            problems.append(Problem(M, line, None, name, "file: names the export to read "
                                                         "(a file in the data directory)"))
            continue
        if Path(file).name != file or file.startswith(".") or \
                Path(file).suffix.lower() not in FORMATS:
            problems.append(Problem(M, got["file"][1], None, file,
                                    "the name of a .csv, .xlsx or .sav file in the data "
                                    "directory (no folders)"))
            continue
        sheet = None
        if "sheet" in got:
            sheet = _text(_scalar(got["sheet"][0])) if got["sheet"][0].id == "scalar" else ""
            if not sheet or Path(file).suffix.lower() != ".xlsx":
                problems.append(Problem(M, got["sheet"][1], None, sheet or None,
                                        "sheet: the name of a sheet, for an .xlsx export only"))
        rename: dict[str, str] = {}
        if "rename" in got:
            rnode, rline = got["rename"]
            if rnode.id != "mapping":
                problems.append(Problem(M, rline, None, None, "rename: a mapping of export "
                                                              "column: contract column"))
            else:
                for src, tnode, ln in _pairs(rnode):
                    target = _text(_scalar(tnode)) if tnode.id == "scalar" else ""
                    if target not in spec.columns:
                        problems.append(Problem(
                            M, ln, _text(src), target or None,
                            f"a column of {name}" + (did_you_mean(target, spec.columns)
                                                     if target != UNMATCHED else
                                                     ": not matched yet, fill it in or "
                                                     "remove the line")))
                    elif target in rename.values():
                        problems.append(Problem(M, ln, target, _text(src),
                                                "each contract column from one export column "
                                                "(it is named twice)"))
                    else:
                        rename[_text(src)] = target
        recode: dict[str, dict[str, str]] = {}
        if "recode" in got:
            cnode, cline = got["recode"]
            if cnode.id != "mapping":
                problems.append(Problem(M, cline, None, None, "recode: a mapping of contract "
                                                              "column: {export value: code}"))
            else:
                for col, vnode, ln in _pairs(cnode):
                    col = _text(col)
                    if col not in spec.columns:
                        problems.append(Problem(M, ln, col, None, f"a column of {name}"
                                                + did_you_mean(col, spec.columns)))
                        continue
                    if vnode.id != "mapping":
                        problems.append(Problem(M, ln, col, None, "a mapping of export value: "
                                                                  "contract value"))
                        continue
                    var = spec.var(col)
                    table = {}
                    for key, tnode, vln in _pairs(vnode):
                        value = _text(_scalar(tnode)) if tnode.id == "scalar" else ""
                        bad = _outside(var, value)
                        if bad:
                            problems.append(Problem(M, vln, col, value or None, bad))
                        table[_text(key)] = value
                    cells = list(table) + list(table.values())
                    if len(cells) and looks_like_national_id(cells).any():
                        problems.append(Problem(M, ln, col, None,
                                                "holds what looks like a Norwegian national "
                                                "identity number (not shown): a mapping holds "
                                                "answers and codes, never ids"))
                    recode[col] = table
        entries[name] = Entry(name, file, sheet, rename, recode, line)
    return entries, problems


def _outside(var: Var, value: str) -> str | None:
    """Why a recode's target is not a value of the contract column (None when it is)."""
    if value == UNMATCHED or value == "":
        return "a value of the contract: not matched yet, fill it in"
    if var.missing_codes and value in ("8", "9"):
        return None
    if var.kind == "code" and var.codes:
        if value in var.codes:
            return None
        return "one of " + ", ".join(var.codes) + did_you_mean(value, var.codes)
    if var.kind in ("item", "int", "binary", "number"):
        try:
            x = float(value)
        except ValueError:
            x = None
        lo, hi = (0, 1) if var.kind == "binary" else (var.low, var.high)
        if x is not None and (lo is None or lo <= x <= hi) and \
                (var.kind == "number" or x.is_integer()):
            return None
        extra = " (or 8/9 missing codes)" if var.missing_codes else ""
        return f"a value in {lo:g}–{hi:g}{extra}" if lo is not None else "a number"
    if var.kind == "code":
        return None if re.fullmatch(r"[a-z][a-z0-9_]*", value) else "a lower-case code"
    return None


# ---------------------------------------------------------------- where each file comes from

def find_sources(data_dir: Path) -> tuple[dict[str, Path], list[Problem], dict[str, Entry]]:
    """The file each contract name is read from (its own ``<name>.csv|xlsx|sav``, or the export
    mapping.yml names), every problem with the files and the mapping, and the entries."""
    data_dir = Path(data_dir)
    found, problems = find_files(data_dir)
    entries, more = read_mapping(data_dir) if data_dir.is_dir() else ({}, [])
    problems += more
    for name, entry in entries.items():
        path = data_dir / entry.file
        if name in found and found[name].name != entry.file:
            problems.append(Problem(MAPPING_FILE, entry.line, None, name,
                                    f"'{name}' is delivered twice: as {found[name].name} and "
                                    f"through the mapping as {entry.file}; keep one"))
        elif not path.is_file():
            here = [p.name for p in data_dir.iterdir() if p.suffix.lower() in FORMATS]
            problems.append(Problem(MAPPING_FILE, entry.line, None, entry.file,
                                    f"the export named for '{name}' is not in the data "
                                    f"directory{did_you_mean(entry.file, here)}"))
        else:
            found[name] = path
            problems = [p for p in problems
                        if not (p.file.split(".")[0] == name and p.row is None
                                and p.expected.startswith(("required file is missing",
                                                           "file not present")))]
    return found, problems, entries


def fingerprint(data_dir: Path) -> dict[str, str]:
    """sha256 of every file a build reads from ``data_dir``: the contract files, the exports
    mapping.yml names, and mapping.yml itself (file name → hash): what the provenance and the
    cache keys should hold."""
    found, _, _ = find_sources(Path(data_dir))
    out = {p.name: sha256_file(p) for p in found.values()}
    m = Path(data_dir) / MAPPING_FILE
    if m.is_file():
        out[MAPPING_FILE] = sha256_file(m)
    return dict(sorted(out.items()))


def contract_names(data_dir: Path) -> dict[str, str]:
    """File name → the contract file it is read as, for the data files :func:`fingerprint`
    lists (``survey.csv`` → ``survey``; ``internal_69659.csv`` → ``survey`` through the
    mapping)."""
    found, _, _ = find_sources(Path(data_dir))
    return {p.name: name for name, p in found.items()}


def reads_file(file: str, reads, names: dict[str, str]) -> bool:
    """Whether a chapter reading the contract files ``reads`` (None: all) depends on the data
    file ``file`` (``names``: :func:`contract_names`): its files, the exports mapped onto them,
    and mapping.yml, which is part of every cache key."""
    if reads is None or file == MAPPING_FILE:
        return True
    return names.get(file, file.rsplit(".", 1)[0]) in reads


# ---------------------------------------------------------------- applying an entry

def apply_entry(entry: Entry, frame, fname: str, labels: dict):
    """Rename and recode a read export (text cells) as ``entry`` says; SPSS value labels of a
    recoded column are applied first, so that a recode can name the labels. Returns the new
    frame and the problems (an export column the mapping names that is not there, a value the
    recode does not cover is left for the validator to name)."""
    problems: list[Problem] = []
    cols = list(frame.columns)
    rename = {}
    for src, target in entry.rename.items():
        if src not in cols:
            near = did_you_mean(src, cols)
            problems.append(Problem(MAPPING_FILE, entry.line, target, src,
                                    f"a column of the export {fname} (rename: names a column "
                                    f"it does not have){near}"))
        elif target in cols and target not in entry.rename:
            problems.append(Problem(fname, 1, target, src,
                                    f"the export has a column '{target}' already; the "
                                    "mapping renames another one onto it"))
        else:
            rename[src] = target
    back = {v: k for k, v in rename.items()}
    frame = frame.rename(columns=rename)
    for key in list(labels):
        if key in rename:
            labels[rename[key]] = labels.pop(key)
    for col, table in entry.recode.items():
        if col not in frame.columns:
            problems.append(Problem(MAPPING_FILE, entry.line, col, None,
                                    f"recode: names a column the export {fname} does not have "
                                    f"(after renaming){did_you_mean(back.get(col, col), cols)}"))
            continue
        s = frame[col]
        lab = labels.get(col)
        if lab:
            as_text = {_text(float(k)) if isinstance(k, (int, float)) else str(k): str(v)
                       for k, v in lab.items()}
            if set(as_text.values()) & set(table):
                s = s.map(lambda x, m=as_text: m.get(x, x))
        frame[col] = s.map(lambda x, m=table: m.get(x, m.get(str(x).strip(), x))).astype(
            "string[pyarrow]")
    return frame, problems


# ---------------------------------------------------------------- a starting mapping

def draft(export: Path) -> str:
    """A starting ``mapping.yml`` for one export: the contract file it most likely is, renames
    for the columns whose names (or Norwegian/English labels) match a contract column, and for
    code columns recodes of SPSS value labels and text answers onto the codes. What could not
    be matched is marked ``???`` (the mapping is refused until it is filled in) or listed in a
    comment. Never writes ids or other free-text values."""
    import pandas as pd
    import yaml

    from .io import _read_csv, _read_sav, _read_xlsx, _Refused

    export = Path(export)
    reader = {".csv": _read_csv, ".xlsx": _read_xlsx, ".sav": _read_sav}.get(
        export.suffix.lower())
    if reader is None:
        from .errors import PkuEvalError

        raise PkuEvalError(f"{export.name}: expected a .csv, .xlsx or .sav export")
    every = {v.name for spec in FILES.values() for v in spec.variables}
    try:
        frame, _, info = reader(export, every, None)
    except _Refused as exc:
        from .errors import PkuEvalError

        raise PkuEvalError(f"{export.name}: {exc}") from None
    cols = [str(c) for c in frame.columns]
    scores = {}
    for name in FILES:
        scores[name] = sum(guess_column(c, name) is not None for c in cols)
    contract = max(scores, key=lambda n: (scores[n], -len(FILES[n].variables)))
    spec = FILES[contract]
    rename, unmatched, seen = {}, [], set()
    for c in cols:
        target = guess_column(c, contract)
        if target and target not in seen:
            seen.add(target)
            if target != c:
                rename[c] = target
        else:
            unmatched.append(c)
    labels = info.get("labels") or {}
    recode: dict[str, dict] = {}
    for c in cols:
        target = rename.get(c, c)
        if target not in spec.columns:
            continue
        var = spec.var(target)
        if var.kind != "code" or not var.codes:
            continue
        if c in labels:
            values = [str(v) for v in labels[c].values()]
        else:
            distinct = pd.unique(frame[c][frame[c] != ""])
            if len(distinct) > 30:
                continue
            values = [str(v) for v in distinct]
        table = {}
        for v in values:
            if v in var.codes:
                continue
            table[v] = _guess_code(v, var)
        if table:
            recode[target] = table
    from .validate import looks_like_national_id

    for target in list(recode):  # never a national id into a file, even as an "answer"
        keys = list(recode[target])
        if keys and looks_like_national_id(keys).any():
            del recode[target]
    entry: dict = {"file": export.name}
    if info.get("sheet"):
        entry["sheet"] = info["sheet"]
    if rename:
        entry["rename"] = rename
    if recode:
        entry["recode"] = recode
    missing = [v.name for v in spec.variables if v.required and v.name not in seen]
    head = [f"# mapping.yml drafted from {export.name}: check every line.",
            (f"# {UNMATCHED} marks a value that could not be matched: fill it in (the mapping "
             "is refused until then).")]
    if unmatched:
        head.append("# export columns not matched (kept but ignored): "
                    + ", ".join(unmatched[:40]) + (" …" if len(unmatched) > 40 else ""))
    if missing:
        head.append(f"# {contract} columns not found in the export (rename an export column "
                    "onto each): " + ", ".join(missing))
    body = yaml.safe_dump({contract: entry}, allow_unicode=True, sort_keys=False, width=100)
    return "\n".join(head) + "\n" + body


def _guess_code(value: str, var: Var) -> str:
    """The code a value label or text answer most likely stands for (code or its Norwegian or
    English label, loosely), ``8`` for "vet ikke" and ``9`` for "ikke svart" where those are
    missing codes, else :data:`UNMATCHED`."""
    plain = _plain(value)
    if var.missing_codes:
        if plain in ("vet_ikke", "dont_know", "don_t_know"):
            return "8"
        if plain in ("ikke_svart", "not_answered", "ubesvart"):
            return "9"
    pool = {}
    for code, (nb, en) in var.codes.items():
        for n in (code, nb, en):
            pool[_plain(n)] = code
    if plain in pool:
        return pool[plain]
    close = difflib.get_close_matches(plain, list(pool), n=1, cutoff=0.75)
    return pool[close[0]] if close else UNMATCHED
