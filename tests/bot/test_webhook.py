"""Two real ``sesame-advisor run`` processes in webhook mode serving one bot from one database.

The design keeps every bit of conversation state in the database so that several processes can
serve one bot; long polling allows one process per token, so this is what webhook mode is for.
Both processes are the installed console script (the bot's ASGI webhook app on uvicorn, the trained
model, the templates, the bot's migrations on a fresh PostgreSQL database); the test plays
Telegram with the Bot API stand-in and a load balancer by POSTing each update to the other
process in turn. Only the Telegram network is replaced.
"""

import asyncio
import http.client
import json
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import warnings
from concurrent.futures import ThreadPoolExecutor

import asyncpg
import pytest

from bot.config import async_url
from bot.storage import open_storage
from scoring.card import load_scorecard
from scoring.questions import QUICK_IDS
from scoring.structure import settled
from tests.bot.bot_api_stand_in import BotApiStandIn
from tests.bot.database_backends import POSTGRES_URL
from tests.bot.test_end_to_end import QUESTION_CALLS, Question, bot_env, console_script, is_question

TOKEN = "555666777:WEBHOOK-stand-in-secret-token"
SECRET = "webhook-secret_0123456789abcdef"
PUBLIC_URL = "https://sesame.example.test/telegram/updates"
USER_ID = 515151
STEP_TIMEOUT = 30.0
STARTUP_TIMEOUT = 60.0  # two processes load the model and migrate at once on two cores
REGISTERED_ELSEWHERE = "webhook registration left to the registering process"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def accepts_connections(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


async def _admin(sql):
    connection = await asyncpg.connect(POSTGRES_URL.replace("postgresql+asyncpg://", "postgresql://", 1), timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture(scope="module")
def shared_database(tmp_path_factory):
    """A fresh PostgreSQL database both processes share (a SQLite file only without a server)."""
    name = f"sesame_webhook_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
        warnings.warn(
            f"PostgreSQL at {POSTGRES_URL} unreachable ({exc!r}): the processes share a SQLite file", stacklevel=1
        )
        yield f"sqlite:///{tmp_path_factory.mktemp('webhook') / 'shared.sqlite3'}"
        return
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class Worker:
    """One ``sesame-advisor run`` process in webhook mode, its output in files."""

    def __init__(self, name, folder, env, port):
        self.name = name
        self.port = port
        self.url = f"http://127.0.0.1:{port}/telegram/updates"
        self.stdout_path = folder / f"{name}.stdout"
        self.stderr_path = folder / f"{name}.stderr"
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(
                [console_script(), "run", "--port", str(port)],
                env=env,
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
            )

    def output(self):
        return self.stdout_path.read_text(errors="replace") + self.stderr_path.read_text(errors="replace")

    def wait_until_serving(self, deadline):
        while not accepts_connections(self.port):
            code = self.process.poll()
            assert code is None, f"worker {self.name} exited early with code {code}:\n{self.output()}"
            assert time.monotonic() < deadline, (
                f"worker {self.name} did not listen on port {self.port} within {STARTUP_TIMEOUT:.0f}s:\n{self.output()}"
            )
            time.sleep(0.1)

    def stop(self, sig):
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=STEP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
                raise AssertionError(
                    f"worker {self.name} did not stop within {STEP_TIMEOUT:.0f}s of {sig.name}:\n{self.output()}"
                ) from None
        return self.process.returncode


@pytest.fixture(scope="module")
def cluster(shared_database, tmp_path_factory):
    """The stand-in, worker A (registers the webhook) and worker B (``TELEGRAM_WEBHOOK_REGISTER=0``)."""
    folder = tmp_path_factory.mktemp("workers")
    with BotApiStandIn(TOKEN, user_id=USER_ID) as api:
        common = dict(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=api.base_url,
            DATABASE_URL=shared_database,
            TELEGRAM_WEBHOOK_URL=PUBLIC_URL,
            TELEGRAM_WEBHOOK_SECRET=SECRET,
            LANG="en_US.UTF-8",
        )
        # Both start at once, as a deployment would start them: the migrations must not collide.
        workers = [
            Worker("A", folder, bot_env(folder, **common), free_port()),
            Worker("B", folder, bot_env(folder, **common, TELEGRAM_WEBHOOK_REGISTER="0"), free_port()),
        ]
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            for worker in workers:
                worker.wait_until_serving(deadline)
            yield api, *workers
        finally:
            for worker in workers:
                if worker.process.poll() is None:
                    worker.process.kill()
                    worker.process.wait(timeout=10)


def step(api, workers, method, predicate, what):
    """The bot's next matching call; on failure: what was awaited, the calls and both processes' logs."""
    try:
        return api.wait_for(method, predicate, timeout=STEP_TIMEOUT)
    except AssertionError as error:
        logs = "\n".join(f"--- worker {w.name} (exit {w.process.poll()}):\n{w.output()}" for w in workers)
        raise AssertionError(f"waiting for {what}: {error}\n{logs}") from None


def read_storage(url, read):
    """What ``read(storage)`` finds in the shared database, through the bot's own storage layer."""

    async def run():
        storage = await open_storage(async_url(url))
        try:
            return await read(storage)
        finally:
            await storage.close()

    return asyncio.run(run())


def deliver(api, worker, update):
    status = api.post_update(worker.url, update)
    assert status == 200, f"worker {worker.name} answered HTTP {status} to a correctly signed update"


def test_only_the_registering_process_sets_the_webhook(cluster):
    api, a, b = cluster
    sets = api.calls_of("setWebhook")
    assert len(sets) == 1, f"setWebhook called {len(sets)} times by two processes:\n{api.transcript()}"
    assert sets[0].ok, sets[0].short()
    assert api.webhook == {
        "url": PUBLIC_URL,
        "secret_token": SECRET,
        "allowed_updates": ["message", "callback_query"],
        "max_connections": 40,
    }
    assert not api.calls_of("deleteWebhook") and not api.calls_of("getUpdates")
    # B reached the point where PTB registers the webhook, and its bot left Telegram alone.
    assert REGISTERED_ELSEWHERE in b.output() and REGISTERED_ELSEWHERE not in a.output()
    info = api.handle("getWebhookInfo", {}, {})[1]
    assert info["url"] == PUBLIC_URL and info["allowed_updates"] == ["message", "callback_query"]
    assert "secret_token" not in info


def test_a_conversation_alternating_between_the_processes_keeps_its_place(cluster, shared_database):
    api, a, b = cluster
    workers = (a, b)
    turn = iter(workers * len(QUICK_IDS))
    card = load_scorecard()

    deliver(api, next(turn), api.command_update("start"))
    current = Question(step(api, workers, QUESTION_CALLS, is_question, "the first question after /start"))
    answers = {}
    total = len(QUICK_IDS)
    for position, expected_id in enumerate(QUICK_IDS, start=1):
        # Each question follows on from the previous answer, though the other process took that answer.
        assert current.question.id == expected_id, (
            f"question {position}/{total} is {current.question.id}, expected {expected_id}: a process lost the place"
        )
        assert f"{position}/{total}" in current.text, f"no progress {position}/{total} in:\n{current.text}"
        question = current.question
        index = min(position % 3, len(question.levels) - 1)
        if any(settled(later, {question.id: question.levels[index]}) for later in QUICK_IDS):
            index += 1  # "no credit card" would settle the next question: this test walks all ten
        answers[question.id] = question.levels[index]
        worker = next(turn)
        if question.kind == "number":
            deliver(api, worker, api.text_update(str(question.levels[index])))
        else:
            deliver(api, worker, api.press_update(current.message_id, current.data_by_index[index]))
        if position < total:
            current = Question(
                step(
                    api,
                    workers,
                    QUESTION_CALLS,
                    lambda c, n=current.nonce: is_question(c, other_than=n),
                    f"question {position + 1}/{total} from worker {worker.name}",
                )
            )
    step(api, workers, "sendPhoto", None, "the score after the last answer")

    expected = card.score(answers)
    for worker in workers:
        deliver(api, worker, api.command_update("score"))
        step(
            api,
            workers,
            (*QUESTION_CALLS, "sendPhoto"),
            lambda c: str(expected.score) in (c.result.get("text") or c.result.get("caption") or ""),
            f"/score from worker {worker.name} showing {expected.score}",
        )
        # The chart follows its message (drawn in between unless Telegram already has it): wait for
        # it, so it does not land in the next test's window.
        step(api, workers, "sendPhoto", None, f"the radar chart after /score from worker {worker.name}")

    assert read_storage(shared_database, lambda storage: storage.answers(USER_ID)) == answers
    failed = [c.short() for c in api.calls if not c.ok]
    assert not failed, "the processes made Bot API calls Telegram would refuse:\n" + "\n".join(failed)


@pytest.mark.parametrize("secret", [None, "not-the-secret", SECRET.upper()])
def test_an_update_without_the_secret_token_is_refused_and_changes_nothing(cluster, shared_database, secret):
    api, a, b = cluster
    before = api.mark()
    for worker in (a, b):
        status = api.post_update(worker.url, api.command_update("forget", user_id=USER_ID + 1), secret_token=secret)
        assert status == 403, f"worker {worker.name} answered HTTP {status} to an update signed with {secret!r}"
        status = api.post_update(worker.url, api.command_update("start", user_id=USER_ID + 2), secret_token=secret)
        assert status == 403
    # A correctly signed update after them is answered, and nothing came of the refused ones before it.
    deliver(api, b, api.command_update("help", user_id=USER_ID + 3))
    step(api, (a, b), "sendMessage", lambda c: c.params["chat_id"] == USER_ID + 3, "the answer to a signed /help")
    chats = {c.params.get("chat_id") for c in api.calls[before:]}
    assert chats == {USER_ID + 3}, f"refused updates were acted on:\n{api.transcript(before)}"
    assert read_storage(shared_database, lambda storage: storage.user_language(USER_ID + 2)) is None


def raw_request(url, body=None, headers=None, method="POST"):
    """Any HTTP request, as a hostile client would send it: (status, body text)."""
    request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=STEP_TIMEOUT) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode(errors="replace")


def oversized_request(url, declared, headers):
    """A body declared larger than the limit: the status, read before the body is sent.

    The server refuses on the declared length and closes; a client still writing a megabyte
    then meets a broken pipe (a race, not the server's fault), so this one sends headers only.
    """
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=STEP_TIMEOUT)
    try:
        connection.putrequest("POST", parts.path)
        for name, value in {**headers, "Content-Length": str(declared)}.items():
            connection.putheader(name, value)
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


