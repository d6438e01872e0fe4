"""Sample contexts of the bot's templates (``bot_*``, ``chat_*``, ``cli_no_token``), built from real objects."""

from __future__ import annotations

from datetime import UTC, datetime

from advice.catalogue import ACTION_BY_ID, ACTIONS
from advice.feasibility import RECORD_ACTIONS
from advice.presentation import action_view
from advice.ranking import rank
from bot.commands import COMMANDS, descriptions
from bot.dialog import InputProblem
from bot.reminder_schedule import due_view, next_recompute
from bot.screens import amount_example, conflict_view, numbers_inside, profile_view
from scoring.presentation import answer_label, question_view, score_view
from scoring.questions import QUESTION_BY_ID, QUESTIONS, QUICK_IDS
from scoring.structure import contradicting

from .samples import PROFILES, Context, _action_steps, calibrated_base, card, example_answers, sample
from .samples_progress import _calibrated, _changes

REASONS_WITH_A_QUESTION: tuple[InputProblem, ...] = (
    "use_buttons",
    "ambiguous",
    "contradicts",
    "not_a_number",
    "out_of_range",
    "too_long",
    "stale",
    "forged",
    "first_question",
)
REASONS_WITHOUT: tuple[InputProblem, ...] = ("stale", "forged", "no_question")
NUMBER = next(q for q in QUESTIONS if q.kind == "number")


def conflict(lang: str) -> dict[str, str]:
    """ "No credit card" typed at the repayment question after "1-2 cards": the answer that rules it out."""
    found = contradicting("card_repayment", "no_cards", {"credit_cards": "one_two"})
    assert found is not None
    return conflict_view(found, "card_repayment", lang)


def candidates(lang: str) -> list[str]:
    """Two labels an ambiguous typed answer ("late", "逾期") could mean."""
    huabei = QUESTION_BY_ID["huabei"]
    return [huabei.choices[1].label(lang), huabei.choices[2].label(lang)]


@sample("bot_welcome.html.j2")
def _welcome(lang: str) -> list[Context]:
    return [
        {"returning": returning, "quick_total": len(QUICK_IDS), "show_disclaimer": shown, "brief_disclaimer": brief}
        for returning in (False, True)
        for shown, brief in ((True, False), (True, True), (False, False))
    ]


@sample("bot_invalid.html.j2")
def _invalid(lang: str) -> list[Context]:
    asked = [
        {
            "problem": r,
            "asking": True,
            "q": question_view(NUMBER.id, lang),
            "candidates": candidates(lang),
            "conflict": conflict(lang),
            "inside": [],
        }
        for r in REASONS_WITH_A_QUESTION
    ]
    years = QUESTION_BY_ID["account_age"]  # "3" years: "1-3" or "3-5", which a number inside one tells apart
    amounts = {
        **asked[0],
        "problem": "ambiguous",
        "candidates": [years.choices[1].label(lang), years.choices[2].label(lang)],
        "inside": numbers_inside(years, (1, 2), lang),
    }
    return [*asked, amounts] + [{"problem": r, "asking": False} for r in REASONS_WITHOUT]


@sample("bot_question.html.j2")
def _question(lang: str) -> list[Context]:
    contexts = []
    for i, question in enumerate(QUESTIONS):
        path = ("quick", "full", "edit")[i % 3]
        current = question.levels[-1] if i % 2 else None
        contexts.append(
            {
                "q": question_view(question.id, lang),
                "position": i % 10 + 1,
                "total": 10 if path == "quick" else len(QUESTIONS),
                "path": path,
                "opens_dimension": i % 4 < 2,
                "current": None if current is None else answer_label(question.id, current, lang),
                "in_change": path == "edit" and current is None and i % 3 == 0,
                "problem": None,
                "amount_example": amount_example(question, lang),
                "asking": True,
            }
        )
    for problem in REASONS_WITH_A_QUESTION:
        contexts.append(
            {
                "q": question_view(NUMBER.id, lang),
                "position": 3,
                "total": 17,
                "path": "full",
                "opens_dimension": False,
                "current": None,
                "problem": problem,
                "candidates": candidates(lang),
                "conflict": conflict(lang),
                "amount_example": None,
                "inside": [],
                "asking": True,
            }
        )
    return contexts


