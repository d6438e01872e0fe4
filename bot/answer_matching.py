"""Typed text read as an answer to a choice question: a button's label, part of one, or its number.

People type what they see ("always on time", "3-5年", "３") instead of tapping, and the terminal
chat has no buttons at all. A typed line is compared with the labels in both languages (the
scripts hardly overlap, and "3-5" starts "3-5年" and "3-5 years" alike) after folding case and
full-width forms, so "ALWAYS", "ａｌｗａｙｓ" and "always" are one input. A number picks the
button shown in that place. The result is the choice indexes the text could mean: exactly one
is an answer, several are a question back to the user ("did you mean ..."), none is no answer.
A choice is never picked silently between two that fit: "逾期" fits "目前有逾期" as well as
"逾期过一次", and the first is the one the safety gates act on.

Numbers are read as what they are, never as characters of a label. At a question whose choices
stand for amounts (years, cards, addresses, yuan: ``scoring.questions.Amount``), a number is the
amount, never a button's place: "4" cards is "3-5" (not the fourth button, "6 or more"), "3-5yrs"
and "3 to 5 yrs" are "3-5 years", "3,000元", "¥3k" and "1万" are sums, and "3" years, on the edge
of "1-3" and "3-5", is asked about. The question says so where it is asked (and the terminal lists
those choices without numbers). Elsewhere a number is the place of a button among those offered.
Either way the reply confirming a typed number says which reading it took (``number_reading``).
A negative number, or digits no label holds, match nothing ("-1" is not "5-10 years"). Words
must all count: a label found inside longer text is an answer only when the rest is filler ("I
have no loans" is "No loans"; "no income" is not "No").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Literal

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
LEFT_OUT = frozenset("元有张个¥")
"""Characters of a label people leave out without changing what they mean ("1万以下", "3-5", "under 10k")."""
FILLER_WORDS = frozenset(
    "i i'm im me my have has had got a an the it it's its is am are was been just currently now well and or".split()
)
"""English words around a label that add nothing to the answer ("I have no loans", "I'm overdue right now")."""
FILLER_CHARACTERS = frozenset("我的了吧啊呀呢嘛是都就还嗯哦")
"""Chinese characters around a label that add nothing to the answer ("我现在有逾期", "现在逾期了")."""
UNIT = r"(?:年|张|个|元|块钱|块|years?|yrs?|cards?|addresses|address|yuan|rmb|cny)"
"""Units people type after an amount ("4张", "3 yrs", "3000元"): such a number is an amount, never a button's place."""
CURRENCY = r"(?:¥|rmb|cny)?\s*"
"""What may stand before a sum of money ("¥3000", "RMB 3000"; a full-width ￥ folds to ¥)."""
FIGURE = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(k|千|w|万)?"
"""A number as people type one, thousands separated or not, with a multiplier ("3,000", "5k", "1万", "2w")."""
MULTIPLIERS = {"k": 1000, "千": 1000, "w": 10000, "万": 10000}
NUMBER = re.compile(rf"{CURRENCY}{FIGURE}\s*{UNIT}?")
RANGE = re.compile(rf"{CURRENCY}{FIGURE}\s*(?:-|~|to|至|到)\s*{CURRENCY}{FIGURE}\s*{UNIT}?")
NEGATIVE = re.compile(r"[-−]\s*\d")
DIGITS = re.compile(r"\d+(?:\.\d+)?")


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


def _numbers(text: str) -> list[float]:
    return [float(number) for number in DIGITS.findall(text.replace(",", ""))]


def _words(text: str) -> set[str]:
    return set(re.findall(r"[\w']+", text))


def _rest_is_filler(typed: str, label: str, answers: frozenset[str]) -> bool:
    """Whether ``typed`` without ``label`` is only filler (or other answers' words), so the label counts whole.

    Other answers' words are left to the caller: "yes and no" fits "Yes" and "No", to ask between.
    """
    rest = typed.replace(label, " ", 1)
    if label.isascii():
        return all(word in FILLER_WORDS or word in answers for word in _words(rest))
    return all(character in FILLER_CHARACTERS or not character.strip() for character in rest)


def fits(typed: str, label: str, answers: frozenset[str] = frozenset()) -> bool:
    """Whether folded ``typed`` may mean folded ``label``: it starts it, is part of it, or holds it whole.

    Both are compared loosely (``loose``). Text is looked for inside a label, and a label inside
    text, only from ``MIN_INSIDE`` characters on; a label inside Latin text must be words of its
    own ("no" is in "no loans", not in "not sure"), and the rest of the text filler or words of
    the question's other ``answers`` ("no income" is not "No"). Every number typed must be one of
    the label's own ("-1" is not in "5-10 years").
    """
    typed_numbers = _numbers(typed)
    if typed_numbers and (NEGATIVE.match(typed) or not set(typed_numbers) <= set(_numbers(label))):
        return False
    if label.startswith(typed):
        return True
    typed, label = loose(typed), loose(label)
    if len(typed) >= MIN_INSIDE and typed in label:
        return True
    if len(label) < MIN_INSIDE:
        return False
    if label.isascii():
        inside = re.search(rf"(?<!\w){re.escape(label)}(?!\w)", typed) is not None
    else:
        inside = label in typed
    return inside and _rest_is_filler(typed, label, answers)


