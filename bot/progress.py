"""The follow-up over months, without Telegram.

Estimates kept with why they moved, real-score reports and the calibration they give, and the
next occurrence of every check-in and reminder. The flows (the Telegram adapter, the terminal
chat) call these and render the results; the math lives in ``scoring.changes``,
``scoring.calibration`` and ``bot.scheduling``, the rows in ``bot.storage``. Nothing here sends
a message: a schedule's next occurrence is a reminder row, claimed and sent by the one delivery
every reminder goes through.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from advice import ACTION_BY_ID, Action, Change, GoalPlan, get_action
from advice import plan as plan_goal
from advice.feasibility import Owned, feasible_changes
from bot.scheduling import (
    CHECKIN_DAY,
    CHECKIN_MAX_LATE,
    DEFAULT_TIME,
    REPAYMENT_MAX_LATE,
    Every,
    Monthly,
    ScheduleError,
    catch_up,
)
from bot.storage import Snapshot, Storage, StoredGoal, StoredReport, StoredSchedule, record_items
from bot.storage.progress import parse_schedule_key
from scoring import assumptions
from scoring.calibration import (
    Calibrated,
    Offset,
    ProjectionBase,
    Report,
    calibrate,
    check_report,
    learn_offset,
)
from scoring.card import BANDS, Band, Scorecard, ScoreResult, band_of
from scoring.changes import ScoreChange, explain
from scoring.projection import answers_after
from scoring.questions import Answer
from scoring.structure import complete, contradictions, implied_answers

logger = logging.getLogger(__name__)

_UNSET = object()
"""Stands for "no implied answer" where ``None`` could be one."""

MAX_LATE: dict[str, timedelta] = {
    "checkin": CHECKIN_MAX_LATE,
    "goal": timedelta(days=7),
    "huabei": REPAYMENT_MAX_LATE,
    "card": REPAYMENT_MAX_LATE,
}
"""How late each kind of occurrence may still be sent (see ``bot.scheduling.catch_up``)."""


def coverage_of(result: ScoreResult) -> float:
    """The coverage the result's range states (an older result without one: the default)."""
    return float(getattr(result, "range_coverage", None) or assumptions.DEFAULT_RANGE_COVERAGE)


@dataclass(frozen=True)
class Shown:
    """What a score reply says about the estimate's move and its calibration.

    ``change`` is set only when this estimate is new (it differs from the last one shown), so a
    repeated ``/score`` says nothing about a move it already explained. ``unexplained`` is the
    move from a previous estimate stored before answers were kept with estimates.
    """

    change: ScoreChange | None
    unexplained: tuple[int, int] | None
    calibrated: Calibrated | None
    new: bool = False
    """Whether this estimate differs from the last one shown (so it was kept now)."""
    goal: StoredGoal | None = None
    """The goal as this estimate left it (its planned actions the answers show done counted), when ``goal_read``."""
    goal_read: bool = False
    """Whether keeping this estimate read the goal: then ``goal`` is it, and the "goal reached" check
    that follows the reply (``goal_reached``) asks the database for it no second time."""


@dataclass(frozen=True)
class Reported:
    """A report stored: the calibration before and after it, for the reply."""

    real: int
    before: Offset
    after: Offset
    calibrated: Calibrated
    share: int | None = None
    """Per cent of the way to the real score this report moved the estimate (the first report only)."""


@dataclass(frozen=True)
class GoalOutcome:
    """A goal set: the plan, and the scores as the user sees them (calibrated when reports exist)."""

    target: int
    score: int
    calibrated: bool
    plan: GoalPlan
    score_after: int
    best: int
    reachable: bool
    """Whether the target is reached by the projection the user sees (calibrated when reports exist)."""
    next_band: tuple[Band, int] | None
    """The next band up and the points left to it, ``None`` in the top band."""
    range: tuple[int, int] = (0, 0)
    """``score``'s range (its 90 % prediction interval, calibrated with it): every stated estimate shows one."""
    range_after: tuple[int, int] = (0, 0)
    """``score_after``'s range, as ``/whatif`` shows a projection's (``ProjectionBase.project_range``)."""


