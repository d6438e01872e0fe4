"""A tiny run of benchmarks/scoring_speed.py, so the script cannot rot (speed is never asserted)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_scoring_speed_runs_and_prints_its_table():
    result = subprocess.run(
        [sys.executable, "benchmarks/scoring_speed.py", "--tiny"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for part in ("(a) one full profile", "(b) score_many", "(c) agreement"):
        assert part in result.stdout
    assert "speed ratio (sklearn / card)" in result.stdout
