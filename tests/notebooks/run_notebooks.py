"""Executes every notebook in notebooks/ with nbclient (Debian's python3 and
ipykernel); any cell error fails. Committed notebooks must carry no outputs,
so what is in git is never stale."""
import pathlib
import sys
import time

import nbclient
import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[2]


def main():
    # The kernel starts in notebooks/: make PYTHONPATH entries absolute first.
    import os
    os.environ["PYTHONPATH"] = os.pathsep.join(
        os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p)
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not notebooks:
        print("no notebooks found")
        return 1
    failed = 0
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        stale = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
        if stale:
            print(f"FAIL {path.name}: committed with outputs in cells {stale}; clear them")
            failed += 1
            continue
        t = time.time()
        try:
            nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                    resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
        except nbclient.exceptions.CellExecutionError as e:
            print(f"FAIL {path.name}:\n{e}")
            failed += 1
            continue
        print(f"ok   {path.name} ({time.time() - t:.1f} s)")
    print(f"{len(notebooks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