def takes_amounts(question: Question) -> bool:
    """Whether the question's choices stand for amounts, so a typed number is one (never a place)."""
    return any(choice.amount is not None for choice in question.choices)


def _figure(digits: str, multiplier: str | None) -> float:
    return float(digits.replace(",", "")) * MULTIPLIERS.get(multiplier or "", 1)


def typed_amount(question: Question, typed: str) -> tuple[float, float] | None:
    """The amount folded ``typed`` names at an amount question, as (low, high); ``None`` for anything else.

    "5", "5张", "5 cards" are (5, 5); "3-5yrs" and "3 to 5 yrs" the range (3, 5); money as people
    write it: "3000", "3,000元", "¥3000", "3k", "1万" (10000); in "1-10万" the 万 counts for both ends.
    """
    if not takes_amounts(question):
        return None
    if (span := RANGE.fullmatch(typed)) is not None:
        low_multiplier = span[2] or span[4]  # "1-10万": the multiplier written once, after the range
        return _figure(span[1], low_multiplier), _figure(span[3], span[4])
    if (number := NUMBER.fullmatch(typed)) is not None:
        value = _figure(number[1], number[2])
        return value, value
    return None


def amount_choices(question: Question, typed: str, shown: Sequence[int]) -> tuple[int, ...] | None:
    """The choices (of ``shown``) folded ``typed`` names as an amount, or ``None`` when it is no amount.

    A number is the choices that hold it; a range, the choice that is that range, else the one it
    lies wholly inside ("5-6 years"). Only at a question whose choices stand for amounts (``typed_amount``).
    """
    amount = typed_amount(question, typed)
    if amount is None:
        return None
    low, high = amount
    if low == high:
        return tuple(i for i in shown if (a := question.choices[i].amount) is not None and a.holds(low))
    named = tuple(i for i in shown if (a := question.choices[i].amount) is not None and a.spans(low, high))
    return named or _holding(question, shown, low, high)


def _holding(question: Question, shown: Sequence[int], low: float, high: float) -> tuple[int, ...]:
    """The one choice a typed range lies wholly inside ("5-6 years" is "5-10 years"); none if it spans two."""
    inside = tuple(i for i in shown if (a := question.choices[i].amount) is not None and a.holds(low) and a.holds(high))
    return inside if len(inside) == 1 else ()


Reading = Literal["amount", "place"]
"""How a typed number was taken: the quantity it names, or the place of a button."""


def number_reading(question: Question, text: str) -> Reading | None:
    """How a number typed at a choice question is read: the amount it names, or a button's place.

    At a question whose choices stand for amounts any number is the amount ("3" is 3 years, cards
    or yuan; "4张", "1万" too); anywhere else a bare number is the button in that place. ``None``
    for anything else (words, a label, a range such as "3-5 years", which names its choice): the
    reply confirming a number says which reading it took, so "3" never means one thing silently.
    """
    if takes_amounts(question):
        amount = typed_amount(question, fold(text))
        # A range ("3-5 years") names its choice outright: no other reading to tell apart.
        return "amount" if amount is not None and amount[0] == amount[1] else None
    return "place" if typed_place(text) is not None else None


def matching_choices(question: Question, text: str, shown: Sequence[int] | None = None) -> tuple[int, ...]:
    """The choice indexes (into ``question.choices``) ``text`` may mean, in the order shown.

    ``shown`` are the choices offered, in the order shown (every choice unless the dialog holds
    some back); a typed place counts among them. An exact label wins over the others ("逾期过" is
    one answer even though it is part of "逾期过一次"); a number is an amount where the choices
    stand for amounts (``amount_choices``), else the button in that place; otherwise every label the
    text fits (``fits``): "逾期" is three answers to ask between, "当前逾期" is "目前有逾期",
    "I have no loans" is "No loans".
    """
    typed = fold(text)
    if not typed or NEGATIVE.match(typed):
        return ()
    shown = tuple(question.display_indexes() if shown is None else shown)
    amounts = amount_choices(question, typed, shown)
    if amounts is not None:
        return amounts
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
    words = frozenset(word for index in shown for label in labels[index] for word in _words(label))
    found = tuple(index for index in shown if any(fits(typed, label, words) for label in labels[index]))
    spoken = spoken_numbers(typed)
    # Said in words ("两张", "大概五六年吧", "一万以下", "about five years"): read again in digits. A
    # numeral alone is no button's place ("三" is not the third choice), only an amount.
    if not found and spoken != typed and (takes_amounts(question) or not spoken.isdigit()):
        return matching_choices(question, spoken, shown)
    return found


CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
CHINESE_DIGITS |= {"八": 8, "九": 9}
CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}
CHINESE_NUMERAL = re.compile(r"[零〇一二两俩三四五六七八九十百千][零〇一二两俩三四五六七八九十百千万]*")
"""A run of Chinese numerals; a 万 on its own stays (after digits it is the labels' own "1万")."""
ENGLISH_NUMBERS = {
    word: str(value)
    for value, word in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())
}
HEDGES = re.compile(
    r"大概|大约|差不多|左右|将近|接近|可能|应该|估计|\b(?:about|around|roughly|approximately|approx|maybe|probably|nearly"
    r"|almost|like|some)\b"
)
"""Words that make an amount approximate without changing which range it is in ("大概5年", "about 5 years")."""
PARTICLES = re.compile(r"[我吧呢啊呀嘛了哦嗯]|有(?=\d)")
"""Characters around a Chinese amount that say nothing about it ("我有两张吧" is "2张"); none is in a label."""


def spoken_numbers(typed: str) -> str:
    """Folded ``typed`` with its numbers in digits, as the amounts and labels are written.

    Chinese numerals ("五年" 5年, "两张" 2张, "三千五" 3500, "一万以下" 1万以下: 万 is kept, as the
    labels write it) and two neighbours said together ("五六年" 5-6年, "两三张" 2-3张: "5 or 6");
    English number words up to twelve ("five years"). Hedges ("大概", "about") and particles go,
    so "大概五六年吧" is "5-6年". Text without such words comes back as it was.
    """
    text = CHINESE_NUMERAL.sub(lambda match: _chinese_number(match[0]), typed)
    text = re.sub(r"\b[a-z]+\b", lambda match: ENGLISH_NUMBERS.get(match[0], match[0]), text)
    if not DIGITS.search(text):  # no number: the words around one are no filler ("我有" stays)
        return typed
    text = PARTICLES.sub("", HEDGES.sub(" ", text))
    words = [word for word in text.split() if word not in FILLER_WORDS]
    return fold(" ".join(words))


def _chinese_number(run: str) -> str:
    """One run of Chinese numerals in digits: "两" 2, "二十五" 25, "三千五" 3500, "一万" 1万, "五六" 5-6."""
    first, second, unit = CHINESE_DIGITS.get(run[0]), CHINESE_DIGITS.get(run[1:2]), run[2:]
    if first is not None and second == first + 1 and unit in ("", *CHINESE_UNITS, "万"):
        # Two neighbours said together, five or six: "五六年" 5-6, "两三千" 2000-3000, "两三万" 2-3万.
        if unit == "万":
            return f"{first}-{second}万"
        scale = CHINESE_UNITS.get(unit, 1)
        return f"{first * scale}-{second * scale}"
    head, ten_thousand, tail = run.partition("万")
    if not ten_thousand:
        return str(_below_ten_thousand(run))
    if not tail:
        return f"{_below_ten_thousand(head or '一')}万"  # "一万", "十万": as the labels write 1万, 10万
    small = _below_ten_thousand(tail)
    if tail in CHINESE_DIGITS:  # "一万五": fifteen thousand, the digit counting thousands
        small *= 1000
    return str(_below_ten_thousand(head or "一") * 10_000 + small)


def _below_ten_thousand(run: str) -> int:
    """Numerals without 万: "十" 10, "二十五" 25, "一百零五" 105; "三千五" 3500 (a last digit counts one unit down)."""
    if all(character in CHINESE_DIGITS for character in run):
        return int("".join(str(CHINESE_DIGITS[character]) for character in run) or 0)  # "五零零": 500
    total, digit = 0, 0
    for character in run:
        if character in CHINESE_UNITS:
            total += (digit or 1) * CHINESE_UNITS[character]
            digit = 0
        else:
            digit = CHINESE_DIGITS.get(character, 0)
    if len(run) > 1 and run[-2] in CHINESE_UNITS and run[-1] in CHINESE_DIGITS:  # "三千五": 3500
        digit *= CHINESE_UNITS[run[-2]] // 10
    return total + digit


COUNT_UNIT = re.compile(r"\s*(?:种|个|项|样|kinds?|types?|bills?)$")
"""What may follow a count typed at a number question ("3种", "3 kinds")."""


def typed_count(text: str) -> str:
    """The count typed at a number question, in digits where it was said in words, else ``text`` as typed.

    "三种", "大概三种吧", "3 kinds", "three" are "3": what the question's own parser reads.
    """
    spoken = PARTICLES.sub("", HEDGES.sub(" ", spoken_numbers(fold(text))))
    count = COUNT_UNIT.sub("", fold(" ".join(word for word in spoken.split() if word not in FILLER_WORDS)))
    return count if count.isascii() and count.isdigit() else text


def may_answer(question: Question, text: str) -> bool:
    """Whether ``text`` reads as an attempt to answer ``question`` (a number for a number question)."""
    if question.kind == "number":
        return any(character.isdigit() for character in unicodedata.normalize("NFKC", typed_count(text)))
    return bool(matching_choices(question, text))
