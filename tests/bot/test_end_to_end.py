"""The real ``sesame-advisor run`` process, played against the local Bot API stand-in over HTTP.

Nothing in the bot is replaced: the console script starts python-telegram-bot's long polling,
migrates a fresh SQLite file, loads the trained model and renders the templates. Only Telegram
itself is the stand-in (``bot_api_stand_in``), reached through ``TELEGRAM_API_URL``.
"""

import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from advice.ranking import rank
from bot.progress import advisable
from scoring.card import load_scorecard
from scoring.questions import QUESTIONS, QUICK_IDS

TOKEN = "987654321:E2E-stand-in-secret-token"
PRIVATE_TEXT = "my private e2e note 4711"
STARTUP_TIMEOUT = 90.0
STEP_TIMEOUT = 30.0
QUESTION_CALLS = ("sendMessage", "editMessageText")
ANSWER_DATA = re.compile(r"a:(\d+):(\d+):([A-Za-z0-9_-]+)")
JPEG_START = b"\xff\xd8\xff"


def console_script():
    """The installed ``sesame-advisor`` next to this interpreter (the one ``pip install -e`` made)."""
    beside = Path(sys.executable).with_name("sesame-advisor")
    found = str(beside) if beside.exists() else shutil.which("sesame-advisor")
    assert found, "the sesame-advisor console script is not installed (pip install -e .)"
    return found


def bot_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SESAME_")) and k != "DATABASE_URL"}
    env.update(SESAME_DATA_DIR=str(tmp_path / "data"), PYTHONUNBUFFERED="1", **extra)
    return env


class Question:
    """A question message the bot showed, read from its answer buttons."""

    def __init__(self, call):
        self.call = call
        self.message_id = call.result["message_id"]
        self.text = call.result.get("text", "")
        taps = [ANSWER_DATA.fullmatch(data) for data in button_data(call)]
        taps = [tap for tap in taps if tap]
        indexes = {int(tap.group(1)) for tap in taps}
        assert len(indexes) == 1, f"answer buttons of several questions on one message: {button_data(call)}"
        self.question = QUESTIONS[indexes.pop()]
        self.nonce = taps[0].group(3)
        self.data_by_index = {int(tap.group(2)): tap.group(0) for tap in taps}


def button_data(call):
    markup = call.params.get("reply_markup") or {}
    return [b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row]


def is_question(call, *, other_than=None, question_id=None):
    if not any(ANSWER_DATA.fullmatch(data) for data in button_data(call)):
        return False
    asked = Question(call)
    if other_than is not None and asked.nonce == other_than:
        return False
    return question_id is None or asked.question.id == question_id


def texts_since(api, mark):
    """Everything the bot has shown since ``mark``, as plain text (Telegram strips the HTML)."""
    shown = []
    for call in api.calls[mark:]:
        if call.ok and isinstance(call.result, dict):
            shown.append(call.result.get("text") or call.result.get("caption") or "")
    return "\n".join(shown)


class BotProcess:
    """``sesame-advisor run`` as a child process, its output in files (a full pipe cannot block it)."""

    def __init__(self, tmp_path, env):
        self.stdout_path = tmp_path / "bot.stdout"
        self.stderr_path = tmp_path / "bot.stderr"
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(
                [console_script(), "run"], env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL
            )

    def output(self):
        return self.stdout_path.read_text(errors="replace") + self.stderr_path.read_text(errors="replace")

    def assert_alive(self):
        code = self.process.poll()
        assert code is None, f"sesame-advisor run exited early with code {code}:\n{self.output()}"

    def stop(self, sig=signal.SIGINT, timeout=30.0):
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
                output = self.output()
                raise AssertionError(f"the bot did not stop within {timeout:.0f}s of {sig.name}:\n{output}") from None
        return self.process.returncode


def run_env(bot_api, tmp_path, database, metrics_port):
    """``sesame-advisor run`` against the stand-in, on a SQLite file, serving metrics on ``metrics_port``."""
    bot_api.token = TOKEN
    return bot_env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=bot_api.base_url,
        DATABASE_URL=f"sqlite:///{database}",
        SESAME_METRICS_PORT=str(metrics_port),
    )


