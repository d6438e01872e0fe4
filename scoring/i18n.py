"""The languages the project speaks, and the one rule that picks one for a client.

Everything that names a language takes it from here: the questionnaire's texts, the template
folders, the CLI's ``--lang`` choices, the bot's command lists, its language buttons and the
language a first Telegram contact is greeted in. It lives in ``scoring`` because the plain
libraries (``scoring``, ``advice``) need the type too and must never import the bot.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal, TypeGuard

Lang = Literal["zh", "en"]
LANGUAGES: tuple[Lang, ...] = ("zh", "en")
"""Every language, in the order lists and buttons show them."""
LANGUAGE_NAMES: dict[Lang, str] = {"zh": "中文", "en": "English"}
"""Each language by its own name (an autonym reads the same whatever language is active)."""
FALLBACK: Lang = "en"
"""The language of a client that speaks none of ours."""
LOCALE_VARIABLES: tuple[str, ...] = ("LC_ALL", "LC_MESSAGES", "LANG")
"""Where a terminal states its language, the first one set winning (POSIX's order for messages)."""


def is_language(value: object) -> TypeGuard[Lang]:
    """Whether ``value`` is exactly one of our language codes."""
    return value in LANGUAGES


def language_of(code: str | None) -> Lang:
    """The language for a client's code (``zh-hans``, ``zh_CN.UTF-8``, ``en-GB``, ``fr``...).

    The one fallback rule: Chinese for any ``zh*`` code, English for every other code or none.
    """
    if code and code.lower().startswith("zh"):
        return "zh"
    return FALLBACK


def terminal_locale(environ: Mapping[str, str] | None = None) -> str | None:
    """The locale a terminal asks for (``zh_CN.UTF-8``...), or ``None`` when none is set.

    Every ``sesame-advisor`` command reads it here, so ``score`` and ``chat`` in one terminal
    speak the same language; the terminal chat also passes it on as a client's language code.
    """
    environ = os.environ if environ is None else environ
    for name in LOCALE_VARIABLES:
        if environ.get(name):
            return environ[name]
    return None


def terminal_language(environ: Mapping[str, str] | None = None) -> Lang:
    """What a command prints without ``--lang``: the terminal's locale by ``language_of``."""
    return language_of(terminal_locale(environ))
