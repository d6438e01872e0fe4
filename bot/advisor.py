"""What the bot does for each user action, shared by the Telegram adapter and the terminal chat.

Each public method is one thing a user can do (a command, typed text, a tapped button) and
returns the replies to show. The methods hold the product's flow; the dialog engine holds the
questionnaire, storage the data, templates the words. Telegram and the terminal only translate
their input into these calls and the replies into their output.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Literal

from advice import ACTIONS, Plan, rank, simulate
from advice.presentation import action_view, plan_view, projection_view
from bot import callbacks
from bot.charts import radar_png
from bot.dialog import Ask, Cancelled, DialogEngine, Finished, Rejected, Step, progress
from bot.reminders import Clock, due_view, next_recompute
from bot.replies import Button, Document, Edit, Keyboard, Notice, Photo, Reply, Screen
from bot.screens import (
    answered_screen,
    button_label,
    forget_screen,
    help_screen,
    language_screen,
    notice,
    problem_screen,
    profile_screen,
    question_screen,
    reminder_message,
    reminders_screen,
    score_keyboard,
    text_screen,
    welcome_screen,
)
from bot.storage import Dialog, Snapshot, Storage
from bot.storage.tables import utcnow
from scoring.card import Scorecard, ScoreResult, load_scorecard
from scoring.presentation import score_view
from scoring.questions import DIMENSION_NAMES, QUICK_IDS, Answer, Lang
from templates import render

Channel = Literal["telegram", "chat"]
EXPORT_FILE = "sesame-advisor-data.json"
ACTION_INDEX: dict[str, int] = {a.id: i for i, a in enumerate(ACTIONS)}


@dataclass(frozen=True)
class Who:
    """The user behind an update: an id, and the client's language for a first contact."""

    id: int
    language_code: str | None = None


def default_language(code: str | None) -> Lang:
    """Chinese for any ``zh*`` client, English for everyone else."""
    return "zh" if code and code.lower().startswith("zh") else "en"


