"""The questionnaire as a conversation, with its state in the database.

The engine knows nothing of Telegram or terminals: it is told what the user did (typed text,
tapped an answer, asked to go back) and answers with a step (ask this question, the
questionnaire is finished, that input was rejected). Because every step is read from and
written to the database, any engine instance in any process continues the same conversation,
and a rejected input never changes a thing.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Literal, TypeGuard, get_args

from bot.answer_matching import Reading, matching_choices, number_reading, takes_amounts, typed_count, typed_place
from bot.storage import Dialog, NewAnswer, Storage
from scoring.questions import QUESTION_BY_ID, QUESTIONS, QUICK_IDS, Answer, InvalidAnswer, Question
from scoring.structure import (
    Contradiction,
    complete,
    consistent_after_change,
    contradicting,
    implied_answers,
    settled,
)

Path = Literal["quick", "full", "edit"]
"""The quick check, the full profile, or ``edit``: one question asked again to change its answer.

(``edit`` is a stored value; in code, changing an answer is ``change_answer`` and editing a
message is ``replies.EditMessage``.)"""
InputProblem = Literal[
    "use_buttons",  # free text where a button was expected
    "ambiguous",  # typed text that could mean several answers
    "contradicts",  # typed text naming an answer an earlier one rules out (it is not offered)
    "no_choice",  # a typed number with no answer in that place
    "not_a_number",  # text that is no number at all
    "out_of_range",  # a number the question does not allow
    "too_long",  # far more text than any answer needs
    "stale",  # a button of a question that is no longer being asked
    "forged",  # callback data no button of ours carries
    "first_question",  # /back on the first question
    "no_question",  # an answer, /back, /skip or /cancel while no questionnaire runs
    "raced",  # another update of the same user started the questionnaire first: it replies
]

MAX_TEXT = 32
"""Longer input is no answer to any question; it is rejected before any parsing."""


@dataclass(frozen=True)
class Ask:
    """Ask ``question``: the ``position``-th of ``total`` on ``path``.

    ``current`` is the stored answer when the question was answered before (after ``/back``
    or when changing an answer); ``nonce`` binds the answer buttons to this very asking;
    ``stored`` is the answer the step leading here saved, if any; ``opens_dimension`` says it is
    the first question of its dimension this path asks, where a hint about the whole dimension
    (the Alipay bill answers behaviour questions) is shown once instead of under each question.
    ``offered`` are the choice indexes offered, in the order shown (``offered_choices``): an
    answer an earlier one rules out is not among them. ``in_change``: asked again because a
    ``/profile`` change cleared it (the change's draft is open), so ``/cancel`` keeps the old
    answers even though this question has none in the draft.
    """

    question: Question
    position: int
    total: int
    path: Path
    nonce: str
    current: Answer | None = None
    stored: NewAnswer | None = None
    opens_dimension: bool = False
    offered: tuple[int, ...] = ()
    read_as: Reading | None = None
    """How the bare number typed as ``stored`` was read (the amount, or a button's place), for the reply."""
    in_change: bool = False

    def shown(self) -> tuple[int, ...]:
        """The choices offered, in the order shown (every choice when ``offered`` was not worked out)."""
        return self.offered or self.question.display_indexes()


@dataclass(frozen=True)
class Finished:
    """The path is done (or had nothing left to ask): time to show the score."""

    path: Path
    stored: NewAnswer | None = None
    read_as: Reading | None = None
    """As ``Ask.read_as``."""


@dataclass(frozen=True)
class Rejected:
    """The input changed nothing; ``ask`` is the question to ask again, if one is running.

    ``candidates`` are the choice indexes an ambiguous typed answer could mean; ``place`` is the
    number typed for ``no_choice``; ``conflict`` names the earlier answer a ``contradicts`` answer
    clashes with.
    """

    reason: InputProblem
    ask: Ask | None
    candidates: tuple[int, ...] = ()
    place: int | None = None
    conflict: Contradiction | None = None


@dataclass(frozen=True)
class Cancelled:
    """The questionnaire stopped; the ``answered`` answers stay stored."""

    answered: int


Moved = Ask | Finished | Rejected
"""What answering or moving through the questionnaire leads to (only ``cancel`` stops it)."""
Step = Moved | Cancelled


def new_nonce() -> str:
    """Six URL-safe characters: short enough for callback data, too many to guess."""
    return secrets.token_urlsafe(4)


def path_questions(path: Path, answered: dict[str, Answer]) -> tuple[str, ...]:
    """The questions of a path still open (unanswered, and not settled by an answer), in questionnaire order."""
    return tuple(qid for qid in _path_ids(path) if qid not in answered and not settled(qid, answered))


def _path_ids(path: str) -> tuple[str, ...]:
    return QUICK_IDS if path == "quick" else tuple(q.id for q in QUESTIONS)


def progress(path: str, queue: tuple[str, ...], index: int, answers: dict[str, Answer]) -> tuple[int, int]:
    """The asked question's own place on the whole path: a resumed check shows "7/10", not "1/4".

    The queue holds only what was unanswered when the path started, so its order is the path's
    order with gaps: a question skipped earlier and asked again after ``/start`` is "2/10"
    (where it stands), never "10/10" because nine others were answered meanwhile. A question an
    answer settles is never asked, so it counts nowhere: after "no credit card" the quick check
    is 9 questions long, not 10.
    """
    ids = queue if path == "edit" else _path_ids(path)
    place = index if path == "edit" else ids.index(queue[index])
    position = sum(1 for qid in ids[: place + 1] if not settled(qid, answers))
    return position, sum(1 for qid in ids if not settled(qid, answers))


def opens_dimension(queue: tuple[str, ...], index: int, answers: dict[str, Answer]) -> bool:
    """Whether the question at ``index`` is the first of its dimension the path asks.

    Read from the path's queue (what was open when it started), so it holds for the whole path:
    resuming, ``/back`` or ``/skip`` show a hint where it was, and a new path (``/full`` after the
    quick check) has its own first question. Settled questions before it are never asked, so they
    count not (the question itself may be settled: changing an implied answer asks it all the same).
    """
    dimension = QUESTION_BY_ID[queue[index]].dimension
    return not any(QUESTION_BY_ID[qid].dimension == dimension and not settled(qid, answers) for qid in queue[:index])


def offered_choices(path: str, queue: tuple[str, ...], index: int, answers: dict[str, Answer]) -> tuple[int, ...]:
    """The choices of the question at ``index`` the dialog offers, in the order shown.

    A choice that contradicts an answer given (``scoring.structure.contradicting``) is held back,
    so an answer never silently rewrites another: "no credit card" is not offered after "1-2
    cards", nor "I pay no bills through Alipay" after 4 kinds of bills. Two exceptions: the answer
    being changed from ``/profile`` (the first of an ``edit``) offers every choice, since the change
    wins and the answers it contradicts are asked again right after it; and answers to questions
    later in the queue (given before a ``/back``) bind nothing, since changing an earlier answer
    settles or re-asks the later ones.
    """
    question = QUESTION_BY_ID[queue[index]]
    shown = question.display_indexes()
    if path == "edit" and index == 0:
        return shown
    later = set(queue[index + 1 :])
    binding = {qid: value for qid, value in answers.items() if qid not in later}
    return tuple(i for i in shown if contradicting(question.id, question.levels[i], binding) is None)


def _open_position(queue: tuple[str, ...], position: int, step: int, answers: dict[str, Answer]) -> int:
    """The first position from ``position`` on (``step`` +1 forward, -1 back) whose question is not settled.

    Past either end of the queue when every question that way is settled.
    """
    while 0 <= position < len(queue) and settled(queue[position], answers):
        position += step
    return position


def _after_answer(
    answers: dict[str, Answer], answer: NewAnswer, path: str | None, queue: tuple[str, ...], index: int
) -> tuple[dict[str, Answer], tuple[str, ...], int]:
    """The answers after ``answer`` to the question at ``index`` (kept consistent), the queue, and the next position.

    ``scoring.structure.consistent_after_change`` decides: answers the old value settled or the
    new one contradicts are dropped. Implied answers are never stored (they are derived), so a
    changed answer cannot leave a stale one behind. A question it opens again (answered or
    settled before, neither now) is asked right after it: appended to a single answer's change
    (``edit``); on a path (after ``/back``), moved there unless it is still to come, so a cleared
    answer is never left unasked. On the quick check only its own questions are asked again.
    """
    consistent = consistent_after_change(answers, answer.question_id, answer.value)
    stored = {qid: v for qid, v in answers.items() if _same(consistent.get(qid), v)} | {
        answer.question_id: answer.value
    }
    before = complete(answers)
    now_implied = implied_answers(stored)
    ids = _path_ids(path or "full") if path != "edit" else tuple(q.id for q in QUESTIONS)
    reopened = tuple(qid for qid in ids if qid in before and qid not in stored and qid not in now_implied)
    if path == "edit":
        return stored, queue + tuple(qid for qid in reopened if qid not in queue), index + 1
    ahead = queue[index + 1 :]
    again = tuple(qid for qid in reopened if qid not in ahead)
    behind = tuple(qid for qid in queue[: index + 1] if qid not in again)
    return stored, behind + again + ahead, len(behind)


def _same(a: Answer | None, b: Answer) -> bool:
    return type(a) is type(b) and a == b


def _changes(stored: dict[str, Answer], wanted: dict[str, Answer]) -> tuple[tuple[str, ...], dict[str, Answer]]:
    """What turns the ``stored`` answers into ``wanted``: the ids to delete, and the answers to write."""
    dropped = tuple(qid for qid in stored if qid not in wanted)
    written = {qid: v for qid, v in wanted.items() if not _same(stored.get(qid), v)}
    return dropped, written


class DialogEngine:
    """Walks a user through the questionnaire; every method is one user action."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    # ---- reading ---------------------------------------------------------------------
    async def current(self, user_id: int) -> Ask | None:
        """The question being asked, or ``None`` when no questionnaire runs."""
        dialog = await self.storage.dialog(user_id)
        if dialog is None or dialog.question_id is None:
            return None
        return await self._ask(user_id, dialog)

    async def _working(self, user_id: int, dialog: Dialog | None) -> dict[str, Answer]:
        """The answers the dialog works on: a change's draft while it is not whole, else the stored ones.

        Changing one answer from ``/profile`` may clear others it contradicts and ask them again
        right after it. Until those are answered (or skipped), the change is kept as the dialog's
        ``draft`` and nothing is stored, so ``/cancel`` keeps the old answers exactly: a change and
        the answers it forces are stored together or not at all.
        """
        if dialog is not None and dialog.draft is not None:
            return dict(dialog.draft)
        return await self.storage.answers(user_id)

    async def _ask(self, user_id: int, dialog: Dialog) -> Ask:
        question_id = dialog.question_id
        assert question_id is not None and dialog.path is not None
        answers = await self._working(user_id, dialog)
        position, total = progress(dialog.path, dialog.queue, dialog.position, answers)
        return Ask(
            question=QUESTION_BY_ID[question_id],
            position=position,
            total=total,
            path=_stored_path(dialog.path),
            nonce=dialog.nonce,
            current=complete(answers).get(question_id),
            opens_dimension=opens_dimension(dialog.queue, dialog.position, answers),
            offered=offered_choices(dialog.path, dialog.queue, dialog.position, answers),
            in_change=dialog.draft is not None,
        )

    # ---- starting --------------------------------------------------------------------
    async def begin(
        self, user_id: int, path: Path, *, being_shown: timedelta | None = None, now: datetime | None = None
    ) -> Ask | Finished | Rejected:
        """Start a path at its first unanswered question, or carry on the one running.

        ``/start`` during any running questionnaire continues it; ``/full`` during the quick
        check widens it to every question still unanswered. Starting is guarded like every
        step: ``Rejected("raced")`` when another update started or moved the dialog meanwhile.
        """
        dialog = await self.storage.dialog(user_id)
        running = None if dialog is None or dialog.question_id is None else await self._ask(user_id, dialog)
        if running is not None and (path == "quick" or running.path == path):
            assert dialog is not None
            if being_shown is not None and _being_shown(dialog, being_shown, now):
                return Rejected("raced", None)  # a concurrent /start began it and is showing it now
            return running
        answers = await self.storage.answers(user_id)
        queue = path_questions(path, answers)
        if not queue:
            return Finished(path)
        nonce = new_nonce()
        expected = None if dialog is None else dialog.nonce
        if not await self.storage.start_dialog(user_id, path, queue, nonce, expected_nonce=expected):
            return Rejected("raced", None)  # a concurrent /start won: one first question, not two
        position, total = progress(path, queue, 0, answers)
        offered = offered_choices(path, queue, 0, answers)
        return Ask(QUESTION_BY_ID[queue[0]], position, total, path, nonce, opens_dimension=True, offered=offered)

    async def change_answer(self, user_id: int, question_id: str) -> Ask | Rejected:
        """Ask one question again so its answer can be changed (from the profile)."""
        dialog = await self.storage.dialog(user_id)
        nonce = new_nonce()
        expected = None if dialog is None else dialog.nonce
        if not await self.storage.start_dialog(user_id, "edit", (question_id,), nonce, expected_nonce=expected):
            return Rejected("raced", None)
        answers = await self.storage.answers(user_id)
        current = complete(answers).get(question_id)
        offered = offered_choices("edit", (question_id,), 0, answers)
        return Ask(QUESTION_BY_ID[question_id], 1, 1, "edit", nonce, current, opens_dimension=True, offered=offered)

    # ---- answering -------------------------------------------------------------------
    async def answer_text(self, user_id: int, text: str, source: str = "typed") -> Moved:
        """A typed answer: a number, or a button's label, part of one or place (``bot.answer_matching``).

        Anything else is rejected and changes nothing; text that fits several labels comes
        back with them as ``candidates``, so the reply can ask which one was meant.
        """
        dialog = await self.storage.dialog(user_id)
        if dialog is None or dialog.question_id is None:
            return Rejected("no_question", None)
        ask = await self._ask(user_id, dialog)
        text = text.strip()
        if len(text) > MAX_TEXT:
            return Rejected("too_long", ask)
        question = ask.question
        shown = ask.shown()
        if question.kind != "number":
            found = matching_choices(question, text, shown)
            if not found and (held_back := matching_choices(question, text)):
                return await self._contradicts(user_id, dialog, ask, held_back)
            if not found and not takes_amounts(question) and (place := typed_place(text)) is not None:
                return Rejected("no_choice", ask, place=place)
            if len(found) != 1:
                return Rejected("ambiguous" if found else "use_buttons", ask, found)
            moved = await self._store(user_id, dialog, ask, question.levels[found[0]], source)
            reading = number_reading(question, text)
            if reading is None or isinstance(moved, Rejected):
                return moved
            return replace(moved, read_as=reading)  # the reply says how the number was taken
        try:
            value = question.parse(typed_count(text))
        except InvalidAnswer:
            return Rejected(_number_problem(text), ask)
        if question.index(value) not in shown:
            return await self._contradicts(user_id, dialog, ask, (question.index(value),))
        return await self._store(user_id, dialog, ask, value, source)

    async def _contradicts(self, user_id: int, dialog: Dialog, ask: Ask, held_back: tuple[int, ...]) -> Rejected:
        """Typed text naming only answers held back: which earlier answer rules out (the first of) them."""
        answers = await self._working(user_id, dialog)
        later = set(dialog.queue[dialog.position + 1 :])
        binding = {qid: value for qid, value in answers.items() if qid not in later}
        conflict = contradicting(ask.question.id, ask.question.levels[held_back[0]], binding)
        return Rejected("contradicts", ask, held_back, conflict=conflict)

    async def answer_choice(
        self, user_id: int, question_id: str, index: int, nonce: str, source: str = "button"
    ) -> Moved:
        """A tapped answer button: it must belong to the question asked right now."""
        dialog = await self.storage.dialog(user_id)
        if dialog is None or dialog.question_id is None:
            return Rejected("stale", None)
        ask = await self._ask(user_id, dialog)
        if nonce != dialog.nonce or question_id != dialog.question_id:
            return Rejected("stale", ask)
        if not 0 <= index < len(ask.question.levels):
            return Rejected("forged", ask)
        if index not in ask.shown():  # a button shown before an answer ruled it out
            return Rejected("stale", ask)
        return await self._store(user_id, dialog, ask, ask.question.levels[index], source)

    async def _store(self, user_id: int, dialog: Dialog, ask: Ask, value: Answer, source: str) -> Moved:
        if dialog.path == "edit":
            source = "profile_edit"
        answer = NewAnswer(ask.question.id, value, source)
        return await self._move(user_id, dialog, dialog.position + 1, answer)

    async def _move(
        self, user_id: int, dialog: Dialog, position: int, answer: NewAnswer | None = None, step: int = 1
    ) -> Moved:
        """Store ``answer`` (if any) and go to ``position``, passing over questions an answer settles.

        A change from ``/profile`` that asks other questions again is kept as a draft until the
        last of them is answered or skipped; then the whole change is stored in one step.
        """
        stored = await self.storage.answers(user_id)
        answers = dict(dialog.draft) if dialog.draft is not None else stored
        queue = dialog.queue
        if answer is not None:
            answers, queue, position = _after_answer(answers, answer, dialog.path, queue, dialog.position)
        position = _open_position(queue, position, step, answers)
        if position < 0:  # /back with only settled questions before: stay where we are
            return Rejected("first_question", await self._ask(user_id, dialog))
        finished = position >= len(queue)
        draft = None
        if dialog.path == "edit" and not finished:
            draft = answers if _changes(stored, answers) != ((), {}) else None
        dropped, written = _changes(stored, answers) if draft is None else ((), {})
        source = answer.source if answer is not None else "profile_edit"
        writes = tuple(NewAnswer(qid, value, source) for qid, value in written.items())
        last = next((w for w in writes if answer is not None and w.question_id == answer.question_id), None)
        moved = await self.storage.step(
            user_id,
            dialog.nonce,
            path=None if finished else dialog.path,
            position=position,
            nonce=new_nonce(),
            answer=last,
            also=tuple(w for w in writes if w is not last),
            dropped=dropped,
            queue=None if queue == dialog.queue else queue,
            draft=draft,
        )
        if not moved:  # another update moved the dialog first: this input is out of date
            return Rejected("stale", await self.current(user_id))
        if finished:
            return Finished(_stored_path(dialog.path), answer)
        fresh = await self.storage.dialog(user_id)
        assert fresh is not None
        return replace(await self._ask(user_id, fresh), stored=answer)

    # ---- moving around ---------------------------------------------------------------
    async def back(self, user_id: int) -> Moved:
        """One question back (its stored answer is shown and can be kept or changed)."""
        dialog = await self.storage.dialog(user_id)
        if dialog is None or dialog.question_id is None:
            return Rejected("no_question", None)
        if dialog.position == 0:
            return Rejected("first_question", await self._ask(user_id, dialog))
        return await self._move(user_id, dialog, dialog.position - 1, step=-1)

    async def skip(self, user_id: int) -> Moved:
        """Leave the question as it is (unanswered, or its earlier answer) and go on."""
        dialog = await self.storage.dialog(user_id)
        if dialog is None or dialog.question_id is None:
            return Rejected("no_question", None)
        return await self._move(user_id, dialog, dialog.position + 1)

    async def cancel(self, user_id: int) -> Step:
        """Stop the questionnaire; every answer given so far stays stored.

        A change from ``/profile`` still waiting for the questions it asks again is dropped with
        its draft: the answers stay exactly as they were before it.
        """
        dialog = await self.storage.dialog(user_id)
        if dialog is None or dialog.question_id is None:
            return Rejected("no_question", None)
        moved = await self.storage.step(user_id, dialog.nonce, path=None, position=dialog.position, nonce=new_nonce())
        if not moved:
            return Rejected("stale", await self.current(user_id))
        return Cancelled(len(await self.storage.answers(user_id)))


def _being_shown(dialog: Dialog, window: timedelta, now: datetime | None) -> bool:
    """Whether another update of this user is showing the first question right now.

    It was asked a moment ago and its message is not sent yet, so this update must not show it
    a second time.
    """
    if dialog.message_id is not None or dialog.position != 0 or dialog.updated_at is None:
        return False
    return (now or datetime.now(UTC)) - dialog.updated_at < window


def is_path(value: object) -> TypeGuard[Path]:
    """Whether ``value`` names one of the questionnaire's paths."""
    return value in get_args(Path)


def _stored_path(value: str | None) -> Path:
    """A path as read back from the database (a string column): checked, so a bad row fails loudly."""
    if not is_path(value):
        raise ValueError(f"no questionnaire path is called {value!r}")
    return value


def _number_problem(text: str) -> InputProblem:
    """Tell "no number at all" from "a number this question does not allow"."""
    try:
        number = float(text)
    except ValueError:
        return "not_a_number"
    return "out_of_range" if math.isfinite(number) else "not_a_number"
