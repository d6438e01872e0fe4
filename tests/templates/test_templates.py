"""Every template renders, in its language, from realistic contexts, with valid Telegram HTML."""

import re
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from advice.catalogue import ACTIONS, TIMINGS, WARNINGS
from advice.presentation import action_view, plan_view
from advice.ranking import rank
from bot.commands import descriptions
from bot.progress_views import change_view
from bot.screens import profile_view
from scoring.card import BANDS
from scoring.changes import explain
from scoring.questions import DIMENSIONS, QUESTIONS
from templates import LANGUAGES, environment, render, template_names
from tests.bot.bot_api_stand_in import HTML_TAGS

from .samples import card, load_all, troubled_answers

SAMPLES = load_all()
ALL = sorted({(lang, name) for lang in LANGUAGES for name in template_names(lang)})

IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CJK_ANY = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_\-./:]*")
#: Ids a terminal text may show as they are typed (question ids, answer values, action ids...).
IDENTIFIERS = (
    {q.id for q in QUESTIONS}
    | {str(v) for q in QUESTIONS for v in q.levels if isinstance(v, str)}
    | {"true", "false"}
    | set(DIMENSIONS)
    | {b.id for b in BANDS}
    | {a.id for a in ACTIONS}
    | set(TIMINGS)
    | set(WARNINGS)
)
#: Latin words a Chinese text may contain: metric names, product and command names.
LATIN_IN_ZH = {"AUC", "KS", "advise", "sesame-advisor", "Sesame", "Advisor", "Telegram", "Bot", "ID", "JSON"}
#: The bot's commands (/start, /score... as typed in Telegram and the terminal chat) and @BotFather's.
LATIN_IN_ZH |= {name for name, _ in descriptions("en")} | {"quit", "chat", "run", "BotFather", "newbot"}
#: File formats a Chinese text names as they are written (the bill import: CSV 文件, ZIP 压缩包), and its
#: command-line option ``--password``.
LATIN_IN_ZH |= {"CSV", "ZIP", "password"}
#: Chinese proper nouns an English text may quote (the product names users search for).
CHINESE_IN_EN = ("芝麻分", "芝麻信用", "支付宝", "花呗", "借呗", "余额宝", "天猫", "淘宝", "网商银行")
#: The Alipay app's own labels on the way to the bill export, which the app shows in Chinese only.
CHINESE_IN_EN += ("开具交易流水证明", "用于个人对账", "解压密码", "我的", "账单")
#: Templates that show a score or projection, so must carry the estimate disclaimer.
SHOWS_A_SCORE = ("cli_score", "cli_advise", "cli_whatif", "advice", "whatif", "bot_score")


#: Templates of macros only, which render nothing by themselves: checked through a template using each macro.
MACROS = {"_estimate.html.j2": ("likely(600, 680)", "notice()")}


def use_macros(lang: str, name: str, context: dict) -> str:
    """What a screen importing ``name`` shows, one line per macro (autoescaped, as in a .html.j2 screen)."""
    calls = "\n".join(f"{{{{ m.{call} }}}}" for call in MACROS[name])
    source = f'{{% import "{lang}/{name}" as m with context %}}\n{calls}'
    return environment().from_string(source).render(context)


def contexts(name: str, lang: str) -> list[dict]:
    return SAMPLES[name](lang)


def latin_share_in_zh(text: str) -> float:
    """Latin letters over Latin letters plus Chinese characters, markup, ids and allowed words aside."""
    text = re.sub(r"<[^>]+>|&#?\w+;", " ", text)
    latin = sum(
        len(word)
        for word in LATIN_WORD.findall(text)
        if word not in IDENTIFIERS and word not in LATIN_IN_ZH and not re.search(r"[\d_/.]", word)
    )
    chinese = len(IDEOGRAPH.findall(text))
    return latin / max(1, latin + chinese)


