"""The answer structure: which answers settle others, as data, in one place.

Some answers imply others: a person with no credit card has no card repayment record and no
card bound to Alipay; a person who pays no living bills through Alipay has no bill address to
compare. The dialog, the synthetic population, the advice and the command line all read these
links from here, so none of them can ask, generate, advise or accept an impossible profile.

A link is one row: "when ``when_id`` is ``when_value``, ``then_id`` must be ``then_value``".
An equivalence is two rows. ``LINKS`` is closed under chaining (a test checks it), so one pass
over the rows finds every implied answer and every contradiction, and each contradiction names
two answers the person actually gave.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scoring.questions import QUESTION_BY_ID, QUESTIONS, Answer, InvalidAnswer, Lang


@dataclass(frozen=True)
class Link:
    """When question ``when_id`` is answered ``when_value``, question ``then_id`` is ``then_value``."""

    when_id: str
    when_value: Answer
    then_id: str
    then_value: Answer


LINKS: tuple[Link, ...] = (
    # No credit card <=> no card repayment record; either way no card can be bound to Alipay.
    Link("credit_cards", "none", "card_repayment", "no_cards"),
    Link("card_repayment", "no_cards", "credit_cards", "none"),
    Link("credit_cards", "none", "card_bills", "none"),
    Link("card_repayment", "no_cards", "card_bills", "none"),
    # No living bills paid through Alipay <=> no bill address to compare with the delivery one.
    Link("living_bills", 0, "bill_address", "no_bills"),
    Link("bill_address", "no_bills", "living_bills", 0),
)


#: Questions in some link: changing one may settle, unsettle or contradict another answer.
LINKED: frozenset[str] = frozenset(q for link in LINKS for q in (link.when_id, link.then_id))

#: How linked answers read as one reason, keyed by the answer that settles the others.
GROUP_NAMES: dict[tuple[str, Answer], dict[str, str]] = {
    ("credit_cards", "none"): {"zh": "还没有信用卡", "en": "No credit card yet"},
    ("living_bills", 0): {"zh": "没有用支付宝缴生活费", "en": "No living bills paid through Alipay"},
}


def _same(a: Answer, b: Answer) -> bool:
    """Answers compare by type as well as value, so ``0`` never equals ``False``."""
    return type(a) is type(b) and a == b


@dataclass(frozen=True)
class Contradiction:
    """Two given answers that cannot both be true (the first settles the second otherwise)."""

    first_id: str
    first_value: Answer
    second_id: str
    second_value: Answer

    def message(self, lang: Lang) -> str:
        """One line naming both answers, with the questions' own words, in ``lang``."""
        first = QUESTION_BY_ID[self.first_id]
        second = QUESTION_BY_ID[self.second_id]
        first_label = first.label(self.first_value, lang)
        second_label = second.label(self.second_value, lang)
        if lang == "zh":
            return f"「{first.prompt(lang)}」答「{first_label}」与「{second.prompt(lang)}」答「{second_label}」互相矛盾"
        return (
            f"{self.first_id}={self.first_value!r} ({first_label}) contradicts "
            f"{self.second_id}={self.second_value!r} ({second_label})"
        )


class ContradictoryAnswers(InvalidAnswer):
    """A profile holding two answers that cannot both be true."""

    def __init__(self, contradiction: Contradiction) -> None:
        self.contradiction = contradiction
        expected = next(
            link.then_value
            for link in LINKS
            if link.when_id == contradiction.first_id
            and _same(link.when_value, contradiction.first_value)
            and link.then_id == contradiction.second_id
        )
        super().__init__(
            contradiction.first_id,
            contradiction.first_value,
            f"contradicts {contradiction.second_id}={contradiction.second_value!r} "
            f"(with {contradiction.first_id}={contradiction.first_value!r}, "
            f"{contradiction.second_id} can only be {expected!r}); fix one of the two",
        )


def _fired(answers: dict[str, Answer]) -> list[Link]:
    """The links whose condition the given answers meet."""
    return [link for link in LINKS if link.when_id in answers and _same(answers[link.when_id], link.when_value)]


def implied_answers(answers: dict[str, Answer]) -> dict[str, Answer]:
    """Answers the given ones settle, for questions not answered yet."""
    return _implied(answers, _fired(answers))


def _implied(answers: dict[str, Answer], fired: list[Link]) -> dict[str, Answer]:
    """``implied_answers`` from the links ``answers`` fire (``_fired``), when the caller has them."""
    implied: dict[str, Answer] = {}
    for link in fired:
        if link.then_id not in answers:
            implied[link.then_id] = link.then_value
    return implied


def complete(answers: dict[str, Answer]) -> dict[str, Answer]:
    """The given answers plus the ones they imply."""
    return {**answers, **implied_answers(answers)}


def settled(question_id: str, answers: dict[str, Answer]) -> bool:
    """Whether an earlier answer already settles ``question_id`` (the dialog then never asks it)."""
    return question_id in implied_answers(answers)


def answered_count(answers: dict[str, Answer]) -> tuple[int, int]:
    """How many questions are answered, of how many there are to answer.

    A question an earlier answer settles is never asked, so it counts nowhere, as in the
    dialog's progress: with no credit card the card questions are neither answered nor open.
    Every count of answers shown (the score, the profile) is this one.
    """
    answered = sum(1 for q in QUESTIONS if q.id in answers)
    return answered, len(QUESTIONS) - len(implied_answers(answers))


