"""Writing a chapter notebook in the house style: a researcher's note (not in the report), the
``parameters`` cell with defaults that run on the demo data, the ``chapter.start`` cell, then
one cell per section.

``pku-eval new-chapter NAME`` uses this; so can a script that (re)writes a notebook's cells.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from . import config

PARAMETERS_CELL = '''# Parameters: the defaults run on the demo data (press "Run all" in JupyterLab).
# A build injects the values of its params file (params/*.yml) after this cell.
stage = "final"
title = "PKU – demo"
cutoff_date = "2016-12-31"
waves = ["T0", "T1", "T2"]
chapters = ["data_quality", "participants"]
language = "nb"
min_cell = 5
quality = {"min_response_rate": 0.70, "max_response_gap": 0.10}
seed = 2016
compare_with = None
filter = None
# set by the build (data_dir None = the demo data in data/demo/):
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
    'ch.heading("{title}", raw=True)\n'
    'ch.text("Skriv innledningen her: hva kapitlet viser og hvorfor.", raw=True)',
    'ch.section("Første avsnitt", raw=True)\n'
    '# Vis tabeller og figurer gjennom ch.table / ch.figure (nummerering og personvern);\n'
    '# tall i teksten formateres med pku_eval.text (fmt_num, fmt_pct).\n'
    'ch.text(f"Datagrunnlaget har {len(ch.data.analysed)} deltakere i analysene.", raw=True)',
]


def new_chapter(name: str, notebooks_dir: Path | None = None) -> Path:
    """Create a new chapter notebook from the template (``pku-eval new-chapter``)."""
    import re

    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise ValueError(f"chapter name {name!r}: use lower-case letters, digits and _")
    path = Path(notebooks_dir or config.NOTEBOOKS_DIR) / f"{name}.ipynb"
    if path.exists():
        raise FileExistsError(f"{path} exists already")
    cells = [c.replace("{title}", name.replace("_", " ").capitalize()) for c in STARTER_CELLS]
    return write_chapter_notebook(name, cells, notebooks_dir=notebooks_dir, module=False,
                                  note="New chapter: replace the starter cells. As the "
                                       "chapter grows, give it a package src/pku_eval/"
                                       f"chapters/{name}/ (spec.py, content.py; see the "
                                       "README's 'Adding a chapter').")
