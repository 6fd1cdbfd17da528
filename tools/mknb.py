"""Write a chapter notebook from a list of cells (for authoring by script).

    from mknb import md, code, write
    write("notebooks/00-the-lab.ipynb",
          [md("# Title"), code("print(1)", tags=["raises-exception"])])

The notebook gets the ``python3`` kernelspec that nbval and Jupyter Book expect;
execute it afterwards with ``jupyter execute --inplace`` to record outputs.
"""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def md(text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(text.strip("\n"))


def code(text: str, tags: list[str] | None = None) -> nbformat.NotebookNode:
    cell = new_code_cell(text.strip("\n"))
    if tags:
        cell.metadata["tags"] = tags
    return cell


def write(path: str, cells: list[nbformat.NotebookNode]) -> None:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, path)