@sample("bot_answered.html.j2")
def _answered(lang: str) -> list[Context]:
    return [
        {
            "path": path,
            "position": 4,
            "total": 10,
            "prompt": q.prompt(lang),
            "answer": answer_label(q.id, q.levels[0], lang),
            "typed": typed,
            "read_as": read_as,
            "amount": amount,
            "bare": bare,
            "money": q.money,
        }
        for q in QUESTIONS
        for path in ("quick", "edit")
        for typed, read_as, amount, bare in (
            (None, None, None, False),
            ("3", "amount", "3", True),
            ("1万" if lang == "zh" else "10k", "amount", "10000", False),
            ("3", "place", None, True),
        )
    ]


@sample("bot_score.html.j2")
def _score(lang: str) -> list[Context]:
    contexts = []
    for profile in PROFILES[:3]:
        view = score_view(card().score(profile()), lang)
        changes = _changes(lang)
        calibrations = _calibrated(lang)
        for n, heading in enumerate((None, "finished", "complete", None)):
            change, calibrated = changes[n * 2 % len(changes)], calibrations[n % len(calibrations)]
            contexts.append({**view, "heading": heading, "change": change, "calibrated": calibrated})
    return contexts


@sample("bot_no_answers.html.j2")
def _quick_total(lang: str) -> list[Context]:
    return [{"quick_total": len(QUICK_IDS)}]


@sample("bot_commands.txt.j2")
def _commands(lang: str) -> list[Context]:
    return [{"command": command.name, "quick_total": len(QUICK_IDS)} for command in COMMANDS]


@sample("bot_cancelled.html.j2")
def _cancelled(lang: str) -> list[Context]:
    return [{"answered": n} for n in (0, 1, 12)]


@sample("bot_profile.html.j2")
def _profile(lang: str) -> list[Context]:
    # The screen's own context: implied answers ("no credit card" settles two) and record items said.
    no_cards = {**example_answers(), "credit_cards": "none"}
    no_cards.pop("card_repayment", None)
    no_cards.pop("card_bills", None)
    return [
        profile_view(example_answers(), lang, {}),
        profile_view(no_cards, lang, {"vehicle": False, "property": True}),
    ]


@sample("bot_record_item.html.j2")
def _record_item(lang: str) -> list[Context]:
    return [
        {"question_id": qid, "gain": gain, "left": left}
        for qid, gain, left in zip(RECORD_ACTIONS, (14, 20, 3, 9, 5, 2), (5, 4, 3, 2, 1, 0), strict=False)
    ]


@sample("bot_record_done.html.j2")
def _record_done(lang: str) -> list[Context]:
    return [{}]


@sample(
    "bot_language.html.j2",
    "bot_language_set.html.j2",
    "bot_forgotten.html.j2",
    "bot_forget_kept.html.j2",
    "bot_unknown.html.j2",
    "bot_error.html.j2",
    "bot_unavailable.html.j2",
    "bot_unsupported.html.j2",
    "bot_chart_caption.html.j2",
    "cli_no_token.txt.j2",
    "chat_intro.txt.j2",
)
def _plain(lang: str) -> list[Context]:
    return [{}]


@sample("cli_webhook_invalid.txt.j2")
def _webhook_invalid(lang: str) -> list[Context]:
    return [
        {"problem": problem, "variable": "TELEGRAM_WEBHOOK_X"}
        for problem in ("no_secret", "bad_secret", "not_https", "bad_port", "bad_register")
    ]


