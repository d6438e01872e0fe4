"""Free questions in both languages reach the command that answers them; anything else reaches none."""

import pytest

from bot.commands import COMMAND_BY_NAME
from bot.intents import INTENTS, dont_know, intent_of


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("芝麻分怎么提高？", "advice"),
        ("怎样提升芝麻分", "advice"),
        ("how do I raise my score", "advice"),
        ("How can I IMPROVE my score?", "advice"),
        ("what is my score", "score"),
        ("我的分数是多少", "score"),
        ("我现在多少分？", "score"),
        ("what if I open Huabei", "whatif"),
        ("假如我开通花呗呢", "whatif"),
        ("change my answer", "profile"),
        ("提醒我", "reminders"),
        ("ｗｈａｔ ｉｓ ｍｙ ｓｃｏｒｅ", "score"),  # full-width letters
    ],
)
def test_free_questions_reach_their_command(text, command):
    assert intent_of(text) == command


@pytest.mark.parametrize("text", ["hello", "你好", "大概三年吧", "I think about three years", "🙂", ""])
def test_other_text_reaches_none(text):
    assert intent_of(text) is None


def test_every_intent_names_a_command_of_the_registry_and_has_keywords_in_both_languages():
    for intent in INTENTS:
        assert intent.command in COMMAND_BY_NAME
        assert any(k.isascii() for k in intent.keywords) and any(not k.isascii() for k in intent.keywords)
        assert all(k == k.casefold() for k in intent.keywords), "keywords are compared folded"


@pytest.mark.parametrize(
    "text",
    ["I don't know", "i dunno", "I’m not sure", "No idea.", "idk", "不知道", "我也不太清楚呢", "不记得了", "忘了"],
)
def test_i_dont_know_in_either_language(text):
    assert dont_know(text)


@pytest.mark.parametrize(
    "text", ["不知道怎么提高", "I don't know my score", "no", "没有", "know", "不", "", "I know", "3-5年"]
)
def test_only_a_whole_i_dont_know_counts(text):
    assert not dont_know(text)
