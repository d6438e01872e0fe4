"""``sesame-advisor chat``: the bot's dialog in a terminal, piped input, clean exits."""

import asyncio
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.chat import plain, read_line, run_chat
from bot.replies import CHAT_FILES
from bot.storage import open_storage
from scoring.card import load_scorecard
from scoring.presentation import score_view
from scoring.questions import QUESTION_BY_ID, QUESTIONS, QUICK_IDS
from templates import render

QUICK = [QUESTION_BY_ID[qid] for qid in QUICK_IDS]


def chat(tmp_path, lines, lang="en", client="en_US.UTF-8"):
    out = io.StringIO()
    stdin = io.BytesIO("".join(f"{line}\n" for line in lines).encode())
    url = f"sqlite+aiosqlite:///{tmp_path / 'sesame.sqlite3'}"
    code = run_chat(url, tmp_path / "chat", lang, client, stdin=stdin, out=out)
    return code, out.getvalue()


def stored_answers(tmp_path):
    async def read():
        storage = await open_storage(f"sqlite+aiosqlite:///{tmp_path / 'sesame.sqlite3'}")
        try:
            return await storage.answers(0)
        finally:
            await storage.close()

    return asyncio.run(read())


def test_plain_drops_tags_and_unescapes():
    assert plain("<b>Tom &amp; Jerry</b> &lt;3 Yu&#39;e") == "Tom & Jerry <3 Yu'e"


def test_the_quick_check_by_numbers_ends_with_the_score_and_a_saved_chart(tmp_path):
    code, out = chat(tmp_path, ["2"] * len(QUICK))
    assert code == 0
    assert "Welcome to Sesame Advisor" in out and "<b>" not in out
    # A question of amounts lists its choices without numbers: a number typed there is the amount.
    assert f"[{QUICK[0].choices[0].en}]" in out and f"1) {QUICK[1].choices[0].en}" in out
    answers = stored_answers(tmp_path)
    # "2" picks the second choice as shown, and is 2 years or 2 cards where those are asked.
    assert answers == {q.id: q.levels[q.display_indexes()[1]] for q in QUICK}
    result = load_scorecard().score(answers)
    view = score_view(result, "en")
    first, last = view["range_bands"][0], view["range_bands"][-1]
    lead = f"{view['low']}-{view['high']}, probably {first} to {last}" if view["wide"] else str(result.score)
    assert f"Estimated Sesame score: {lead}" in out
    chart = tmp_path / "chat" / "sesame-score.jpg"
    assert chart.read_bytes()[:3] == b"\xff\xd8\xff" and str(chart) in out
    assert out.rstrip().endswith("where you left off.")


def test_typed_numbers_bad_input_and_commands(tmp_path):
    lines = ["/full", *["/skip"] * 8, "9", "many", "4", "/back", "/cancel", "/nonsense", "/quit", "1"]
    code, out = chat(tmp_path, lines)
    assert code == 0
    assert "[0]  [1]  [2]  [3]  [4]  [5]  [6]" in out and "(type the number)" in out
    assert "That number is not allowed here" in out and "That is not a number" in out
    assert "I don't know that command" in out
    assert stored_answers(tmp_path) == {"living_bills": 4}
    assert "› 1" not in out  # nothing is read after /quit


def test_a_restarted_chat_continues_at_the_same_question(tmp_path):
    chat(tmp_path, ["1", "1"])
    code, out = chat(tmp_path, ["/quit"])
    assert "Welcome back" in out and f"3/{len(QUICK)}" in out and QUICK[2].en in out


