"""Typed text read as an answer to a choice question: a button's label, part of one, or its number.

People type what they see ("always on time", "3-5年", "３") instead of tapping, and the terminal
chat has no buttons at all. A typed line is compared with the labels in both languages (the
scripts hardly overlap, and "3-5" starts "3-5年" and "3-5 years" alike) after folding case and
full-width forms, so "ALWAYS", "ａｌｗａｙｓ" and "always" are one input. A number picks the
button shown in that place. The result is the choice indexes the text could mean: exactly one
is an answer, several are a question back to the user ("did you mean ..."), none is no answer.
A choice is never picked silently between two that fit: "逾期" fits "目前有逾期" as well as
"逾期过一次", and the first is the one the safety gates act on.
"""

from __future__ import annotations

import re
import unicodedata

from scoring.i18n import LANGUAGES
from scoring.questions import Question

EDGE_PUNCTUATION = " \t.,;:!?。，；：！？…~～\"'“”‘’「」『』()（）"
"""What a typed answer may carry around it without changing what it means ("Yes!", "是。")."""
MIN_INSIDE = 2
"""Characters typed text needs before it is looked for inside labels (one letter is in too many)."""
YES_NO: dict[bool, frozenset[str]] = {
    True: frozenset({"yes", "y", "yep", "是", "是的", "对", "有"}),
    False: frozenset({"no", "n", "nope", "否", "不是", "没有", "无"}),
}
"""Words that answer a yes/no question besides its two labels."""
SAME_MEANING: tuple[tuple[str, str], ...] = (("当前", "目前"), ("现在", "目前"))
"""Words people type for a word of the labels ("当前逾期" for "目前有逾期")."""
LEFT_OUT = frozenset("元有张个")
"""Characters of a Chinese label people leave out without changing what they mean ("1万以下", "3-5")."""


def fold(text: str) -> str:
    """Text as compared: full-width forms and case folded, spaces squeezed, edge punctuation dropped."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.split()).strip(EDGE_PUNCTUATION)


def typed_place(text: str) -> int | None:
    """The place a typed number names ("3", "３"), whether or not a button stands there; ``None`` for other text."""
    typed = fold(text)
    return int(typed) if typed.isascii() and typed.isdigit() and len(typed) <= 6 else None


def loose(folded: str) -> str:
    """Folded text as loosely compared: words of the same meaning made one, left-out characters dropped."""
    for word, same in SAME_MEANING:
        folded = folded.replace(word, same)
    return "".join(character for character in folded if character not in LEFT_OUT)


def fits(typed: str, label: str) -> bool:
    """Whether folded ``typed`` may mean folded ``label``: it starts it, is part of it, or holds it whole.

    Both are compared loosely (``loose``). Text is looked for inside a label, and a label inside
    text, only from ``MIN_INSIDE`` characters on; a label inside Latin text must be words of its
    own ("no" is in "no loans", not in "not sure").
    """
    if label.startswith(typed):
        return True
    typed, label = loose(typed), loose(label)
    if len(typed) >= MIN_INSIDE and typed in label:
        return True
    if len(label) < MIN_INSIDE:
        return False
    if label.isascii():
        return re.search(rf"(?<!\w){re.escape(label)}(?!\w)", typed) is not None
    return label in typed


def matching_choices(question: Question, text: str) -> tuple[int, ...]:
    """The choice indexes (into ``question.choices``) ``text`` may mean, in the order shown.

    An exact label wins over the others ("逾期过" is one answer even though it is part of
    "逾期过一次"); a number means the button in that place; otherwise every label the text fits
    (``fits``): "逾期" is three answers to ask between, "当前逾期" is "目前有逾期", "I have no
    loans" is "No loans".
    """
    typed = fold(text)
    if not typed:
        return ()
    shown = question.display_indexes()
    if typed.isascii() and typed.isdigit():
        place = typed_place(typed) or 0
        return (shown[place - 1],) if 1 <= place <= len(shown) else ()
    labels = {index: {fold(question.choices[index].label(lang)) for lang in LANGUAGES} for index in shown}
    if question.kind == "bool":
        for index in shown:
            labels[index] |= YES_NO[bool(question.levels[index])]
    exact = tuple(index for index in shown if typed in labels[index])
    if exact:
        return exact
    return tuple(index for index in shown if any(fits(typed, label) for label in labels[index]))


def may_answer(question: Question, text: str) -> bool:
    """Whether ``text`` reads as an attempt to answer ``question`` (a number for a number question)."""
    if question.kind == "number":
        return any(character.isdigit() for character in unicodedata.normalize("NFKC", text))
    return bool(matching_choices(question, text))
