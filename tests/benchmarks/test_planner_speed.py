"""A tiny run of benchmarks/planner_speed.py, so a broken benchmark shows up in the suite (no timing asserted)."""

import importlib.util
import subprocess
import sys
from pathlib import Path

from advice import ACTIONS

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "planner_speed.py"


def load_benchmark():
    spec = importlib.util.spec_from_file_location("planner_speed_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_measures_every_case():
    results = load_benchmark().measure(profiles=1, rounds=1)
    assert len(results) == 4
    most = results[0]
    assert most.options > 20 and most.options <= len(ACTIONS)  # the case really is the biggest
    assert all(r.plan_ms > 0 and r.score_ms > 0 and r.ratio > 0 for r in results)


def test_the_script_runs_tiny():
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--tiny"], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "budget 100 ms" in result.stdout and "x card.score" in result.stdout
