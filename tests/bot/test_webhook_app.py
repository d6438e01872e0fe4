"""The ASGI webhook app in-process, on SQLite and PostgreSQL (issue 10, item 7).

The real ``Application`` behind the real Starlette app, driven through httpx's ASGI transport;
only the Telegram network is the recorder. Hostile requests get the right status without a
traceback and change nothing; a duplicate update id is handled once, also when two apps (two
processes) share the database; /healthz follows the database; /metrics holds no user data.
"""

import asyncio
import json

import httpx
import pytest

from bot.storage import Storage, Timeouts, make_engine
from bot.webhook_app import MAX_BODY, WebhookApp
from tests.bot.telegram_testkit import BotUnderTest

SECRET = "s3cret_webhook-token"
PATH = "/telegram/updates"
USER = 880001


def client(webhook):
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=webhook.app), base_url="http://bot.local")


def help_update(bot, update_id, user_id=USER):
    message = bot.user(user_id).message_dict("/help")
    return {"update_id": update_id, "message": message}


def signed(content_type="application/json"):
    return {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": content_type}


@pytest.fixture
async def served(storage):
    bot = await BotUnderTest.start(storage)
    webhook = WebhookApp(bot.application, path=PATH, secret=SECRET)
    webhook.metrics.attach(bot.application)
    async with client(webhook) as http:
        yield bot, webhook, http
    await bot.stop()


def replies_to(bot, user_id):
    return [c for c in bot.recorder.calls if c.method == "sendMessage" and int(c.params["chat_id"]) == user_id]


async def test_hostile_requests_are_refused_without_a_traceback_and_change_nothing(served, storage):
    bot, webhook, http = served
    update = json.dumps(help_update(bot, 1)).encode()
    cases = [
        (403, {"Content-Type": "application/json"}, update),  # no secret
        (403, {**signed(), "X-Telegram-Bot-Api-Secret-Token": SECRET + "x"}, update),
        (415, signed("text/plain"), update),
        (400, signed(), b'{"update_id": 1, "message": '),  # malformed JSON
        (400, signed(), b"\xff\xfe not utf-8"),
        (400, signed(), b"[1, 2, 3]"),  # JSON, but no update
        (400, signed(), b'{"update_id": "1"}'),
        (400, signed(), json.dumps({"update_id": 5, "message": {"text": "no chat, no date"}}).encode()),
        (413, signed(), b'{"update_id": 1, "pad": "' + b"x" * MAX_BODY + b'"}'),
    ]
    for status, headers, body in cases:
        response = await http.post(PATH, content=body, headers=headers)
        assert response.status_code == status, (status, headers, body[:60], response.text)
        assert "Traceback" not in response.text and len(response.text) < 100
    assert bot.recorder.calls == [c for c in bot.recorder.calls if c.method in {"getMe", "setMyCommands"}]
    assert await storage.user_language(USER) is None and await storage.update_state(1) is None
    metrics = (await http.get("/metrics")).text
    assert 'sesame_webhook_rejected_total{reason="malformed_json"} 2.0' in metrics
    assert 'sesame_webhook_rejected_total{reason="too_large"} 1.0' in metrics


async def test_any_json_content_type_is_accepted(served):
    bot, webhook, http = served
    for number, content_type in enumerate(("application/json; charset=utf-8", "Application/JSON"), start=1):
        response = await http.post(PATH, json=help_update(bot, number, USER + number), headers=signed(content_type))
        assert response.status_code == 200, response.text
        assert len(replies_to(bot, USER + number)) == 1


async def test_a_retried_update_is_handled_once(served, storage):
    bot, webhook, http = served
    body = help_update(bot, 42)
    statuses = await asyncio.gather(*(http.post(PATH, json=body, headers=signed()) for _ in range(3)))
    again = await http.post(PATH, json=body, headers=signed())
    assert len(replies_to(bot, USER)) == 1, "a retried update was answered twice"
    assert {s.status_code for s in statuses} <= {200, 503} and again.status_code == 200
    assert await storage.update_state(42) == "done"
    metrics = (await http.get("/metrics")).text
    assert "sesame_duplicate_updates_total 3.0" in metrics


async def test_two_processes_sharing_the_database_handle_an_update_once(database, storage):
    other_storage = await database.open()
    first, second = await BotUnderTest.start(storage), await BotUnderTest.start(other_storage)
    try:
        apps = [WebhookApp(b.application, path=PATH, secret=SECRET) for b in (first, second)]
        async with client(apps[0]) as a, client(apps[1]) as b:
            body = help_update(first, 77)
            await asyncio.gather(*(http.post(PATH, json=body, headers=signed()) for http in (a, b, a, b)))
            await b.post(PATH, json=body, headers=signed())
        assert len(replies_to(first, USER)) + len(replies_to(second, USER)) == 1
    finally:
        await first.stop()
        await second.stop()
        await other_storage.close()


async def test_health_follows_the_database_and_metrics_hold_no_user_data(served):
    bot, webhook, http = served
    assert (await http.get("/healthz")).status_code == 200
    await http.post(PATH, json=help_update(bot, 9), headers=signed())
    metrics = (await http.get("/metrics")).text
    assert 'sesame_updates_total{kind="message"} 1.0' in metrics
    assert "sesame_update_seconds_count 1.0" in metrics
    assert str(USER) not in metrics and "help" not in metrics.lower().replace("# help", "")
    # A database that does not answer: the load balancer is told.
    unreachable = Storage(make_engine("postgresql+asyncpg://postgres@127.0.0.1:1/none", timeouts=Timeouts(1, 1, 1)))
    bot.application.bot_data["advisor"].storage, kept = unreachable, bot.application.bot_data["advisor"].storage
    try:
        response = await http.get("/healthz")
        assert response.status_code == 503 and "Traceback" not in response.text
    finally:
        bot.application.bot_data["advisor"].storage = kept
        await unreachable.close()