@sample("cli_metrics_port.txt.j2")
def _metrics_port(lang: str) -> list[Context]:
    return [{"variable": "SESAME_METRICS_PORT", "listen": "127.0.0.1", "port": 9464}]


@sample("cli_setting_invalid.txt.j2")
def _setting_invalid(lang: str) -> list[Context]:
    return [{"variable": "SESAME_CONCURRENCY", "low": 1, "high": 1024}]


@sample("bot_export.html.j2", "bot_forget_confirm.html.j2")
def _counts(lang: str) -> list[Context]:
    said = [
        {
            "title": ACTION_BY_ID[RECORD_ACTIONS[qid]].title(lang),
            "topic": QUESTION_BY_ID[qid].topic(lang),
            "owned": owned,
        }
        for qid, owned in (("provident_fund", True), ("vehicle", False))
    ]
    return [
        {"answers": 12, "snapshots": 3, "reminders": 2, "reports": 3, "goal": 1, "said": said, "bills": 2},
        {"answers": 0, "snapshots": 0, "reminders": 0, "reports": 0, "goal": 0, "said": [], "bills": 0},
        {"answers": 1, "snapshots": 1, "reminders": 1, "reports": 1, "goal": 0, "said": said[:1], "bills": 1},
    ]


#: Due moments across a year (a rollover into January, a 29 February, a due date in December) and zones
#: (China's, named "China time"; others by their IANA name).
DUES = [
    due_view(next_recompute(datetime(*moment, tzinfo=UTC), zone), zone)
    for moment, zone in (
        ((2025, 12, 20), "Asia/Shanghai"),
        ((2028, 2, 10), "Asia/Shanghai"),
        ((2030, 11, 30, 12), "Asia/Shanghai"),
        ((2025, 12, 20), "Europe/Berlin"),
        ((2028, 2, 10), "America/Los_Angeles"),
    )
]


@sample("_due.txt.j2")
def _due(lang: str) -> list[Context]:
    return [{"due": due} for due in DUES]


@sample("bot_steps.html.j2")
def _steps(lang: str) -> list[Context]:
    steps = _action_steps(lang)
    plan = rank(card(), PROFILES[0]())
    calibrated = [{"action": action_view(r, lang, calibrated_base(plan.before.score, 30))} for r in plan.actions[:2]]
    record = {
        "question": QUESTIONS[1].prompt(lang),
        "now": QUESTIONS[1].choices[2].label(lang),
        "after": QUESTIONS[1].choices[4].label(lang),
    }
    loans = {
        "question": QUESTIONS[2].prompt(lang),
        "now": QUESTIONS[2].choices[0].label(lang),
        "after": QUESTIONS[2].choices[1].label(lang),
    }
    return [
        {**context, "due": due, "records": r}
        for context in steps[:2] + steps[-2:] + calibrated
        for due in (None, DUES[0], DUES[3])
        for r in ([], [record], [record, loans])
    ]


@sample("bot_reminder.html.j2")
def _reminder(lang: str) -> list[Context]:
    change = {
        "question": QUESTIONS[1].prompt(lang),
        "now": QUESTIONS[1].choices[2].label(lang),
        "after": QUESTIONS[1].choices[4].label(lang),
    }
    loans = {
        "question": QUESTIONS[2].prompt(lang),
        "now": QUESTIONS[2].choices[0].label(lang),
        "after": QUESTIONS[2].choices[1].label(lang),
    }
    return [
        {"title": action.title(lang), "last": last, "changes": c}
        for action in ACTIONS[:3]
        for last in (
            None,
            {"score": 612, "low": 571, "high": 650, "calibrated": False},
            {"score": 640, "low": 622, "high": 659, "calibrated": True},
        )
        for c in ([], [change], [change, loans])
    ]


@sample("bot_help.html.j2")
def _help(lang: str) -> list[Context]:
    return [
        {"commands": descriptions(lang), "puzzled": puzzled, "number": number}
        for puzzled, number in ((False, None), (True, None), (True, 3), (True, 12345))
    ]


