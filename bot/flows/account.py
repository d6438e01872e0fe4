"""The user's settings and data rights: ``/language``, ``/export`` everything stored, ``/forget`` all of it."""

from __future__ import annotations

import json
from typing import Any

from advice import ACTION_BY_ID
from advice.feasibility import RECORD_ACTIONS
from bot.callbacks import ForgetTap, LanguageTap
from bot.flows.session import Session
from bot.replies import EXPORT_FILE, Document, EditMessage, Reply
from bot.screens import forget_screen, language_screen, question_screen, text_screen
from bot.storage import bill_imports, record_items
from bot.storage.progress import parse_schedule_key
from scoring.i18n import Lang
from scoring.questions import QUESTION_BY_ID
from templates import render


async def choose_language(session: Session) -> list[Reply]:
    """The language picker."""
    return [language_screen(session.lang)]


async def language_picked(session: Session, tap: LanguageTap) -> list[Reply]:
    """Use the picked language from now on; an open question is asked again in it."""
    await session.storage.set_language(session.user_id, tap.language)
    replies: list[Reply] = [EditMessage(text_screen(tap.language, "bot_language_set.html.j2"))]
    running = await session.engine.current(session.user_id)
    return replies + ([question_screen(running, tap.language)] if running else [])


async def export(session: Session) -> list[Reply]:
    """Everything stored about the user, as a JSON file."""
    data = await _everything(session)
    content = json.dumps(data, ensure_ascii=False, indent=2).encode()
    caption = render(session.lang, "bot_export.html.j2", **_summary(data, session.lang))
    return [Document(content, EXPORT_FILE, caption)]


async def _everything(session: Session) -> dict[str, Any]:
    """Every row stored about the user: what ``/export`` sends and ``/forget`` deletes."""
    data = await session.storage.export(session.user_id)
    data["record_items"] = await record_items.exported(session.storage, session.user_id)
    data["bill_imports"] = await bill_imports.exported(session.storage, session.user_id)
    return data


def _summary(data: dict[str, Any], lang: Lang) -> dict[str, Any]:
    """What ``/export`` and ``/forget`` name, from the very data exported, so neither leaves a part out.

    Each reminder or check-in counts once (not its occurrences); each record item is named with
    what the user said about it.
    """
    action_reminders = [r for r in data["reminders"] if parse_schedule_key(r["action_id"]) is None]
    said = [
        {
            "title": ACTION_BY_ID[RECORD_ACTIONS[r["question_id"]]].title(lang),
            "topic": QUESTION_BY_ID[r["question_id"]].topic(lang),
            "owned": r["owned"],
        }
        for r in data["record_items"]
        if r["question_id"] in RECORD_ACTIONS
    ]
    return {
        "answers": len(data["answers"]),
        "snapshots": len(data["score_snapshots"]),
        "reminders": len(action_reminders) + len(data["schedules"]),
        "reports": len(data["score_reports"]),
        "goal": int(data["goal"] is not None),
        "said": said,
        "bills": len(data["bill_imports"]),
    }


async def forget(session: Session) -> list[Reply]:
    """Ask before deleting everything."""
    return [forget_screen(session.lang, **_summary(await _everything(session), session.lang))]


async def forget_confirmed(session: Session, tap: ForgetTap) -> list[Reply]:
    """Delete everything about the user, or keep it if they changed their mind."""
    if not tap.confirmed:
        return [EditMessage(text_screen(session.lang, "bot_forget_kept.html.j2"))]
    await session.storage.forget(session.user_id)
    return [EditMessage(text_screen(session.lang, "bot_forgotten.html.j2"))]