class Advisor:
    """The bot's behaviour, one method per user action."""

    def __init__(
        self, storage: Storage, card: Scorecard | None = None, channel: Channel = "telegram", clock: Clock = utcnow
    ) -> None:
        self.storage = storage
        self.card = card or load_scorecard()
        self.clock = clock  # when reminders fall due and are delivered
        self.engine = DialogEngine(storage)
        # Where an answer came from, as stored with it: the terminal chat marks its own.
        self.button_source = "button" if channel == "telegram" else "chat"
        self.typed_source = "typed" if channel == "telegram" else "chat"

    async def language(self, who: Who) -> Lang:
        """The user's language; the first contact creates the user with the client's one."""
        return await self.storage.ensure_user(who.id, default_language(who.language_code))  # type: ignore[return-value]

    # ---- the questionnaire -------------------------------------------------------------
    async def start(self, who: Who) -> list[Reply]:
        """Welcome the user and begin (or continue) the quick check."""
        lang = await self.language(who)
        returning = bool(await self.storage.answers(who.id))
        step = await self.engine.begin(who.id, "quick")
        if isinstance(step, Rejected) and step.reason == "raced":
            return []  # a /start of the same user a moment earlier welcomes them and asks
        return [welcome_screen(lang, returning), *await self._after(who.id, lang, step)]

    async def full(self, who: Who) -> list[Reply]:
        """Continue to the full profile: every question not answered yet."""
        lang = await self.language(who)
        return await self._after(who.id, lang, await self.engine.begin(who.id, "full"))

    async def back(self, who: Who) -> list[Reply]:
        """One question back."""
        lang = await self.language(who)
        return await self._after(who.id, lang, await self.engine.back(who.id))

    async def skip(self, who: Who) -> list[Reply]:
        """Leave this question unanswered and go on."""
        lang = await self.language(who)
        return await self._after(who.id, lang, await self.engine.skip(who.id))

    async def cancel(self, who: Who) -> list[Reply]:
        """Stop the questionnaire, keeping the answers."""
        lang = await self.language(who)
        return await self._after(who.id, lang, await self.engine.cancel(who.id))

    async def text(self, who: Who, text: str) -> list[Reply]:
        """Typed text: an answer to a number question, or bad input for anything else."""
        lang = await self.language(who)
        before = await self.storage.dialog(who.id)
        step = await self.engine.answer_text(who.id, text, self.typed_source)
        replies: list[Reply] = []
        if isinstance(step, Ask | Finished) and step.stored and before and before.message_id is not None:
            # Take the buttons off the question that was just answered by typing.
            replies.append(Edit(self._answered(before, step, lang), before.message_id))
        return replies + await self._after(who.id, lang, step)

    async def unsupported(self, who: Who) -> list[Reply]:
        """A sticker, photo or voice message: no answer, the open question (if any) again."""
        lang = await self.language(who)
        if await self.engine.current(who.id) is None:
            return [text_screen(lang, "bot_unsupported.html.j2")]
        return await self._after(who.id, lang, await self.engine.answer_text(who.id, ""))

    async def question_shown(self, who: Who, nonce: str, message_id: int) -> None:
        """Remember the message a question was shown in (its buttons go once answered)."""
        await self.storage.question_shown(who.id, nonce, message_id)

    def _answered(self, before: Dialog, step: Ask | Finished, lang: Lang) -> Screen:
        assert step.stored is not None and before.path is not None
        position, total = progress(before.path, len(before.queue), before.position)
        return answered_screen(before.path, position, total, step.stored.question_id, step.stored.value, lang)

    async def _after(self, user_id: int, lang: Lang, step: Step) -> list[Reply]:
        """The replies to a dialog step."""
        if isinstance(step, Ask):
            return [question_screen(step, lang)]
        if isinstance(step, Finished):
            heading = None if step.path == "edit" else "finished" if step.stored else "complete"
            return await self._score(user_id, lang, heading)
        if isinstance(step, Cancelled):
            return [text_screen(lang, "bot_cancelled.html.j2", answered=step.answered)]
        if step.reason == "raced":
            return []  # the concurrent update that won replies for both
        if step.ask is None:
            return [problem_screen(step.reason, lang)]
        return [question_screen(step.ask, lang, step.reason)]

    # ---- the score ---------------------------------------------------------------------
    async def score(self, who: Who) -> list[Reply]:
        """The estimate with its breakdown, change since last time and the radar chart."""
        lang = await self.language(who)
        return await self._score(who.id, lang, None)

    async def _score(self, user_id: int, lang: Lang, heading: str | None) -> list[Reply]:
        answers = await self.storage.answers(user_id)
        if not answers:
            return [self._no_answers(lang)]
        result = self.card.score(answers)
        change, previous = await self._progress(user_id, result)
        view = score_view(result, lang)
        text = render(lang, "bot_score.html.j2", **view, change=change, previous=previous, heading=heading)
        names = [DIMENSION_NAMES[d.id][lang] for d in result.dimensions]
        grades = [d.grade for d in result.dimensions]
        title = render(lang, "bot_chart_title.txt.j2", score=result.score)
        png = await asyncio.to_thread(radar_png, names, grades, title)
        caption = render(lang, "bot_chart_caption.html.j2")
        return [Screen(text), Photo(png, caption, score_keyboard(lang, result.answered))]

    async def _progress(self, user_id: int, result: ScoreResult) -> tuple[int | None, int | None]:
        """Change against the previous distinct estimate; a new estimate is kept as a snapshot.

        Showing the same result twice stores nothing new and keeps comparing with the one
        before, so ``/score`` repeated still tells how the last change moved the score.
        """
        now = Snapshot(
            score=result.score,
            band=result.band.id,
            low=result.range[0],
            high=result.range[1],
            dimensions={d.id: d.grade for d in result.dimensions},
            model_version=self.card.version,
            created_at=utcnow(),
        )
        recent = await self.storage.snapshots(user_id, limit=2)
        if recent and _same(recent[0], now):
            baseline = recent[1] if len(recent) > 1 else None
        else:
            baseline = recent[0] if recent else None
            await self.storage.add_snapshot(user_id, now)
        if baseline is None:
            return None, None
        return now.score - baseline.score, baseline.score

    # ---- advice ------------------------------------------------------------------------
    async def _plan(self, user_id: int) -> tuple[dict[str, Answer], Plan] | None:
        answers = await self.storage.answers(user_id)
        if not answers:
            return None
        return answers, rank(self.card, answers)

    async def advice(self, who: Who) -> list[Reply]:
        """The ranked actions, each with a button that opens its how-to steps."""
        lang = await self.language(who)
        planned = await self._plan(who.id)
        if planned is None:
            return [self._no_answers(lang)]
        return [self._advice_screen(planned[1], lang)]

    def _advice_screen(self, plan: Plan, lang: Lang) -> Screen:
        keyboard = tuple(
            (
                Button(
                    button_label(lang, "steps", number=n, title=r.action.title(lang)),
                    callbacks.steps(ACTION_INDEX[r.id], True),
                ),
            )
            for n, r in enumerate(plan.actions, start=1)
        )
        return Screen(render(lang, "advice.html.j2", **plan_view(plan, lang)), keyboard)

    async def _steps(self, user_id: int, lang: Lang, action_index: int, open_: bool) -> list[Reply]:
        planned = await self._plan(user_id)
        if planned is None:
            return [Edit(self._no_answers(lang))]
        plan = planned[1]
        if not open_:
            return [Edit(self._advice_screen(plan, lang))]
        return [Edit(await self._steps_screen(user_id, lang, plan, action_index))]

    async def _steps_screen(self, user_id: int, lang: Lang, plan: Plan, action_index: int) -> Screen:
        """An action's how-to steps, with its reminder (set or not) and the way back to the list."""
        ranked = {r.id: r for r in plan.actions}
        action = ACTIONS[action_index]
        view = action_view(ranked.get(action.id, action), lang)
        due = next((p.due_at for p in await self.storage.pending_reminders(user_id) if p.action_id == action.id), None)
        remind = Button(
            button_label(lang, "remind" if due is None else "unremind"), callbacks.reminder(action_index, due is None)
        )
        back = Button(button_label(lang, "steps_back"), callbacks.steps(action_index, False))
        text = render(lang, "bot_steps.html.j2", action=view, due=None if due is None else due_view(due))
        return Screen(text, ((remind,), (back,)))

    # ---- reminders -----------------------------------------------------------------------
    async def reminders(self, who: Who) -> list[Reply]:
        """The user's pending reminders, each with a button to cancel it."""
        lang = await self.language(who)
        return [await self._reminders_screen(who.id, lang)]

    async def _reminders_screen(self, user_id: int, lang: Lang) -> Screen:
        pending = [p for p in await self.storage.pending_reminders(user_id) if p.action_id in ACTION_INDEX]
        return reminders_screen([(ACTION_INDEX[p.action_id], p.due_at) for p in pending], lang)

    async def _remind(self, user_id: int, lang: Lang, tap: callbacks.ReminderTap) -> list[Reply]:
        """Set or cancel a reminder; a tap that changes nothing (an old button) says it expired."""
        action_id = ACTIONS[tap.action_index].id
        if tap.listed:
            cancelled = await self.storage.cancel_reminder(user_id, action_id)
            expired = [] if cancelled else [Notice(notice(lang, "stale"))]
            return [*expired, Edit(await self._reminders_screen(user_id, lang))]
        planned = await self._plan(user_id)
        if planned is None:  # the data is gone (/forget): nothing to remind of
            return [Edit(self._no_answers(lang))]
        if tap.on:
            changed = await self.storage.set_reminder(user_id, action_id, next_recompute(self.clock()))
        else:
            changed = await self.storage.cancel_reminder(user_id, action_id)
        expired = [] if changed else [Notice(notice(lang, "stale"))]
        return [*expired, Edit(await self._steps_screen(user_id, lang, planned[1], tap.action_index))]

    async def reminder_message(self, user_id: int, action_id: str) -> Screen | None:
        """The message a due reminder sends; ``None`` for an action no longer in the catalogue.

        Also ``None`` for a user deleted meanwhile (``/forget`` in another process): the language
        is only read, so a reminder never brings a deleted user back.
        """
        language = await self.storage.user_language(user_id)
        if action_id not in ACTION_INDEX or language is None:
            return None
        lang: Lang = language  # type: ignore[assignment]
        latest = await self.storage.snapshots(user_id, limit=1)
        title = ACTIONS[ACTION_INDEX[action_id]].title(lang)
        return reminder_message(title, latest[0].score if latest else None, lang)

    async def whatif(self, who: Who) -> list[Reply]:
        """Toggle buttons for the ranked actions; the message shows the projected score."""
        lang = await self.language(who)
        screen = await self._whatif_screen(who.id, lang, frozenset())
        return [screen]

    async def _whatif_screen(self, user_id: int, lang: Lang, picked: frozenset[int]) -> Screen:
        planned = await self._plan(user_id)
        if planned is None:
            return self._no_answers(lang)
        answers, plan = planned
        offered = [ACTION_INDEX[r.id] for r in plan.actions]
        # Picks no longer in the plan (answers changed since) still count, after the others.
        order = offered + sorted(picked - set(offered))
        keyboard: Keyboard = tuple(
            (
                Button(
                    button_label(lang, "toggle", on=i in picked, title=ACTIONS[i].title(lang)),
                    callbacks.what_if(picked ^ {i}),
                ),
            )
            for i in order
        )
        chosen = [ACTIONS[i].id for i in order if i in picked]
        if not chosen:
            return Screen(
                render(lang, "bot_whatif_pick.html.j2", offered=len(offered), score=plan.before.score), keyboard
            )
        projection = simulate(self.card, answers, chosen)
        return Screen(render(lang, "whatif.html.j2", **projection_view(projection, lang)), keyboard)

    # ---- profile, language, data ---------------------------------------------------------
    async def profile(self, who: Who) -> list[Reply]:
        """Every answer, with a button to change any one of them."""
        lang = await self.language(who)
        return [profile_screen(await self.storage.answers(who.id), lang)]

    @staticmethod
    def _no_answers(lang: Lang) -> Screen:
        return text_screen(lang, "bot_no_answers.html.j2", quick_total=len(QUICK_IDS))

    async def choose_language(self, who: Who) -> list[Reply]:
        """The language picker."""
        return [language_screen(await self.language(who))]

    async def set_language(self, who: Who, lang: Lang) -> None:
        """Use ``lang`` from now on."""
        await self.language(who)
        await self.storage.set_language(who.id, lang)

    async def export(self, who: Who) -> list[Reply]:
        """Everything stored about the user, as a JSON file."""
        lang = await self.language(who)
        data = await self.storage.export(who.id)
        content = json.dumps(data, ensure_ascii=False, indent=2).encode()
        caption = render(
            lang,
            "bot_export.html.j2",
            answers=len(data["answers"]),
            snapshots=len(data["score_snapshots"]),
            reminders=len(data["reminders"]),
        )
        return [Document(content, EXPORT_FILE, caption)]

    async def forget(self, who: Who) -> list[Reply]:
        """Ask before deleting everything."""
        lang = await self.language(who)
        data = await self.storage.export(who.id)
        return [forget_screen(lang, len(data["answers"]), len(data["score_snapshots"]), len(data["reminders"]))]

    async def help(self, who: Who) -> list[Reply]:
        """What the bot can do."""
        return [help_screen(await self.language(who))]

    async def unknown_command(self, who: Who) -> list[Reply]:
        """A command the bot does not have."""
        return [text_screen(await self.language(who), "bot_unknown.html.j2")]

    async def error(self, who: Who) -> list[Reply]:
        """What the user sees when handling an update failed."""
        return [text_screen(await self.language(who), "bot_error.html.j2")]

    # ---- buttons -----------------------------------------------------------------------
    async def tap(self, who: Who, data: object) -> list[Reply]:
        """A tapped inline button. The data is checked, never trusted."""
        lang = await self.language(who)
        try:
            tap = callbacks.decode(data, actions=len(ACTIONS))
        except callbacks.ForgedData:
            again = Rejected("forged", await self.engine.current(who.id))
            return [Notice(notice(lang, "forged")), *await self._after(who.id, lang, again)]
        if isinstance(tap, callbacks.AnswerTap):
            before = await self.storage.dialog(who.id)
            step = await self.engine.answer_choice(who.id, tap.question_id, tap.index, tap.nonce, self.button_source)
            if isinstance(step, Rejected):
                return [Notice(notice(lang, step.reason)), *await self._after(who.id, lang, step)]
            assert before is not None
            return [Edit(self._answered(before, step, lang)), *await self._after(who.id, lang, step)]
        if isinstance(tap, callbacks.EditTap):
            edit = await self.engine.edit(who.id, tap.question_id)
            return await self._after(who.id, lang, edit)
        if isinstance(tap, callbacks.LanguageTap):
            await self.storage.set_language(who.id, tap.language)
            new: Lang = tap.language  # type: ignore[assignment]
            replies: list[Reply] = [Edit(text_screen(new, "bot_language_set.html.j2"))]
            running = await self.engine.current(who.id)
            return replies + ([question_screen(running, new)] if running else [])
        if isinstance(tap, callbacks.ForgetTap):
            if not tap.confirmed:
                return [Edit(text_screen(lang, "bot_forget_kept.html.j2"))]
            await self.storage.forget(who.id)
            return [Edit(text_screen(lang, "bot_forgotten.html.j2"))]
        if isinstance(tap, callbacks.StepsTap):
            return await self._steps(who.id, lang, tap.action_index, tap.open)
        if isinstance(tap, callbacks.WhatIfTap):
            return [Edit(await self._whatif_screen(who.id, lang, tap.picked))]
        if isinstance(tap, callbacks.ReminderTap):
            return await self._remind(who.id, lang, tap)
        return await getattr(self, tap.command)(who)


def _same(a: Snapshot, b: Snapshot) -> bool:
    return (a.score, a.low, a.high, a.dimensions, a.model_version) == (
        b.score,
        b.low,
        b.high,
        b.dimensions,
        b.model_version,
    )