def test_export_and_forget_in_the_terminal(tmp_path):
    chat(tmp_path, ["1", "/export"])
    exported = json.loads((tmp_path / "chat" / "sesame-advisor-data.json").read_text())
    assert exported["answers"][0]["source"] == "chat" and exported["user"]["telegram_id"] == 0
    old_radar = tmp_path / "chat" / "sesame-score.png"  # what a version before the JPEG radar saved
    old_radar.write_bytes(b"\x89PNG\r\n\x1a\n")
    code, out = chat(tmp_path, ["/forget", "1"])
    assert "everything stored about you is deleted" in out
    assert not (tmp_path / "chat" / "sesame-advisor-data.json").exists() and not old_radar.exists()
    assert stored_answers(tmp_path) == {}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_after_forget_in_the_terminal_every_user_table_is_empty(tmp_path, lang):
    """QA 6: the goodbye after /forget read the language through a call that made the user again."""
    from bot.storage.tables import user_data_table_names

    # Answers, a snapshot, reminders and a check-in, a reported score, a goal, a record item, a bill.
    lines = [*WORKER, "/score", "/remind huabei 9 20:00", "/myscore 650", "/goal 700", "/advice", OWNED[lang][1]]
    chat(tmp_path, [*lines, str(tmp_path / "notes.csv")], lang=lang)
    (tmp_path / "notes.csv").write_text("not a bill")
    chat(tmp_path, [str(tmp_path / "notes.csv")], lang=lang)
    assert all(stored(tmp_path, lambda storage: storage.count_rows(0)).values())  # a row in every table
    code, out = chat(tmp_path, ["/forget", "1"], lang=lang)  # and the goodbye after it
    assert stored(tmp_path, lambda storage: storage.count_rows()) == dict.fromkeys(user_data_table_names(), 0)
    bye = {"en": "Nothing about you is stored any more", "zh": "你的资料已全部删除"}[lang]
    assert bye in out.rstrip().splitlines()[-1]


def test_chinese_and_undecodable_input(tmp_path):
    stdin = io.BytesIO(b"\xff\xfe garbage\n/help\n")
    out = io.StringIO()
    run_chat(f"sqlite+aiosqlite:///{tmp_path / 'sesame.sqlite3'}", tmp_path / "chat", "zh", None, stdin=stdin, out=out)
    text = out.getvalue()
    assert "芝麻分助手" in text and "请输入选项前的编号" in text and "/score" in text


