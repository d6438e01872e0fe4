"""The Chinese texts read as one consistent voice: punctuation, names and in-app paths.

Every zh template (its literal text and the strings inside its tags, whatever branch they sit
in) and every zh string of the questionnaire and the action catalogue is scanned, so a new
text cannot bring back half-width punctuation, a second name for the catalogue, or another
spelling of the path to the personal information page.
"""

import ast
import re
from pathlib import Path

import pytest

from advice.catalogue import ACTIONS, EFFORT_NAMES, TIMINGS, WARNINGS
from advice.feasibility import GATES, NOTHING_TO_DO, STOPPED
from advice.presentation import projection_view
from advice.ranking import simulate
from scoring.questions import DIMENSION_NAMES, QUESTIONS
from templates import FOLDER, render

from .samples import calibrated_base, troubled_answers
from .samples import card as scorecard

CJK = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
HALF_WIDTH = r"[(),:;?!]"
#: Half-width ( ) , : ; ? ! next to a Chinese character or full-width mark (one space between allowed).
MIXED = re.compile(rf"{CJK} ?{HALF_WIDTH}|{HALF_WIDTH} ?{CJK}")
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
LITERAL = re.compile(r"\"([^\"]*)\"|'([^']*)'")
#: The in-app path to the personal information page, as seed 004 spells it.
PERSONAL_INFO_PATH = "我的 → 芝麻信用 → 信用管理 → 个人信息"
#: The one name of the action catalogue (and 建议 for one of its items).
CATALOGUE = "提分建议"
OTHER_CATALOGUE_NAMES = ("建议库", "目录", "行动", "做法")


def template_texts() -> dict[str, str]:
    """Each zh template as a reader meets it: tags become a placeholder character, HTML tags go,
    and every string literal inside a tag is a text of its own."""
    texts = {}
    for path in sorted(Path(FOLDER, "zh").glob("*.j2")):
        source = path.read_text(encoding="utf-8")
        shown = TAG.sub(lambda m: "字" if m.group().startswith("{{") else "", source)
        texts[path.name] = re.sub(r"<[^>]+>", "", shown)
        for number, tag in enumerate(TAG.findall(source)):
            for literal in LITERAL.findall(tag):
                texts[f"{path.name} tag {number}"] = "".join(literal)
    return texts


def data_texts() -> dict[str, str]:
    """Every zh string of the questionnaire, the action catalogue and the advice's safety notes."""
    texts = {f"dimension {k}": v["zh"] for k, v in DIMENSION_NAMES.items()}
    for q in QUESTIONS:
        texts[f"question {q.id}"] = q.zh
        texts[f"question {q.id} help"] = q.help_zh
        texts.update({f"question {q.id} choice {c.value}": c.zh for c in q.choices})
    texts.update({f"action {a.id}": a.zh for a in ACTIONS})
    tables = (("effort", EFFORT_NAMES), ("timing", TIMINGS), ("warning", WARNINGS))
    tables += (("nothing to do", NOTHING_TO_DO), ("stopped", STOPPED))
    for table_name, table in tables:
        texts.update({f"{table_name} {key}": value["zh"] for key, value in table.items()})
    texts.update({f"gate {g.id}": g.zh for g in GATES})
    return texts


ALL = {**template_texts(), **data_texts()}


def test_the_scan_sees_every_template_and_the_data():
    names = {name.split(" tag ")[0] for name in template_texts()}
    assert names == {p.name for p in Path(FOLDER, "zh").glob("*.j2")}
    assert len(data_texts()) > 100


def test_the_punctuation_check_can_fail():
    assert MIXED.search("用支付宝缴几种生活费？(水、电，0-6)")
    assert MIXED.search("难度:中等") and MIXED.search("好的, 谢谢")
    assert not MIXED.search("范围 504-799，已回答 10/27 题") and not MIXED.search("10:00（北京时间）")


@pytest.mark.parametrize("name", sorted(ALL))
def test_chinese_texts_use_full_width_punctuation(name):
    text = ALL[name]
    assert not MIXED.findall(text), f"{name}: half-width punctuation among Chinese: {MIXED.findall(text)}"


def test_the_personal_information_path_is_spelled_one_way():
    paths = {name: text for name, text in ALL.items() if re.search(r"芝麻信用\s*(>|→|＞|›)", text)}
    assert paths, "no zh text shows the path to the personal information page"
    for name, text in paths.items():
        assert PERSONAL_INFO_PATH in text, f"{name}: {text}"
    arrows = {name: text for name, text in ALL.items() if re.search(rf"{CJK}\s*(>|＞|›)\s*{CJK}", text)}
    assert not arrows, f"in-app paths are written with →: {sorted(arrows)}"


def test_the_action_catalogue_has_one_name():
    assert any(CATALOGUE in text for text in ALL.values())
    for other in OTHER_CATALOGUE_NAMES:
        found = sorted(name for name, text in ALL.items() if other in text)
        assert not found, f"{other} names the catalogue in {found}; it is called {CATALOGUE}"


def test_words_the_newcomer_stumbled_on_are_gone():
    joined = "\n".join(ALL.values())
    for word in ("放贷方", "难度容易", "难度较难", "比现在的", "都添加来计算"):
        assert word not in joined, word
    assert "贷款机构" in joined and {EFFORT_NAMES[e]["zh"] for e in ("low", "high")} == {"低", "较高"}


