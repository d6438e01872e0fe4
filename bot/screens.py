"""Engine steps and score results turned into screens: template text plus buttons.

Every word comes from a template (``templates/<lang>/bot_*``) or from the questionnaire data;
this module only decides which template, which context and how buttons are laid out.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from advice import ACTION_BY_ID
from advice.feasibility import RECORD_ACTIONS
from advice.ranking import RankedAction
from bot.answer_matching import Reading, fold, takes_amounts, typed_amount, typed_place
from bot.callbacks import AnswerTap, ChangeAnswerTap, CommandTap, ForgetTap, LanguageTap, OwnedTap, RecordTap
from bot.dialog import Ask, InputProblem
from bot.replies import Button, Keyboard, Screen
from scoring.i18n import LANGUAGE_NAMES, Lang
from scoring.presentation import answer_label, question_view
from scoring.questions import QUESTION_BY_ID, QUESTIONS, QUICK_IDS, Answer, Question
from scoring.structure import GROUP_NAMES, LINKS, Contradiction, answered_count, implied_answers
from templates import render

QUESTION_ORDER: dict[str, int] = {q.id: i for i, q in enumerate(QUESTIONS)}
DisclaimerForm = Literal["full", "short", "none"]
"""How a reply carries the estimate disclaimer: in full the first time, short after, and none when
another reply of the same burst carries it."""
PROFILE_ROW = 6
"""Numbered profile buttons per row: 27 questions fit in five rows."""


def button_label(lang: Lang, name: str, **context: Any) -> str:
    """A button's label, from ``bot_button.txt.j2``."""
    return render(lang, "bot_button.txt.j2", button=name, **context)


def progress_label(lang: Lang, name: str, **context: Any) -> str:
    """A label of the follow-up's buttons and reminder names, from ``bot_progress_button.txt.j2``."""
    return render(lang, "bot_progress_button.txt.j2", button=name, **context)


def notice(lang: Lang, name: str) -> str:
    """The short text shown on a tapped button (a Telegram toast)."""
    return render(lang, "bot_notice.txt.j2", notice=name)


def command_description(lang: Lang, name: str) -> str:
    """What a command does, in a few words, from ``bot_commands.txt.j2`` (``setMyCommands`` and ``/help``)."""
    return render(lang, "bot_commands.txt.j2", command=name, quick_total=len(QUICK_IDS))


