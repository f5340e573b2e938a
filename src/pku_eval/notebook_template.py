"""Writing a chapter notebook in the house style: a researcher's note (not in the report), the
``parameters`` cell (what locates the stage; its defaults run on the demo data), the ``chapter.start`` cell, then
one cell per section.

``pku-eval new-chapter NAME`` uses this; so can a script that (re)writes a notebook's cells.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from . import config

PARAMETERS_CELL = '''# Parameters: what locates the stage; None runs on the demo data with params/final.yml
# (press "Run all" in JupyterLab). A build injects its own values after this cell.
params_file = None
data_dir = None
stage_file = None
results_file = None
fragments_dir = None
chapter_number = 1'''


def chapter_notebook(name: str, cells: list[str], note: str = "",
                     module: bool = True) -> nbformat.NotebookNode:
    """A chapter notebook: note, parameters cell, start cell, then ``cells`` (code).
    ``module``: the chapter has its package ``pku_eval.chapters.<name>`` (imported as
    ``content``)."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    params = new_code_cell(PARAMETERS_CELL)
    params.metadata["tags"] = ["parameters"]
    imports = "from pku_eval import chapter\n"
    if module:
        imports += f"from pku_eval.chapters import {name} as content\n"
    start = new_code_cell(
        f'{imports}\nch = chapter.start("{name}", **chapter.params_from(globals()))')
    text = note or ("Researcher's note (not shown in the report): each cell below is one call "
                    f"into `pku_eval.chapters.{name}`; text and numbers come from computed values.")
    nb.cells = [new_markdown_cell(f"# {name}\n\n{text}"), params, start]
    nb.cells += [new_code_cell(src) for src in cells]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name[:12]}-{i:02d}"
    return nb


def write_chapter_notebook(name: str, cells: list[str], note: str = "",
                           notebooks_dir: Path | None = None, module: bool = True) -> Path:
    """Write ``notebooks/<name>.ipynb`` and its plain-text twin ``<name>.py`` (jupytext
    percent format, for reviewable diffs)."""
    path = Path(notebooks_dir or config.NOTEBOOKS_DIR) / f"{name}.ipynb"
    nb = chapter_notebook(name, cells, note, module)
    nbformat.write(nb, path)
    write_twin(path)
    return path


def write_twin(path: Path) -> Path:
    """(Re)write the percent-format twin of a notebook from the notebook."""
    import jupytext

    path = Path(path)
    nb = jupytext.read(path)
    twin = path.with_suffix(".py")
    jupytext.write(nb, twin, fmt="py:percent")
    return twin


STARTER_CELLS = [
    'ch.heading("{name}_title")\n'
    'result = content.compute(ch.data, ch.params)\n'
    'ch.record(result)\n'
    'content.show_intro(ch, result)',
]

#: The files of a new chapter's package (``{name}``, ``{title}`` filled in).
PACKAGE_FILES = {
    "__init__.py": '''"""Chapter '{name}': its computations and pages are in ``content``, its declared spec in
``spec``. Attributes of ``content`` are reached from here on first use, so that reading the spec
(the build does) imports nothing heavy."""

from ..spec import lazy_content
from .spec import SPEC  # noqa: F401

__getattr__ = lazy_content(__name__)
''',
    "spec.py": '''"""What the '{name}' chapter declares to the build (kept free of heavy imports)."""

from ..spec import ChapterSpec

SPEC = ChapterSpec(
    reads=(),    # contract files beyond offices, participants and outcomes, e.g. ("survey",)
    owns=(),     # results.json sections this chapter fills
    after=(),    # chapters it must run after
)
''',
    "content.py": '''"""Chapter '{name}': replace this starter with the chapter's computation and pages.

``compute`` is pure (it changes neither the data nor the params) and returns a frozen result
whose published numbers are values decided by the suppression policy; ``show_…`` functions
turn the result into text, tables and figures. Texts are in ``texts/<language>/{name}.yml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ...chapter import Chapter
from ...disclosure import Policy
from ...params import Params
from ...values import Value, frozen_values


@dataclass(frozen=True)
class Result:
    analysed: Value                  # participants in the analyses
    values: Mapping[str, Value]      # results.json path -> value (none yet)


def compute(data, params: Params) -> Result:
    """The chapter's numbers from the prepared stage data."""
    policy = Policy(params.min_cell)
    return Result(analysed=policy.count(len(data.analysed)), values=frozen_values({{}}))


def show_intro(ch: Chapter, result: Result) -> None:
    ch.text("{name}_intro", n=ch.policy.prose(result.analysed.n, ch.language))
''',
}

#: The chapter's text catalogue per language.
TEXT_FILES = {
    "nb": '''# Texts of the chapter '{name}', in Norwegian (bokmål). Keep each key and {{placeholder}};
# the same keys must be in ../en/{name}.yml.

{name}_title: >-
  {title}

{name}_intro: >-
  Skriv innledningen her: hva kapitlet viser og hvorfor. Datagrunnlaget har {{n}} deltakere i
  analysene.
''',
    "en": '''# Texts of the chapter '{name}', in English. Keep each key and {{placeholder}}; the same
# keys must be in ../nb/{name}.yml.

{name}_title: >-
  {title}

{name}_intro: >-
  Write the introduction here: what the chapter shows and why. The analyses include {{n}}
  participants.
''',
}


def new_chapter(name: str, notebooks_dir: Path | None = None,
                package_dir: Path | None = None) -> list[Path]:
    """Create a new chapter (``pku-eval new-chapter``): its notebook (and twin), its package
    ``chapters/<name>/`` (spec, content, ``__init__``) and its text catalogues in every
    language. Nothing is overwritten: an existing file of any of them refuses the whole."""
    from .params import is_plain_name

    if not is_plain_name(name):
        raise ValueError(f"chapter name {name!r}: use lower-case letters, digits and _, "
                         "starting with a letter (at most 64 characters)")
    package_dir = Path(package_dir or config.PACKAGE_DIR)
    notebook = Path(notebooks_dir or config.NOTEBOOKS_DIR) / f"{name}.ipynb"
    title = name.replace("_", " ").capitalize()
    files = {package_dir / "chapters" / name / f: text for f, text in PACKAGE_FILES.items()}
    files.update({package_dir / "texts" / lang / f"{name}.yml": text
                  for lang, text in TEXT_FILES.items()})
    taken = [p for p in [notebook, notebook.with_suffix(".py"), *files] if p.exists()]
    if taken:
        raise FileExistsError(f"{taken[0]} exists already; nothing was created")
    written = []
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.format(name=name, title=title), encoding="utf-8")
        written.append(path)
    cells = [c.replace("{name}", name) for c in STARTER_CELLS]
    written.insert(0, write_chapter_notebook(
        name, cells, notebooks_dir=notebooks_dir, module=True,
        note=f"New chapter: compute in `pku_eval.chapters.{name}.content`, texts in "
             f"`texts/nb/{name}.yml` and `texts/en/{name}.yml`; see the README's "
             "'Adding a chapter'."))
    return written
