"""Fine-grained code keys: the ``pku_eval`` code a chapter actually runs, read off the import
graph with ``ast`` (nothing is imported).

A chapter's code key covers its notebook's ``pku_eval`` imports and every module of its own
package (``chapters/<name>/``, whose ``content`` is imported lazily), the ``pku_eval`` modules
these import, transitively — with the parent packages' ``__init__`` each import runs — and its
text catalogues (``texts/<language>/<name>.yml`` and the shared ``common.yml``). Editing one
chapter's text or module re-runs that chapter (and the chapters that read its results: their
key covers the results they read); editing ``stats/means.py`` re-runs only the chapters whose
closure holds it.

Lazy attributes are followed too: ``from pku_eval.stats import welch_difference`` and
``stats.welch_difference`` (after ``from pku_eval import stats``) lead to the module that
defines the function, read from the package's ``_FUNCTIONS`` table (PEP 562 ``__getattr__``).
"""

from __future__ import annotations

import ast
import hashlib
import json
from functools import cache
from pathlib import Path

from . import config

PACKAGE = "pku_eval"
#: Catalogues every chapter reads besides its own (labels several chapters share).
SHARED_TEXTS = ("common.yml",)


def module_file(module: str) -> Path | None:
    """The source file of a ``pku_eval`` module (``__init__.py`` of a package), if any."""
    parts = module.split(".")
    if parts[0] != PACKAGE:
        return None
    base = config.PACKAGE_DIR.joinpath(*parts[1:])
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _is_package(module: str) -> bool:
    f = module_file(module)
    return f is not None and f.name == "__init__.py"


@cache
def _parse(path: Path, stamp: tuple[int, int]) -> ast.Module:
    return ast.parse(path.read_bytes(), filename=str(path))


def _tree(path: Path) -> ast.Module:
    st = path.stat()
    return _parse(path, (st.st_mtime_ns, st.st_size))


def lazy_table(package: str) -> dict[str, str]:
    """A package's ``_FUNCTIONS`` (attribute → submodule) when it defines one."""
    f = module_file(package)
    if f is None or f.name != "__init__.py":
        return {}
    for node in _tree(f).body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "_FUNCTIONS" for t in node.targets):
            try:
                return dict(ast.literal_eval(node.value))
            except ValueError:
                return {}
    return {}


def _member(package: str, attr: str) -> str | None:
    """The module that ``package.attr`` reaches: a submodule, or a lazily imported one."""
    if module_file(f"{package}.{attr}"):
        return f"{package}.{attr}"
    target = lazy_table(package).get(attr)
    return f"{package}.{target}" if target else None