@sample("bot_notice.txt.j2")
def _notice(lang: str) -> list[Context]:
    return [{"notice": name} for name in ("stale", "forged", "no_user", "private_only", "unavailable")]


@sample("bot_button.txt.j2")
def _button(lang: str) -> list[Context]:
    from advice import ACTIONS

    title = ACTIONS[0].title(lang)
    label = QUESTIONS[0].choices[0].label(lang)
    return [
        {"button": "current", "label": label},
        *(
            {"button": name}
            for name in (
                "advice",
                "whatif",
                "full",
                "profile",
                "forget_yes",
                "forget_no",
                "steps_back",
                "remind",
                "unremind",
                "score",
                "record",
            )
        ),
        {"button": "unremind_listed", "number": 2, "title": title},
        {"button": "steps", "number": 1, "title": title},
        {"button": "toggle", "on": True, "title": title},
        {"button": "toggle", "on": False, "title": title},
        {"button": "tell_more", "topic": QUESTION_BY_ID["living_bills"].topic(lang)},
        {"button": "owned_flip", "topic": QUESTION_BY_ID["provident_fund"].topic(lang), "to": False},
        {"button": "owned_flip", "topic": QUESTION_BY_ID["vehicle"].topic(lang), "to": True},
    ]


@sample("bot_tell_more.html.j2")
def _tell_more(lang: str) -> list[Context]:
    return [{}]


@sample("bot_chart_title.txt.j2")
def _chart_title(lang: str) -> list[Context]:
    return [
        {"score": 650, "low": 598, "high": 706, "calibrated": False},
        {"score": 672, "low": 640, "high": 704, "calibrated": True},
    ]


@sample("chart_weight.txt.j2")
def _chart_weight(lang: str) -> list[Context]:
    return [{"percent": 35}, {"percent": 5}]


@sample("chart_not_asked.txt.j2")
def _chart_not_asked(lang: str) -> list[Context]:
    return [{}]


@sample("chart_history_title.txt.j2")
def _chart_history_title(lang: str) -> list[Context]:
    return [{}]


@sample("chart_history_legend.txt.j2")
def _chart_history_legend(lang: str) -> list[Context]:
    return [{"what": w} for w in ("estimate", "answers", "calibrated", "range", "reported")]


@sample("bot_whatif_pick.html.j2")
def _whatif_pick(lang: str) -> list[Context]:
    return [
        {"offered": 4, "score": 650, "calibrated": False, "low": 601, "high": 697},
        {"offered": 0, "score": 950, "calibrated": False, "low": 931, "high": 950},
        {"offered": 4, "score": 629, "calibrated": True, "low": 611, "high": 648},
        {"offered": 4, "score": 629, "calibrated": True, "low": 611, "high": 648, "brief_disclaimer": True},
    ]


@sample("bot_skipped.html.j2")
def _skipped(lang: str) -> list[Context]:
    return [{"path": path} for path in ("quick", "full", "edit")]


@sample("chat_bye.txt.j2")
def _bye(lang: str) -> list[Context]:
    return [{"forgotten": False}, {"forgotten": True}]


@sample("chat_choose.txt.j2")
def _choose(lang: str) -> list[Context]:
    return [
        {"typed": typed, "buttons": buttons, "question": question, "words": words}
        for typed, buttons, words in ((True, 7, False), (True, 5, True), (False, 4, True), (False, 1, True))
        for question in (False, True)
    ]


@sample("chat_no_choice.txt.j2")
def _no_choice(lang: str) -> list[Context]:
    return [{"number": 9, "buttons": 4}, {"number": 0, "buttons": 1}]


@sample("chat_file.txt.j2")
def _file(lang: str) -> list[Context]:
    return [
        {"kind": "photo", "path": "data/chat/sesame-score.jpg"},
        {"kind": "file", "path": "data/chat/sesame-advisor-data.json"},
    ]
