"""``sesame-advisor``: one console script whose subcommands come from each package."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from advice.cli import add_commands as add_advice_commands
from bot.commands import add_commands as add_bot_commands
from scoring.cli import CliError
from scoring.cli import add_commands as add_scoring_commands


def build_parser() -> argparse.ArgumentParser:
    """Every subcommand, registered in one place."""
    parser = argparse.ArgumentParser(
        prog="sesame-advisor",
        description="Estimate a Sesame (Zhima) credit score and the actions that would raise it. "
        "The score is an estimate: Ant Group's model is private.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_scoring_commands(sub)
    add_advice_commands(sub)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
