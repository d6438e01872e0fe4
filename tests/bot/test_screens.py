"""Screens: button layout, question screens, the command list shared by /help and setMyCommands."""

from bot.commands import descriptions
from bot.dialog import Ask
from bot.replies import Button
from bot.screens import layout, no_answers_screen, profile_screen, question_screen, welcome_screen
from scoring.questions import QUESTION_BY_ID, QUESTIONS, QUICK_IDS
from scoring.structure import LINKS, settled


def test_short_labels_share_rows_and_long_ones_get_their_own():
    numbers = layout([Button(str(i), str(i)) for i in range(7)])
    assert len(numbers) == 1
    mid = layout([Button("Under 1 year", "a"), Button("1-3 years", "b"), Button("3-5 years", "c")])
    assert [len(row) for row in mid] == [2, 1]
    long = layout([Button("Bound, e-mail statements imported", "a"), Button("Not bound", "b")])
    assert [len(row) for row in long] == [1, 1]
    chinese = layout([Button("已绑定并导入邮箱账单", "a"), Button("没有绑定", "b")])  # 20 cells wide
    assert [len(row) for row in chinese] == [1, 1]


def test_a_question_screen_marks_the_current_answer_and_binds_the_nonce():
    question = QUESTION_BY_ID["income"]
    screen = question_screen(Ask(question, 3, 10, "quick", "Nonce1", current="stable"), "en")
    labels = [b.label for row in screen.keyboard for b in row]
    assert labels == ["No income", "Irregular", "✓ Stable", "Stable and high"]
    assert all(b.data.endswith(":Nonce1") for row in screen.keyboard for b in row)
    assert screen.nonce == "Nonce1" and not screen.typed
    assert "3/10" in screen.text and "Your answer so far: Stable" in screen.text


def test_a_number_question_takes_typed_input():
    question = next(q for q in QUESTIONS if q.kind == "number")
    screen = question_screen(Ask(question, 1, 1, "edit", "abcdef"), "zh")
    assert screen.typed and "请输入" in screen.text and "回答这个问题" in screen.text  # nothing to change yet
    screen = question_screen(Ask(question, 1, 1, "edit", "abcdef", current=2), "zh")
    assert "修改回答" in screen.text and "/cancel 取消修改" in screen.text


def test_prompts_are_escaped_for_telegram_html():
    screen = profile_screen({"income": "stable"}, "en")
    assert "&lt;" not in screen.text  # nothing to escape in the data...
    assert "&#39;" in screen.text  # ...but the apostrophe of "Yu'e Bao" is, safely


def test_the_command_list_is_the_same_in_both_languages():
    zh, en = descriptions("zh"), descriptions("en")
    assert [n for n, _ in zh] == [n for n, _ in en]
    assert all(3 <= len(d) <= 256 and n.islower() for n, d in zh + en)


def test_the_texts_give_the_quick_checks_length_as_at_most_its_questions():
    """An answer can settle a later quick question ("no credit card": no repayment record), so the
    quick check is not always as long as QUICK_IDS: the texts say "up to", never an exact count."""
    shortest = min(sum(1 for qid in QUICK_IDS if not settled(qid, {link.when_id: link.when_value})) for link in LINKS)
    assert shortest < len(QUICK_IDS)
    for lang, wording in (("en", f"up to {len(QUICK_IDS)} questions"), ("zh", f"最多 {len(QUICK_IDS)} 题")):
        texts = [welcome_screen(lang, returning=False).text, no_answers_screen(lang).text]
        texts.append(dict(descriptions(lang))["start"])
        assert all(wording in text for text in texts), lang
