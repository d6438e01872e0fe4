"""A tiny run of benchmarks/bill_import.py (2,000 rows) so a broken import or benchmark shows up in CI.

Speed is never asserted here (machines differ); the full-size figures are in benchmarks/README.md.
"""

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "bill_import.py"


def load_benchmark():
    spec = importlib.util.spec_from_file_location("bill_import_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_tiny_run_reads_every_row_and_reports_both_targets():
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--tiny"], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert "2,000 rows" in result.stdout
    assert "ratio" in result.stdout and "tracemalloc" in result.stdout


def test_measure_parses_the_same_rows_as_pandas_and_derives_answers():
    benchmark = load_benchmark()
    r = benchmark.measure(rows=1_500, rounds=1)
    assert r.rows == 1_500
    assert r.pandas_seconds > 0 and r.ours_seconds > 0 and r.ratio > 0
    assert 0 < r.traced_peak_mb < 200
    assert r.result.layout == "app_2023" and r.result.answers
