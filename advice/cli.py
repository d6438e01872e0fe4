"""The advice commands of ``sesame-advisor``: actions, advise, whatif, plan.

``advise``, ``whatif`` and ``plan`` all go through ``advice.rank``/``simulate``/``plan``, which
apply an action the same way, so the score ``whatif`` prints for one action is the
``score_after`` that ``advise`` printed for it, and ``whatif --do`` with a plan's actions prints
the plan's ``score_after``. A contradictory answers file is one ``error:`` line, exit code 2.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, TypeVar

from advice.catalogue import ACTIONS, UnknownAction
from advice.feasibility import RECORD_ACTIONS
from advice.planner import GoalPlan
from advice.planner import plan as plan_goal
from advice.presentation import action_view, goal_view, plan_view, projection_view, steps_text
from advice.ranking import Plan, Projection, rank, simulate
from scoring.card import load_scorecard
from scoring.cli import CliError, add_common, add_profile_input, emit_json, read_answers
from scoring.i18n import Lang
from scoring.questions import QUESTION_BY_ID, InvalidAnswer
from scoring.structure import settled
from templates import render

T = TypeVar("T")


def _card(args: argparse.Namespace) -> Any:
    return load_scorecard(getattr(args, "model", None))


def _refusing_bad_answers(work: Callable[[], T]) -> T:
    """Run ``work``; answers the engines refuse (contradictory ones) become one ``error:`` line."""
    try:
        return work()
    except InvalidAnswer as exc:
        raise CliError(f"answer {exc}") from None


def action_json(view: dict[str, Any], lang: Lang) -> dict[str, Any]:
    """One action for ``--json``: its view plus the rendered how-to steps."""
    return {**view, "steps": steps_text(view, lang)}


def plan_json(plan: Plan, lang: Lang) -> dict[str, Any]:
    """What ``advise --json`` prints: the plan view with raw before-score data and steps."""
    view = plan_view(plan, lang, tell=len(plan.tell_me_more))
    view["before"] = {**plan.before.as_dict(), "band_name": view["before"]["band"]}
    view["actions"] = [action_json(action, lang) for action in view["actions"]]
    return view


def projection_json(projection: Projection, lang: Lang) -> dict[str, Any]:
    """What ``whatif --json`` prints."""
    return {
        **projection_view(projection, lang),
        "range": list(projection.range),
        "action_ids": list(projection.action_ids),
    }


def parse_action_ids(raw: str) -> list[str]:
    """``ID[,ID...]`` into ids, refusing empty lists and unknown ids with one clear message."""
    ids = [part.strip() for part in raw.split(",") if part.strip()]
    if not ids:
        raise CliError("--do needs at least one action id (see `sesame-advisor actions`)")
    known = {action.id for action in ACTIONS}
    unknown = [action_id for action_id in ids if action_id not in known]
    if unknown:
        raise CliError(f"unknown action id {unknown[0]!r} (see `sesame-advisor actions`)")
    return ids


def parse_owned(have: str | None, lack: str | None) -> dict[str, bool]:
    """``--have``/``--lack`` into ``owned``: record-if-true items the person has, or has not."""
    owned: dict[str, bool] = {}
    for raw, value in ((have, True), (lack, False)):
        for question_id in (part.strip() for part in (raw or "").split(",") if part.strip()):
            if question_id not in RECORD_ACTIONS:
                items = ", ".join(RECORD_ACTIONS)
                raise CliError(f"--have/--lack take record-if-true items ({items}), not {question_id[:40]!r}")
            if owned.get(question_id, value) != value:
                raise CliError(f"{question_id} is given to both --have and --lack")
            owned[question_id] = value
    return owned


def add_owned(parser: argparse.ArgumentParser) -> None:
    """``--have`` and ``--lack``: what the person has said about the record-if-true items."""
    parser.add_argument("--have", metavar="ITEM[,ITEM...]", help="record-if-true items you have (e.g. vehicle)")
    parser.add_argument("--lack", metavar="ITEM[,ITEM...]", help="record-if-true items you do not have")


def cmd_actions(args: argparse.Namespace) -> int:
    """List the catalogue."""
    views = [action_view(action, args.lang) for action in ACTIONS]
    if args.json:
        emit_json([action_json(view, args.lang) for view in views])
    else:
        print(render(args.lang, "cli_actions.txt.j2", actions=views))
    return 0


def cmd_advise(args: argparse.Namespace) -> int:
    """Rank the actions for one answers file."""
    if args.top is not None and args.top < 1:
        raise CliError("--top must be at least 1")
    answers = read_answers(args.answers)
    card = _card(args)
    owned = parse_owned(args.have, args.lack)
    plan = _refusing_bad_answers(lambda: rank(card, answers, top=args.top, owned=owned))
    if args.json:
        emit_json({**plan_json(plan, args.lang), "model_version": card.version, "estimate": True})
    else:
        print(render(args.lang, "cli_advise.txt.j2", **plan_view(plan, args.lang)))
    return 0


def cmd_whatif(args: argparse.Namespace) -> int:
    """Project the score after some actions."""
    ids = parse_action_ids(args.do)
    answers = read_answers(args.answers)
    card = _card(args)
    try:
        owned = parse_owned(args.have, args.lack)
        projection = _refusing_bad_answers(lambda: simulate(card, answers, ids, owned=owned))
    except UnknownAction as exc:  # pragma: no cover - parse_action_ids refuses these first
        raise CliError(str(exc)) from None
    if args.json:
        view = with_gate_questions(projection_json(projection, args.lang), projection, answers, args.lang)
        emit_json({**view, "model_version": card.version, "estimate": True})
    else:
        view = with_gate_questions(projection_view(projection, args.lang), projection, answers, args.lang)
        print(render(args.lang, "cli_whatif.txt.j2", **view))
    return 0


def with_gate_questions(
    view: dict[str, Any], projection: Projection, answers: dict[str, Any], lang: Lang
) -> dict[str, Any]:
    """The questions still open as a person sees them: none an answer settles, and those a gate asks first.

    An answer the given ones settle is implied, not open (with no credit card, the card repayment
    record is "no cards"). A gate that stopped an action says "answer that question first
    (below)": that question (the income) is then listed below.
    """
    listed = [item["id"] for item in view["unanswered"] if not settled(item["id"], answers)]
    view = {**view, "unanswered": [item for item in view["unanswered"] if item["id"] in listed]}
    if not any(why == "gated" for _, why in projection.stopped):
        return view
    wanted = [q for gate in projection.gates for q in gate.unanswered if q not in answers and q not in listed]
    extra = [{"id": q, "question": QUESTION_BY_ID[q].prompt(lang)} for q in dict.fromkeys(wanted)]
    return {**view, "unanswered": [*view["unanswered"], *extra]}


def goal_json(goal: GoalPlan, lang: Lang) -> dict[str, Any]:
    """What ``plan --json`` prints: the keys the issue names, then the views for a reader."""
    view = goal_view(goal, lang)
    return {
        "target": goal.target,
        "reachable": goal.reachable,
        "actions": list(goal.action_ids),
        "score_before": goal.before.score,
        "score_after": goal.score_after,
        "best_score": goal.best_score,
        "effort": goal.effort,
        "months": goal.months,
        "steps": [action_json(action, lang) for action in view["actions"]],
        "projection": view["projection"],
    }


def _target(raw: str) -> int:
    """``--target``: a whole number on the 350-950 scale, refused with one clear line otherwise."""
    try:
        target = int(raw.strip())
    except ValueError:
        raise CliError(f"--target must be a whole number 350-950, not {raw[:20]!r}") from None
    if not 350 <= target <= 950:
        raise CliError(f"--target must be a whole number 350-950, not {target}")
    return target


def cmd_plan(args: argparse.Namespace) -> int:
    """The least effort that reaches a target score."""
    target = _target(args.target)
    answers = read_answers(args.answers)
    card = _card(args)
    owned = parse_owned(args.have, args.lack)
    goal = _refusing_bad_answers(lambda: plan_goal(card, answers, target, owned=owned))
    if args.json:
        emit_json({**goal_json(goal, args.lang), "model_version": card.version, "estimate": True})
    else:
        print(render(args.lang, "cli_plan.txt.j2", **goal_view(goal, args.lang)))
    return 0


def add_commands(sub: argparse._SubParsersAction[Any]) -> None:
    """Register the advice subcommands."""
    p = sub.add_parser("actions", help="list the actions that can raise a score")
    add_common(p)
    p.set_defaults(handler=cmd_actions)

    p = sub.add_parser("advise", help="rank the actions by the points they would add to a profile")
    add_profile_input(p)
    p.add_argument("--top", type=int, metavar="N", help="show only the N best actions")
    add_owned(p)
    add_common(p)
    p.set_defaults(handler=cmd_advise)

    p = sub.add_parser("whatif", help="project the score after doing some actions")
    add_profile_input(p)
    p.add_argument("--do", required=True, metavar="ID[,ID...]", help="action ids, comma-separated")
    add_owned(p)
    add_common(p)
    p.set_defaults(handler=cmd_whatif)

    p = sub.add_parser("plan", help="the least effort that reaches a target score")
    add_profile_input(p)
    p.add_argument("--target", required=True, metavar="N", help="the score to reach, 350-950")
    add_owned(p)
    add_common(p)
    p.set_defaults(handler=cmd_plan)