def chinese_left_in_en(text: str) -> list[str]:
    for noun in CHINESE_IN_EN:
        text = text.replace(noun, "")
    return CJK_ANY.findall(text)


class TelegramHtml(HTMLParser):
    """Collects markup problems: unknown tags, unbalanced tags, entities Telegram rejects."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in HTML_TAGS:
            self.problems.append(f"tag <{tag}>")
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.problems.append(f"unbalanced </{tag}>")

    def handle_entityref(self, name):
        if name not in {"lt", "gt", "amp", "quot"}:
            self.problems.append(f"entity &{name};")


def test_every_template_has_a_sample_context():
    missing = sorted({name for _, name in ALL} - set(SAMPLES))
    assert not missing, f"templates without a sample in tests/templates/samples.py: {missing}"


def test_both_languages_have_the_same_templates():
    assert set(template_names("zh")) == set(template_names("en"))


@pytest.mark.parametrize(("lang", "name"), ALL, ids=[f"{lang}/{name}" for lang, name in ALL])
def test_every_template_renders_in_its_language(lang, name):
    if name not in SAMPLES:
        pytest.fail(f"{name} has no sample context in tests/templates/samples.py")
    samples = contexts(name, lang)
    assert samples, f"{name}: the sample returned no context"
    disclaimer = render(lang, "_disclaimer.txt.j2")
    for context in [{**c, "tappable": tappable} for c in samples for tappable in (True, False)]:
        text = render(lang, name, **context) if name not in MACROS else use_macros(lang, name, context)
        assert text.strip(), f"{lang}/{name} rendered empty"
        if lang == "zh":
            assert IDEOGRAPH.search(text), f"zh/{name} has no Chinese:\n{text}"
            share = latin_share_in_zh(text)
            assert share <= 0.1, f"zh/{name} is {share:.0%} Latin:\n{text}"
        else:
            assert re.search(r"[A-Za-z]{2}", text), f"en/{name} has no English:\n{text}"
            leftover = chinese_left_in_en(text)
            assert not leftover, f"en/{name} has Chinese {''.join(leftover)!r}:\n{text}"
        if name.endswith(".html.j2"):
            parser = TelegramHtml()
            parser.feed(text)
            parser.close()
            assert not parser.problems and not parser.stack, (name, parser.problems, parser.stack)
        shown = disclaimer if name.endswith(".txt.j2") else str(escape(disclaimer))
        if name.startswith(SHOWS_A_SCORE) or (name == "action_steps.html.j2" and context["action"]["gain"]):
            assert shown in text, f"{lang}/{name} lacks the estimate disclaimer"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_disclaimer_has_a_short_form_for_later_replies(lang):
    full, short = render(lang, "_disclaimer.txt.j2"), render(lang, "_disclaimer.txt.j2", brief_disclaimer=True)
    assert len(short) < len(full) / 2
    for name in ("advice.html.j2", "whatif.html.j2", "bot_score.html.j2"):
        text = render(lang, name, **contexts(name, lang)[0], brief_disclaimer=True)
        assert str(escape(short)) in text and str(escape(full)) not in text


#: Texts only Telegram shows (a toast, a sticker's reply, an old or unreadable button): they may say "tap".
TELEGRAM_ONLY = ("bot_notice.txt.j2", "bot_unsupported.html.j2", "bot_button.txt.j2")
#: How-to steps say where to tap in Alipay, which has buttons wherever the bot is read.
ALIPAY_STEPS = ("action_steps.txt.j2", "action_steps.html.j2")
#: Tapping in the bot; tapping a named control in Alipay (tap "My", 点击“我的”) is an instruction, not ours.
TAP = re.compile(r"\b[Tt]ap\b(?!\s*(?:[\"“]|&#34;))|点按钮|点编号|点选|点“|点下面|点一次")


@pytest.mark.parametrize(("lang", "name"), ALL, ids=[f"{lang}/{name}" for lang, name in ALL])
def test_without_buttons_no_text_says_tap(lang, name):
    if name in TELEGRAM_ONLY + ALIPAY_STEPS:
        return
    for context in contexts(name, lang):
        if context.get("problem") in ("stale", "forged"):
            continue  # a tapped button's problem: only Telegram has buttons to tap
        text = render(lang, name, **{**context, "tappable": False})
        assert not TAP.search(text), f"{lang}/{name} says tap where there is nothing to tap:\n{text}"


def test_the_tap_check_can_fail():
    assert TAP.search(render("zh", "bot_profile.html.j2", **contexts("bot_profile.html.j2", "zh")[0]))
    assert TAP.search(render("en", "bot_profile.html.j2", **contexts("bot_profile.html.j2", "en")[0]))


def test_the_samples_cover_the_branches_that_matter():
    views = [c["action"] for c in contexts("action_steps.txt.j2", "en")]
    assert {v["id"] for v in views} == {a.id for a in ACTIONS}
    assert any(v["gain"] for v in views) and any(v["gain"] is None for v in views)
    plans = contexts("advice.html.j2", "en")
    assert any(p["actions"] for p in plans) and any(not p["actions"] for p in plans)
    assert any(p["combined"] and len(p["combined"]["actions"]) > 1 for p in plans)
    whatifs = contexts("whatif.html.j2", "en")
    assert any(w["not_applicable"] for w in whatifs) and any(w["changes"] for w in whatifs)


def test_html_templates_escape_what_they_show():
    view = action_view(rank(card(), troubled_answers()).actions[0], "en")
    view = {**view, "title": "A <b> & B", "warnings": ["less < more & so on"]}
    text = render("en", "action_steps.html.j2", action=view)
    assert "A &lt;b&gt; &amp; B" in text and "less &lt; more &amp; so on" in text
    plan = plan_view(rank(card(), troubled_answers()), "en")
    plan["actions"][0]["title"] = "<script>"
    assert "&lt;script&gt;" in render("en", "advice.html.j2", **plan)


def test_a_missing_variable_fails_instead_of_rendering_blank():
    from jinja2 import UndefinedError

    with pytest.raises(UndefinedError):
        render("en", "cli_whatif.txt.j2", score=1)


def test_the_language_checks_can_fail():
    english = render("en", "cli_advise.txt.j2", **contexts("cli_advise.txt.j2", "en")[0])
    chinese = render("zh", "cli_advise.txt.j2", **contexts("cli_advise.txt.j2", "zh")[0])
    assert latin_share_in_zh(english) > 0.9 and latin_share_in_zh(chinese) <= 0.1
    assert chinese_left_in_en(chinese) and not chinese_left_in_en(english)
    assert not chinese_left_in_en("Open Alipay (支付宝) and tap 芝麻信用")
    mixed = chinese + "\n" + " ".join(["Sesame score estimate"] * 40)
    assert latin_share_in_zh(mixed) > 0.1


def test_english_counts_of_one_are_singular():
    counts = {"answers": 1, "snapshots": 1, "reminders": 1, "reports": 1, "goal": 0, "said": [], "bills": 1}
    for name in ("bot_export.html.j2", "bot_forget_confirm.html.j2"):
        text = render("en", name, **counts)
        assert "1 answer," in text and "1 score snapshot," in text and "1 reminder," in text, text
        assert "1 real score you reported," in text, text
        assert "1 Alipay bill you sent (what was read from it," in text, text
        many = {"answers": 12, "snapshots": 3, "reminders": 2, "reports": 4, "goal": 1, "said": [], "bills": 2}
        assert "12 answers, 3 score snapshots, 2 reminders, 4 real scores you reported" in render("en", name, **many)
    assert "Your 1 answer is kept" in render("en", "bot_cancelled.html.j2", answered=1)
    assert "Your 4 answers are kept" in render("en", "bot_cancelled.html.j2", answered=4)
    assert "0 answers" not in render("en", "bot_cancelled.html.j2", answered=0)
    assert "0 个" not in render("zh", "bot_cancelled.html.j2", answered=0)


def _ones(value):
    """A context with every whole number set to 1 (flags and decimals kept as they are)."""
    if isinstance(value, bool) or not isinstance(value, int | dict | list | tuple):
        return value
    if isinstance(value, int):
        return 1
    if isinstance(value, dict):
        return {key: _ones(item) for key, item in value.items()}
    return type(value)(_ones(item) for item in value)


#: Nouns counted by a number that varies per user: points gained, lost or to go, a bill's rows,
#: the questions left (not "1 of 27 questions answered", which counts the questionnaire).
VARYING_COUNTS = re.compile(r"(?<![\d.])[+\-−]?1 (points|transactions)\b|remaining 1 questions")


@pytest.mark.parametrize("name", template_names("en"))
def test_a_count_of_one_takes_the_singular_in_english(name):
    """ "narrows it by about 1 points" once reached users: every such count renders through ``plural``."""
    found = set()
    for context in contexts(name, "en"):
        found |= {m.group(0) for m in VARYING_COUNTS.finditer(render("en", name, **_ones(context)))}
    assert not found


def test_the_plural_filter():
    from templates import plural

    assert [plural("point", n) for n in (1, -1, 0, 2, 1.0)] == ["point", "point", "points", "points", "points"]
    assert plural("try", 2, "tries") == "tries" and plural("try", 1, "tries") == "try"


@pytest.mark.parametrize(
    "lang, note",
    [
        ("en", "a current overdue is cleared first"),
        ("zh", "当前逾期不论加分多少都要先还清"),
    ],
)
def test_the_advice_heading_explains_an_overdue_listed_before_bigger_gains(lang, note):
    plan = rank(card(), {"loans": "overdue_now", "shopping": "rarely", "huabei": "on_time"})
    assert plan.actions[0].id == "repay_overdue" and plan.actions[1].gain > plan.actions[0].gain
    text = render(lang, "advice.html.j2", **plan_view(plan, lang))
    assert note in text
    assert re.search(r"^1\. <b>", text, re.MULTILINE), text  # the list still starts on its own line
    calm = render(lang, "advice.html.j2", **plan_view(rank(card(), {"shopping": "rarely"}), lang))
    assert note not in calm and re.search(r"^1\. <b>", calm, re.MULTILINE)


def test_a_changed_answer_quotes_its_question_in_one_style():
    """QA 14: "you changed How many...? None → no answer" left the question unquoted; zh mixed 「」 and “”."""
    before = {"credit_cards": "none", "huabei": "on_time"}
    after = {"huabei": "on_time", "card_repayment": "always_on_time"}
    en = render("en", "_score_change.html.j2", change=change_view(explain(card(), before, after), None, "en"))
    assert "you changed “How many credit cards do you hold?” None → no answer" in en
    zh = render("zh", "_score_change.html.j2", change=change_view(explain(card(), before, after), None, "zh"))
    assert "你修改了「你有几张信用卡？」没有 → 未回答" in zh and "“" not in zh
    profile = render("zh", "bot_profile.html.j2", **profile_view({"credit_cards": "none"}, "zh", {}))
    assert "（由「还没有信用卡」推出）" in profile and "“" not in profile


@pytest.mark.parametrize(
    ("left", "tail"), [(3, "/profile). (3 more such questions after this one.)"), (0, "/profile).")]
)
def test_the_record_item_question_counts_what_is_left_after_a_space(left, tail):
    text = render("en", "bot_record_item.html.j2", question_id="vehicle", gain=12, left=left)
    assert text.rstrip().endswith(tail)
    zh = render("zh", "bot_record_item.html.j2", question_id="vehicle", gain=12, left=left)
    assert "选「没有」" in zh and "“" not in zh