def _width(label: str) -> int:
    """Display width: CJK characters take two cells."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in label)


def layout(buttons: list[Button]) -> Keyboard:
    """Short labels share a row; long ones get a row each, so no label is cut off on a phone."""
    widest = max((_width(b.label) for b in buttons), default=0)
    per_row = 7 if widest <= 4 else 2 if widest <= 16 else 1
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))


def question_screen(
    ask: Ask,
    lang: Lang,
    problem: InputProblem | None = None,
    candidates: Sequence[int] = (),
    place: int | None = None,
    conflict: Contradiction | None = None,
) -> Screen:
    """A question with its progress, its answers as buttons and, after bad input, what was wrong.

    Only the choices offered are buttons (an answer an earlier one rules out is held back).
    ``candidates`` are the choices an ambiguous typed answer could mean, named in the reply;
    ``place`` is a number typed that no choice stands at; ``conflict`` the earlier answer that
    rules out the one typed.
    """
    view = question_view(ask.question.id, lang)
    current = None if ask.current is None else answer_label(ask.question.id, ask.current, lang)
    buttons = []
    for index in ask.shown():
        label = view["choices"][index]["label"]
        if ask.current is not None and ask.question.levels[index] == ask.current:
            label = button_label(lang, "current", label=label)
        buttons.append(Button(label, AnswerTap(ask.question.id, index, ask.nonce).data()))
    text = render(
        lang,
        "bot_question.html.j2",
        q=view,
        position=ask.position,
        total=ask.total,
        path=ask.path,
        opens_dimension=ask.opens_dimension,
        current=current,
        in_change=ask.in_change,
        problem=problem,
        candidates=[view["choices"][index]["label"] for index in candidates],
        place=place,
        choices=len(buttons),
        amount_example=amount_example(ask.question, lang),
        conflict=None if conflict is None else conflict_view(conflict, ask.question.id, lang),
        inside=numbers_inside(ask.question, candidates, lang) if problem == "ambiguous" else [],
        asking=True,
    )
    typed = ask.question.kind == "number"
    return Screen(text, layout(buttons), typed=typed, nonce=ask.nonce, amounts=takes_amounts(ask.question))


def amount_example(question: Question, lang: Lang) -> dict[str, str | bool] | None:
    """At a question whose choices stand for amounts, a number and the choice it picks ("4" → "3-5").

    From the widest range with an end: a round number inside it (its low end plus the largest power
    of ten the range holds: 6 in 5-10 years, 3000 in ¥2,000-5,000). ``money``: the amounts are yuan.
    """
    ranges = [
        (amount.high - amount.low, index)
        for index, choice in enumerate(question.choices)
        if (amount := choice.amount) is not None and amount.low < amount.high < float("inf")
    ]
    if not ranges:
        return None
    width, index = max(ranges)
    amount = question.choices[index].amount
    assert amount is not None
    step = 10 ** int(math.log10(width))
    return {
        "number": str(int(amount.low) + step),
        "label": question.choices[index].label(lang),
        "money": question.money,
    }


def numbers_inside(question: Question, candidates: Sequence[int], lang: Lang) -> list[dict[str, str]]:
    """For an amount question's "which one do you mean": a number that picks each candidate alone.

    There a typed number is an amount, never a button's place, so "its number" cannot answer:
    "3" years is both "1-3" and "3-5". A round number inside each range that no other choice
    holds does ("2 is 1-3 years, 4 is 3-5 years"). Empty for any other question.
    """
    found = []
    for index in candidates:
        amount = question.choices[index].amount
        if amount is None or math.isinf(amount.high) or amount.high <= amount.low:
            continue
        step = 10 ** int(math.log10(amount.high - amount.low))
        number = float(amount.low + step if amount.low + step < amount.high else (amount.low + amount.high) / 2)
        holders = [c for c in question.choices if c.amount is not None and c.amount.holds(number)]
        if number.is_integer() and len(holders) == 1:
            found.append({"number": str(int(number)), "label": question.choices[index].label(lang)})
    return found


def conflict_view(conflict: Contradiction, question_id: str, lang: Lang) -> dict[str, str]:
    """The earlier answer that rules out the one typed: its question and answer, in words."""
    first_is_earlier = conflict.first_id != question_id
    earlier_id = conflict.first_id if first_is_earlier else conflict.second_id
    earlier_value = conflict.first_value if first_is_earlier else conflict.second_value
    typed_value = conflict.second_value if first_is_earlier else conflict.first_value
    return {
        "question": QUESTION_BY_ID[earlier_id].prompt(lang),
        "answer": answer_label(earlier_id, earlier_value, lang),
        "typed": answer_label(question_id, typed_value, lang),
    }


def problem_screen(reason: InputProblem, lang: Lang) -> Screen:
    """Bad input while no question is open."""
    return Screen(render(lang, "bot_invalid.html.j2", problem=reason, asking=False))


def answered_screen(
    ask_path: str,
    position: int,
    total: int,
    question_id: str,
    value: Answer,
    lang: Lang,
    number: tuple[str, Reading] | None = None,
) -> Screen:
    """A question once answered: its text and the answer, buttons gone.

    ``number``: a number typed as the answer and how it was read (the amount it names, or a
    button's place), said under the answer so "3" never means one thing silently.
    """
    question = QUESTION_BY_ID[question_id]
    typed, read_as = number if number is not None else (None, None)
    return Screen(
        render(
            lang,
            "bot_answered.html.j2",
            path=ask_path,
            position=position,
            total=total,
            prompt=question.prompt(lang),
            answer=answer_label(question_id, value, lang),
            typed=typed,
            read_as=read_as,
            amount=None if typed is None or read_as != "amount" else typed_amount_text(question, typed, lang),
            bare=typed is not None and typed_place(typed) is not None,
            money=question.money,
        )
    )


def typed_amount_text(question: Question, typed: str, lang: Lang) -> str | None:
    """The amount a typed number names, as the reply writes it back ("10,000" in English, "10000" in Chinese)."""
    amount = typed_amount(question, fold(typed))
    if amount is None:
        return None
    separator = "," if lang == "en" and question.money else ""
    low, high = (f"{v:,.10g}".replace(",", separator) if v >= 1000 else f"{v:.10g}" for v in amount)
    return low if low == high else f"{low}-{high}"


def welcome_screen(lang: Lang, returning: bool, disclaimer: DisclaimerForm = "full") -> Screen:
    """The greeting of ``/start`` with the estimate disclaimer (``none`` when a score follows with its own)."""
    return Screen(
        render(
            lang,
            "bot_welcome.html.j2",
            returning=returning,
            quick_total=len(QUICK_IDS),
            show_disclaimer=disclaimer != "none",
            brief_disclaimer=disclaimer == "short",
        )
    )


def score_keyboard(lang: Lang, answered: int) -> Keyboard:
    """What to do after seeing a score: the advice, a what-if, the rest of the profile."""
    first = [Button(button_label(lang, "advice"), CommandTap("advice").data())]
    first.append(Button(button_label(lang, "whatif"), CommandTap("whatif").data()))
    second = [Button(button_label(lang, "profile"), CommandTap("profile").data())]
    if answered < len(QUESTIONS):
        second.append(Button(button_label(lang, "full"), CommandTap("full").data()))
    return (tuple(first), tuple(second))


def profile_screen(answers: Mapping[str, Answer], lang: Lang, owned: Mapping[str, bool] | None = None) -> Screen:
    """Every question with the stored answer, and a numbered button to change each.

    An answer another one settles (``scoring.structure``) shows as implied, with the answer it
    follows from; changing it is allowed (the dialog keeps the profile consistent). What the
    user said about record-if-true items (``owned``) is listed too, each with a button to change it.
    """
    view = profile_view(answers, lang, owned or {})
    buttons = [Button(str(number), ChangeAnswerTap(q.id).data()) for number, q in enumerate(QUESTIONS, start=1)]
    keyboard = tuple(tuple(buttons[i : i + PROFILE_ROW]) for i in range(0, len(buttons), PROFILE_ROW))
    flips = tuple(
        (
            Button(
                button_label(lang, "owned_flip", topic=i["topic"], to=not i["owned"]),
                OwnedTap(i["id"], not i["owned"], True).data(),
            ),
        )
        for i in view["owned"]
    )
    return Screen(render(lang, "bot_profile.html.j2", **view), keyboard + flips)


def profile_view(answers: Mapping[str, Answer], lang: Lang, owned: Mapping[str, bool]) -> dict[str, Any]:
    """The context of ``bot_profile``: each question's answer (given or implied), and the record items."""
    given = dict(answers)
    implied = implied_answers(given)
    items = []
    for number, q in enumerate(QUESTIONS, start=1):
        value = given.get(q.id, implied.get(q.id))
        items.append(
            {
                "number": number,
                "prompt": q.prompt(lang),
                "answer": None if value is None else answer_label(q.id, value, lang),
                "implied_from": implied_source(q.id, given, lang) if q.id in implied else None,
            }
        )
    said = [
        # As a person says it ("公积金：有"), not as the action that adds it ("授权公积金信息：我有").
        {
            "id": qid,
            "title": ACTION_BY_ID[RECORD_ACTIONS[qid]].title(lang),
            "topic": QUESTION_BY_ID[qid].topic(lang),
            "owned": has,
        }
        for qid, has in sorted(owned.items(), key=lambda item: QUESTION_ORDER[item[0]])
        if qid in RECORD_ACTIONS
    ]
    answered, total = answered_count(given)
    return {"items": items, "answered": answered, "total": total, "implied": len(implied), "owned": said}


def implied_source(question_id: str, answers: Mapping[str, Answer], lang: Lang) -> str:
    """The given answer that settles ``question_id``, in words ("No credit card yet")."""
    link = next(
        link
        for link in LINKS
        if link.then_id == question_id
        and link.when_id in answers
        and type(answers[link.when_id]) is type(link.when_value)
        and answers[link.when_id] == link.when_value
    )
    named = GROUP_NAMES.get((link.when_id, link.when_value))
    return named[lang] if named else answer_label(link.when_id, link.when_value, lang)


def language_screen(lang: Lang) -> Screen:
    """The language picker."""
    row = tuple(Button(name, LanguageTap(code).data()) for code, name in LANGUAGE_NAMES.items())
    return Screen(render(lang, "bot_language.html.j2"), (row,))


def forget_screen(lang: Lang, **summary: Any) -> Screen:
    """The confirmation ``/forget`` asks for before deleting anything; ``summary`` names what would go."""
    row = (
        Button(button_label(lang, "forget_yes"), ForgetTap(True).data()),
        Button(button_label(lang, "forget_no"), ForgetTap(False).data()),
    )
    text = render(lang, "bot_forget_confirm.html.j2", **summary)
    return Screen(text, (row,))


def record_view(question_id: str, now: Answer, after: Answer, lang: Lang) -> dict[str, str]:
    """How to record an action once done: the question to answer again, the answer now and the one after."""
    question = QUESTION_BY_ID[question_id]
    return {"question": question.prompt(lang), "now": question.label(now, lang), "after": question.label(after, lang)}


def record_button(action_code: int, lang: Lang) -> Button:
    """The button that records an action as done: every answer it changes, at once (``RecordTap``)."""
    return Button(button_label(lang, "record"), RecordTap(action_code).data())


def reminder_message(
    title: str,
    last: dict[str, Any] | None,
    lang: Lang,
    records: Sequence[tuple[str, Answer, Answer]] = (),
    action_code: int | None = None,
) -> Screen:
    """A due reminder: the action, how to record it once done, and buttons.

    ``last`` is the last estimate shown, as ``bot.progress_views.headline_view`` states it (with its range).
    ``records`` are the answers doing the action changes (question id, now, after), every one:
    the estimate moves only when an answer changes, so the message names them, and a button
    (the action numbered ``action_code``) records them all.
    """
    row = (
        Button(button_label(lang, "score"), CommandTap("score").data()),
        Button(button_label(lang, "advice"), CommandTap("advice").data()),
    )
    # A reminder with a score follows earlier estimates: the disclaimer's short form is enough.
    keyboard: tuple[tuple[Button, ...], ...] = (row,)
    changes = [record_view(question_id, now, after, lang) for question_id, now, after in records]
    if changes and action_code is not None:
        keyboard = ((record_button(action_code, lang),), row)
    else:
        changes = []
    return Screen(
        render(lang, "bot_reminder.html.j2", title=title, last=last, changes=changes, brief_disclaimer=True),
        keyboard,
    )


def help_screen(
    lang: Lang,
    commands: Sequence[tuple[str, str]],
    puzzled: bool = False,
    brief_disclaimer: bool = False,
    number: int | None = None,
) -> Screen:
    """What the bot can do: the command list of ``setMyCommands`` (name, description) with a few words around it.

    ``puzzled`` opens it with "I didn't catch that" (typed text that is neither an answer nor a question I know);
    with ``number`` (the text was that number alone) it says instead that no question is open, and
    how a real Sesame score is sent.
    """
    text = render(
        lang, "bot_help.html.j2", commands=commands, puzzled=puzzled, number=number, brief_disclaimer=brief_disclaimer
    )
    return Screen(text)


def no_answers_screen(lang: Lang) -> Screen:
    """What score, advice and what-if say before any question is answered."""
    return text_screen(lang, "bot_no_answers.html.j2", quick_total=len(QUICK_IDS))


def text_screen(lang: Lang, name: str, keyboard: Iterable[tuple[Button, ...]] = (), **context: Any) -> Screen:
    """Any other message: one template, no logic."""
    return Screen(render(lang, name, **context), tuple(keyboard))


def owned_question_screen(item: RankedAction, lang: Lang, left: int) -> Screen:
    """Ask once whether the user has a record-if-true item: "Yes, I have it" counts it, "No" retires it.

    ``left`` is how many such questions remain after this one.
    """
    question_id = item.action.questions[0]
    row = (
        Button(button_label(lang, "owned_yes"), OwnedTap(question_id, True).data()),
        Button(button_label(lang, "owned_no"), OwnedTap(question_id, False).data()),
    )
    text = render(lang, "bot_record_item.html.j2", question_id=question_id, gain=item.gain, left=left)
    return Screen(text, (row,))