def test_reminders_and_calibration_say_what_they_mean():
    card = {"kind": "card", "number": 1, "day": 20, "time": "21:30", "paused": False}
    remind = render("zh", "bot_remind.html.j2", state="list", timezone="Asia/Shanghai", schedules=[card], actions=[])
    assert "• 第 1 张信用卡还款：每月20日 21:30" in remind
    assert render("zh", "bot_repayment.html.j2", kind="card", number=2).startswith("⏰ <b>第 2 张信用卡还款日")
    assert render("zh", "bot_progress_button.txt.j2", button="stop", what="第 2 张信用卡") == "🗑 停止第 2 张信用卡"
    assert render("zh", "bot_progress_button.txt.j2", button="name", kind="card", number=2) == "第 2 张信用卡"
    assert render("zh", "bot_progress_button.txt.j2", button="add_checkin") == "＋ 每月 7 日问我真实分数"
    troubled = simulate(scorecard(), troubled_answers(), ["repay_overdue"])
    view = projection_view(troubled, "zh", calibrated_base(troubled.before.score, 25, reports=1))
    projection = render("zh", "whatif.html.j2", **view, brief_disclaimer=True)
    assert f"预计芝麻分（校准后）：<b>{view['score']}</b>" in projection and "按你报告的 1 次真实分数校准" in projection
    calibrated = {"score": 690, "band": "较好", "low": 650, "high": 730, "reports": 1}
    context = {
        "state": "recorded",
        "real": 712,
        "estimate": 650,
        "low": 570,
        "high": 730,
        "calibrated": calibrated,
        "share": 79,
    }
    recorded = render("zh", "bot_myscore.html.j2", **context)
    assert "根据你报告的 1 次真实分数" in recorded and "这次报告把估算往真实分数挪了 79%" in recorded


def test_the_native_readers_wording_is_used():
    """A native reader's corrections (QA pass): the stiff phrasings are gone, theirs are in."""
    joined = "\n".join(ALL.values())
    for stiff in (
        "这里不会给出任何增加信用的建议",
        "你现在有逾期：先还清它",
        "以下这些不需要做什么",
        "如果你有以下这些，就把它们添加上",
        "逾期也会出现在你的个人征信报告里",
        "名下有房产，并已添加",
        "名下有车辆，并已添加",
    ):
        assert stiff not in joined, stiff
    # said once after the gates that hold; opening Huabei is new credit, repaying the Huabei one uses is not
    no_new_credit = "在此之前，我不会建议你新增任何借贷（办新的信用卡、开通花呗、用借呗或其他贷款）"
    assert no_new_credit in ALL["_no_new_credit.txt.j2"]
    assert GATES[0].zh.startswith("你目前有逾期未还，请先把逾期欠款还清。")
    for wording in ("以下几项不必刻意去改变", "如果你确实有以下资料，可以补充到芝麻信用（确认拥有后才计入）"):
        assert wording in ALL["cli_advise.txt.j2"], wording
    assert "花呗自2021年起已接入央行征信，逾期也会记入你的个人征信报告。" in joined
    assert "你名下的房产已添加到芝麻信用了吗？" in joined and "你名下的车辆已添加到芝麻信用了吗？" in joined
    assert "大约能加 字 分" in ALL["bot_record_item.html.j2"]  # a number, no "+" before it


#: The packages whose Python source holds texts a user reads (tables of notes, gates, warnings...).
PACKAGES = ("advice", "bot", "scoring", "templates")
IDEOGRAPH = re.compile(r"[\u4e00-\u9fff]")


def python_texts() -> dict[str, str]:
    """Every Chinese string literal in the packages' Python source, wherever it sits.

    ``data_texts`` names the tables it knows; this finds a zh text in any module, so a new table
    cannot bring “” back unseen.
    """
    texts = {}
    root = Path(FOLDER).parent
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and IDEOGRAPH.search(node.value):
                    texts[f"{path.relative_to(root)}:{node.lineno}"] = node.value
    return texts


def test_the_python_scan_finds_the_tables_texts():
    found = set(python_texts().values())
    assert STOPPED["not_owned"]["zh"] in found and WARNINGS["no_tricks"]["zh"] in found


QUOTED = {**ALL, **python_texts()}


@pytest.mark.parametrize("name", sorted(QUOTED))
def test_chinese_texts_quote_with_corner_brackets_only(name):
    """「」 throughout, never mixed with “” (the second native-reader pass): templates, data and Python-held texts."""
    text = QUOTED[name]
    assert "“" not in text and "”" not in text, name


def test_the_second_native_readers_wording_is_used():
    joined = "\n".join(template_texts().values())
    for stiff in ("你说过有没有的项目", "次分数记录", "输入按钮的编号"):
        assert stiff not in joined, stiff
    for name in ("bot_export.html.j2", "bot_forget_confirm.html.j2"):
        assert "你告诉过我是否拥有的资料（" in ALL[name] and "次估算记录" in ALL[name], name
        assert "我没有" not in "\n".join(text for key, text in ALL.items() if key.startswith(name)), name
    assert "（输入对应编号）" in "\n".join(text for key, text in ALL.items() if key.startswith("bot_steps.html.j2"))
    fund = next(q for q in QUESTIONS if q.id == "provident_fund")
    assert [c.zh for c in fund.choices] == ["还没有", "已授权"]
    # Reasons name a short topic, not the whole question: "收入：稳定（−17 分）".
    assert "• 字：字（−字 分）" in ALL["bot_score.html.j2"]
    assert all(q.topics[0] and len(q.topics[0]) <= 8 and "？" not in q.topics[0] for q in QUESTIONS)
