"""Typed text read as an answer to a choice question: a button's label, a start of one, or its number.

People type what they see ("always on time", "3-5年", "３") instead of tapping, and the terminal
chat has no buttons at all. A typed line is compared with the labels in both languages (the
scripts hardly overlap, and "3-5" starts "3-5年" and "3-5 years" alike) after folding case and
full-width forms, so "ALWAYS", "ａｌｗａｙｓ" and "always" are one input. A number picks the
button shown in that place. The result is the choice indexes the text could mean: exactly one
is an answer, several are a question back to the user ("did you mean ..."), none is no answer.
"""

from __future__ import annotations

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


def fold(text: str) -> str:
    """Text as compared: full-width forms and case folded, spaces squeezed, edge punctuation dropped."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.split()).strip(EDGE_PUNCTUATION)


def typed_place(text: str) -> int | None:
    """The place a typed number names ("3", "３"), whether or not a button stands there; ``None`` for other text."""
    typed = fold(text)
    return int(typed) if typed.isascii() and typed.isdigit() and len(typed) <= 6 else None


def matching_choices(question: Question, text: str) -> tuple[int, ...]:
    """The choice indexes (into ``question.choices``) ``text`` may mean, in the order shown.

    An exact label wins over starts of labels ("逾期过" is one answer even though it also starts
    "逾期过一次"); a number means the button in that place; otherwise every label the text starts,
    or failing that every label it is part of ("no cards" for "I have no cards").
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
    starts = tuple(index for index in shown if any(label.startswith(typed) for label in labels[index]))
    if starts or len(typed) < MIN_INSIDE:
        return starts
    return tuple(index for index in shown if any(typed in label for label in labels[index]))


def may_answer(question: Question, text: str) -> bool:
    """Whether ``text`` reads as an attempt to answer ``question`` (a number for a number question)."""
    if question.kind == "number":
        return any(character.isdigit() for character in unicodedata.normalize("NFKC", text))
    return bool(matching_choices(question, text))