def contradictions(answers: dict[str, Answer]) -> list[Contradiction]:
    """Every pair of given answers that cannot both be true, each pair reported once."""
    return _contradictions(answers, _fired(answers))


def _contradictions(answers: dict[str, Answer], fired: list[Link]) -> list[Contradiction]:
    """``contradictions`` from the links ``answers`` fire (``_fired``), when the caller has them."""
    found: list[Contradiction] = []
    seen: set[frozenset[str]] = set()
    for link in fired:
        if link.then_id not in answers or _same(answers[link.then_id], link.then_value):
            continue
        pair = frozenset((link.when_id, link.then_id))
        if pair in seen:
            continue
        seen.add(pair)
        found.append(Contradiction(link.when_id, answers[link.when_id], link.then_id, answers[link.then_id]))
    return found


def check(answers: dict[str, Answer]) -> None:
    """Raise ``ContradictoryAnswers`` naming the first contradiction, if there is one."""
    found = contradictions(answers)
    if found:
        raise ContradictoryAnswers(found[0])


def contradicting(question_id: str, value: Answer, answers: dict[str, Answer]) -> Contradiction | None:
    """The first given answer that ``question_id`` answered ``value`` would contradict, if any.

    ``answers`` are the other answers the question must respect (its own is left out). The dialog
    offers only the choices this finds nothing against, so an answer never silently rewrites an
    earlier one: "no credit card" is not offered after "1-2 cards".
    """
    others = {qid: v for qid, v in answers.items() if qid != question_id}
    for found in contradictions({**others, question_id: value}):
        if question_id in (found.first_id, found.second_id):
            return found
    return None


def linked_groups(answers: dict[str, Answer]) -> list[tuple[str, ...]]:
    """The answered questions, with answers joined by a link that holds here in one group.

    "No credit card" with its settled "no card repayment record" and "no card bills" is one
    fact, shown as one reason. Groups and their members come in questionnaire order.
    """
    order = {q.id: i for i, q in enumerate(QUESTIONS)}
    leader = {qid: qid for qid in answers}

    def find(question_id: str) -> str:
        while leader[question_id] != question_id:
            question_id = leader[question_id]
        return question_id

    for link in _fired(answers):
        if link.then_id in answers and _same(answers[link.then_id], link.then_value):
            a, b = find(link.when_id), find(link.then_id)
            if a != b:
                leader[max(a, b, key=order.__getitem__)] = min(a, b, key=order.__getitem__)
    groups: dict[str, list[str]] = {}
    for qid in sorted(answers, key=order.__getitem__):
        groups.setdefault(find(qid), []).append(qid)
    return [tuple(members) for members in groups.values()]


def _drop_with_dependants(profile: dict[str, Answer], question_id: str) -> None:
    """Remove an answer and the answers it alone settled (they were never asked for)."""
    value = profile.pop(question_id, None)
    if value is None:
        return
    for link in LINKS:
        if link.when_id == question_id and _same(link.when_value, value):
            held = profile.get(link.then_id)
            if held is not None and _same(held, link.then_value):
                _drop_with_dependants(profile, link.then_id)


def consistent_after_change(answers: dict[str, Answer], question_id: str, value: Answer) -> dict[str, Answer]:
    """The profile after changing one answer, kept consistent.

    The new answer wins: answers the old one settled are dropped (they were never asked), any
    answer that contradicts the new one is dropped (the dialog asks it again), and the answers
    the result implies are set. Answers are never lost otherwise.
    """
    profile = dict(answers)
    old = profile.get(question_id)
    if old is not None and not _same(old, value):
        _drop_with_dependants(profile, question_id)
    profile[question_id] = value
    # The links the profile fires are found once per pass and read twice: for contradictions
    # and, once there are none, for the answers they imply (this runs for every action the
    # advice ranks, so the repeated scan showed).
    while True:
        fired = _fired(profile)
        found = _contradictions(profile, fired)
        if not found:
            break
        first = found[0]
        other = first.second_id if first.first_id == question_id else first.first_id
        _drop_with_dependants(profile, other)
        profile[question_id] = value
    profile.update(_implied(profile, fired))  # ``complete``, on the copy made above
    return profile


def consistent_after_changes(answers: dict[str, Answer], changes: Iterable[tuple[str, Answer]]) -> dict[str, Answer]:
    """``consistent_after_change`` for each ``(question_id, value)`` in turn, without redoing what cannot move.

    Once one change has gone through ``consistent_after_change`` the profile is consistent and
    holds every answer it implies. On such a profile a question in no link can contradict,
    settle or unsettle nothing, so changing it changes that answer alone, in the same place
    (moved to the end when its value changes, as the full function moves it). The advice
    projects several changes per profile, most of them outside the links; a test checks this
    equals the change-by-change fold, key order included.
    """
    profile = dict(answers)
    settled_profile = False
    for question_id, value in changes:
        if settled_profile and question_id not in LINKED:
            old = profile.get(question_id)
            if old is not None and not _same(old, value):
                del profile[question_id]
            profile[question_id] = value
        else:
            profile = consistent_after_change(profile, question_id, value)
            settled_profile = True
    return profile
