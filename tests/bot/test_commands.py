"""The registry: every command and kind of button listed once, each with its flow and descriptions."""

import pytest

from bot.callbacks import TAP_KINDS
from bot.commands import BUTTON_BOUNDS, BUTTONS, COMMAND_BY_NAME, COMMANDS, command_name, descriptions
from scoring.i18n import LANGUAGES


def test_nothing_is_listed_twice():
    names = [c.name for c in COMMANDS]
    assert len(names) == len(set(names)) == len(COMMAND_BY_NAME)
    flows = [c.run for c in COMMANDS]
    assert len(flows) == len(set(flows)), "two commands run the same flow"
    button_flows = list(BUTTONS.values())
    assert len(button_flows) == len(set(button_flows)), "two kinds of button run the same flow"


def test_every_kind_of_button_has_exactly_one_flow():
    assert list(BUTTONS) == list(TAP_KINDS)


def test_buttons_may_run_only_the_commands_marked_so():
    assert set(BUTTON_BOUNDS.commands) == {c.name for c in COMMANDS if c.button}
    assert {"forget", "export", "back", "skip", "cancel"}.isdisjoint(BUTTON_BOUNDS.commands)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_command_is_described_in_every_language(lang):
    described = descriptions(lang)
    assert [name for name, _ in described] == [c.name for c in COMMANDS]
    for name, description in described:
        # Telegram: 1-32 lowercase letters, digits and underscores; a description of 1-256 characters.
        assert name.isascii() and name.islower() and 1 <= len(name) <= 32
        assert 3 <= len(description) <= 256 and "\n" not in description, (name, description)
    assert len({d for _, d in described}) == len(described), "two commands share a description"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("/score", "score"),
        ("/Score now", "score"),
        ("/score@SesameAdvisorBot", "score"),
        ("/", ""),
        ("/frobnicate 3", "frobnicate"),
        ("score", None),
        ("3", None),
    ],
)
def test_a_command_is_read_the_way_telegram_reads_it(text, name):
    assert command_name(text) == name