def imports_of(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """The ``pku_eval`` modules a piece of code imports (``module``: its dotted name, for
    relative imports)."""
    found: set[str] = set()
    aliases: dict[str, str] = {}  # local name bound to a pku_eval package
    here = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == PACKAGE:
                    found.add(a.name)
                    if a.asname:
                        aliases[a.asname] = a.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")
                base = base[:len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if source.split(".")[0] != PACKAGE:
                continue
            found.add(source)
            for a in node.names:
                sub = _member(source, a.name)
                if sub:
                    found.add(sub)
                    if _is_package(sub):
                        aliases[a.asname or a.name] = sub
    for node in ast.walk(tree):  # stats.welch_difference after `from pku_eval import stats`
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in aliases):
            sub = _member(aliases[node.value.id], node.attr)
            if sub:
                found.add(sub)
    return found


#: Walking a module's syntax tree takes milliseconds; the no-op build must stay well under half
#: a second, so what a module imports is remembered by the hash of its source, in memory and in
#: a small file of the chapter cache (written atomically; a stale or broken file is ignored).
_KNOWN: dict[str, list[str]] = {}
_INDEX = "code-imports.json"


def _index_path() -> Path:
    return Path(config.CACHE_DIR) / _INDEX


def _load_index() -> None:
    if _KNOWN:
        return
    try:
        _KNOWN.update(json.loads(_index_path().read_text(encoding="utf-8")))
    except (OSError, ValueError):
        pass


def _save_index(found: dict[str, list[str]]) -> None:
    import os

    from . import safety

    try:
        root = safety.ensure_cache_root(Path(config.CACHE_DIR))
        tmp = root / f".{_INDEX}.tmp-{os.getpid()}"
        tmp.write_text(json.dumps({**_KNOWN, **found}), encoding="utf-8")
        os.replace(tmp, root / _INDEX)
    except (OSError, safety.UnsafePathError):
        pass  # only a cache


def _salt() -> bytes:
    """What resolving an import depends on besides the module itself: the packages'
    ``__init__`` files (their ``_FUNCTIONS`` tables) and this module."""
    h = hashlib.sha256(Path(__file__).read_bytes())  # and how this module reads them
    for f in sorted(config.PACKAGE_DIR.rglob("__init__.py")):
        h.update(source(f)[1].encode())
    return h.digest()


@cache
def _source(path: Path, stamp: tuple[int, int]) -> tuple[bytes, str]:
    data = path.read_bytes()
    return data, hashlib.sha256(data).hexdigest()


def source(path: Path) -> tuple[bytes, str]:
    """A file's bytes and sha256 (read once per change of its size or time stamp)."""
    st = path.stat()
    return _source(path, (st.st_mtime_ns, st.st_size))


def _module_imports(name: str, path: Path, new: dict, salt: bytes) -> list[str]:
    data, sha = source(path)
    key = hashlib.sha256(salt + name.encode() + b"\0" + sha.encode()).hexdigest()
    if key not in _KNOWN:
        tree = ast.parse(data, filename=str(path))
        _KNOWN[key] = new[key] = sorted(imports_of(tree, name, path.name == "__init__.py"))
    return _KNOWN[key]


def closure(roots: set[str]) -> set[str]:
    """The ``pku_eval`` modules ``roots`` import, transitively, with their parent packages."""
    _load_index()
    new: dict[str, list[str]] = {}
    salt = _salt()
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        mod = todo.pop()
        parts = mod.split(".")
        for i in range(1, len(parts) + 1):  # importing a.b.c runs a/__init__ and a/b/__init__
            name = ".".join(parts[:i])
            if name in seen:
                continue
            f = module_file(name)
            if f is None:
                continue
            seen.add(name)
            todo.extend(m for m in _module_imports(name, f, new, salt) if m not in seen)
    if new:
        _save_index(new)
    return seen


def notebook_imports(notebook: Path) -> set[str]:
    """The ``pku_eval`` modules a notebook's code cells import."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    found: set[str] = set()
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        src = "".join(cell.get("source", ""))
        try:
            tree = ast.parse("\n".join(line for line in src.splitlines()
                                       if not line.lstrip().startswith(("%", "!"))))
        except SyntaxError:
            continue
        found |= imports_of(tree, "__main__", False)
    return found


def chapter_modules(name: str, notebook: Path) -> list[str]:
    """Every ``pku_eval`` module chapter ``name`` runs (sorted)."""
    roots = notebook_imports(notebook)
    pkg = config.PACKAGE_DIR / "chapters" / name
    if pkg.is_dir():
        roots |= {f"{PACKAGE}.chapters.{name}.{p.stem}" if p.stem != "__init__"
                  else f"{PACKAGE}.chapters.{name}" for p in pkg.glob("*.py")}
    return sorted(closure(roots))


def chapter_code_key(name: str, notebook: Path) -> dict:
    """The code part of a chapter's cache key: a hash of each module it runs and of its
    text catalogues (so that the build can say which one changed)."""
    def sha(path: Path) -> str:
        return source(path)[1][:16]

    modules = {m: sha(module_file(m)) for m in chapter_modules(name, notebook)}
    texts = {}
    root = config.PACKAGE_DIR / "texts"
    for lang in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else ():
        for file in (f"{name}.yml", *SHARED_TEXTS):
            if (lang / file).is_file():
                texts[f"{lang.name}/{file}"] = sha(lang / file)
    return {"modules": modules, "texts": texts}


def stage_code_key() -> str:
    """The code that prepares the processed data (load, validate, tidy, store)."""
    mods = closure({f"{PACKAGE}.tidy", f"{PACKAGE}.store", f"{PACKAGE}.processed"})
    h = hashlib.sha256()
    for m in sorted(mods):
        h.update(m.encode())
        h.update(source(module_file(m))[1].encode())
    return h.hexdigest()