@pytest.fixture
def running_bot(bot_api, tmp_path):
    database = tmp_path / "e2e.sqlite3"
    metrics_port = free_port()
    process = BotProcess(tmp_path, run_env(bot_api, tmp_path, database, metrics_port))
    process.metrics_port = metrics_port
    try:
        try:
            bot_api.wait_until_polling(timeout=STARTUP_TIMEOUT)
        except AssertionError as error:
            raise AssertionError(f"{error}\nBot output:\n{process.output()}") from None
        yield process, database
    finally:
        if process.process.poll() is None:
            process.process.kill()
            process.process.wait(timeout=10)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def step(api, process, method, predicate=None, what=""):
    """Wait for the bot's next matching call; on failure say what was expected and what the bot logged."""
    try:
        return api.wait_for(method, predicate, timeout=STEP_TIMEOUT)
    except AssertionError as error:
        process.assert_alive()
        raise AssertionError(f"waiting for {what or method}: {error}\nBot output:\n{process.output()}") from None


def test_a_user_goes_from_start_through_the_quick_check_to_score_and_advice(bot_api, running_bot):
    process, database = running_bot
    api = bot_api
    card = load_scorecard()

    # The commands menu is registered in both languages before polling starts.
    registered = {language for (_, language) in api.commands}
    assert "zh" in registered and ({"en", ""} & registered), f"commands registered for {registered}"
    for commands in api.commands.values():
        assert {"start", "score", "advice", "forget", "help"} <= {c["command"] for c in commands}

    start = api.mark()
    api.send_command("start")
    asked = Question(step(api, process, QUESTION_CALLS, is_question, "the first question after /start"))
    welcome = texts_since(api, start)
    assert "estimat" in welcome.lower(), f"no estimate disclaimer in the /start replies:\n{welcome}"

    # Free text where a button is expected: a reply, the same question again, nothing stored.
    api.send_text(PRIVATE_TEXT)
    again = Question(
        step(
            api,
            process,
            QUESTION_CALLS,
            lambda c: is_question(c, question_id=asked.question.id),
            "the same question again after free text",
        )
    )
    assert again.question.id == asked.question.id

    answers = {}
    total = len(QUICK_IDS)
    current = again
    for position in range(1, total + 1):
        question = current.question
        assert question.id in QUICK_IDS
        assert f"{position}/{total}" in current.text, f"no progress {position}/{total} in:\n{current.text}"
        assert question.en in current.text, f"question {question.id} is not worded as in the questionnaire"
        # Mostly unfavourable answers, so the advice has something to rank.
        index = min(position % 2, len(question.levels) - 1)
        answers[question.id] = question.levels[index]
        if question.kind == "number":
            api.send_text(str(question.levels[index]))
        else:
            api.press(current.message_id, current.data_by_index[index])
        if position < total:
            current = Question(
                step(
                    api,
                    process,
                    QUESTION_CALLS,
                    lambda c, n=current.nonce: is_question(c, other_than=n),
                    f"question {position + 1}/{total}",
                )
            )
    assert set(answers) == set(QUICK_IDS)

    expected = card.score(answers)
    # The score comes straight after the last answer, picture included.
    first = step(api, process, "sendPhoto", what="the score after the last answer")
    picture = first.files["photo"].data
    assert picture.startswith(JPEG_START)
    assert (first.result["photo"][-1]["width"], first.result["photo"][-1]["height"]) == (1080, 1080)

    # The same answers again: the same picture, sent by the file_id Telegram gave it, no upload.
    api.send_command("score")
    photo = step(api, process, "sendPhoto", what="the /score radar chart")
    assert "photo" not in photo.files
    assert photo.params["photo"] == first.result["photo"][-1]["file_id"]
    assert photo.result["photo"][-1]["file_size"] == len(picture)
    step(
        api,
        process,
        (*QUESTION_CALLS, "sendPhoto"),
        lambda c: str(expected.score) in (c.result.get("text") or c.result.get("caption") or ""),
        f"a /score message with the score {expected.score} the model gives these answers",
    )

    plan = rank(card, advisable(answers))
    assert len(plan.actions) >= 2, "the chosen answers should leave actions to rank"
    api.send_command("advice")
    advice = step(
        api,
        process,
        "sendMessage",
        lambda c: any(d.startswith("s:") for d in button_data(c)),
        "the /advice message with how-to buttons",
    )
    text = advice.result["text"]
    first, second = (a.action.title("en") for a in plan.actions[:2])
    assert first in text and second in text, f"/advice lacks the top actions {first!r}, {second!r}:\n{text}"
    assert text.index(first) < text.index(second), "/advice is not in ranked order"

    # Each action expands to its how-to steps by a button.
    expand = next(d for d in button_data(advice) if d.endswith(":1"))
    api.press(advice.result["message_id"], expand)
    step(api, process, "answerCallbackQuery", what="the answer to the steps button")
    step(api, process, QUESTION_CALLS, lambda c: c.result.get("text", "") != text, "the expanded how-to steps")

    failed = [c.short() for c in api.calls if not c.ok]
    assert not failed, "the bot made Bot API calls Telegram would refuse:\n" + "\n".join(failed)

    code = process.stop(signal.SIGINT)
    output = process.output()
    assert code == 0, f"exit code {code} after SIGINT:\n{output}"
    assert "Traceback" not in output and " ERROR " not in output, output
    assert TOKEN not in output and TOKEN.split(":")[1] not in output, "the bot token leaked into the logs"
    assert PRIVATE_TEXT not in output, "a user's message text was logged"

    with sqlite3.connect(database) as db:
        stored = dict(db.execute("select question_id, value from answers where user_id = ?", (api.user_id,)))
    assert set(stored) == set(QUICK_IDS)


