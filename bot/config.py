"""Where the bot keeps its data, which servers it talks to and how updates reach it, from the environment.

Every setting has one environment variable and one default, so ``sesame-advisor run`` and
``sesame-advisor chat`` agree on the database without a configuration file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

DATA_DIR_VARIABLE = "SESAME_DATA_DIR"
DATABASE_VARIABLE = "DATABASE_URL"
TOKEN_VARIABLE = "TELEGRAM_BOT_TOKEN"
API_URL_VARIABLE = "TELEGRAM_API_URL"
DATABASE_FILE = "sesame.sqlite3"
OFFICIAL_API_URL = "https://api.telegram.org"


def data_dir(env: Mapping[str, str] = os.environ) -> Path:
    """The folder for the SQLite file and the chat's pictures (``./data`` unless set)."""
    return Path(env.get(DATA_DIR_VARIABLE) or "data")


def database_url(env: Mapping[str, str] = os.environ) -> str:
    """``DATABASE_URL`` made async-ready, or the SQLite file in the data folder."""
    url = (env.get(DATABASE_VARIABLE) or "").strip()
    if url:
        return async_url(url)
    return f"sqlite+aiosqlite:///{(data_dir(env) / DATABASE_FILE).resolve()}"


def async_url(url: str) -> str:
    """Give a plain ``postgresql://`` or ``sqlite://`` URL the async driver SQLAlchemy needs.

    Hosting providers hand out ``postgres://`` or ``postgresql://`` URLs; asking users to
    rewrite them would only produce a confusing driver error on start.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    drivers = {
        "postgres": "postgresql+asyncpg",
        "postgresql": "postgresql+asyncpg",
        "postgresql+psycopg2": "postgresql+asyncpg",
        "sqlite": "sqlite+aiosqlite",
    }
    return f"{drivers.get(scheme, scheme)}://{rest}"


@dataclass(frozen=True)
class ApiUrls:
    """The two endpoints python-telegram-bot needs: methods and file downloads."""

    base_url: str
    base_file_url: str


def api_urls(env: Mapping[str, str] = os.environ) -> ApiUrls:
    """``TELEGRAM_API_URL`` as PTB's ``base_url``/``base_file_url``; accepts ``host`` or ``host/bot``.

    A self-hosted Bot API server is usually given as ``http://host:8081``, but PTB wants the
    ``.../bot`` prefix it appends the token to, and files live under ``.../file/bot``.
    """
    raw = (env.get(API_URL_VARIABLE) or OFFICIAL_API_URL).strip().rstrip("/")
    root = raw[: -len("/bot")] if raw.endswith("/bot") else raw
    return ApiUrls(base_url=f"{root}/bot", base_file_url=f"{root}/file/bot")


def bot_token(env: Mapping[str, str] = os.environ) -> str | None:
    """The bot token, or ``None`` when it is unset or blank."""
    token = (env.get(TOKEN_VARIABLE) or "").strip()
    return token or None


WEBHOOK_URL_VARIABLE = "TELEGRAM_WEBHOOK_URL"
WEBHOOK_LISTEN_VARIABLE = "TELEGRAM_WEBHOOK_LISTEN"
WEBHOOK_PORT_VARIABLE = "TELEGRAM_WEBHOOK_PORT"
WEBHOOK_SECRET_VARIABLE = "TELEGRAM_WEBHOOK_SECRET"
WEBHOOK_REGISTER_VARIABLE = "TELEGRAM_WEBHOOK_REGISTER"
DEFAULT_WEBHOOK_LISTEN = "127.0.0.1"
DEFAULT_WEBHOOK_PORT = 8443
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
"""What Telegram accepts as a webhook's ``secret_token``."""
_NO = {"0", "false", "no", "off"}
_YES = {"1", "true", "yes", "on"}


class WebhookSettingError(ValueError):
    """A webhook setting the bot cannot start with; ``problem`` picks the sentence of the CLI template."""

    def __init__(self, problem: str, variable: str) -> None:
        super().__init__(f"{problem}: {variable}")
        self.problem = problem
        self.variable = variable


@dataclass(frozen=True)
class Webhook:
    """Webhook mode: Telegram posts updates to ``url``, a reverse proxy hands them to ``listen:port``.

    Every process of one bot gets the same ``url`` (it is where the load balancer listens, and its
    path is the path served) and the same ``secret``; exactly one has ``register`` set, so the
    webhook is registered once and a worker that restarts never deletes it under the others.
    """

    url: str
    listen: str
    port: int
    secret: str
    register: bool

    @property
    def url_path(self) -> str:
        """The path the local server answers on: the public URL's, as a path-preserving proxy forwards it."""
        return urlsplit(self.url).path or "/"