def test_hostile_requests_get_a_status_not_a_traceback(cluster):
    api, a, b = cluster
    signed = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    before = api.mark()
    assert raw_request(a.url, b'{"update_id": 1, "message": ', signed)[0] == 400
    assert oversized_request(a.url, 1024 * 1024 + 1, signed) == 413
    assert raw_request(b.url, b"{}", {**signed, "Content-Type": "text/plain"})[0] == 415
    charset = {**signed, "Content-Type": "application/json; charset=utf-8"}
    update = api.command_update("help", user_id=USER_ID + 7)
    status, _ = raw_request(b.url, json.dumps(update).encode(), charset)
    assert status == 200
    step(api, (a, b), "sendMessage", lambda c: c.params["chat_id"] == USER_ID + 7, "the answer to /help")
    assert {c.params.get("chat_id") for c in api.calls[before:]} == {USER_ID + 7}
    for worker in (a, b):
        assert "Traceback" not in worker.output()


def test_an_update_delivered_to_both_processes_is_handled_once(cluster):
    api, a, b = cluster
    update = api.command_update("help", user_id=USER_ID + 8)
    body = json.dumps(update).encode()
    signed = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda w: raw_request(w.url, body, signed)[0], (a, b, a, b)))
    assert set(statuses) <= {200, 503}, statuses
    # Telegram retries a 503 later: by then the update is done, and it is not handled again.
    assert [raw_request(w.url, body, signed)[0] for w in (a, b)] == [200, 200]
    step(api, (a, b), "sendMessage", lambda c: c.params["chat_id"] == USER_ID + 8, "the answer to /help")
    time.sleep(0.5)
    answers = [c for c in api.calls if c.method == "sendMessage" and c.params["chat_id"] == USER_ID + 8]
    assert len(answers) == 1, f"one update answered {len(answers)} times"


