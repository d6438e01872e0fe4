"""Settings from the environment: data folder, database URL, token, Bot API server."""

from pathlib import Path

import pytest

from bot.config import WebhookSettingError, api_urls, async_url, bot_token, data_dir, database_url, webhook


def test_sqlite_in_the_data_folder_by_default():
    assert data_dir({}) == Path("data")
    assert database_url({}) == f"sqlite+aiosqlite:///{Path('data/sesame.sqlite3').resolve()}"
    assert database_url({"SESAME_DATA_DIR": "/srv/sesame"}) == "sqlite+aiosqlite:////srv/sesame/sesame.sqlite3"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u:p@db:5432/sesame", "postgresql+asyncpg://u:p@db:5432/sesame"),
        ("postgres://u@db/sesame", "postgresql+asyncpg://u@db/sesame"),
        ("postgresql+asyncpg://u@db/sesame", "postgresql+asyncpg://u@db/sesame"),
        ("sqlite:////tmp/x.sqlite3", "sqlite+aiosqlite:////tmp/x.sqlite3"),
    ],
)
def test_database_urls_get_the_async_driver(given, expected):
    assert async_url(given) == expected
    assert database_url({"DATABASE_URL": f" {given} ", "SESAME_DATA_DIR": "/ignored"}) == expected


@pytest.mark.parametrize(
    "given", ["http://10.0.0.5:8081", "http://10.0.0.5:8081/", "http://10.0.0.5:8081/bot", "http://10.0.0.5:8081/bot/"]
)
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


HOOK = {"TELEGRAM_WEBHOOK_URL": "https://bot.example.test/tg/updates", "TELEGRAM_WEBHOOK_SECRET": "s3cret-_x"}


def test_no_webhook_url_means_long_polling():
    assert webhook({}) is None
    assert webhook({"TELEGRAM_WEBHOOK_SECRET": "x", "TELEGRAM_WEBHOOK_PORT": "9000"}) is None


def test_webhook_defaults_and_the_path_served():
    hook = webhook(HOOK)
    assert (hook.listen, hook.port, hook.secret, hook.register) == ("127.0.0.1", 8443, "s3cret-_x", True)
    assert hook.url_path == "/tg/updates"
    assert webhook({**HOOK, "TELEGRAM_WEBHOOK_URL": "https://bot.example.test"}).url_path == "/"


def test_options_win_over_the_environment():
    env = {
        **HOOK,
        "TELEGRAM_WEBHOOK_LISTEN": "0.0.0.0",
        "TELEGRAM_WEBHOOK_PORT": "9000",
        "TELEGRAM_WEBHOOK_REGISTER": "1",
    }
    assert (webhook(env).listen, webhook(env).port) == ("0.0.0.0", 9000)
    hook = webhook(env, url="https://other.example.test/x", listen="10.0.0.2", port=8080, register=False)
    assert (hook.url, hook.listen, hook.port, hook.register) == (
        "https://other.example.test/x",
        "10.0.0.2",
        8080,
        False,
    )
    assert webhook({"TELEGRAM_WEBHOOK_SECRET": "x"}, url="https://bot.example.test/") is not None


@pytest.mark.parametrize("value", ["0", "false", "No", " off "])
def test_registration_can_be_left_to_another_process(value):
    assert webhook({**HOOK, "TELEGRAM_WEBHOOK_REGISTER": value}).register is False


@pytest.mark.parametrize(
    ("change", "problem", "variable"),
    [
        ({"TELEGRAM_WEBHOOK_SECRET": ""}, "no_secret", "TELEGRAM_WEBHOOK_SECRET"),
        ({"TELEGRAM_WEBHOOK_SECRET": "has space"}, "bad_secret", "TELEGRAM_WEBHOOK_SECRET"),
        ({"TELEGRAM_WEBHOOK_SECRET": "x" * 257}, "bad_secret", "TELEGRAM_WEBHOOK_SECRET"),
        ({"TELEGRAM_WEBHOOK_URL": "http://bot.example.test/hook"}, "not_https", "TELEGRAM_WEBHOOK_URL"),
        ({"TELEGRAM_WEBHOOK_PORT": "http"}, "bad_port", "TELEGRAM_WEBHOOK_PORT"),
        ({"TELEGRAM_WEBHOOK_PORT": "70000"}, "bad_port", "TELEGRAM_WEBHOOK_PORT"),
        ({"TELEGRAM_WEBHOOK_REGISTER": "maybe"}, "bad_register", "TELEGRAM_WEBHOOK_REGISTER"),
    ],
)
def test_a_webhook_setting_the_bot_cannot_start_with(change, problem, variable):
    with pytest.raises(WebhookSettingError) as caught:
        webhook({**HOOK, **change})
    assert (caught.value.problem, caught.value.variable) == (problem, variable)


def test_concurrency_and_pool_settings_default_and_read_the_environment():
    from bot.config import DEFAULT_CONCURRENCY, PoolSettings, concurrency, pool_settings

    assert concurrency({}) == DEFAULT_CONCURRENCY
    assert concurrency({"SESAME_CONCURRENCY": " 32 "}) == 32
    assert pool_settings({}) == PoolSettings()
    env = {"SESAME_DB_POOL_SIZE": "4", "SESAME_DB_MAX_OVERFLOW": "0", "SESAME_DB_POOL_RECYCLE": "60"}
    assert pool_settings(env) == PoolSettings(size=4, max_overflow=0, recycle=60)
    # The default concurrency never waits for a pooled connection.
    assert DEFAULT_CONCURRENCY <= PoolSettings().size + PoolSettings().max_overflow


@pytest.mark.parametrize(
    "env",
    [
        {"SESAME_CONCURRENCY": "0"},
        {"SESAME_CONCURRENCY": "many"},
        {"SESAME_CONCURRENCY": "-3"},
        {"SESAME_DB_POOL_SIZE": "0"},
        {"SESAME_DB_MAX_OVERFLOW": "1.5"},
    ],
)
def test_a_bad_number_names_its_variable(env):
    from bot.config import SettingError, concurrency, pool_settings

    with pytest.raises(SettingError) as caught:
        concurrency(env)
        pool_settings(env)
    assert caught.value.variable == next(iter(env))


def test_the_engine_recycles_connections_instead_of_pinging_each_checkout():
    from bot.config import PoolSettings
    from bot.storage.database import make_engine

    engine = make_engine("postgresql+asyncpg://postgres@127.0.0.1/test", pool=PoolSettings(size=3, recycle=90))
    assert engine.pool.size() == 3
    assert engine.pool._pre_ping is False
    assert engine.pool._recycle == 90


def test_metrics_are_served_on_their_own_port_only_when_one_is_set():
    from bot.config import MetricsServer, SettingError, metrics_server

    assert metrics_server({}) is None and metrics_server({"SESAME_METRICS_PORT": " "}) is None
    assert metrics_server({"SESAME_METRICS_PORT": "9464"}) == MetricsServer("127.0.0.1", 9464)
    assert metrics_server({"SESAME_METRICS_PORT": "9464", "SESAME_METRICS_LISTEN": "0.0.0.0"}).listen == "0.0.0.0"
    for bad in ("0", "65536", "http"):
        with pytest.raises(SettingError) as caught:
            metrics_server({"SESAME_METRICS_PORT": bad})
        assert caught.value.variable == "SESAME_METRICS_PORT"
