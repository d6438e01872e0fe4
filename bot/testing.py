"""The Bot API answered in process: python-telegram-bot's network layer with no network behind it.

The running bot never imports this. Two places drive the real ``Application`` offline and build on
``OfflineBotApi``: the test kit (``tests/bot/telegram_testkit.py``'s ``RecordingRequest`` records
every call and answers as strictly as Telegram) and the load benchmark (``benchmarks/bench_bot.py``
keeps only the buttons its simulated users tap, so its memory figure is the bot's). It lives in the
package, like ``numpy.testing``, because both must import it: the benchmarks run as scripts from the
repository root and should not depend on the tests, and the tests should not depend on a benchmark.

What is shared is what Telegram's side of the wire looks like to python-telegram-bot: the
``{"ok": ..., "result": ...}`` envelope, the bot's own user, messages and file ids; a subclass
decides what each method answers (``respond``).
"""

from __future__ import annotations

import json
from typing import Any

from telegram.request import BaseRequest, RequestData

from bot.outbound import request_started

EPOCH = 1_735_000_000
"""The date (Unix seconds) offline messages count from."""
BOT_USER: dict[str, Any] = {
    "id": 123456789,
    "is_bot": True,
    "first_name": "Sesame Advisor",
    "username": "SesameAdvisorBot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
"""What ``getMe`` answers."""
ANSWERED_TRUE = frozenset({"answerCallbackQuery", "setMyCommands", "deleteWebhook", "setWebhook", "deleteMessage"})
"""Methods whose whole result is ``True``."""


def response_body(status: int, result: Any) -> bytes:
    """Telegram's JSON envelope: the result for 200, else ``result`` as the error's description."""
    if status == 200:
        return json.dumps({"ok": True, "result": result}).encode()
    return json.dumps({"ok": False, "error_code": status, "description": result}).encode()


class OfflineBotApi(BaseRequest):
    """A ``BaseRequest`` that answers from memory; subclasses say what each method answers.

    It holds two counters and nothing else, so a subclass that keeps nothing costs nothing per user.
    """

    def __init__(self) -> None:
        self._message_id = 0
        self._file = 0

    def next_message_id(self) -> int:
        """A new message id (for the bot's messages and the users' alike, as in one chat history)."""
        self._message_id += 1
        return self._message_id

    def new_file(self) -> dict[str, str]:
        """The ids Telegram gives a new file: ``file_id`` (to send or fetch it) and ``file_unique_id``."""
        self._file += 1
        return {"file_id": f"file-{self._file}", "file_unique_id": f"u{self._file}"}

    def new_message(self, chat_id: int, **content: Any) -> dict[str, Any]:
        """A message the bot sends to a private chat; empty parts of ``content`` are left out."""
        message_id = self.next_message_id()
        return {
            "message_id": message_id,
            "from": BOT_USER,
            "chat": {"id": chat_id, "type": "private"},
            "date": EPOCH + message_id,
            **{key: value for key, value in content.items() if value not in ("", None)},
        }

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    @property
    def read_timeout(self) -> float | None:
        """The read timeout python-telegram-bot adds to ``getUpdates``' long-poll timeout."""
        return 1.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        """Answer one call: a file download (``/file/bot...``) or a Bot API method."""
        request_started()  # as the real network layer does (bot.telegram_limits.TrackedRequest)
        if "/file/bot" in url:
            return 200, self.download(url.rsplit("/", 1)[-1])
        params = dict(request_data.parameters) if request_data else {}
        status, result = self.respond(url.rsplit("/", 1)[-1], params, request_data)
        return status, response_body(status, result)

    def respond(self, method: str, params: dict[str, Any], request_data: RequestData | None) -> tuple[int, Any]:
        """The status and result of a Bot API call (for an error, its description).

        This answers ``getMe`` and the methods whose result is ``True``, and refuses the rest;
        subclasses answer more and fall back on this.
        """
        if method == "getMe":
            return 200, BOT_USER
        if method in ANSWERED_TRUE:
            return 200, True
        return 400, f"Bad Request: method {method} is not known offline"

    def download(self, file_id: str) -> bytes:
        """The bytes of a file a user sent; none are kept here, so empty."""
        return b""
