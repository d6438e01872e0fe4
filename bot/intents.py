"""Free questions typed to the bot ("芝麻分怎么提高？", "what is my score") and the command each leads to.

People ask in their own words rather than with commands. A few keywords per command, in both
languages, are enough to route the common questions; the keywords are data, all of it here.
The first intent with a keyword in the text wins, so "how do I raise my score" is advice
(listed first) even though it also names the score. Text no intent claims gets the help.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.answer_matching import fold


@dataclass(frozen=True)
class Intent:
    """A command and the words that ask for it (compared folded: case and full-width forms do not matter)."""

    command: str
    keywords: tuple[str, ...]


INTENTS: tuple[Intent, ...] = (
    Intent(
        "advice",
        (
            "提高", "提升", "提分", "涨分", "加分", "怎么办", "建议",
            "raise", "improve", "increase", "boost", "advice", "tips", "get a better", "higher score",
        ),
    ),
    Intent("whatif", ("如果", "假如", "what if", "what would")),
    Intent(
        "score",
        (
            "多少分", "分数", "几分", "估算", "芝麻分", "评分",
            "my score", "score", "estimate", "how much", "how many points",
        ),
    ),
    Intent("more", ("再多告诉", "多告诉你", "告诉你更多", "tell me more", "more questions")),
    Intent("profile", ("我的回答", "修改回答", "改回答", "my answers", "change an answer", "change my answer")),
    Intent("reminders", ("提醒", "remind")),
    Intent("language", ("语言", "英文", "english", "chinese", "中文", "language")),
)  # fmt: skip
"""Every intent, tried in this order."""


def intent_of(text: str) -> str | None:
    """The command a free question asks for, or ``None`` when no keyword is in it."""
    folded = fold(text)
    for intent in INTENTS:
        if any(keyword in folded for keyword in intent.keywords):
            return intent.command
    return None


DONT_KNOW: frozenset[str] = frozenset(
    {
        "不知道", "不清楚", "不确定", "不记得", "记不清", "说不清", "忘", "忘记", "没数", "不懂", "不晓得",
        "don't know", "dont know", "do not know", "dunno", "idk", "no idea", "not sure", "unsure",
        "no clue", "can't remember", "cant remember", "don't remember", "dont remember", "not certain",
    }
)  # fmt: skip
"""What people type when they cannot answer a question (compared whole, after ``DONT_KNOW_FILLER``)."""
DONT_KNOW_FILLER = re.compile(r"\b(?:i'm|im|i|really|just|honestly|sorry|um+|uh+|hmm+|well|yet)\b")
DONT_KNOW_FILLER_ZH = re.compile(r"[我也真的了啊呀呢吧嘛哦嗯额呃太还]")
"""Words around "I don't know" that change nothing ("I really don't know", "我也不太清楚呢")."""


def dont_know(text: str) -> bool:
    """Whether ``text`` says only "I don't know" (never a longer sentence that merely contains it).

    A whole-message test, unlike the intents' keywords: "不知道怎么提高" asks for advice.
    """
    text = DONT_KNOW_FILLER_ZH.sub("", DONT_KNOW_FILLER.sub(" ", fold(text).replace("’", "'")))
    rest = " ".join(text.split()).strip(" ,.!?。，！？…")
    return rest in DONT_KNOW
