"""Lint, format and types: what CI checks, run from the suite so a red check shows up here first."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *command], capture_output=True, text=True, cwd=ROOT)


def test_ruff_is_clean():
    result = run("ruff", "check", str(ROOT))
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_changes_nothing():
    result = run("ruff", "format", "--check", str(ROOT))
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean():
    # The packages and settings are in pyproject.toml ([tool.mypy]): strict on scoring, advice, bot.
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
