"""The language rules: a client's code, and a terminal's locale."""

import pytest

from scoring.i18n import language_of, terminal_language, terminal_locale


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
        ({"LC_ALL": "zh_TW.UTF-8", "LC_MESSAGES": "en_GB.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LC_ALL": "", "LANG": "zh_CN.UTF-8"}, "zh"),  # an empty variable is not set
    ],
)
def test_a_terminal_speaks_its_first_locale_variable_set(environ, expected):
    assert terminal_language(environ) == expected
    assert language_of(terminal_locale(environ)) == expected


def test_the_process_environment_is_read_by_default(monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert terminal_language() == "en"
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    assert terminal_language() == "zh" and terminal_locale() == "zh_CN.UTF-8"