def test_the_console_script_with_piped_input(tmp_path):
    env = {**os.environ, "SESAME_DATA_DIR": str(tmp_path), "LANG": "en_US.UTF-8"}
    env.pop("DATABASE_URL", None)
    script = Path(sys.executable).with_name("sesame-advisor")
    result = subprocess.run(
        [str(script), "chat", "--lang", "en"], input="2\n/score\n", capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "› 2" in result.stdout and "Quick check · 2/10" in result.stdout
    assert "You have not answered" not in result.stdout and "Estimated Sesame score" in result.stdout
    assert (tmp_path / "sesame.sqlite3").exists() and result.stderr == ""


def test_a_line_longer_than_the_limit_is_one_refused_input_not_many(tmp_path):
    # Read in 4096-byte pieces, the tail "2" of the first line used to answer the question.
    code, out = chat(tmp_path, ["x" * 4096 + "2", "1" * 100_000, "/quit"])
    assert code == 0
    assert out.count("That message is too long to be an answer.") == 2
    assert stored_answers(tmp_path) == {}


def test_full_width_digits_pick_a_choice_and_a_missing_choice_is_named(tmp_path):
    code, out = chat(tmp_path, ["3-5年", "9", "0", "２"], lang="zh")
    assert "没有第 9 个选项：请输入 1 到 5 之间的编号。" in out and "没有第 0 个选项" in out
    assert "请点下面的按钮作答" not in out  # the terminal has no buttons to point at
    assert stored_answers(tmp_path) == {QUICK[0].id: QUICK[0].levels[2], QUICK[1].id: QUICK[1].levels[1]}
    # The question is shown again after each missing choice, with its choices.
    assert out.count(QUICK[1].zh) == 4


def test_a_number_with_no_such_choice_outside_the_questionnaire(tmp_path):
    code, out = chat(tmp_path, ["/language", "3"])
    assert "There is no choice 3 here: type a number from 1 to 2." in out
    assert "No question is open" not in out


def test_a_single_choice_asks_for_1_not_1_1():
    assert render("en", "chat_choose.txt.j2", typed=False, buttons=1) == "(type 1)"
    assert render("zh", "chat_choose.txt.j2", typed=False, buttons=1) == "（请输入 1）"
    assert render("en", "chat_choose.txt.j2", typed=False, buttons=4) == "(type 1-4)"


def test_the_console_script_with_standard_input_closed(tmp_path):
    env = {**os.environ, "SESAME_DATA_DIR": str(tmp_path), "LANG": "en_US.UTF-8"}
    env.pop("DATABASE_URL", None)
    script = Path(sys.executable).with_name("sesame-advisor")
    result = subprocess.run(
        [str(script), "chat", "--lang", "en"],
        stdin=None,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        preexec_fn=lambda: os.close(0),
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "Quick check · 1/10" in result.stdout and result.stdout.rstrip().endswith("where you left off.")


def test_ctrl_d_at_the_prompt_ends_the_prompt_line():
    out = io.StringIO()
    assert read_line(io.BytesIO(b""), "› ", out) is None
    assert out.getvalue() == "› \n"


def test_numbered_advice_buttons_are_not_numbered_twice(tmp_path):
    code, out = chat(tmp_path, ["1"] * len(QUICK) + ["/advice"])
    assert code == 0
    advice = out[out.rindex("/advice") :]
    assert "  1. " in advice and "1) 1. " not in advice


def test_the_chat_knows_every_command_of_the_registry(tmp_path):
    from bot.commands import COMMANDS

    # /forget last: it asks first, and "/quit" leaves before anything is deleted.
    names = sorted((c.name for c in COMMANDS), key=lambda name: name == "forget")
    code, out = chat(tmp_path, [f"/{name}" for name in names] + ["/quit"])
    assert code == 0
    assert "I don't know that command" not in out
    assert out.count("›") >= len(names)


def test_answers_typed_by_their_words_free_questions_and_no_tap_anywhere(tmp_path):
    lines = ["大概三年吧", "3-5", "/skip", "没有贷款", "没", "没有信用卡", "淘宝", "1万", "稳", "稳定", "否", "是"]
    lines += ["芝麻分怎么提高？", "你好"]
    code, out = chat(tmp_path, lines, lang="zh")
    assert code == 0
    assert "✅ 1/10 你的支付宝/淘宝账户开通多少年了？\n→ 3-5年" in out  # a typed answer is confirmed
    assert "「稳定」、「稳定且较高」" in out and "或者输入编号" in out
    assert "提分建议" in out and "这句话我没听懂" in out
    for telegram_only in ("点按钮", "点下面", "点编号", "点选"):
        assert telegram_only not in out, telegram_only
    answers = stored_answers(tmp_path)
    assert answers["account_age"] == "3to5" and answers["shopping"] == "taobao" and answers["income"] == "stable"
    # Huabei skipped; "no credit card" settles the repayment question, which is not asked.
    assert len(answers) == len(QUICK) - 2 and "huabei" not in answers and "card_repayment" not in answers
    _, english = chat(tmp_path / "en", ["/help", "/profile", "/whatif", "/reminders"], lang="en")
    assert " tap" not in english.lower() and "Tap " not in english


def test_forget_deletes_every_file_the_chat_wrote(tmp_path):
    # The score chart, the history chart (it shows reported real scores) and the export.
    chat(tmp_path, ["1"] * len(QUICK) + ["/myscore 650", "/history", "/export"])
    folder = tmp_path / "chat"
    assert {p.name for p in folder.iterdir()} == set(CHAT_FILES)
    chat(tmp_path, ["/forget", "1"])
    assert list(folder.iterdir()) == []


def stored(tmp_path, read):
    async def run():
        storage = await open_storage(f"sqlite+aiosqlite:///{tmp_path / 'sesame.sqlite3'}")
        try:
            return await read(storage)
        finally:
            await storage.close()

    return asyncio.run(run())


def test_a_choice_picks_only_from_the_newest_menu_still_on_screen(tmp_path):
    # /timezone's reply has no buttons: it replaces the /remind list, so "1" no longer pauses its first entry.
    chat(tmp_path, ["1"] * len(QUICK) + ["/remind huabei 9 20:00", "/timezone Europe/Berlin", "1"])
    schedules = stored(tmp_path, lambda storage: storage.schedules(0))
    assert {s.kind for s in schedules} >= {"checkin", "huabei"} and not any(s.paused for s in schedules)
    # A menu still on screen is picked from: "1" pauses the check-in listed first.
    chat(tmp_path, ["/remind", "1"])
    assert [s.kind for s in stored(tmp_path, lambda storage: storage.schedules(0)) if s.paused] == ["checkin"]


def test_a_number_no_menu_could_have_is_typed_text_not_a_missing_choice(tmp_path):
    code, out = chat(tmp_path, ["1"] * len(QUICK) + ["/score", "712"])
    assert "There is no choice 712" not in out
    assert [r.score for r in stored(tmp_path, lambda storage: storage.reports(0))] == [712]


def test_a_missing_choice_on_a_question_is_one_warning(tmp_path):
    code, out = chat(tmp_path, ["1", "qwerty", "9"])  # 1 year, then Huabei ("no idea" would skip it)
    after = out[out.index("› 9") :]
    assert after.count("⚠️") == 1 and "There is no choice 9 here: type a number from 1 to 5." in after
    assert after.count(QUICK[1].en) == 1  # the question once more, with its choices


def test_score_and_profile_count_answers_against_the_same_questions(tmp_path):
    # "None" (no credit card) settles the card questions: they count nowhere, in neither reply.
    cards = QUICK_IDS.index("credit_cards")
    typed = ["1"] * cards + ["0"] + ["1"] * (len(QUICK) - cards - 2)  # 0 cards: the repayment is not asked
    code, out = chat(tmp_path, [*typed, "/score", "/profile"])
    score = re.search(r"(\d+) of (\d+) questions answered", out[out.rindex("› /score") :])
    profile = re.search(r"Your answers \((\d+) of (\d+)", out)
    assert score is not None and profile is not None
    assert score.groups() == profile.groups() and int(score[2]) < len(QUESTIONS)


def test_a_how_to_records_progress_through_its_numbered_button(tmp_path):
    # these answers hold a late Huabei record: action 1 is repaying Huabei on time, 2 shopping on Tmall
    code, out = chat(tmp_path, ["2"] * len(QUICK) + ["/advice", "2", "1"])
    assert code == 0
    steps = out[out.rindex("› 2") :]
    assert "Record it (type its number below); this answer changes" in steps
    assert "• “Where do you mostly shop online?” Other platforms → Tmall" in steps
    assert "1) ✏️ Done it: record it" in steps
    assert "you changed “Where do you mostly shop online?” Other platforms → Tmall" in out[out.rindex("› 1") :]
    assert stored_answers(tmp_path)["shopping"] == "tmall"


def test_tell_me_more_is_answered_in_the_terminal_by_its_command_and_its_numbered_button(tmp_path):
    from advice.ranking import rank
    from bot.flows.advice import advisable

    picks = ["2"] * len(QUICK)
    code, out = chat(tmp_path / "a", [*picks, "/advice"])
    answers = stored_answers(tmp_path / "a")
    asked = [QUESTION_BY_ID[i.question_id] for i in rank(load_scorecard(), advisable(answers)).tell_me_more[:3]]
    advice = out[out.index("› /advice") :]
    assert "Tell me more: answering these would narrow your range most (/more asks them one at a time)." in advice
    for question in asked:  # each listed question is a numbered choice of the advice message
        assert re.search(rf"\d+\) ✍️ Answer: {re.escape(question.topic('en'))}\n", advice)
    # Typed in words, or as the command: the question that narrows the range most opens, and is answered.
    first = asked[0]
    answer = "1" if first.kind != "number" else str(first.levels[0])
    code, out = chat(tmp_path / "b", [*picks, "/advice", "tell me more", answer])
    assert code == 0 and "didn't catch" not in out
    assert "Answer this question" in out and first.prompt("en") in out[out.index("› tell me more") :]
    assert stored_answers(tmp_path / "b")[first.id] == first.levels[first.display_indexes()[0]]


def test_tell_me_more_in_chinese_in_the_terminal(tmp_path):
    from advice.ranking import rank
    from bot.flows.advice import advisable

    picks = ["2"] * len(QUICK)
    code, out = chat(tmp_path, [*picks, "/advice", "/more", "/cancel"], lang="zh", client="zh_CN.UTF-8")
    answers = stored_answers(tmp_path)
    first = QUESTION_BY_ID[rank(load_scorecard(), advisable(answers)).tell_me_more[0].question_id]
    assert "再多告诉我一些</b>" not in out and "（输入 /more 逐个回答）" in out
    assert f"✍️ 回答：{first.topic('zh')}" in out
    opened = out[out.index("› /more") :]
    assert "回答这个问题" in opened and first.prompt("zh") in opened and "/cancel 先不回答" in opened
    assert first.id not in answers


def test_a_goal_action_done_is_confirmed_before_the_refreshed_goal_list(tmp_path):
    from bot.flows.advice import advisable

    chat(tmp_path, ["2"] * len(QUICK))
    score = load_scorecard().score(advisable(stored_answers(tmp_path))).score
    code, out = chat(tmp_path, [f"/goal {score + 60}", "1"])
    tapped = out[out.rindex("› 1") :]
    assert "which of the planned actions have you done?" in tapped  # the list, refreshed: the goal is not reached
    assert tapped.index("✅ Recorded: ") < tapped.index("which of the planned actions have you done?")


def test_numbers_at_questions_of_amounts_are_amounts_in_the_terminal(tmp_path):
    """QA 7 in the terminal: "-1" years is no answer, "3 to 5 yrs" is "3-5 years", "4" cards is "3-5"."""
    code, out = chat(tmp_path, ["-1", "3 to 5 yrs", "2", "2", "4"])
    assert "[1-3 years]" in out and "(type the number, or the answer's words)" in out
    assert "I didn't recognise that answer." in out[out.index("› -1") : out.index("› 3 to 5 yrs")]
    answers = stored_answers(tmp_path)
    assert answers["account_age"] == "3to5" and answers["credit_cards"] == "three_five"
    assert "→ 3-5\n" in out[out.index("› 4") :]


# Someone with a stable income who has not authorised a provident fund (zh/en alike: the numbers
# are years, places and cards): /advice asks whether they pay into one, under the ranked actions.
WORKER = ["4", "1", "1", "1", "2", "3", "1", "3", "1", "1"]
OWNED = {"en": ("Yes, I have it", "No"), "zh": ("我有", "没有")}


def record_items_of(tmp_path):
    from bot.storage import record_items

    return stored(tmp_path, lambda storage: record_items.owned(storage, 0))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_after_advice_the_ownership_question_numbers_on_from_the_action_list(tmp_path, lang):
    """QA 2: "1" typed after /advice opens action 1, as the list's prompt says; nothing is recorded."""
    yes, no = OWNED[lang]
    code, out = chat(tmp_path, [*WORKER, "/advice", "1"], lang=lang)
    advice = out[out.rindex("› /advice") : out.rindex("› 1")]
    # The actions and "tell me more" questions, one a line (the question's two choices share the last).
    listed = len(re.findall(r"^  \d+[.)] ", advice, re.MULTILINE)) - 1
    assert f"  {listed + 1}) {yes}   {listed + 2}) {no}\n" in advice  # the question's choices number on
    last_prompt = advice.rstrip().splitlines()[-1]
    assert last_prompt in (f"(type 1-{listed + 2})", f"（请输入编号 1-{listed + 2}）")
    assert advice.count(last_prompt) == 1  # the list's own prompt is not a second, shorter range
    first = re.search(r"^  1\. (.+) ›$", advice, re.MULTILINE)
    assert first is not None
    assert out[out.rindex("› 1") :].startswith(f"› 1\n{first[1]}\n")  # its steps open
    assert record_items_of(tmp_path) == {}
    assert "provident" in advice.lower() or "公积金" in advice


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_ownership_question_is_answered_by_its_number_or_its_words(tmp_path, lang):
    yes, no = OWNED[lang]
    code, out = chat(tmp_path / "words", [*WORKER, "/advice", no], lang=lang)
    assert "didn't catch" not in out and "没听懂" not in out
    assert record_items_of(tmp_path / "words") == {"provident_fund": False}
    advice = out[out.rindex("› /advice") :]
    number = re.search(rf"(\d+)\) {re.escape(yes)}", advice)
    assert number is not None
    chat(tmp_path / "number", [*WORKER, "/advice", number[1]], lang=lang)
    assert record_items_of(tmp_path / "number") == {"provident_fund": True}


def test_a_menu_takes_only_a_whole_label_never_part_of_one(tmp_path):
    # "Yes" is in "🗑 Yes, delete everything" but is not the button: nothing is deleted.
    chat(tmp_path, [*WORKER, "/forget", "yes"])
    assert stored_answers(tmp_path)
    chat(tmp_path, ["/forget", "Keep my data"])
    assert stored_answers(tmp_path)


@pytest.mark.parametrize(
    ("lang", "typed", "said"), [("en", "i dunno", "Skipped for now"), ("zh", "不知道", "这题先跳过")]
)
def test_i_dont_know_in_the_terminal_skips_the_question(tmp_path, lang, typed, said):
    code, out = chat(tmp_path, [typed], lang=lang)
    after = out[out.index(f"› {typed}") :]
    assert said in after and f"2/{len(QUICK)}" in after and QUICK[1].prompt(lang) in after
    assert stored_answers(tmp_path) == {}


def test_an_ambiguous_amount_in_the_terminal_asks_for_a_number_inside_one_range(tmp_path):
    code, out = chat(tmp_path, ["3", "2"])
    reply = out[out.index("› 3") : out.index("› 2")]
    assert "(2 is “1-3 years”, 4 is “3-5 years”), or more of its words." in reply and "its number" not in reply
    assert stored_answers(tmp_path)["account_age"] == "1to3"


@pytest.mark.parametrize(
    ("lang", "typed"),
    [
        ("zh", ["大概五六年吧", "/skip", "/skip", "两张", "/skip", "/skip", "一万以下"]),
        ("en", ["about six years", "/skip", "/skip", "two cards", "/skip", "/skip", "under 10k"]),
        ("en", ["6", "/skip", "/skip", "2", "/skip", "/skip", "5000"]),
    ],
)
def test_the_qa_answers_in_words_and_sums_are_understood_in_the_terminal(tmp_path, lang, typed):
    """QA 8: 五年-style numerals, 两张, 一万以下, under 10k and 5000 at the Yu'e Bao question."""
    code, out = chat(tmp_path, typed, lang=lang)
    assert "There is no choice" not in out and "didn't recognise" not in out and "没看懂" not in out
    answers = stored_answers(tmp_path)
    assert answers == {"account_age": "5to10", "credit_cards": "one_two", "wealth": "small"}