def advisable(answers: dict[str, Answer]) -> dict[str, Answer]:
    """Stored answers as the advice engines accept them (they refuse contradictory ones), completed.

    Answers stored before the questionnaire knew its links may contradict (no cards, yet a card
    repayment record): the settling answer wins and the one it rules out is left out of the
    advice only. Storage keeps every answer, so nothing the user said is lost. The answers the
    given ones settle are added (``scoring.structure.complete``): the dialog never asks them, yet
    an action that changes them ("hold 3-5 cards" also starts a repayment record) must see them.
    """
    profile = dict(answers)
    while found := contradictions(profile):
        profile.pop(found[0].second_id)
    return complete(profile)


def recorded_changes(action: Action, answers: dict[str, Answer], owned: Owned | None) -> tuple[Change, ...]:
    """The answers recording ``action`` as done changes, from the stored ``answers``: every path's one list.

    Exactly the changes its promise was measured with: ``rank`` (``/advice`` and its how-to),
    ``simulate`` (``/whatif``) and ``plan`` (``/goal``) all assess an action by
    ``advice.feasibility`` from the answers as ``advisable`` reads them, and so does this. The
    how-to names each of them, and its "record it", its reminder's and the goal's "done" all
    record them (``recorded_answers``), so no path records less (or more) than the score it showed.
    """
    return feasible_changes(action, advisable(answers), owned)


def recorded_answers(action: Action, answers: dict[str, Answer], owned: Owned | None) -> dict[str, Answer]:
    """The stored answers once ``action`` is recorded as done: ``recorded_changes`` applied as projections do.

    Implied answers are not stored (``/profile`` derives them): one the advice completed and the
    change left as it was is left out again; the estimate is the same (the scorecard implies it).
    """
    after = answers_after(advisable(answers), recorded_changes(action, answers, owned))
    return {
        question_id: value
        for question_id, value in after.items()
        if question_id in answers
        or implied_answers({q: v for q, v in after.items() if q != question_id}).get(question_id, _UNSET) != value
    }


def all_done(goal: StoredGoal) -> bool:
    """Whether every planned action still in the catalogue is done (then the goal's check-ins stop).

    A goal stored before an action left the catalogue (``friends_good_credit``: friends' credit
    is a fact now) keeps its id; no button offers it any more, so it never holds the goal open.
    """
    return set(goal.done) >= {a for a in goal.actions if a in ACTION_BY_ID}


def achieved(action: Action, answers: dict[str, Answer]) -> bool:
    """Whether the answers already show the action done.

    Every question it changes is answered with a value it would not change any more.
    """
    return all(cf.question_id in answers and answers[cf.question_id] not in cf.from_values for cf in action.changes)


def shown_range(result: ScoreResult, base: ProjectionBase) -> tuple[int, int]:
    """The range of the estimate ``base`` shows for ``result``: calibrated with it once reports exist."""
    return result.range if base.calibrated is None else base.calibrated.range


def headline(snapshot: Snapshot) -> int:
    """The score a snapshot was shown with: the calibrated estimate once reports exist, else the model's."""
    return snapshot.score if snapshot.calibrated is None else snapshot.calibrated[0]


def higher_goal(score: int, best: int) -> int | None:
    """A goal to offer once one is reached: the next band's floor, else 50 points up, but never past ``best``.

    ``best`` is the most the advice can reach for this user (the planner's best reachable score,
    as the user sees it): a higher goal it cannot reach would plan nothing. ``None`` when the user
    is at their best already, so nothing higher is offered.
    """
    above = next_band(score)
    wanted = above[0].low if above is not None else min(score + 50, assumptions.SCALE.maximum)
    higher = min(wanted, best)
    return higher if higher > score else None


def next_band(score: int) -> tuple[Band, int] | None:
    """The band above ``score`` and the points left to reach it."""
    index = BANDS.index(band_of(score))
    if index + 1 >= len(BANDS):
        return None
    above = BANDS[index + 1]
    return above, above.low - score


def _same(a: Snapshot, b: Snapshot) -> bool:
    return (
        (a.score, a.low, a.high, a.model_version, a.calibrated)
        == (b.score, b.low, b.high, b.model_version, b.calibrated)
        and a.dimensions == b.dimensions
        and (a.answers is None or b.answers is None or a.answers == b.answers)
    )


def _report(stored: StoredReport) -> Report:
    return Report(stored.score, stored.estimate, stored.low, stored.high, stored.coverage, stored.reported_at)


