"""The example notebook (examples/python/istanbul.ipynb) runs from top to bottom without an
error, in a Jupyter kernel of the test environment (nbclient and ipykernel from PyPI in CI).
"""

from __future__ import annotations

import os
import pathlib

import pytest

ROOT = pathlib.Path(os.environ.get("DETENTE_ROOT", pathlib.Path(__file__).resolve().parents[3]))
NOTEBOOK = ROOT / "examples" / "python" / "istanbul.ipynb"


def test_example_notebook_runs() -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    os.environ["DETENTE_ROOT"] = str(ROOT)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    # Every code cell that ends in an expression shows a table or the scenario.
    shown = [c for c in nb.cells if c.cell_type == "code" and c.get("outputs")]
    assert len(shown) == sum(1 for c in nb.cells if c.cell_type == "code")
    text = "".join(str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "ceasefire" in text and "Istanbul" in text
