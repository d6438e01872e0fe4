"""``sesame-advisor run`` and ``chat`` as commands: the missing token, lazy imports, logging."""

import logging
import os
import subprocess
import sys
from pathlib import Path

from bot.cli import build_parser, main
from bot.cli_commands import configure_logging

SCRIPT = str(Path(sys.executable).with_name("sesame-advisor"))


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SESAME_")) and k != "DATABASE_URL"}
    return {**env, **extra}


def test_run_without_a_token_says_how_to_get_one_in_one_line(tmp_path):
    result = subprocess.run(
        [SCRIPT, "run"],
        capture_output=True,
        text=True,
        timeout=60,
        env=clean_env(SESAME_DATA_DIR=str(tmp_path), LANG="en_US.UTF-8"),
    )
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "TELEGRAM_BOT_TOKEN" in lines[0] and "@BotFather" in lines[0] and "sesame-advisor chat" in lines[0]
    assert not any(tmp_path.iterdir())  # nothing was created


def test_run_without_a_token_in_process(monkeypatch, capsys):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert main(["run"]) == 2
    assert "@BotFather" in capsys.readouterr().err


def test_the_cli_does_not_import_telegram_or_the_database_until_a_bot_command_runs():
    code = (
        "import sys, bot.cli; bot.cli.build_parser(); print(sorted(m for m in ('telegram', 'sqlalchemy', "
        "'matplotlib') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def test_chat_and_run_are_registered():
    parser = build_parser()
    assert parser.parse_args(["chat", "--lang", "zh"]).lang == "zh"
    assert parser.parse_args(["run"]).handler.__name__ == "cmd_run"


def test_httpx_is_kept_below_info_so_the_token_in_its_urls_is_never_logged():
    root, httpx = logging.getLogger(), logging.getLogger("httpx")
    levels = root.level, httpx.level
    try:
        configure_logging([])
        assert httpx.getEffectiveLevel() >= logging.WARNING
        assert logging.getLogger("bot").getEffectiveLevel() <= logging.INFO
    finally:
        root.setLevel(levels[0])
        httpx.setLevel(levels[1])


def test_run_with_a_bad_concurrency_says_which_setting_in_one_line(monkeypatch, capsys):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:TEST-never-used")
    monkeypatch.delenv("TELEGRAM_WEBHOOK_URL", raising=False)
    monkeypatch.setenv("SESAME_CONCURRENCY", "lots")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["sesame-advisor: error: SESAME_CONCURRENCY must be a whole number from 1 to 1024."]
