"""``/help``, commands the bot does not have, and the apology when handling an update failed."""

from __future__ import annotations

from collections.abc import Sequence

from bot.flows.session import Session
from bot.replies import Reply
from bot.screens import help_screen, text_screen


async def show(
    session: Session, commands: Sequence[tuple[str, str]], puzzled: bool = False, number: int | None = None
) -> list[Reply]:
    """What the bot can do: ``commands`` is the registry's list (name, description) in the user's language.

    ``puzzled``: shown for typed text the bot could not place, so it first says it did not understand;
    ``number``: that text was this number alone, so it also says where a number would go.
    """
    return [help_screen(session.lang, commands, puzzled, await session.has_seen_an_estimate(), number)]


async def unknown_command(session: Session) -> list[Reply]:
    """A command the bot does not have: point to ``/help``."""
    return [text_screen(session.lang, "bot_unknown.html.j2")]


async def failed(session: Session) -> list[Reply]:
    """What the user sees when handling an update failed."""
    return [text_screen(session.lang, "bot_error.html.j2")]