class Progress:
    """The progress features of one bot: a storage, a scorecard and a clock."""

    def __init__(self, storage: Storage, card: Scorecard, clock: object) -> None:
        self.storage = storage
        self.card = card
        self.clock = clock  # a bot.reminders.Clock: returns an aware "now"

    def _now(self) -> datetime:
        return self.clock()  # type: ignore[operator, no-any-return]

    # ---- calibration ---------------------------------------------------------------
    async def offset(self, user_id: int) -> Offset:
        """The user's calibration from every report kept."""
        reports = [_report(r) for r in await self.storage.reports(user_id)]
        return learn_offset(reports, self._now())

    async def calibrated(self, user_id: int, result: ScoreResult) -> Calibrated | None:
        """The estimate calibrated by the user's reports; ``None`` before the first report."""
        offset = await self.offset(user_id)
        if offset.reports == 0:
            return None
        return calibrate(result.score, result.range[0], result.range[1], offset, coverage_of(result))

    async def base(self, user_id: int, result: ScoreResult) -> ProjectionBase:
        """Where projected scores start for this user: ``result``'s score, calibrated once reports exist."""
        return ProjectionBase(result.score, await self.calibrated(user_id, result))

    async def report(self, user_id: int, real: int, answers: dict[str, Answer], source: str) -> Reported:
        """Keep a real score the user reported; ``InvalidReport`` (nothing stored) when it cannot be one."""
        now = self._now()
        check_report(real, now, now)
        result = self.card.score(answers)
        before = await self.offset(user_id)
        await self.storage.add_report(
            user_id,
            StoredReport(real, float(result.score), result.range[0], result.range[1], coverage_of(result), source, now),
        )
        after = await self.offset(user_id)
        calibrated = calibrate(result.score, result.range[0], result.range[1], after, coverage_of(result))
        share = after.share(real - result.score)
        return Reported(real, before, after, calibrated, None if share is None else round(100 * share))

    # ---- estimates kept with why they moved ---------------------------------------
    async def record_shown(self, user_id: int) -> Shown | None:
        """Keep the current estimate as shown; every reply that displays it calls this (``None``: no answers).

        "Shown" is any reply that states the current estimate: ``/score``, ``/advice``, ``/whatif``,
        ``/goal``, ``/myscore``, a bill import. Each keeps it here, scored from the stored answers,
        so the next change is explained from the last estimate the user saw, the first estimate is
        the first one seen, and ``/history`` lists it. Showing the same estimate again keeps nothing.
        """
        answers = await self.storage.answers(user_id)
        if not answers:
            return None
        return await self.shown(user_id, answers, self.card.score(answers))

    async def shown(self, user_id: int, answers: dict[str, Answer], result: ScoreResult) -> Shown:
        """Keep this estimate if it is new, with why it moved from the last one shown."""
        calibrated = await self.calibrated(user_id, result)
        now = Snapshot(
            score=result.score,
            band=result.band.id,
            low=result.range[0],
            high=result.range[1],
            dimensions={d.id: d.grade for d in result.dimensions},
            model_version=self.card.version,
            created_at=self._now(),
            coverage=coverage_of(result),
            answers=dict(answers),
            calibrated=None if calibrated is None else (calibrated.score, *calibrated.range),
        )
        recent = await self.storage.snapshots(user_id, limit=1)
        previous = recent[0] if recent else None
        now_shown = headline(now)
        if previous is not None and _same(previous, now):
            return Shown(None, None, calibrated)
        unexplained = None
        if previous is None:
            change: ScoreChange | None = explain(self.card, None, answers)
        elif previous.answers is None:
            change, unexplained = None, (headline(previous), now_shown)
        else:
            change = explain(
                self.card, previous.answers, answers, score_before=previous.score, score_after=result.score
            )
        explanation = None if change is None else change.as_dict()
        if change is not None and change.kind == "first":
            # The first estimate also starts the monthly check-in (each one can stop them).
            checkin = (CHECKIN_DAY, DEFAULT_TIME.hour * 60 + DEFAULT_TIME.minute)
            await self.storage.add_snapshot(user_id, replace(now, explanation=explanation), checkin=checkin)
        else:
            await self.storage.add_snapshot(user_id, replace(now, explanation=explanation))
            goal = await self._goal_progress(user_id, answers)
            if change is not None and previous is not None and calibrated is not None:
                change = change.on_scale(headline(previous), now_shown)  # the move of the headline: the calibrated one
            return Shown(change, unexplained, calibrated, new=True, goal=goal, goal_read=True)
        return Shown(change, unexplained, calibrated, new=True)

    async def _goal_progress(self, user_id: int, answers: dict[str, Answer]) -> StoredGoal | None:
        """Planned actions the answers now show as done (changed in ``/profile``) count as done.

        Returns the goal with them counted, kept from the one read (not read again), so the reply's
        "goal reached" check can use it too: one read of the goal per reply.
        """
        goal = await self.storage.goal(user_id)
        if goal is None:
            return None
        done = list(goal.done)
        for action_id in goal.actions:
            if action_id not in done and action_id in ACTION_BY_ID and achieved(ACTION_BY_ID[action_id], answers):
                if await self.storage.goal_done(user_id, action_id):
                    done.append(action_id)
        updated = replace(goal, done=tuple(done))
        if all_done(updated):
            await self.storage.stop_schedule(user_id, "goal", 0)
        return updated

    # ---- goals -----------------------------------------------------------------------
    async def goal_reached(
        self, user_id: int, answers: dict[str, Answer], shown: Shown | None = None
    ) -> tuple[StoredGoal, int, bool, tuple[int, int], int] | None:
        """The stored goal if the estimate the user sees (calibrated when reports exist) reached it.

        Returns the goal, that score, whether it is calibrated, its range and the most the advice can
        reach (``best_reachable``: a higher goal is offered only within it); the goal is then removed with
        its check-ins, as ``/goal N`` does for a target already reached, so ``/goal``, the goal's
        check-in and ``/goal N`` never disagree about it. ``None``: no goal, or not reached yet.
        ``shown``: what keeping the reply's estimate returned; the goal it read is used, not read again.
        """
        goal = shown.goal if shown is not None and shown.goal_read else await self.storage.goal(user_id)
        if goal is None or not answers:
            return None
        result = self.card.score(answers)
        base = await self.base(user_id, result)  # the score /goal N plans from
        if base.score < goal.target:
            return None
        await self.drop_goal(user_id)
        return (
            goal,
            base.score,
            base.calibrated is not None,
            shown_range(result, base),
            await self.best_reachable(user_id, answers, base),
        )

    async def best_reachable(self, user_id: int, answers: dict[str, Answer], base: ProjectionBase) -> int:
        """The most the advice can reach for these answers, as the user sees it (``/goal N``'s "at most")."""
        owned = await record_items.owned(self.storage, user_id)
        best = plan_goal(self.card, answers, assumptions.SCALE.maximum, owned=owned).best_score
        return base.project(best)

    async def set_goal(self, user_id: int, answers: dict[str, Answer], target: int) -> GoalOutcome:
        """Plan the least effort to ``target`` and keep it, with a check-in every two weeks while the plan has actions.

        A target out of reach with nothing to plan is kept (more answers or a bill may still reach
        it, and reaching it is then said), but no check-in asks about an empty plan.

        With real scores reported the plan starts from the calibrated estimate: the offset is
        added to every projected score (the gains are the model's, unchanged), so the model's
        own target is the least model score calibrated to ``target``. Reachable means the plan's
        projection, as the user sees it, reaches ``target``. ``ValueError`` for a target off the scale.
        """
        minimum, maximum = assumptions.SCALE.minimum, assumptions.SCALE.maximum
        if isinstance(target, bool) or not minimum <= target <= maximum:
            raise ValueError(f"a goal is a score {minimum}-{maximum}")
        result = self.card.score(answers)
        base = await self.base(user_id, result)
        # The record-if-true items the user said they have count, as in /advice and /whatif.
        owned = await record_items.owned(self.storage, user_id)
        plan = plan_goal(self.card, answers, base.model_score(target), owned=owned)
        score = base.score
        reachable = base.project(plan.best_score) >= target
        await self.storage.set_goal(
            user_id, StoredGoal(target, score, reachable, plan.action_ids, (), plan.months or None, self._now())
        )
        if plan.action_ids and score < target:
            await self.storage.set_schedule(user_id, "goal", 0, None, 10 * 60, start=self._now())
            await plan_schedules(self.storage, self._now(), user_id=user_id)
        return GoalOutcome(
            target,
            score,
            base.calibrated is not None,
            plan,
            base.project(plan.score_after),
            base.project(plan.best_score),
            reachable,
            next_band(score),
            shown_range(result, base),
            shown_range(result, base)
            if plan.projection is None
            else base.project_range(plan.projection.score, *plan.projection.range),
        )

    async def goal_done(self, user_id: int, action_id: str) -> tuple[dict[str, Answer], dict[str, Answer]] | None:
        """Record a planned action as done: its answers change (kept consistent), the goal notes it.

        Returns the answers before and after (to re-score with the explained change); ``None``
        when the action is not (or no longer) planned, or already recorded.
        """
        before = await self.storage.answers(user_id)
        if not await self.storage.goal_done(user_id, action_id):
            return None
        # The answers the plan projected from, changed as the projection changed them
        # (``scoring.projection``): the estimate after "done" is the score the plan promised.
        owned = await record_items.owned(self.storage, user_id)  # a planned "record it" action changes its answer
        after = recorded_answers(get_action(action_id), before, owned)
        if after != before:
            await self.storage.replace_answers(user_id, after, "goal")
        goal = await self.storage.goal(user_id)
        if goal is not None and all_done(goal):
            await self.storage.stop_schedule(user_id, "goal", 0)  # all done: no more goal check-ins
        return before, after

    async def record_action(self, user_id: int, action_id: str) -> tuple[dict[str, Answer], dict[str, Answer]] | None:
        """Record an action as done from its how-to or its reminder: every answer it changes, as the goal's "done" does.

        Returns the answers before and after; ``None`` when it changes nothing any more (done
        already, or its reason is gone), so an old button records nothing.
        """
        before = await self.storage.answers(user_id)
        action = get_action(action_id)
        owned = await record_items.owned(self.storage, user_id)
        if not before or not recorded_changes(action, before, owned):
            return None
        after = recorded_answers(action, before, owned)
        await self.storage.replace_answers(user_id, after, "action")
        return before, after

    async def drop_goal(self, user_id: int) -> bool:
        """Remove the goal and its check-ins."""
        await self.storage.stop_schedule(user_id, "goal", 0)
        return await self.storage.drop_goal(user_id)

    # ---- schedules: the next occurrence of each --------------------------------------
    async def plan_schedules(self, now: datetime, *, user_id: int | None = None) -> int:
        """See ``plan_schedules``."""
        return await plan_schedules(self.storage, now, user_id=user_id)

    async def fresh(self, user_id: int, action_id: str, due_at: datetime, now: datetime) -> bool:
        """See ``fresh``."""
        return await fresh(self.storage, user_id, action_id, due_at, now)


