"""The README's setup commands: a virtual environment first (PEP 668), and CI runs the very same lines."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
QUICK_START = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
COMMANDS = re.findall(r"```bash\n(.+?)\n```", QUICK_START)
VENV = "python3 -m venv .venv && . .venv/bin/activate"


def test_the_quick_start_makes_a_virtual_environment_before_any_pip_install():
    """QA 13: a bare ``pip install`` stops on Debian's and Ubuntu's system Python (externally managed)."""
    setup, tests = COMMANDS
    assert setup == f"{VENV} && pip install -e . && sesame-advisor chat"
    assert tests == 'pip install -e ".[dev]" && python -m pytest -q'  # in that environment, still active


def test_ci_runs_the_readmes_venv_step_and_test_command_as_written():
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    setup, tests = COMMANDS
    assert VENV in lines and tests in lines
    assert lines.index(VENV) < lines.index(tests)


def test_the_venv_step_works_as_written(tmp_path):
    # The README's own words, in a POSIX shell: afterwards pip and python are the environment's.
    script = f"{VENV} && command -v pip && command -v python"
    result = subprocess.run(["sh", "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(tmp_path / ".venv" / "bin" / name) for name in ("pip", "python")]
