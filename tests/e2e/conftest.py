import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
TRACES = ROOT / "traces" / "alibaba-gpu-v2023"


def capsim_bin():
    path = os.environ.get("CAPSIM_BIN", str(ROOT / "build" / "capsim"))
    if not os.path.exists(path):
        pytest.fail(f"capsim binary not found at {path}; build first (make build) or set CAPSIM_BIN")
    return path


def run_capsim(*args, cwd=None):
    return subprocess.run([capsim_bin(), *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.fixture
def capsim():
    return run_capsim