def webhook(
    env: Mapping[str, str] = os.environ,
    *,
    url: str | None = None,
    listen: str | None = None,
    port: int | None = None,
    register: bool | None = None,
) -> Webhook | None:
    """The webhook settings (options first, then the environment), or ``None`` for long polling.

    The secret comes only from the environment: a command-line argument is visible to every
    user of the machine in the process list.
    """
    public = (url or env.get(WEBHOOK_URL_VARIABLE) or "").strip()
    if not public:
        return None
    parts = urlsplit(public)
    if parts.scheme != "https" or not parts.hostname:
        raise WebhookSettingError("not_https", WEBHOOK_URL_VARIABLE)
    secret = (env.get(WEBHOOK_SECRET_VARIABLE) or "").strip()
    if not secret:
        raise WebhookSettingError("no_secret", WEBHOOK_SECRET_VARIABLE)
    if not SECRET_TOKEN.fullmatch(secret):
        raise WebhookSettingError("bad_secret", WEBHOOK_SECRET_VARIABLE)
    if port is None:
        raw_port = (env.get(WEBHOOK_PORT_VARIABLE) or "").strip()
        port = int(raw_port) if raw_port.isdecimal() else (DEFAULT_WEBHOOK_PORT if not raw_port else 0)
    if not 1 <= port <= 65535:
        raise WebhookSettingError("bad_port", WEBHOOK_PORT_VARIABLE)
    if register is None:
        raw_register = (env.get(WEBHOOK_REGISTER_VARIABLE) or "1").strip().lower()
        if raw_register not in _NO | _YES:
            raise WebhookSettingError("bad_register", WEBHOOK_REGISTER_VARIABLE)
        register = raw_register in _YES
    listen = (listen or env.get(WEBHOOK_LISTEN_VARIABLE) or DEFAULT_WEBHOOK_LISTEN).strip()
    return Webhook(url=public, listen=listen, port=port, secret=secret, register=register)


CONCURRENCY_VARIABLE = "SESAME_CONCURRENCY"
DEFAULT_CONCURRENCY = 16
"""Updates handled at once per process. A tap spends most of its time waiting for the database and
Telegram, so a 2-core machine serves more than two at once; 16 stays below the default database
pool (``DEFAULT_POOL_SIZE`` + ``DEFAULT_MAX_OVERFLOW``), so no update waits for a connection."""
POOL_SIZE_VARIABLE = "SESAME_DB_POOL_SIZE"
MAX_OVERFLOW_VARIABLE = "SESAME_DB_MAX_OVERFLOW"
POOL_RECYCLE_VARIABLE = "SESAME_DB_POOL_RECYCLE"
DEFAULT_POOL_SIZE = 10
DEFAULT_MAX_OVERFLOW = 10
DEFAULT_POOL_RECYCLE = 1800
"""Seconds before a pooled connection is replaced: under the idle limits servers and proxies commonly
set, so a connection is renewed before anything cuts it, without a ping on every checkout."""


class SettingError(ValueError):
    """A numeric setting out of range; the CLI prints one line naming the variable and the range."""

    def __init__(self, variable: str, low: int, high: int) -> None:
        super().__init__(f"{variable} must be a whole number from {low} to {high}")
        self.variable = variable
        self.low = low
        self.high = high


def _whole_number(env: Mapping[str, str], variable: str, default: int, low: int, high: int) -> int:
    raw = (env.get(variable) or "").strip()
    if not raw:
        return default
    if not raw.isdecimal() or not low <= int(raw) <= high:
        raise SettingError(variable, low, high)
    return int(raw)


def concurrency(env: Mapping[str, str] = os.environ) -> int:
    """How many updates one process handles at once (``SESAME_CONCURRENCY``; one user's stay in order)."""
    return _whole_number(env, CONCURRENCY_VARIABLE, DEFAULT_CONCURRENCY, 1, 1024)


@dataclass(frozen=True)
class PoolSettings:
    """The database connection pool of one process (PostgreSQL, and SQLite files)."""

    size: int = DEFAULT_POOL_SIZE
    max_overflow: int = DEFAULT_MAX_OVERFLOW
    recycle: int = DEFAULT_POOL_RECYCLE


def pool_settings(env: Mapping[str, str] = os.environ) -> PoolSettings:
    """``SESAME_DB_POOL_SIZE``, ``SESAME_DB_MAX_OVERFLOW`` and ``SESAME_DB_POOL_RECYCLE`` (seconds)."""
    return PoolSettings(
        size=_whole_number(env, POOL_SIZE_VARIABLE, DEFAULT_POOL_SIZE, 1, 1000),
        max_overflow=_whole_number(env, MAX_OVERFLOW_VARIABLE, DEFAULT_MAX_OVERFLOW, 0, 1000),
        recycle=_whole_number(env, POOL_RECYCLE_VARIABLE, DEFAULT_POOL_RECYCLE, 1, 86400),
    )


METRICS_PORT_VARIABLE = "SESAME_METRICS_PORT"
METRICS_LISTEN_VARIABLE = "SESAME_METRICS_LISTEN"
DEFAULT_METRICS_LISTEN = "127.0.0.1"


@dataclass(frozen=True)
class MetricsServer:
    """Where ``/metrics`` and ``/healthz`` are served on a port of their own (``bot.monitoring``)."""

    listen: str
    port: int


def metrics_server(env: Mapping[str, str] = os.environ) -> MetricsServer | None:
    """``SESAME_METRICS_PORT`` (and ``SESAME_METRICS_LISTEN``, by default 127.0.0.1); ``None`` when no port is set.

    Long polling has no other way to show its metrics; in webhook mode the webhook's port serves
    them already, and this port serves them too (so they can stay off the proxied one).
    """
    if not (env.get(METRICS_PORT_VARIABLE) or "").strip():
        return None
    port = _whole_number(env, METRICS_PORT_VARIABLE, 0, 1, 65535)
    listen = (env.get(METRICS_LISTEN_VARIABLE) or DEFAULT_METRICS_LISTEN).strip()
    return MetricsServer(listen, port)
