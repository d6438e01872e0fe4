"""``/import`` and the Alipay bill a user sends: read it, show what it says, store it on confirmation.

The file (the CSV, or the ZIP Alipay e-mails) is read in memory by ``scoring.alipay_bill`` and
never stored; what is kept is a ``bill_imports`` row (status, and the derived answers once
read). The steps:

1. A file is offered: over ``MAX_FILE_BYTES`` (from the size Telegram states, before any
   download) it is refused; ``MAX_IMPORTS`` files within ``WINDOW`` slow the user down (counted
   in the database, so the limit holds across processes). Then it is downloaded and read.
2. A ZIP with a password waits in this process's memory (``bot.parked_files``) while the bot
   asks for the password; the next text the user sends is that password, used once on the
   parked bytes, deleted from the chat and never stored or logged.
3. The answers the file proves are shown in one message (those that change the profile
   marked, evidence as row counts, the questions the file cannot tell listed) with a confirm
   and a cancel button.
4. Confirmed, the answers are stored with the source ``bill``, consistent with the answer
   structure (``scoring.structure``), and the score before and after is shown with the answers
   that changed. Cancelled, nothing changes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from bot.callbacks import BillTap, CommandTap
from bot.dialog import new_nonce
from bot.flows import goal_reached
from bot.flows.session import Session
from bot.parked_files import KEEP_FOR, MAX_TRIES
from bot.progress import Progress
from bot.replies import Button, DeleteIncoming, EditMessage, Notice, Reply, Screen
from bot.scheduling import local_date
from bot.screens import button_label, notice, text_screen
from bot.storage import NewAnswer, bill_imports
from scoring.alipay_bill import BillImport, BillImportError, Reason, read_bill
from scoring.alipay_bill.limits import MAX_FILE_BYTES
from scoring.alipay_bill.merge import merge
from scoring.alipay_bill.presentation import MB, bill_view, error_text
from scoring.card import Scorecard
from scoring.i18n import Lang
from scoring.questions import QUESTION_BY_ID, QUESTIONS, Answer
from scoring.structure import consistent_after_change
from templates import render

logger = logging.getLogger(__name__)

MAX_IMPORTS = 5
"""Files a user may send within ``WINDOW``; enough to retry a wrong file a few times."""
WINDOW = timedelta(minutes=10)
MAX_PASSWORD = 64
"""Alipay's unzip passwords are six digits; longer text is no password and is not tried."""
SOURCE = "bill"
"""How answers from a bill are marked in the database (``answers.source``)."""


class FetchFailed(Exception):
    """The offered file could not be downloaded (Telegram refused or lost it)."""


Fetch = Callable[[], Awaitable[bytes]]
"""Downloads the offered file: called only once the size and the limit allow it."""


def _same(a: Answer | None, b: Answer | None) -> bool:
    return type(a) is type(b) and a == b


def with_bill(answers: dict[str, Answer], derived: dict[str, Answer]) -> dict[str, Answer]:
    """The profile once the bill's answers are in, kept consistent (``scoring.structure``).

    A derived answer wins over the stored one, except a late or overdue repayment the user
    reported, which a bill never raises (``scoring.alipay_bill.merge``); an answer a derived one
    contradicts is dropped (the questionnaire asks it again), and the answers it implies are set.
    """
    profile = dict(answers)
    for question_id, value in merge(answers, derived)[0].items():
        profile = consistent_after_change(profile, question_id, value)
    return profile


