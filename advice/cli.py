"""The advice commands of ``sesame-advisor``: actions, advise, whatif.

``advise`` and ``whatif`` both go through ``advice.rank``/``advice.simulate``, which apply an
action the same way, so the score ``whatif`` prints for one action is the ``score_after`` that
``advise`` printed for it.
"""

from __future__ import annotations

import argparse
from typing import Any

from advice.catalogue import ACTIONS, UnknownAction
from advice.presentation import action_view, plan_view, projection_view, steps_text
from advice.ranking import Plan, Projection, rank, simulate
from scoring.card import load_scorecard
from scoring.cli import CliError, add_common, add_profile_input, emit_json, read_answers
from scoring.i18n import Lang
from templates import render


def _card(args: argparse.Namespace) -> Any:
    return load_scorecard(getattr(args, "model", None))


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
    plan = rank(card, answers, top=args.top)
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
        projection = simulate(card, answers, ids)
    except UnknownAction as exc:  # pragma: no cover - parse_action_ids refuses these first
        raise CliError(str(exc)) from None
    if args.json:
        emit_json({**projection_json(projection, args.lang), "model_version": card.version, "estimate": True})
    else:
        print(render(args.lang, "cli_whatif.txt.j2", **projection_view(projection, args.lang)))
    return 0


def add_commands(sub: argparse._SubParsersAction[Any]) -> None:
    """Register the advice subcommands."""
    p = sub.add_parser("actions", help="list the actions that can raise a score")
    add_common(p)
    p.set_defaults(handler=cmd_actions)

    p = sub.add_parser("advise", help="rank the actions by the points they would add to a profile")
    add_profile_input(p)
    p.add_argument("--top", type=int, metavar="N", help="show only the N best actions")
    add_common(p)
    p.set_defaults(handler=cmd_advise)

    p = sub.add_parser("whatif", help="project the score after doing some actions")
    add_profile_input(p)
    p.add_argument("--do", required=True, metavar="ID[,ID...]", help="action ids, comma-separated")
    add_common(p)
    p.set_defaults(handler=cmd_whatif)
