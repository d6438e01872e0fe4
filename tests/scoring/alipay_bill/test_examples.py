"""QA 10: the README's bill commands run as written, on the shipped example bills.

The commands are read from the README itself (so it cannot rot), on the day the README's output
is for (``examples/make_bills.py``: ``DATED``); every line of the output excerpts it shows must be
in what they print. The shipped files are the bytes the script writes.
"""

import re
import shlex
from pathlib import Path

import pytest

from bot.cli import main
from examples import make_bills
from scoring.alipay_bill import cli, read_bill

ROOT = Path(__file__).resolve().parents[3]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Importing an Alipay bill", 1)[1].split("\n## ", 1)[0]


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", SECTION, flags=re.DOTALL)


COMMANDS = [line for block in blocks("bash") for line in block.splitlines() if line.startswith("sesame-advisor ")]


def test_the_shipped_bills_are_what_the_script_writes():
    for name, data in make_bills.bills().items():
        assert (ROOT / "examples" / name).read_bytes() == data, f"run python examples/make_bills.py ({name})"
    assert make_bills.bills() == make_bills.bills()  # the same bytes every time


def test_the_readme_runs_both_example_bills():
    assert COMMANDS == [
        f"sesame-advisor import-bill examples/{make_bills.ZIP_NAME} --password {make_bills.PASSWORD} --lang en",
        f"sesame-advisor import-bill examples/{make_bills.CSV_NAME} --lang en",
    ]


@pytest.fixture
def readme_day(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(cli, "today", lambda: make_bills.DATED)


def test_the_readme_commands_print_what_the_readme_shows(capsys, readme_day):
    printed = []
    for command in COMMANDS:
        argv = shlex.split(command)
        assert argv[0] == "sesame-advisor"
        assert main(argv[1:]) == 0, command
        out, err = capsys.readouterr()
        assert err == ""
        printed.append(out)
    shown = [line for block in blocks("text") for line in block.splitlines() if line.strip()]
    assert len(shown) >= 6
    for line in shown:
        assert any(line in out for out in printed), line
    zip_out, csv_out = printed
    assert "⚠️" not in zip_out and "Answers the bill shows (9)" in zip_out
    assert "⚠️ This bill ends on 2024-04-20" in csv_out and "Late several times" not in csv_out


def test_on_that_day_the_zip_is_recent_and_the_csv_old():
    bills = make_bills.bills()
    recent = read_bill(bills[make_bills.ZIP_NAME], make_bills.PASSWORD, today=make_bills.DATED)
    assert recent.age == "recent" and recent.answers["huabei"] == "on_time"
    assert recent.last == make_bills.RECENT_LAST
    old = read_bill(bills[make_bills.CSV_NAME], today=make_bills.DATED)
    assert old.age == "old" and "huabei" not in old.answers
    # Read the day after it ended, the same CSV shows the late repayments.
    assert read_bill(bills[make_bills.CSV_NAME], today=old.last).answers["huabei"] == "late_often"