def test_health_and_metrics(cluster):
    api, a, b = cluster
    for worker in (a, b):
        root = worker.url.rsplit("/telegram/updates", 1)[0]
        assert raw_request(f"{root}/healthz", method="GET") == (200, "ok")
        status, metrics = raw_request(f"{root}/metrics", method="GET")
        assert status == 200 and "sesame_update_seconds_bucket" in metrics
        assert 'sesame_updates_total{kind="message"}' in metrics
        assert str(USER_ID) not in metrics and TOKEN.split(":")[1] not in metrics


def test_both_processes_stop_cleanly_without_leaking_secrets(cluster):
    api, a, b = cluster
    for worker, sig in ((a, signal.SIGINT), (b, signal.SIGTERM)):
        code = worker.stop(sig)
        output = worker.output()
        assert code == 0, f"worker {worker.name} exited with {code} after {sig.name}:\n{output}"
        assert "Traceback" not in output and " ERROR " not in output, output
        for secret in (TOKEN.split(":")[1], SECRET):
            assert secret not in output, f"worker {worker.name} logged a secret:\n{output}"
    # Stopping leaves the webhook to whichever process starts next: no process deleted it.
    assert api.webhook is not None and not api.calls_of("deleteWebhook")


def test_webhook_mode_without_a_secret_exits_with_one_line(tmp_path):
    env = bot_env(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_WEBHOOK_URL=PUBLIC_URL, LANG="en_US.UTF-8")
    result = subprocess.run(
        [console_script(), "run"], env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "TELEGRAM_WEBHOOK_SECRET" in lines[0], result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists(), "the database was created before the settings were checked"
    # The same for the option.
    env["TELEGRAM_WEBHOOK_URL"] = ""
    result = subprocess.run(
        [console_script(), "run", "--webhook-url", PUBLIC_URL],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2 and "TELEGRAM_WEBHOOK_SECRET" in result.stderr, result.stderr