def schedule_of(schedule: StoredSchedule, timezone: str) -> Monthly | Every:
    """The calendar rule of a stored schedule in the user's zone."""
    if schedule.kind == "goal":
        return Every(schedule.created_at, at=schedule.at, timezone=timezone)
    return Monthly(schedule.day or 1, schedule.at, timezone)


async def plan_schedules(storage: Storage, now: datetime, *, user_id: int | None = None) -> int:
    """Give every running schedule without a waiting occurrence its next one; how many were planned.

    Idempotent and safe across processes: at most one occurrence per schedule waits (the
    reminders' unique index), so two processes planning at once plan it once.
    """
    planned = 0
    for due in await storage.schedules_to_plan(user_id=user_id):
        try:
            rule = schedule_of(due.schedule, due.timezone)
        except ScheduleError:  # a zone that vanished from the system's tz database
            rule = schedule_of(due.schedule, "Asia/Shanghai")
        if await storage.set_reminder(due.user_id, due.schedule.key, rule.next_after(now)):
            planned += 1
    return planned


async def fresh(storage: Storage, user_id: int, action_id: str, due_at: datetime, now: datetime) -> bool:
    """Whether a schedule's occurrence found due at ``now`` is still worth sending.

    Action reminders are always fresh here. A schedule's occurrence is not when it is older
    than its kind allows (a repayment day already gone), or when the schedule was paused or
    stopped meanwhile; the next occurrence is planned after ``now`` either way, so a bot that
    was down sends at most one, never a burst.
    """
    key = parse_schedule_key(action_id)
    if key is None:
        return True
    kind, _ = key
    schedule = next((s for s in await storage.schedules(user_id) if (s.kind, s.number) == key), None)
    if schedule is None or schedule.paused:
        return False
    rule = schedule_of(schedule, await storage.timezone(user_id))
    decision = catch_up(rule, due_at, now, MAX_LATE[kind])
    if decision.skipped:
        logger.info("schedule %s of user %s: %d stale occurrence(s) skipped", kind, user_id, decision.skipped)
    return decision.send is not None
