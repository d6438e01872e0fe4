"""Every script in benchmarks/ runs at its tiny size and prints its table, so none can rot unseen.

The convention (benchmarks/README.md): each script takes ``--tiny`` and then finishes in seconds.
New scripts are found by the glob below; nothing here needs a change when one is added. Only
that it runs is checked, never a figure: speed belongs to the full runs, on a quiet machine.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted((ROOT / "benchmarks").glob("*.py"))


def test_the_benchmarks_are_found():
    assert {"scoring_speed.py", "advice_speed.py", "german_credit.py"} <= {s.name for s in SCRIPTS}


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_runs_at_its_tiny_size_and_prints_its_table(script):
    result = subprocess.run(
        [sys.executable, str(script), "--tiny"], capture_output=True, text=True, cwd=ROOT, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert lines[0].startswith("--tiny"), "a tiny run says so first, so nobody quotes its figures"
    assert len(lines) >= 3, result.stdout  # the table, not just the notice
