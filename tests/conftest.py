"""Fixtures every test shares."""

import pytest


@pytest.fixture(autouse=True)
def chinese_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test in a Chinese terminal, whatever the developer's own locale.

    Without ``--lang`` the CLI speaks the terminal's language (``scoring.i18n.terminal_language``),
    so a test that leaves ``--lang`` out would otherwise read Chinese on one machine and English
    on another. Tests about another locale set their own.
    """
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
