"""The bot's subcommands of ``sesame-advisor``: ``run`` (Telegram) and ``chat`` (terminal).

Telegram, SQLAlchemy and matplotlib are imported only when a command runs, so the scoring
commands start as fast as they did before the bot existed.
"""

from __future__ import annotations

import argparse
import logging
import os

from bot import config
from scoring.cli import CliError
from templates import render


def _client_language() -> str | None:
    """The terminal's language, standing in for a Telegram client's ``language_code``."""
    return os.environ.get("LC_ALL") or os.environ.get("LANG")


def configure_logging() -> None:
    """INFO for the bot, WARNING for httpx: its INFO lines carry URLs with the bot token."""
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # a line per plugin on every start


def cmd_run(args: argparse.Namespace) -> int:
    """Run the Telegram bot with long polling until interrupted."""
    token = config.bot_token()
    if token is None:
        from bot.advisor import default_language

        raise CliError(render(default_language(_client_language()), "cli_no_token.txt.j2"))
    configure_logging()
    from telegram import Update

    from bot.application import build_application

    application = build_application(token, database_url=config.database_url(), api=config.api_urls())
    application.run_polling(allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY])
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    """Hold the bot's conversation in the terminal."""
    from bot.chat import run_chat

    return run_chat(config.database_url(), config.data_dir() / "chat", args.lang, _client_language())


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``run`` and ``chat``."""
    p = sub.add_parser(
        "run",
        help="run the Telegram bot (long polling; needs TELEGRAM_BOT_TOKEN)",
        description="Run the Telegram bot with long polling. Environment: TELEGRAM_BOT_TOKEN (required), "
        "TELEGRAM_API_URL (a self-hosted Bot API server), DATABASE_URL (PostgreSQL; default SQLite in "
        "SESAME_DATA_DIR, ./data).",
    )
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser(
        "chat",
        help="the bot's dialog in this terminal, offline",
        description="Talk to the bot in the terminal: the same questions, storage and texts as on Telegram. "
        "Type the number of a choice or a command such as /score; /quit leaves.",
    )
    p.add_argument("--lang", choices=("zh", "en"), help="language (default: the one used last, else $LANG)")
    p.set_defaults(handler=cmd_chat)
