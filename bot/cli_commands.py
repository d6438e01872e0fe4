"""The bot's command-line subcommands of ``sesame-advisor``: ``run`` (Telegram) and ``chat`` (terminal).

(Not the bot's ``/commands``: those are the registry, ``bot.commands``.)

``run`` long-polls, or serves a webhook when a public URL is configured: polling allows one
process per token, a webhook behind a load balancer lets several share the load (the
conversation state is in the database, none in a process).

Telegram, SQLAlchemy and matplotlib are imported only when a command runs, so the scoring
commands start as fast as they did before the bot existed.
"""

from __future__ import annotations

import argparse
import logging
from typing import TYPE_CHECKING, Any

from bot import config
from scoring.cli import CliError
from scoring.i18n import LANGUAGES, language_of, terminal_locale
from templates import render

if TYPE_CHECKING:
    from bot.handlers.common import TelegramApplication


def _client_language() -> str | None:
    """The terminal's language, standing in for a Telegram client's ``language_code``.

    The same reading as every other command's default ``--lang`` (``scoring.i18n.terminal_locale``).
    """
    return terminal_locale()


def configure_logging(secrets: list[str]) -> None:
    """INFO for the bot, WARNING for httpx; every record is cleaned of ``secrets`` and user content.

    httpx's INFO lines carry URLs with the bot token; ``bot.log_privacy`` masks it anyway, at
    every level, so an operator who turns on DEBUG sees no token, message text or answer either.
    """
    from bot import log_privacy

    log_privacy.install(secrets)
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # a line per plugin on every start


def cmd_run(args: argparse.Namespace) -> int:
    """Run the Telegram bot until interrupted: long polling, or webhook mode when a public URL is set."""
    token = config.bot_token()
    if token is None:
        raise CliError(render(language_of(_client_language()), "cli_no_token.txt.j2"))
    try:
        webhook = config.webhook(
            url=args.webhook_url, listen=args.listen, port=args.port, register=False if args.no_register else None
        )
    except config.WebhookSettingError as exc:
        text = render(
            language_of(_client_language()),
            "cli_webhook_invalid.txt.j2",
            problem=exc.problem,
            variable=exc.variable,
        )
        raise CliError(text) from None
    try:
        concurrency = config.concurrency()
        metrics_server = config.metrics_server()
        config.pool_settings()  # read again when the database opens; checked here to fail before starting
    except config.SettingError as exc:
        text = render(
            language_of(_client_language()),
            "cli_setting_invalid.txt.j2",
            variable=exc.variable,
            low=exc.low,
            high=exc.high,
        )
        raise CliError(text) from None
    configure_logging([token, webhook.secret if webhook else ""])
    import asyncio

    from telegram import Update

    from bot.application import build_application
    from bot.monitoring import MetricsPortUnavailable
    from bot.storage import timeouts_from
    from bot.telegram_limits import rate_limiter

    allowed_updates = [Update.MESSAGE, Update.CALLBACK_QUERY]
    application = build_application(
        token,
        database_url=config.database_url(),
        api=config.api_urls(),
        registers_webhook=webhook is None or webhook.register,
        rate_limiter=rate_limiter(token),
        database_timeouts=timeouts_from(),
        concurrency=concurrency,
    )
    try:
        if webhook is None:
            from bot.polling import poll

            asyncio.run(poll(application, allowed_updates=allowed_updates, metrics_server=metrics_server))
        else:
            _serve_webhook(application, webhook, allowed_updates, metrics_server)
    except MetricsPortUnavailable as exc:
        text = render(
            language_of(_client_language()),
            "cli_metrics_port.txt.j2",
            variable=config.METRICS_PORT_VARIABLE,
            listen=exc.address.listen,
            port=exc.address.port,
        )
        raise CliError(text) from None
    return 0


