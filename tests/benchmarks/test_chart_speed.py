"""benchmarks/chart_speed.py at its --tiny size, so the benchmark cannot rot (no timing is asserted)."""

import importlib.util
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "chart_speed.py"


def load_benchmark():
    spec = importlib.util.spec_from_file_location("chart_speed_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_the_tiny_run_measures_every_figure(capsys):
    results = load_benchmark().main(["--tiny"])
    printed = capsys.readouterr().out
    assert printed.startswith("--tiny")
    for figure in ("(a)", "(b)", "(c)", "(d)", "(e)", "(f)"):
        assert figure in printed
    assert results.cached_renders == 0  # a repeated radar is never drawn
    assert results.renders_in_loop_test >= 4
    assert min(results.new_ms, results.old_ms, results.history_ms, results.new_cpu_ms, results.old_cpu_ms) > 0
    assert set(results.first_ms) == {"zh", "en"}
    assert 0 < results.cache_bytes


def test_the_old_renderer_is_the_one_before_issue_9():
    old = load_benchmark().load_old_renderer()
    png = old.radar_png(["a", "b", "c", "d", "e"], [10, 20, 30, 40, 50], "old")
    assert png.startswith(b"\x89PNG") and int.from_bytes(png[16:20], "big") == 800