# ---- /import ---------------------------------------------------------------------------------
async def explain(session: Session) -> list[Reply]:
    """How to export the bill in the Alipay app and send it here."""
    return [text_screen(session.lang, "bot_bill_howto.html.j2", max_mb=MAX_FILE_BYTES // MB)]


# ---- a file arrives --------------------------------------------------------------------------
async def received(session: Session, size: int | None, fetch: Fetch) -> list[Reply]:
    """A file sent to the bot: size and limit checked first, then downloaded and read in memory."""
    if size is not None and size > MAX_FILE_BYTES:
        return [_refused(session, Reason.TOO_BIG)]
    now = session.clock()
    import_id = await bill_imports.offered(session.storage, session.user_id, now, WINDOW, MAX_IMPORTS)
    if import_id is None:
        logger.info("bill import refused: per-user limit of %d files per %s", MAX_IMPORTS, WINDOW)
        return [
            text_screen(
                session.lang, "bot_bill_note.html.j2", note="slow_down", limit=MAX_IMPORTS, minutes=WINDOW.seconds // 60
            )
        ]
    session.parked.drop(session.user_id)  # an older ZIP waiting for its password is replaced
    try:
        data = await fetch()
    except FetchFailed:
        await bill_imports.set_status(session.storage, session.user_id, import_id, "refused")
        return [text_screen(session.lang, "bot_bill_note.html.j2", note="download_failed")]
    if len(data) > MAX_FILE_BYTES:  # the stated size was missing or wrong
        await bill_imports.set_status(session.storage, session.user_id, import_id, "refused")
        return [_refused(session, Reason.TOO_BIG)]
    return await _read(session, import_id, data, None)


async def _read(session: Session, import_id: int, data: bytes, password: str | None) -> list[Reply]:
    """Read the bytes (off the event loop: a large file takes a moment); show the result or the problem."""
    try:
        result = await asyncio.to_thread(read_bill, data, password, today=await _today(session))
    except BillImportError as exc:
        logger.info("bill import %d refused: %s", import_id, exc.reason.value)
        if exc.reason is Reason.ZIP_PASSWORD_NEEDED:
            nonce = new_nonce()
            session.parked.park(session.user_id, import_id, data, session.clock())
            await bill_imports.set_status(session.storage, session.user_id, import_id, "password", nonce=nonce)
            return [_password_screen(session, "ask", import_id, nonce)]
        await bill_imports.set_status(session.storage, session.user_id, import_id, "refused")
        return [_refused(session, exc.reason)]
    return await _found(session, import_id, result)


async def _today(session: Session) -> date:
    """The user's own date (in the zone their reminders use): the bill's last 12 months count back from it.

    The bill's rows carry Alipay's (China's) dates, as the user sees them; the window must end on
    the user's today, not UTC's, so a bill read just after midnight counts the right months.
    """
    return local_date(session.clock(), await session.storage.timezone(session.user_id))


def _refused(session: Session, reason: Reason) -> Screen:
    """A file the import cannot read: what was wrong, and what is expected instead."""
    problem = error_text(reason, session.lang)
    return text_screen(session.lang, "bot_bill_note.html.j2", note="refused", problem=problem)


# ---- the ZIP password ------------------------------------------------------------------------
async def password(session: Session, text: str) -> list[Reply] | None:
    """Text while a ZIP waits for its password: that text is the password. ``None`` when nothing waits.

    The message is deleted from the chat whatever happens; the password is tried once on the
    parked bytes and forgotten. A process that does not hold the bytes asks for the file again.
    """
    now = session.clock()
    waiting = await bill_imports.awaiting_password(session.storage, session.user_id, now - KEEP_FOR)
    if waiting is None:
        return None
    import_id, nonce = waiting
    replies: list[Reply] = [DeleteIncoming()]
    parked = session.parked.get(session.user_id, import_id, now)
    if parked is None:
        await bill_imports.set_status(session.storage, session.user_id, import_id, "refused")
        return [*replies, _password_screen(session, "gone", import_id, nonce)]
    candidate = text.strip()
    if 0 < len(candidate) <= MAX_PASSWORD:
        try:
            result = await asyncio.to_thread(read_bill, parked.data, candidate, today=await _today(session))
        except BillImportError as exc:
            if exc.reason is not Reason.ZIP_PASSWORD_WRONG:
                session.parked.drop(session.user_id)
                await bill_imports.set_status(session.storage, session.user_id, import_id, "refused")
                return [*replies, _refused(session, exc.reason)]
        else:
            session.parked.drop(session.user_id)
            return [*replies, *await _found(session, import_id, result)]
    parked.wrong += 1
    if parked.wrong >= MAX_TRIES:
        session.parked.drop(session.user_id)
        await bill_imports.set_status(session.storage, session.user_id, import_id, "refused")
        return [*replies, _password_screen(session, "too_many", import_id, nonce)]
    return [*replies, _password_screen(session, "wrong", import_id, nonce, tries=MAX_TRIES - parked.wrong)]


async def _found(session: Session, import_id: int, result: BillImport) -> list[Reply]:
    """Show what the bill proves; it waits for the confirmation only when it would change something."""
    logger.info("bill import %d read: layout %s, %d rows", import_id, result.layout, result.features.rows)
    current = await session.storage.answers(session.user_id)
    view = found_view(result, current, session.lang)
    if not view["changes"]:  # nothing to confirm: the import is over
        await bill_imports.set_status(session.storage, session.user_id, import_id, "unchanged")
        return [text_screen(session.lang, "bot_bill_found.html.j2", **view)]
    nonce = new_nonce()
    answers = result.answers
    await bill_imports.set_status(session.storage, session.user_id, import_id, "found", nonce=nonce, answers=answers)
    buttons = (
        Button(button_label(session.lang, "bill_confirm"), BillTap(import_id, nonce, True).data()),
        Button(button_label(session.lang, "bill_cancel"), BillTap(import_id, nonce, False).data()),
    )
    return [text_screen(session.lang, "bot_bill_found.html.j2", (buttons,), **view)]


def _password_screen(session: Session, state: str, import_id: int, nonce: str, tries: int = 0) -> Screen:
    """The password question (``typed``: the next text is the answer), or why the file was let go.

    In Telegram a cancel button sits under the question; the terminal chat takes the next line
    as the password, so it shows no choice there (three wrong tries or the wait end it).
    """
    keyboard: tuple[tuple[Button, ...], ...] = ()
    waiting = state in ("ask", "wrong")
    if waiting and session.channel == "telegram":
        keyboard = ((Button(button_label(session.lang, "bill_cancel"), BillTap(import_id, nonce, False).data()),),)
    minutes = int(KEEP_FOR.total_seconds() // 60)
    deletes = session.channel == "telegram"  # a terminal has no message to delete
    text = render(session.lang, "bot_bill_password.html.j2", state=state, tries=tries, minutes=minutes, deletes=deletes)
    return Screen(text, keyboard, typed=waiting)


# ---- what was found --------------------------------------------------------------------------
def found_view(result: BillImport, current: dict[str, Answer], lang: Lang) -> dict[str, Any]:
    """The bill's view (``scoring.alipay_bill.presentation``) with each answer set against the profile."""
    view = bill_view(result, lang)
    after = with_bill(current, result.answers)
    kept = {k.question_id for k in merge(current, result.answers)[1]}
    for entry in view["derived"]:
        before = current.get(entry["id"])
        if before is None:
            entry["status"] = "new"
        elif _same(before, entry["value"]):
            entry["status"] = "same"
        else:  # "kept": a late or overdue repayment the user reported, which the bill cannot overrule
            entry["status"] = "kept" if entry["id"] in kept else "changes"
        entry["before"] = None if before is None else QUESTION_BY_ID[entry["id"]].label(before, lang)
    view["dropped"] = [QUESTION_BY_ID[q].prompt(lang) for q in current if q not in after]
    changing = [entry for entry in view["derived"] if entry["status"] in ("new", "changes")]
    view["changes"] = len(changing) + len(view["dropped"])
    return view


# ---- confirm or cancel -----------------------------------------------------------------------
async def tapped(session: Session, tap: BillTap) -> list[Reply]:
    """The confirm or cancel button under what a bill showed (or under the password question)."""
    if not tap.confirm:
        closed = await bill_imports.close(session.storage, session.user_id, tap.import_id, tap.nonce, "cancelled")
        if not closed:
            return [Notice(notice(session.lang, "stale"))]
        session.parked.drop(session.user_id)
        return [EditMessage(text_screen(session.lang, "bot_bill_note.html.j2", note="cancelled"))]
    pending = await bill_imports.found(session.storage, session.user_id, tap.import_id, tap.nonce)
    if pending is None:
        return [Notice(notice(session.lang, "stale"))]
    before = await session.storage.answers(session.user_id)
    after = with_bill(before, pending.answers)
    store = [NewAnswer(q, v, SOURCE) for q, v in after.items() if q not in before or not _same(before[q], v)]
    dropped = [q for q in before if q not in after]
    if not await bill_imports.apply(session.storage, session.user_id, pending.id, pending.nonce, store, dropped):
        return [Notice(notice(session.lang, "stale"))]
    logger.info("bill import %d applied: %d answers stored, %d dropped", pending.id, len(store), len(dropped))
    # The reply shows the new estimate: kept as shown, from the answers the update now holds.
    shown = await Progress(session.storage, session.card, session.clock).record_shown(session.user_id)
    replies: list[Reply] = [EditMessage(applied_screen(session, before, after))]
    reached = await goal_reached.notice(session, after, shown)  # the bill may have carried the estimate past the goal
    return replies if reached is None else [*replies, reached]


def applied_view(card: Scorecard, before: dict[str, Answer], after: dict[str, Answer], lang: Lang) -> dict[str, Any]:
    """The score before (``None`` with no answers before), after (with its likely range), and the answers changed."""
    changed = []
    for question in QUESTIONS:
        was, now = before.get(question.id), after.get(question.id)
        if _same(was, now):
            continue
        changed.append(
            {
                "question": question.prompt(lang),
                "before": None if was is None else question.label(was, lang),
                "after": None if now is None else question.label(now, lang),
            }
        )
    old = card.score(before).score if before else None
    scored = card.score(after)
    low, high = scored.range
    return {"before": old, "after": scored.score, "low": low, "high": high, "changed": changed}


def applied_screen(session: Session, before: dict[str, Answer], after: dict[str, Answer]) -> Screen:
    """What the confirmation did: the score before and after, the answers that changed; score and advice buttons."""
    lang = session.lang
    keyboard = (
        (
            Button(button_label(lang, "score"), CommandTap("score").data()),
            Button(button_label(lang, "advice"), CommandTap("advice").data()),
        ),
    )
    return text_screen(lang, "bot_bill_applied.html.j2", keyboard, **applied_view(session.card, before, after, lang))