def _serve_webhook(
    application: TelegramApplication,
    webhook: config.Webhook,
    allowed_updates: list[str],
    metrics_server: config.MetricsServer | None,
) -> None:
    """Webhook mode until SIGINT/SIGTERM."""
    import asyncio

    from bot.webhook_app import serve

    # Neither the URL (an operator may put a secret in its path) nor the secret token is logged.
    logging.getLogger(__name__).info(
        "webhook mode: listening on %s:%d (%s)",
        webhook.listen,
        webhook.port,
        "registers the webhook" if webhook.register else "webhook registered by another process",
    )
    asyncio.run(
        serve(
            application,
            listen=webhook.listen,
            port=webhook.port,
            path=webhook.url_path,
            secret=webhook.secret,
            url=webhook.url,
            allowed_updates=allowed_updates,
            metrics_server=metrics_server,
        )
    )


def cmd_chat(args: argparse.Namespace) -> int:
    """Hold the bot's conversation in the terminal."""
    from bot.chat import run_chat

    return run_chat(config.database_url(), config.data_dir() / "chat", args.lang, _client_language())


def add_commands(sub: argparse._SubParsersAction[Any]) -> None:
    """Register ``run`` and ``chat``."""
    p = sub.add_parser(
        "run",
        help="run the Telegram bot (long polling or webhook; needs TELEGRAM_BOT_TOKEN)",
        description="Run the Telegram bot with long polling, or in webhook mode when TELEGRAM_WEBHOOK_URL is "
        "set (then several processes can serve one bot). Environment: TELEGRAM_BOT_TOKEN (required), "
        "TELEGRAM_API_URL (a self-hosted Bot API server), DATABASE_URL (PostgreSQL; default SQLite in "
        "SESAME_DATA_DIR, ./data); webhook mode: TELEGRAM_WEBHOOK_URL, TELEGRAM_WEBHOOK_SECRET (required), "
        f"TELEGRAM_WEBHOOK_LISTEN ({config.DEFAULT_WEBHOOK_LISTEN}), TELEGRAM_WEBHOOK_PORT "
        f"({config.DEFAULT_WEBHOOK_PORT}), TELEGRAM_WEBHOOK_REGISTER (1; 0 on all but one process); tuning: "
        f"SESAME_CONCURRENCY ({config.DEFAULT_CONCURRENCY} updates at once), SESAME_DB_POOL_SIZE "
        f"({config.DEFAULT_POOL_SIZE}), SESAME_DB_MAX_OVERFLOW ({config.DEFAULT_MAX_OVERFLOW}), "
        f"SESAME_DB_POOL_RECYCLE ({config.DEFAULT_POOL_RECYCLE} s); monitoring: SESAME_METRICS_PORT (serves "
        f"/metrics and /healthz there, in both modes), SESAME_METRICS_LISTEN ({config.DEFAULT_METRICS_LISTEN}).",
    )
    p.add_argument(
        "--webhook-url",
        metavar="URL",
        help="public https:// URL Telegram posts updates to (webhook mode; $TELEGRAM_WEBHOOK_URL)",
    )
    p.add_argument(
        "--listen",
        metavar="ADDRESS",
        help=f"address the webhook server listens on ($TELEGRAM_WEBHOOK_LISTEN, "
        f"default {config.DEFAULT_WEBHOOK_LISTEN})",
    )
    p.add_argument(
        "--port",
        type=int,
        metavar="PORT",
        help=f"port of the webhook server ($TELEGRAM_WEBHOOK_PORT, default {config.DEFAULT_WEBHOOK_PORT})",
    )
    p.add_argument(
        "--no-register",
        action="store_true",
        help="serve updates but leave setWebhook to another process ($TELEGRAM_WEBHOOK_REGISTER=0)",
    )
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser(
        "chat",
        help="the bot's dialog in this terminal, offline",
        description="Talk to the bot in the terminal: the same questions, storage and texts as on Telegram. "
        "Type the number of a choice or a command such as /score; /quit leaves.",
    )
    p.add_argument("--lang", choices=LANGUAGES, help="language (default: the one used last, else $LANG)")
    p.set_defaults(handler=cmd_chat)
