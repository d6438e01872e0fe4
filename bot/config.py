"""Where the bot keeps its data and which servers it talks to, read from the environment.

Every setting has one environment variable and one default, so ``sesame-advisor run`` and
``sesame-advisor chat`` agree on the database without a configuration file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

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
