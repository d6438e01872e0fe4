"""A tiny run of benchmarks/estimate_quality.py, so the script cannot rot."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_estimate_quality_runs_and_prints_its_table():
    result = subprocess.run(
        [sys.executable, "benchmarks/estimate_quality.py", "--tiny"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for kind in ("quick", "random", "full"):
        assert f"{kind:8s} before" in result.stdout and f"{kind:8s} after" in result.stdout
    assert "card.score, quick check" in result.stdout
