"""Chapter notebooks: thin, without outputs, paired with their plain-text twins, and each runs
top to bottom with its default parameters on the demo data (as in JupyterLab)."""

from __future__ import annotations

import json

import pytest

from pku_eval import config

NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.stem)
def test_thin_pages(nb_path):
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "parameters" in code[0]["metadata"].get("tags", [])
    for cell in code[1:]:
        src = "".join(cell["source"])
        assert "def " not in src and "class " not in src, f"{nb_path.name}: move code to pku_eval"
        assert not cell.get("outputs")


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.stem)
def test_twin_has_not_drifted(nb_path):
    import jupytext

    twin = nb_path.with_suffix(".py")
    assert twin.exists(), f"{twin.name} missing: run `jupytext --sync {nb_path}`"
    a = jupytext.read(nb_path)
    b = jupytext.read(twin)
    assert [(c.cell_type, c.source) for c in a.cells] == [
        (c.cell_type, c.source) for c in b.cells], (
        f"{nb_path.name} and {twin.name} differ: run `jupytext --sync {nb_path}`")


@pytest.mark.slow
@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_with_default_parameters(nb_path, tmp_path):
    """What a researcher gets with "Run all" in JupyterLab: no injected parameters."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(nb_path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(config.NOTEBOOKS_DIR)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert not errors
    shown = [o for c in nb.cells for o in c.get("outputs", []) if "data" in o]
    assert shown, "the chapter displayed nothing"
