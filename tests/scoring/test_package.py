"""The ``scoring`` package: its public names, and what importing a part of it costs."""

from __future__ import annotations

import subprocess
import sys

import pytest

import scoring
from scoring import card, questions


def test_every_public_name_is_the_one_its_module_defines() -> None:
    for name in scoring.__all__:
        home = card if hasattr(card, name) else questions
        assert getattr(scoring, name) is getattr(home, name), name


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = scoring.no_such_name  # type: ignore[attr-defined]


def test_reading_a_bill_does_not_load_the_scorecard_or_its_numeric_libraries() -> None:
    """A process that only imports a bill (``benchmarks/bill_import.py`` measures its memory) stays small."""
    heavy = ("scoring.card", "numpy", "scipy", "pandas", "sklearn")
    probe = f"import sys, scoring.alipay_bill; print([m for m in {heavy!r} if m in sys.modules])"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
