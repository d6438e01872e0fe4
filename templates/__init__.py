"""Every user-facing text, as Jinja2 templates in one folder per language.

One environment serves the bot and the CLI: ``*.html.j2`` is Telegram HTML and autoescaped,
``*.txt.j2`` is plain terminal text. ``StrictUndefined`` turns a missing variable into a test
failure instead of a blank in front of a user.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from scoring.i18n import LANGUAGES, Lang, language_of

__all__ = ["LANGUAGES", "environment", "render", "template_names", "without_buttons"]

FOLDER = Path(__file__).resolve().parent
_TAPPABLE: ContextVar[bool] = ContextVar("tappable", default=True)
"""Whether the reader has buttons to tap; every template sees it as ``tappable``."""


@contextmanager
def without_buttons() -> Iterator[None]:
    """Render for a reader with no buttons (the terminal chat): texts say "type", never "tap".

    A context variable rather than one more argument to every screen: the flows and screens are
    the same for both channels, only the words about how to answer differ.
    """
    token = _TAPPABLE.set(False)
    try:
        yield
    finally:
        _TAPPABLE.reset(token)


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The shared Jinja2 environment (built once per process)."""
    env = Environment(
        loader=FileSystemLoader(str(FOLDER)),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False, default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["signed"] = lambda value: f"{value:+.0f}"
    env.filters["plural"] = plural
    return env


def plural(word: str, count: object, many: str | None = None) -> str:
    """``word`` after a count of exactly one (``+1`` and ``-1`` too), else its plural.

    English only (Chinese has no plural): ``{{ n }} {{ "point"|plural(n) }}``. The plural is
    ``many`` or ``word`` + "s"; a decimal takes it even at 1.0 ("1.0 months"), as English writes it.
    """
    one = isinstance(count, int) and not isinstance(count, bool) and abs(count) == 1
    return word if one else many or f"{word}s"


def render(lang: Lang, name: str, **context: Any) -> str:
    """Render ``templates/<lang>/<name>`` with ``context`` (``lang`` and ``tappable`` are passed in too).

    A code that is not one of ours (a caller's slip) falls back by the one rule of ``scoring.i18n``
    rather than reaching into an arbitrary folder.
    """
    lang = language_of(lang)
    template = environment().get_template(f"{lang}/{name}")
    return template.render({"lang": lang, "tappable": _TAPPABLE.get(), **context}).strip()


def template_names(lang: Lang) -> list[str]:
    """Every template of a language, for the test that renders them all."""
    return sorted(p.name for p in (FOLDER / lang).glob("*.j2"))
