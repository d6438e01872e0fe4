"""``sesame-advisor``: one console script whose subcommands come from each package."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from advice.cli import add_commands as add_advice_commands
from bot.cli_commands import add_commands as add_bot_commands
from scoring.alipay_bill.cli import add_commands as add_bill_commands
from scoring.cli import CliError
from scoring.cli import add_commands as add_scoring_commands


class Parser(argparse.ArgumentParser):
    """argparse with the CLI's error contract: one ``sesame-advisor: error:`` line, exit code 2.

    Plain argparse prints its usage block first and names the subcommand in the prefix, so a
    mistyped option would read differently from every other error; ``--help`` still shows usage.
    Subparsers are made with the parent's class, so this covers every subcommand.
    """

    def error(self, message: str) -> NoReturn:
        """Print the one error line (with where to read the usage) and exit with code 2."""
        hint = f" (see `{self.prog} --help`)"
        self.exit(2, f"sesame-advisor: error: {message}{hint}\n")


def build_parser() -> argparse.ArgumentParser:
    """Every subcommand, registered in one place."""
    parser = Parser(
        prog="sesame-advisor",
        description="Estimate a Sesame (Zhima) credit score and the actions that would raise it. "
        "The score is an estimate: Ant Group's model is private.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_scoring_commands(sub)
    add_advice_commands(sub)
    add_bill_commands(sub)
    add_bot_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; user mistakes print one ``error:`` line and exit with code 2."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except CliError as exc:
        print(f"sesame-advisor: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader left early (`| head`): not an error of ours. Point stdout at /dev/null so
        # Python's own flush at exit does not fail again, and exit like other pipe writers.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
