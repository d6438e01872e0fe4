"""Settings from the environment: data folder, database URL, token, Bot API server."""

from pathlib import Path

import pytest

from bot.config import api_urls, async_url, bot_token, data_dir, database_url


def test_sqlite_in_the_data_folder_by_default():
    assert data_dir({}) == Path("data")
    assert database_url({}) == f"sqlite+aiosqlite:///{Path('data/sesame.sqlite3').resolve()}"
    assert database_url({"SESAME_DATA_DIR": "/srv/sesame"}) == "sqlite+aiosqlite:////srv/sesame/sesame.sqlite3"


@pytest.mark.parametrize(("given", "expected"), [
    ("postgresql://u:p@db:5432/sesame", "postgresql+asyncpg://u:p@db:5432/sesame"),
    ("postgres://u@db/sesame", "postgresql+asyncpg://u@db/sesame"),
    ("postgresql+asyncpg://u@db/sesame", "postgresql+asyncpg://u@db/sesame"),
    ("sqlite:////tmp/x.sqlite3", "sqlite+aiosqlite:////tmp/x.sqlite3"),
])
def test_database_urls_get_the_async_driver(given, expected):
    assert async_url(given) == expected
    assert database_url({"DATABASE_URL": f" {given} ", "SESAME_DATA_DIR": "/ignored"}) == expected


@pytest.mark.parametrize("given", ["http://10.0.0.5:8081", "http://10.0.0.5:8081/", "http://10.0.0.5:8081/bot",
                                   "http://10.0.0.5:8081/bot/"])
def test_a_self_hosted_bot_api_in_either_form(given):
    urls = api_urls({"TELEGRAM_API_URL": given})
    assert urls.base_url == "http://10.0.0.5:8081/bot"
    assert urls.base_file_url == "http://10.0.0.5:8081/file/bot"


def test_the_official_bot_api_by_default():
    assert api_urls({}).base_url == "https://api.telegram.org/bot"
    assert api_urls({}).base_file_url == "https://api.telegram.org/file/bot"


def test_a_blank_token_is_no_token():
    assert bot_token({}) is None and bot_token({"TELEGRAM_BOT_TOKEN": "  "}) is None
    assert bot_token({"TELEGRAM_BOT_TOKEN": "1:abc\n"}) == "1:abc"
