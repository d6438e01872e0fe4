"""Every reply that states an estimated score shows its range and says it is an estimate (QA 4).

The walk goes through the real Application, in both languages, over every kind of reply that
states an estimate or a projection: ``/score``, ``/advice``, an action's how-to, ``/whatif`` (the
picker and a pick), ``/goal N`` (a plan, one out of reach, a target already reached, a goal reached
later), ``/myscore``, ``/history``, a bill import, the monthly check-in and an action reminder. Both
pieces come from ``templates/<lang>/_estimate.html.j2``; this checks what a user reads.
"""

import re
from datetime import UTC, datetime

import pytest

from advice import rank
from bot.handlers.reminder_sender import telegram_sender
from bot.progress import advisable
from bot.reminder_delivery import deliver_due
from bot.screens import button_label
from scoring.card import load_scorecard
from templates import render
from tests.bot.frozen_clock import FrozenClock
from tests.bot.telegram_testkit import BotUnderTest, answer_quick, plain
from tests.scoring.alipay_bill import exports

CARD = load_scorecard()
START = datetime(2026, 3, 2, 4, tzinfo=UTC)
CHECKIN = datetime(2026, 3, 7, 2, tzinfo=UTC)  # the 7th, 10:00 in Shanghai
RANGE = re.compile(r"(?<!\d)(\d{3})-(\d{3})(?!\d)")
BILL = exports.render(exports.active(exports.recent_start()), "app_2023")


def notices(lang: str) -> tuple[str, str]:
    """The estimate notice as a user reads it, in its full and its short form."""
    return render(lang, "_disclaimer.txt.j2"), render(lang, "_disclaimer.txt.j2", brief_disclaimer=True)


def ranges(text: str) -> list[tuple[int, int]]:
    """Every score range a text states ("582-640"), as numbers on the 350-950 scale."""
    return [(int(a), int(b)) for a, b in RANGE.findall(text) if 350 <= int(a) <= int(b) <= 950]


def estimate_with_range(text: str, lang: str, score: int | None = None) -> None:
    """The text says it is an estimate, shows a range, and (``score``) one range holds that score."""
    full, short = notices(lang)
    assert full in text or short in text, f"no estimate notice:\n{text}"
    found = ranges(text)
    assert found, f"no range:\n{text}"
    if score is not None:
        assert any(low <= score <= high for low, high in found), (score, found, text)


@pytest.fixture
def clock():
    return FrozenClock(START)


@pytest.fixture
async def bot(storage, clock):
    started = await BotUnderTest.start(storage, clock=clock)
    yield started
    await started.stop()
    assert not started.errors, started.errors


def texts(calls) -> list[str]:
    return [plain(c.text) for c in calls if c.method in ("sendMessage", "editMessageText") and c.text]


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_every_reply_that_states_an_estimate_shows_its_range_and_says_it_is_an_estimate(
    bot, storage, clock, lang
):
    user = bot.user(user_id=8181 if lang == "en" else 8282, language_code="zh-hans" if lang == "zh" else "en")
    await answer_quick(user, picks={"huabei": 2, "income": 2}, lang=lang)
    now = CARD.score(advisable(await storage.answers(user.id)))
    shown: dict[str, str] = {}
    shown["/score"] = texts(await user.send("/score"))[0]
    advice = await user.send("/advice")
    shown["/advice"] = texts(advice)[0]
    shown["how-to"] = texts(await user.tap(advice[0].labels[0]))[-1]
    whatif = await user.send("/whatif")
    shown["/whatif"] = texts(whatif)[0]
    shown["/whatif pick"] = texts(await user.tap(whatif[0].labels[0]))[-1]
    shown["/goal plan"] = texts(await user.send(f"/goal {now.score + 10}"))[0]
    shown["/goal out of reach"] = texts(await user.send("/goal 950"))[0]
    shown["/goal reached"] = texts(await user.send(f"/goal {now.score - 10}"))[0]
    for name in ("/score", "/advice", "/whatif", "/goal plan", "/goal out of reach", "/goal reached"):
        estimate_with_range(shown[name], lang, now.score)
    for name in ("how-to", "/whatif pick"):
        estimate_with_range(shown[name], lang)
    assert f"{now.range[0]}-{now.range[1]}" in shown["/goal plan"]  # the estimate's own interval

    # A goal the calibrated estimate reaches: /myscore says so in a second message.
    await user.send(f"/goal {now.score + 10}")
    clock.moment = CHECKIN
    recorded, reached = texts(await user.send(f"/myscore {now.score + 150}"))
    (latest,) = await storage.snapshots(user.id, limit=1)
    assert latest.calibrated is not None
    calibrated, low, high = latest.calibrated
    for text in (recorded, reached):
        estimate_with_range(text, lang, calibrated)
        assert f"{low}-{high}" in text
    history = texts(await user.send("/history"))[0]
    estimate_with_range(history, lang, calibrated)
    assert f"{low}-{high}" in history

    # A bill import's before and after.
    preview = await user.send_document(BILL, "alipay.csv")
    confirm = next(label for label in preview[-1].labels if label == button_label(lang, "bill_confirm"))
    applied = texts(await user.tap(confirm))
    estimate_with_range(next(t for t in applied if RANGE.search(t) and ("✅" in t)), lang)

    # What the bot sends unasked: the monthly check-in and an action reminder recall the last estimate.
    (latest,) = await storage.snapshots(user.id, limit=1)
    calibrated, low, high = latest.calibrated
    checkin = next(p for p in await storage.pending_reminders(user.id) if p.action_id == "checkin:0")
    assert checkin.due_at == CHECKIN
    action = rank(CARD, advisable(await storage.answers(user.id))).actions[0].id
    await storage.set_reminder(user.id, action, CHECKIN)
    mark = len(bot.recorder.calls)
    assert (await deliver_due(storage, telegram_sender(bot.application.bot), CHECKIN)).sent == 2
    unasked = texts(bot.recorder.calls[mark:])
    assert len(unasked) == 2
    for text in unasked:
        estimate_with_range(text, lang, calibrated)
        assert f"{low}-{high}" in text
