"""The design card's layering: scoring/ and advice/ are plain libraries the bot, the CLI and
the benchmarks share, so they must never pull in the bot or python-telegram-bot."""

import subprocess
import sys


def test_scoring_and_advice_import_neither_bot_nor_telegram():
    code = (
        "import sys, scoring, scoring.cli, scoring.train, scoring.alipay_bill.cli, advice, advice.cli; "
        "bad = sorted(m for m in sys.modules if m == 'bot' or m.startswith(('bot.', 'telegram'))); "
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
