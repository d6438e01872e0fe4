"""What the bot says, independent of where it is said.

The advisor answers every user action with a list of replies; the Telegram adapter turns
them into Bot API calls and the terminal chat into printed text, so both show the very same
conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from bot.charts.cache import Chart

FileName = Literal["sesame-score.jpg", "sesame-history.png", "sesame-advisor-data.json"]
"""Every name a picture or file the bot sends may have.

The terminal chat writes these into its data folder and ``/forget`` deletes exactly these, so a
new chart or file must be named here (the type checker refuses any other name), or it would
outlive the data it shows.
"""
CHAT_FILES: tuple[FileName, ...] = get_args(FileName)
CHART_FILE: FileName = "sesame-score.jpg"  # the radar is a JPEG (``bot.charts.jpeg``)
HISTORY_FILE: FileName = "sesame-history.png"
EXPORT_FILE: FileName = "sesame-advisor-data.json"


@dataclass(frozen=True)
class Button:
    """An inline button: its label and the callback data it sends back."""

    label: str
    data: str


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Screen:
    """A message: Telegram-HTML text with an optional inline keyboard.

    ``typed`` marks a question that takes a typed number; ``nonce`` marks a question screen,
    so the adapter can report where it was shown (and later take its buttons away). ``amounts``
    marks a question whose choices stand for amounts: a number typed there is one, so the terminal
    lists its choices without numbers (Telegram shows buttons alike).
    """

    text: str
    keyboard: Keyboard = ()
    typed: bool = False
    nonce: str | None = None
    amounts: bool = False


@dataclass(frozen=True)
class EditMessage:
    """Replace a message shown earlier: the tapped one (``message_id`` None) or a given one."""

    screen: Screen
    message_id: int | None = None


@dataclass(frozen=True)
class Photo:
    """A picture with a caption and optional buttons; the file name gives its type.

    ``picture`` is the image itself (JPEG or PNG bytes), or a chart drawn only when someone needs
    its pixels (the Telegram adapter first tries the ``file_id`` Telegram gave for the same picture).
    """

    picture: bytes | Chart
    caption: str
    keyboard: Keyboard = ()
    filename: FileName = CHART_FILE


@dataclass(frozen=True)
class Document:
    """A file for the user to keep."""

    content: bytes
    filename: FileName
    caption: str


@dataclass(frozen=True)
class Notice:
    """A short note on a tapped button (Telegram shows it as a toast)."""

    text: str


@dataclass(frozen=True)
class DeleteIncoming:
    """Delete the message the user just sent (a ZIP password should not stay in the chat)."""


Reply = Screen | EditMessage | Photo | Document | Notice | DeleteIncoming
