"""What a chapter declares about itself, and what the build reads instead of knowing chapters
by name.

Each chapter package ``pku_eval.chapters.<name>`` has a light ``spec`` module (no heavy imports,
so the build can read it cheaply) with ``SPEC = ChapterSpec(...)``:

- ``reads``: the contract files it reads (offices, participants and outcomes are always
  available, and the delivery's question wording labels every chapter's questions);
  ``None`` = every file. The build keys the chapter's cache on exactly these files
  and the chapter may read no other (enforced while it runs).
- ``owns``: the top-level results.json sections it fills (for the reason of a ``null`` when the
  chapter is not part of a report).
- ``after``: chapters it must run after when they are in the same report.
- ``reads_results``: it reads the results of the other chapters of the build and the interim
  results it compares with (``compare_with``): it runs after all of them, and its cache key
  covers what it read.
- ``reads_receipts``: it shows what changed since the previous delivery (the receipts beside
  the report folder): its cache key covers which receipts that comparison reads, so that a
  cached copy never shows another comparison (receipts begun again, another previous delivery).
- ``memory_mb``: what the chapter's kernel holds of its own at its peak on the demo data, in MB
  (the private pages a warm kernel wrote: ``bench/bench.py --chapters`` prints them): a
  scheduling hint only. Chapters that run in parallel start heaviest first and then from the
  lightest up (:func:`memory_order`), so that the heaviest runs beside the lightest and two
  heavy kernels rarely hold their memory at once (#19). ``None``: not measured (runs after the
  measured ones, in report order).

A notebook without a package (a new chapter, before it grows one) gets the default spec: it may
read every file, owns nothing and runs in the first wave.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass

#: Read by every chapter, so keyed for every chapter: offices, participants, outcomes, and the
#: delivery's question wording (a chapter labels the questions with it: ``codebook.use_wording``).
ALWAYS_READ = frozenset({"offices", "participants", "outcomes", "wording"})


@dataclass(frozen=True)
class ChapterSpec:
    reads: tuple[str, ...] | None = None
    owns: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    reads_results: bool = False
    reads_receipts: bool = False
    memory_mb: int | None = None

    def files(self) -> frozenset[str] | None:
        """The contract files the chapter's cache key covers (None = all)."""
        return None if self.reads is None else frozenset(self.reads) | ALWAYS_READ


def lazy_content(package: str):
    """The ``__getattr__`` of a chapter package: attributes of its ``content`` module are
    reached on first use, so that reading the package's spec (the build does) imports nothing
    heavy. In ``chapters/<name>/__init__.py``: ``__getattr__ = lazy_content(__name__)``."""

    def __getattr__(attr: str):
        if attr.startswith("__"):
            raise AttributeError(attr)
        content = importlib.import_module(f"{package}.content")
        return content if attr == "content" else getattr(content, attr)

    return __getattr__


def memory_order(names: list[str], specs: dict[str, ChapterSpec]) -> list[str]:
    """``names`` in the order the chapter threads take them: the heaviest first, then the
    others from the lightest up, then those without a measure (in the order given)."""
    measured = [n for n in names if specs[n].memory_mb is not None]
    if not measured:
        return list(names)
    heaviest = max(measured, key=lambda n: specs[n].memory_mb)
    rest = sorted((n for n in measured if n != heaviest), key=lambda n: specs[n].memory_mb)
    return [heaviest, *rest, *(n for n in names if specs[n].memory_mb is None)]


def spec_of(name: str) -> ChapterSpec:
    """The declared spec of chapter ``name`` (the default when it declares none)."""
    module = f"pku_eval.chapters.{name}.spec"
    try:
        found = importlib.util.find_spec(module)
    except ModuleNotFoundError:  # no package of that name
        found = None
    if found is None:
        return ChapterSpec()
    spec = getattr(importlib.import_module(module), "SPEC", None)
    if not isinstance(spec, ChapterSpec):
        raise TypeError(f"{module}.SPEC must be a ChapterSpec")
    return spec


def waves(chapters: list[str], specs: dict[str, ChapterSpec]) -> list[list[str]]:
    """The chapters in waves that can run in parallel: each after what it declares (``after``
    within this report; ``reads_results`` after every other chapter), in report order within
    a wave. A cycle is an error naming the chapters."""
    order = {c: i for i, c in enumerate(chapters)}
    deps = {}
    for c in chapters:
        s = specs[c]
        d = {a for a in s.after if a in order}
        if s.reads_results:
            d |= {o for o in chapters if o != c and not specs[o].reads_results}
        deps[c] = d
    out: list[list[str]] = []
    done: set[str] = set()
    while len(done) < len(chapters):
        ready = [c for c in chapters if c not in done and deps[c] <= done]
        if not ready:
            stuck = sorted(c for c in chapters if c not in done)
            raise ValueError(f"chapters wait for each other in a cycle: {', '.join(stuck)}")
        out.append(sorted(ready, key=order.get))
        done |= set(ready)
    return out


def owners(chapters: list[str] | None = None) -> dict[str, str]:
    """results.json section → the chapter that owns it, for the chapters given (all known
    chapter packages when None)."""
    import pkgutil

    import pku_eval.chapters as pkg

    names = chapters if chapters is not None else sorted(
        m.name for m in pkgutil.iter_modules(pkg.__path__) if m.ispkg)
    return {section: name for name in names for section in spec_of(name).owns}
