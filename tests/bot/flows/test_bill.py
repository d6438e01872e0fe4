"""The Alipay bill in the bot: sent as a file, read in memory, shown, confirmed or cancelled.

Every test runs python-telegram-bot's real ``Application`` against the local Bot API stand-in
over HTTP (``getFile`` and the download included), on SQLite and on PostgreSQL, with exports
written by the fixture generator (``tests/scoring/alipay_bill``). Nothing but Telegram is
replaced.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import pytest
from sqlalchemy import select
from telegram import Update
from telegram.ext import ContextTypes

from bot.advisor import Advisor
from bot.application import build_application
from bot.callbacks import BillTap
from bot.config import ApiUrls
from bot.flows import bill
from bot.flows.session import Who
from bot.replies import EditMessage
from bot.screens import notice
from bot.storage import NewAnswer, Storage, bill_imports
from bot.storage.tables import Base
from scoring.alipay_bill import BillImportError, Reason, read_bill
from scoring.alipay_bill.limits import MAX_FILE_BYTES, MAX_ZIP_MEMBERS
from scoring.alipay_bill.presentation import error_text
from scoring.card import load_scorecard
from scoring.questions import QUESTION_BY_ID
from tests.bot.bot_api_stand_in import BotApiStandIn, parse_html
from tests.scoring.alipay_bill import exports, zips

# A year of bills inside the last 12 months of the bot's (real) clock, so its repayments count.
YEAR = exports.active(exports.recent_start())
CSV = exports.render(YEAR, "app_2023")
PASSWORD = "381724"
CONFIRM = re.compile(r"b:\d+:[A-Za-z0-9_-]{6}:y")
CANCEL = re.compile(r"b:\d+:[A-Za-z0-9_-]{6}:n")


class Process:
    """One bot process: the real Application on the test's database, speaking HTTP to the stand-in."""

    def __init__(self, api: BotApiStandIn, storage: Storage) -> None:
        self.api = api
        self.advisor = Advisor(storage)
        self.application = build_application(
            api.token,
            advisor=self.advisor,
            api=ApiUrls(api.base_url, api.base_file_url),
            remind_every=None,
        )
        self.errors: list[BaseException] = []

        async def keep(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
            assert context.error is not None
            self.errors.append(context.error)

        self.application.add_error_handler(keep)

    async def __aenter__(self) -> Process:
        await self.application.initialize()
        await self.application.post_init(self.application)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.application.shutdown()
        assert not self.errors, self.errors

    async def feed(self, update: dict[str, Any]) -> list[Any]:
        """Process one update; the Bot API calls it made (idle polls aside)."""
        start = self.api.mark()
        await self.application.process_update(Update.de_json(update, self.application.bot))
        return [c for c in self.api.calls[start:] if c.ok]

    async def send_file(self, data: bytes, name: str = "支付宝交易明细.csv", **kw: Any) -> list[Any]:
        return await self.feed(self.api.document_update(data, name, **kw))

    async def send(self, text: str) -> list[Any]:
        return await self.feed(self.api.text_update(text))

    async def press(self, message_id: int, data: str, check: bool = True) -> list[Any]:
        return await self.feed(self.api.press_update(message_id, data, check=check))


def reason_of(data: bytes) -> Reason | None:
    try:
        read_bill(data)
    except BillImportError as exc:
        return exc.reason
    return None


def sent(calls: list[Any]) -> list[Any]:
    return [c for c in calls if c.method in ("sendMessage", "editMessageText")]


def shown(calls: list[Any]) -> str:
    """What the user sees of these calls, as plain text."""
    return "\n".join(parse_html(c.params["text"]) for c in sent(calls))


def button(call: Any, pattern: re.Pattern[str]) -> str:
    data = [b["callback_data"] for row in call.params["reply_markup"]["inline_keyboard"] for b in row]
    return next(d for d in data if pattern.fullmatch(d))


async def give(storage: Storage, user_id: int, answers: dict[str, Any], source: str = "button") -> None:
    """Store answers as the questionnaire would (one step each)."""
    await storage.ensure_user(user_id, "en")
    queue = tuple(answers)
    assert await storage.start_dialog(user_id, "full", queue, "n00000", expected_nonce=None)
    for position, (question_id, value) in enumerate(answers.items()):
        nonce = f"n{position:05d}"
        moved = await storage.step(
            user_id,
            nonce,
            path="full",
            position=position + 1,
            nonce=f"n{position + 1:05d}",
            answer=NewAnswer(question_id, value, source),
        )
        assert moved


async def sources(storage: Storage, user_id: int) -> dict[str, str]:
    return {a["question_id"]: a["source"] for a in (await storage.export(user_id))["answers"]}


@pytest.fixture
def api():
    with BotApiStandIn() as stand_in:
        yield stand_in


# ---- the whole way ---------------------------------------------------------------------------
async def test_a_csv_is_shown_then_confirmed_and_rescored(api, storage):
    expected = read_bill(CSV).answers
    async with Process(api, storage) as bot:
        calls = await bot.send_file(CSV)
        assert [c.method for c in calls] == ["getFile", "sendMessage"]
        preview = calls[-1]
        text = shown(calls)
        assert "Your Alipay bill" in text and "615 transactions" in text
        assert f"Answers the bill shows ({len(expected)})" in text and "What the bill cannot tell" in text
        assert "24 card repayments" in text  # evidence as row counts
        assert len(preview.params["text"]) < 4096
        assert await storage.answers(api.user_id) == {}  # nothing changes before the confirmation

        calls = await bot.press(preview.result["message_id"], button(preview, CONFIRM))
        applied = shown(calls)
        assert await storage.answers(api.user_id) == expected
        assert set((await sources(storage, api.user_id)).values()) == {"bill"}
        score = load_scorecard().score(expected).score
        assert f"Your estimated score: {score}" in applied
        for question_id, value in expected.items():
            question = QUESTION_BY_ID[question_id]
            assert question.prompt("en") in applied and question.label(value, "en") in applied
        # the buttons are gone: a second tap on the old message is stale and changes nothing
        calls = await bot.press(preview.result["message_id"], button(preview, CONFIRM), check=False)
        assert [c.method for c in calls] == ["answerCallbackQuery"]
        assert calls[0].params["text"] == notice("en", "stale")


async def test_a_bill_that_carries_the_estimate_past_the_goal_says_so_once(api, storage):
    before = {"account_age": "3to5", "income": "stable"}
    await give(storage, api.user_id, before)
    target = load_scorecard().score(bill.with_bill(before, read_bill(CSV).answers)).score
    assert load_scorecard().score(before).score < target
    async with Process(api, storage) as bot:
        await bot.send(f"/goal {target}")
        assert (await storage.goal(api.user_id)).target == target
        preview = (await bot.send_file(CSV))[-1]
        calls = await bot.press(preview.result["message_id"], button(preview, CONFIRM))
    texts = [parse_html(c.params["text"]) for c in sent(calls) if "text" in c.params]
    assert sum("🎉" in text for text in texts) == 1, texts
    assert str(target) in texts[-1]
    assert await storage.goal(api.user_id) is None


async def test_no_row_of_any_table_holds_anything_of_the_file(api, storage):
    data = zips.zipcrypto({"alipay_record.csv": CSV}, PASSWORD.encode())
    async with Process(api, storage) as bot:
        await bot.send_file(data, "bill.zip")
        calls = await bot.send(PASSWORD)
        await bot.press(calls[-1].result["message_id"], button(calls[-1], CONFIRM))
        await bot.send_file(CSV)  # a second import, left waiting for its confirmation
    rows = []
    async with storage.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            rows += (await connection.execute(select(table))).all()
    everything = str(rows)
    assert "'bill'" in everything  # the answers' source: the dump does hold the rows
    assert PASSWORD not in everything and "alipay_record" not in everything
    for txn in YEAR.txns:
        for private in (txn.counterparty, txn.description, txn.merchant_order):
            assert not private or private not in everything, private


async def test_changed_answers_are_marked_and_contradicted_ones_cleared(api, storage):
    before = {"huabei": "none", "shopping": "tmall", "bill_address": "no_bills", "income": "stable"}
    await give(storage, api.user_id, before)
    expected = read_bill(CSV).answers
    async with Process(api, storage) as bot:
        calls = await bot.send_file(CSV)
        text = shown(calls)
        assert "(you said: Not opened / not used)" in text  # huabei: the bill shows on-time repayments
        assert "(as you answered)" in text  # shopping: Tmall either way
        assert "Would be cleared" in text and QUESTION_BY_ID["bill_address"].prompt("en") in text
        score_before = load_scorecard().score(before).score
        calls = await bot.press(calls[-1].result["message_id"], button(calls[-1], CONFIRM))
        after = await storage.answers(api.user_id)
        assert {q: after[q] for q in expected} == expected
        assert "bill_address" not in after  # three kinds of bills paid contradicts "no bills"
        assert after["income"] == "stable"  # what the bill cannot tell stays as answered
        kept = await sources(storage, api.user_id)
        assert kept["income"] == "button" and kept["shopping"] == "button"  # unchanged answers keep their source
        assert kept["huabei"] == "bill"
        score_after = load_scorecard().score(after).score
        text = shown(calls)
        assert f"{score_before} → {score_after}" in text
        assert "Not opened / not used → Always on time" in text and "cleared (was" in text
        # The reply shows the new estimate: it is kept as shown (the next change is explained from it).
        (latest, *_) = await storage.snapshots(api.user_id, limit=1)
        assert latest.score == score_after and latest.answers == after


async def test_the_confirming_update_reads_the_imported_answers_and_a_failure_after_it_undoes_them(api, storage):
    """The import writes through the update's unit: what the update reads after it, and what it rolls back."""
    before = {"huabei": "none", "bill_address": "no_bills", "income": "stable"}
    await give(storage, api.user_id, before)
    async with Process(api, storage) as bot:
        preview = (await bot.send_file(CSV))[-1]
    _, import_id, nonce, _ = button(preview, CONFIRM).split(":")
    tap = BillTap(int(import_id), nonce, True)
    advisor, who = Advisor(storage), Who(api.user_id, "en")
    after = bill.with_bill(before, read_bill(CSV).answers)
    with pytest.raises(RuntimeError):
        async with await advisor.unit(who) as unit:
            await bill.tapped(advisor.session(unit, who), tap)
            assert await unit.answers(api.user_id) == after  # the rest of this update reads the imported profile
            assert (await unit.snapshots(api.user_id, limit=1))[0].answers == after  # the estimate kept as shown
            raise RuntimeError("the update failed after the import, before its replies were sent")
    # Nothing half written: no answer, no snapshot, and the import still waits for the confirmation.
    assert await storage.answers(api.user_id) == before and await storage.snapshots(api.user_id) == []
    assert [r["status"] for r in await bill_imports.exported(storage, api.user_id)] == ["found"]
    async with await advisor.unit(who) as unit:  # so the user's next tap applies it
        assert [type(r) for r in await bill.tapped(advisor.session(unit, who), tap)] == [EditMessage]
    assert await storage.answers(api.user_id) == after
    assert [s.answers for s in await storage.snapshots(api.user_id)] == [after]


async def test_a_reported_overdue_is_kept_with_the_reason_and_the_safety_gate_stays(api, storage):
    """QA: an on-time bill turned "Overdue right now" into "Always on time", and the gate went."""
    from advice import rank

    before = {"huabei": "overdue_now", "card_repayment": "sometimes_late", "credit_cards": "one_two"}
    await give(storage, api.user_id, before)
    derived = read_bill(CSV).answers
    assert derived["huabei"] == "on_time" and derived["card_repayment"] == "always_on_time"
    async with Process(api, storage) as bot:
        calls = await bot.send_file(CSV)
        text = shown(calls)
        assert "(you said: Overdue right now)" not in text and "(you said: Sometimes late)" not in text
        assert "✋ " + QUESTION_BY_ID["huabei"].prompt("en") in text
        assert "Overdue right now (your answer, kept): the bill shows Always on time" in text
        assert "cannot overrule what you said" in text and "✋ your answer kept" in text
        await bot.press(calls[-1].result["message_id"], button(calls[-1], CONFIRM))
    after = await storage.answers(api.user_id)
    assert after["huabei"] == "overdue_now" and after["card_repayment"] == "sometimes_late"
    assert after["shopping"] == derived["shopping"]  # the rest of the bill is taken
    assert "overdue_now" in {g.id for g in rank(load_scorecard(), after).gates}


async def test_cancel_changes_nothing(api, storage):
    await give(storage, api.user_id, {"huabei": "late_once"})
    async with Process(api, storage) as bot:
        calls = await bot.send_file(CSV)
        preview = calls[-1]
        calls = await bot.press(preview.result["message_id"], button(preview, CANCEL))
        assert "Nothing changed" in shown(calls)
        calls = await bot.press(preview.result["message_id"], button(preview, CONFIRM), check=False)
        assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert await storage.answers(api.user_id) == {"huabei": "late_once"}


async def test_a_bill_that_agrees_with_every_answer_offers_no_confirmation(api, storage):
    await give(storage, api.user_id, read_bill(CSV).answers)
    async with Process(api, storage) as bot:
        calls = await bot.send_file(CSV)
        assert "nothing to change" in shown(calls)
        assert api.buttons(calls[-1].result["message_id"]) == []  # nothing to confirm
    assert [r["status"] for r in await bill_imports.exported(storage, api.user_id)] == ["unchanged"]


async def test_the_chinese_reply_reads_in_chinese(api, storage):
    await storage.ensure_user(api.user_id, "zh")
    async with Process(api, storage) as bot:
        text = shown(await bot.send_file(CSV))
        assert "你的支付宝账单" in text and "账单看不出来的" in text and "要使用这些答案吗？" in text


# ---- a ZIP with a password -------------------------------------------------------------------
async def test_a_zip_password_is_asked_used_once_deleted_and_never_logged(api, storage, caplog):
    caplog.set_level(logging.DEBUG)
    data = zips.zipcrypto({"alipay_record_20240101.csv": CSV}, PASSWORD.encode())
    async with Process(api, storage) as bot:
        calls = await bot.send_file(data, "支付宝交易明细.zip")
        assert "The ZIP has a password" in shown(calls)
        assert len(bot.advisor.parked) == 1

        wrong = await bot.send("000000")
        assert wrong[0].method == "deleteMessage"  # the password leaves the chat first
        assert "does not open the ZIP" in shown(wrong) and "2 tries left" in shown(wrong)

        right = await bot.send(f" {PASSWORD} ")
        assert right[0].method == "deleteMessage"
        assert "Your Alipay bill" in shown(right) and "(from the ZIP)" in shown(right)
        assert len(bot.advisor.parked) == 0  # the bytes are gone once read
        assert len(api.deleted_user_messages) == 2 and not set(api.deleted_user_messages) & set(api.user_messages)

        # the wait is over: a number typed now is no password (no question is open, so it is refused)
        after = await bot.send(PASSWORD)
        assert [c.method for c in after] == ["sendMessage"] and "deleteMessage" not in [c.method for c in after]
        calls = await bot.press(right[-1].result["message_id"], button(right[-1], CONFIRM))
    assert await storage.answers(api.user_id) == read_bill(CSV).answers
    logged = caplog.text
    assert "bill import" in logged  # the test can see the bot's own log lines
    assert PASSWORD not in logged and "000000" not in logged
    for txn in YEAR.txns:
        for private in (txn.counterparty, txn.description, txn.merchant_order, txn.account):
            assert not private or private not in logged, private
        if txn.amount >= 100:
            assert f"{txn.amount:.2f}" not in logged
    stored = str(await storage.export(api.user_id))
    assert PASSWORD not in stored and "alipay_record" not in stored


async def test_polling_at_debug_level_logs_no_password_and_no_row(api, storage, caplog):
    """Long polling as ``run`` does it: PTB's own DEBUG lines of ``getUpdates`` would print the password."""
    caplog.set_level(logging.DEBUG)
    data = zips.zipcrypto({"a.csv": CSV}, PASSWORD.encode())
    async with Process(api, storage) as bot:
        await bot.application.start()
        assert bot.application.updater is not None
        await bot.application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            api.enqueue(api.document_update(data, "bill.zip"))
            await asyncio.to_thread(api.wait_for, "sendMessage", lambda c: "password" in c.params["text"])
            api.send_text(PASSWORD)
            await asyncio.to_thread(api.wait_for, "sendMessage", lambda c: "Your Alipay bill" in c.params["text"])
        finally:
            await bot.application.updater.stop()
            await bot.application.stop()
    assert "getUpdates" in caplog.text  # PTB's DEBUG lines were recorded...
    assert PASSWORD not in caplog.text  # ...but none with the user's messages
    assert YEAR.txns[0].counterparty not in caplog.text


async def test_three_wrong_passwords_let_the_file_go(api, storage):
    data = zips.aes({"a.csv": CSV}, PASSWORD.encode())
    async with Process(api, storage) as bot:
        await bot.send_file(data, "bill.zip")
        for _ in range(2):
            await bot.send("111111")
        calls = await bot.send("222222")
        assert "wrong three times" in shown(calls)
        assert len(bot.advisor.parked) == 0
        calls = await bot.send(PASSWORD)  # too late: the file is gone, and the text is no password now
        assert "deleteMessage" not in [c.method for c in calls]


async def test_a_new_file_ends_the_wait_for_an_older_zips_password(api, storage):
    data = zips.zipcrypto({"a.csv": CSV}, PASSWORD.encode())
    async with Process(api, storage) as bot:
        await bot.send_file(data, "bill.zip")
        calls = await bot.send_file(CSV)  # the user sends the CSV instead
        assert "Your Alipay bill" in shown(calls) and len(bot.advisor.parked) == 0
        calls = await bot.send(PASSWORD)  # no ZIP waits any more: this is no password
        assert "deleteMessage" not in [c.method for c in calls]
    statuses = [r["status"] for r in await bill_imports.exported(storage, api.user_id)]
    assert statuses == ["replaced", "found"]


async def test_cancel_while_the_password_is_awaited(api, storage):
    data = zips.zipcrypto({"a.csv": CSV}, PASSWORD.encode())
    async with Process(api, storage) as bot:
        calls = await bot.send_file(data, "bill.zip")
        calls = await bot.press(calls[-1].result["message_id"], button(calls[-1], CANCEL))
        assert "Nothing changed" in shown(calls) and len(bot.advisor.parked) == 0
        calls = await bot.send(PASSWORD)
        assert "deleteMessage" not in [c.method for c in calls]
    assert await storage.answers(api.user_id) == {}


async def test_a_password_reaching_another_process_asks_for_the_file_again(api, database):
    first_storage, second_storage = await database.open(), await database.open()
    data = zips.zipcrypto({"a.csv": CSV}, PASSWORD.encode())
    try:
        async with Process(api, first_storage) as first, Process(api, second_storage) as second:
            await first.send_file(data, "bill.zip")
            calls = await second.send(PASSWORD)  # the load balancer sent the password elsewhere
            assert calls[0].method == "deleteMessage"
            assert "no longer have your file" in shown(calls) and "send the file again" in shown(calls)
            calls = await first.send(PASSWORD)  # the wait is closed for every process
            assert "deleteMessage" not in [c.method for c in calls]
            assert await first_storage.answers(api.user_id) == {}
    finally:
        await first_storage.close()
        await second_storage.close()


# ---- safety ----------------------------------------------------------------------------------
async def test_a_file_over_the_limit_is_refused_before_any_download(api, storage):
    async with Process(api, storage) as bot:
        calls = await bot.send_file(b"tiny", "huge.zip", file_size=MAX_FILE_BYTES + 1)
        assert [c.method for c in calls] == ["sendMessage"]  # no getFile, no download
        assert "too big (over 10 MB)" in shown(calls)
        assert (await storage.count_rows(api.user_id))["bill_imports"] == 0


async def test_a_file_bigger_than_it_said_is_refused_after_the_download(api, storage):
    async with Process(api, storage) as bot:
        calls = await bot.send_file(b"0" * (MAX_FILE_BYTES + 1), "bill.csv", file_size=1000)
        assert "too big" in shown(calls)


BAD_FILES = {
    Reason.NOT_ALIPAY: b"date,amount\n2024-01-01,3\n",
    Reason.EMPTY: b"",
    Reason.BROKEN_ENCODING: exports.render(exports.quiet(), "app_2023", exports.Quirks(encoding="utf-8"))
    + b"\xff\xfe\xfa broken\n",
    Reason.ZIP_TOO_BIG: zips.plain({f"{n}.csv": b"0" * (12 * 1024 * 1024) for n in range(5)}),
    Reason.ZIP_TOO_MANY_FILES: zips.plain({f"{n}.csv": CSV for n in range(MAX_ZIP_MEMBERS + 1)}),
    Reason.ZIP_NO_CSV: zips.plain({"readme.txt": b"hello"}),
}


@pytest.mark.parametrize("reason", list(BAD_FILES), ids=[r.value for r in BAD_FILES])
async def test_a_file_that_is_no_bill_gets_a_reply_that_says_what_was_expected(api, storage, reason):
    data = BAD_FILES[reason]
    assert reason_of(data) == reason  # what the library makes of it
    async with Process(api, storage) as bot:
        calls = await bot.send_file(data, "file.zip")
        text = shown(calls)
        assert parse_html(error_text(reason, "en")) in text
        assert "I expect the transaction history exported from the Alipay app" in text
        assert not [c for c in calls if c.params.get("reply_markup")]  # nothing to confirm
    assert await storage.answers(api.user_id) == {}


async def test_many_files_in_a_row_are_slowed_down_in_every_process(api, database):
    first_storage, second_storage = await database.open(), await database.open()
    try:
        async with Process(api, first_storage) as first, Process(api, second_storage) as second:
            for n in range(bill.MAX_IMPORTS):
                process = first if n % 2 else second
                assert "not look like an Alipay" in shown(await process.send_file(b"a,b\n1,2\n", "x.csv"))
            for process in (first, second):
                calls = await process.send_file(CSV)
                assert [c.method for c in calls] == ["sendMessage"]  # refused before the download
                assert "5 files in 10 minutes" in shown(calls)
            other = await first.feed(api.document_update(CSV, "a.csv", user_id=777))
            assert "Your Alipay bill" in shown(other)  # the limit is per user
    finally:
        await first_storage.close()
        await second_storage.close()


# ---- the way in ------------------------------------------------------------------------------
async def test_import_explains_the_export_and_help_and_questions_mention_it(api, storage):
    async with Process(api, storage) as bot:
        howto = shown(await bot.send("/import"))
        assert "我的 → 账单 → ⋯ (top right) → 开具交易流水证明" in howto.replace("(Me) ", "").replace("(Bills) ", "")
        assert "用于个人对账" in howto and "never stored" in howto
        assert "/import" in shown(await bot.send("/help"))
        calls = await bot.send("/full")
        await storage.ensure_user(api.user_id, "en")
        dialog = await storage.dialog(api.user_id)
        assert dialog is not None
        first, second = [i for i, q in enumerate(dialog.queue) if QUESTION_BY_ID[q].dimension == "behaviour"][:2]
        tip = "Your Alipay bill can answer several of these questions: /import"
        for _ in range(first):
            calls = await bot.send("/skip")
        assert tip in shown(calls)  # under the path's first behaviour question...
        for _ in range(second - first):
            calls = await bot.send("/skip")
        assert QUESTION_BY_ID[dialog.queue[second]].en in shown(calls) and tip not in shown(calls)  # ...only
        for _ in range(second - first):
            calls = await bot.send("/back")
        assert tip in shown(calls)  # where it was
    commands = {c["command"] for c in api.commands[next(iter(api.commands))]}
    assert "import" in commands


def test_bill_button_data_is_checked():
    from bot.callbacks import Bounds, ForgedData, decode

    bounds = Bounds(actions=frozenset({0, 1, 2}), commands=frozenset())
    tap = BillTap(12, "abcDEF", True)
    assert decode(tap.data(), bounds) == tap
    for forged in ("b:12:abcDEF:x", "b:12:abc:y", "b::abcDEF:y", "b:1234567890123456:abcDEF:y"):
        with pytest.raises(ForgedData):
            decode(forged, bounds)


def test_the_bill_answers_are_applied_consistently():
    profile = bill.with_bill({"bill_address": "no_bills", "living_bills": 0, "income": "stable"}, {"living_bills": 2})
    assert profile == {"living_bills": 2, "income": "stable"}
    assert bill.with_bill({}, {"living_bills": 0}) == {"living_bills": 0, "bill_address": "no_bills"}
