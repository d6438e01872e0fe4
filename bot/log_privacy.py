"""Logs that never hold the bot token, a message's text or a user's answers, at any level.

Three libraries would otherwise write them: python-telegram-bot (its DEBUG lines print every Bot
API call with its parameters, the Bot API URL with the token in it, every update being processed,
and at CRITICAL a whole update it could not parse), httpx (request URLs carry the token) and
aiosqlite (its DEBUG lines print every statement with its parameters). SQLAlchemy's own lines are
kept clean by ``hide_parameters=True`` on the engine (``bot.storage.database``).

``install`` puts a ``RedactingFilter`` into the log record factory, so every record is cleaned
when it is made, whatever handler later writes it (the console, a file, pytest's capture): a
filter on one handler would miss the records of handlers added later.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from typing import Any

MASK = "[redacted]"
TOKEN_SHAPE = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{20,}")
"""What a Telegram bot token looks like: masked even when it is not the configured one."""
HIDDEN = "<hidden>"
QUIET_LIBRARIES = ("aiosqlite",)
"""Loggers whose arguments are statements and rows: every argument is hidden."""
TELEGRAM = "telegram"


def _update_summary(value: Any) -> str | None:
    """``<update 42>`` for an update (object or raw dict), ``<updates [..]>`` for a list of them."""
    update_id = getattr(value, "update_id", None)
    if update_id is None and isinstance(value, dict):
        update_id = value.get("update_id")
    if update_id is not None:
        return f"<update {update_id}>"
    if isinstance(value, list | tuple) and value and all(_update_summary(v) for v in value):
        ids = [getattr(v, "update_id", None) or (v.get("update_id") if isinstance(v, dict) else None) for v in value]
        return f"<updates {ids}>"
    return None


def _telegram_argument(value: Any) -> Any:
    """A python-telegram-bot log argument with its content (texts, parameters, results) taken out."""
    summary = _update_summary(value)
    if summary is not None:
        return summary
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    # Parameter dicts, API results, messages, users: the kind of thing, never its content.
    return f"<{type(value).__name__} hidden>"


class RedactingFilter(logging.Filter):
    """Cleans a record in place: known secrets and token-shaped strings masked, contents hidden.

    It never drops a record (a log line that something happened stays useful); it only rewrites
    the message, its arguments and the formatted traceback.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self.add_secrets(secrets)

    def add_secrets(self, secrets: Iterable[str]) -> None:
        """Mask these strings from now on (the token, its secret half, the webhook secret)."""
        for secret in secrets:
            if secret:
                self._secrets.add(secret)
                if ":" in secret:  # a bot token: its secret half alone is a secret too
                    self._secrets.add(secret.split(":", 1)[1])

    def mask(self, text: str) -> str:
        """``text`` with every secret and token-shaped string replaced by ``[redacted]``."""
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, MASK)
        return TOKEN_SHAPE.sub(MASK, text)

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite ``record`` so nothing private can be formatted from it; always keep it."""
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            if record.name.startswith(QUIET_LIBRARIES):
                args = tuple(HIDDEN for _ in args)
            elif record.name.startswith(TELEGRAM):
                args = tuple(_telegram_argument(a) for a in args)
            try:
                message = str(record.msg) % args
            except (TypeError, ValueError):
                message = f"{record.msg} {HIDDEN}"
        else:
            message = str(record.msg)
        record.msg, record.args = self.mask(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self.mask(record.stack_info)
        return True


_lock = threading.Lock()
_installed: RedactingFilter | None = None


def install(secrets: Iterable[str] = ()) -> RedactingFilter:
    """Clean every log record made from now on in this process; call again to add secrets."""
    global _installed
    with _lock:
        if _installed is None:
            redactor = RedactingFilter(secrets)
            make_record = logging.getLogRecordFactory()

            def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
                record = make_record(*args, **kwargs)
                redactor.filter(record)
                return record

            logging.setLogRecordFactory(factory)
            _installed = redactor
        else:
            _installed.add_secrets(secrets)
        return _installed