def test_a_chinese_user_is_asked_in_chinese_and_sigterm_stops_the_bot_cleanly(bot_api, running_bot):
    process, _ = running_bot
    bot_api.send_command("start", user_id=777, language_code="zh-hans")
    asked = Question(step(bot_api, process, QUESTION_CALLS, is_question, "the first question in Chinese"))
    assert asked.call.params["chat_id"] == 777
    assert asked.question.zh in asked.text and f"1/{len(QUICK_IDS)}" in asked.text, asked.text
    code = process.stop(signal.SIGTERM)
    output = process.output()
    assert code == 0, f"exit code {code} after SIGTERM:\n{output}"
    assert "Traceback" not in output, output
    assert TOKEN.split(":")[1] not in output


def test_long_polling_serves_metrics_and_health_on_the_metrics_port(bot_api, running_bot):
    process, _ = running_bot
    bot_api.send_command("start", user_id=818181)
    step(bot_api, process, QUESTION_CALLS, is_question, "the first question")
    root = f"http://127.0.0.1:{process.metrics_port}"
    deadline = time.monotonic() + STEP_TIMEOUT
    while True:  # the update is counted once its handling returns, just after the reply went out
        with urllib.request.urlopen(f"{root}/metrics", timeout=5) as response:
            scraped = response.read().decode()
        if 'sesame_updates_total{kind="message"} 1.0' in scraped or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert 'sesame_updates_total{kind="message"} 1.0' in scraped, scraped
    assert "sesame_update_seconds_count 1.0" in scraped and "sesame_update_errors_total 0.0" in scraped
    assert "818181" not in scraped and TOKEN.split(":")[1] not in scraped
    with urllib.request.urlopen(f"{root}/healthz", timeout=5) as response:
        assert response.status == 200


def test_a_metrics_port_in_use_stops_run_with_a_line_naming_it(bot_api, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # an English terminal: the error line speaks the terminal's language
        env = {**run_env(bot_api, tmp_path, tmp_path / "taken.sqlite3", port), "LANG": "en_US.UTF-8"}
        result = subprocess.run(
            [console_script(), "run"], env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL
        )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert f"SESAME_METRICS_PORT: nothing can listen on 127.0.0.1:{port}" in result.stderr


def test_run_without_a_token_says_how_to_get_one(tmp_path):
    result = subprocess.run(
        [console_script(), "run"],
        env=bot_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "@BotFather" in lines[0] and "sesame-advisor chat" in lines[0]
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_an_alipay_bill_zip_with_its_password_fills_the_answers_and_nothing_private_is_logged(bot_api, running_bot):
    from scoring.alipay_bill import read_bill
    from tests.scoring.alipay_bill import exports, zips

    process, database = running_bot
    api = bot_api
    password = "381724"
    csv = exports.render(exports.active(), "app_2023")
    api.enqueue(api.document_update(zips.zipcrypto({"alipay.csv": csv}, password.encode()), "支付宝交易明细.zip"))
    step(api, process, "sendMessage", lambda c: "password" in c.params.get("text", ""), "the password question")
    api.send_text(password)
    step(api, process, "deleteMessage", what="the password message deleted")
    found = step(api, process, "sendMessage", lambda c: "Your Alipay bill" in c.params.get("text", ""), "the bill")
    confirm = next(data for _, data in api.buttons(found.result["message_id"]) if data.endswith(":y"))
    api.press(found.result["message_id"], confirm)
    step(api, process, "editMessageText", lambda c: "saved" in c.params.get("text", ""), "the answers saved")
    with sqlite3.connect(database) as connection:
        stored = dict(connection.execute("SELECT question_id, source FROM answers").fetchall())
    assert set(stored) == set(read_bill(csv).answers) and set(stored.values()) == {"bill"}
    assert process.stop() == 0
    output = process.output()
    assert "bill import" in output  # the bot's own log lines are there
    assert password not in output
    for txn in exports.active().txns:
        assert txn.counterparty not in output and (not txn.merchant_order or txn.merchant_order not in output)
