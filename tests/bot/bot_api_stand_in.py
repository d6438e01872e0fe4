"""A local stand-in for the Telegram Bot API: the one edge of the bot the tests cannot reach.

It speaks the subset of the Bot API the bot uses, over real HTTP on 127.0.0.1, in the shapes
python-telegram-bot 22 parses (``{"ok": true, "result": ...}``, dates in seconds, ``is_bot`` in
``getMe``, edits returning the edited Message). Like Telegram it rejects what Telegram would reject
(a wrong token, malformed HTML, over-long texts, callback data over 64 bytes, an edit that changes
nothing, a photo that is not an image), so a bug the real server would catch is caught here too.

A test plays the user: it enqueues updates (a text, a command, a button press on a message the bot
sent), then waits for the bot's calls with ``wait_for``. Every call is recorded in ``calls``.

In webhook mode Telegram pushes instead: ``setWebhook`` is recorded in ``webhook`` (``getUpdates``
then answers 409 as Telegram does), and the test builds an update (``text_update``,
``command_update``, ``press_update``) and POSTs it to a bot process with ``post_update``, the way
Telegram (or a load balancer in front of several processes) delivers it.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import struct
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

DEFAULT_TOKEN = "123456:TEST-stand-in-token"
BOT_ID = 123456
BOT_USERNAME = "sesame_stand_in_bot"
GET_FILE_LIMIT = 20 * 1024 * 1024
"""Telegram lets a bot download files up to 20 MB; getFile refuses bigger ones."""

# Parameters PTB sends JSON-encoded; everything else stays the string it arrived as (a text of
# "42" must stay a string), except the integer ids below.
JSON_PARAMS = {
    "reply_markup",
    "entities",
    "caption_entities",
    "allowed_updates",
    "commands",
    "scope",
    "link_preview_options",
    "reply_parameters",
    "media",
    "disable_notification",
    "protect_content",
    "drop_pending_updates",
    "show_alert",
    "disable_web_page_preview",
    "has_spoiler",
    "cache_time",
    "duration",
    "width",
    "height",
    "max_connections",
}
INT_PARAMS = {"chat_id", "message_id", "offset", "limit", "timeout", "user_id", "reply_to_message_id"}

# What Telegram's HTML parse mode accepts.
HTML_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
}
HTML_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")

SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
WEBHOOK_PORTS = {443, 80, 88, 8443}
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_SECRET: Any = object()
"""``post_update``'s default: send the secret token registered with ``setWebhook``, as Telegram does."""

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64


class ApiError(Exception):
    """An error response, shaped like Telegram's."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass(frozen=True)
class Upload:
    """A file the bot uploaded in a multipart request."""

    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class Call:
    """One Bot API request as the server saw it, with what it answered."""

    method: str
    params: dict[str, Any]
    files: dict[str, Upload]
    ok: bool
    result: Any
    at: float = field(default_factory=time.monotonic)

    def short(self) -> str:
        """One line for failure messages."""
        shown = {k: v for k, v in self.params.items() if k not in {"reply_markup"}}
        markup = self.params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            shown["buttons"] = [b.get("callback_data") for row in markup["inline_keyboard"] for b in row]
        files = {k: f"<{len(v.data)} bytes {v.content_type}>" for k, v in self.files.items()}
        status = "ok" if self.ok else f"ERROR {self.result}"
        return f"{self.method} {json.dumps({**shown, **files}, ensure_ascii=False)[:400]} -> {status}"


class _TelegramHtml(HTMLParser):
    """Checks text the way Telegram's HTML parse mode does: known tags, balanced, known entities."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.plain: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in HTML_TAGS:
            self.error = self.error or f'Unsupported start tag "{tag}"'
        elif tag != "br":
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.error = self.error or f'Can\'t find end tag corresponding to start tag "{tag}"'
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.plain.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in {"lt", "gt", "amp", "quot"}:
            self.error = self.error or f'Unsupported entity "&{name};"'
        self.plain.append(html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.plain.append(html.unescape(f"&#{name};"))


def parse_html(text: str) -> str:
    """The plain text Telegram shows for an HTML message, or ``ApiError`` as Telegram would answer."""
    if re.search(r"<(?![a-zA-Z/])", text) or re.search(r"&(?!(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)", text):
        raise ApiError(400, "Bad Request: can't parse entities: unescaped '<' or '&'")
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    if parser.stack and not parser.error:
        parser.error = f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"'
    if parser.error:
        raise ApiError(400, f"Bad Request: can't parse entities: {parser.error}")
    return "".join(parser.plain)


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG or JPEG; anything else is not a photo Telegram would accept."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    if data[:2] == b"\xff\xd8":
        pos = 2
        while pos + 9 < len(data):
            marker, length = data[pos + 1], struct.unpack(">H", data[pos + 2 : pos + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
                return width, height
            pos += 2 + length
    raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")


class BotApiStandIn:
    """The stand-in server and the simulated user's side of the chat."""

    def __init__(self, token: str = DEFAULT_TOKEN, *, user_id: int = 424242, language_code: str = "en") -> None:
        self.token = token
        self.user_id = user_id
        self.language_code = language_code
        self.calls: list[Call] = []
        self.messages: dict[int, dict[str, Any]] = {}  # the bot's messages as they stand now
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, content)
        self.known_chats: set[int] = {user_id}  # Telegram only lets a bot write to users who wrote first
        self.user_messages: dict[int, int] = {}  # the user's own messages: message_id -> chat id
        self.deleted_user_messages: list[int] = []  # the user's messages the bot deleted
        self._queries: set[str] = set()
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._cond = threading.Condition()
        self._closing = False
        self._mark = 0
        self.polls_started = 0
        self.webhook: dict[str, Any] | None = None  # what setWebhook registered, until deleteWebhook
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ----- server life -----------------------------------------------------------------------

    def start(self) -> BotApiStandIn:
        """Listen on a free port of 127.0.0.1 in a daemon thread."""
        stand_in = self

        class Handler(_Handler):
            api = stand_in

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="bot-api-stand-in", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Wake long polls and shut the server down."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> BotApiStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port the server listens on."""
        assert self._server is not None, "stand-in not started"
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """PTB's ``base_url`` (it appends the token and the method)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """PTB's ``base_file_url`` for downloads."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    # ----- the simulated user ----------------------------------------------------------------

    def user(self, user_id: int | None = None, language_code: str | None = None) -> dict[str, Any]:
        """The user object Telegram puts in ``from``."""
        return {
            "id": user_id or self.user_id,
            "is_bot": False,
            "first_name": "Tester",
            "language_code": language_code or self.language_code,
        }

    def chat(self, user_id: int | None = None) -> dict[str, Any]:
        """The private chat with the user."""
        return {"id": user_id or self.user_id, "type": "private", "first_name": "Tester"}

    def text_update(self, text: str, *, user_id: int | None = None, language_code: str | None = None) -> dict:
        """An update of the user typing ``text``; a leading ``/command`` gets its ``bot_command`` entity."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(user_id),
            "from": self.user(user_id, language_code),
            "text": text,
        }
        self.user_messages[message["message_id"]] = message["chat"]["id"]
        command = re.match(r"/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?", text)
        if command:
            length = len(command.group(0).encode("utf-16-le")) // 2
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._numbered({"message": message})

    def document_update(
        self,
        data: bytes,
        file_name: str,
        *,
        mime_type: str = "application/zip",
        file_size: int | None = None,
        user_id: int | None = None,
        language_code: str | None = None,
    ) -> dict:
        """An update of the user sending ``data`` as a file; ``getFile`` and the download then serve it.

        ``file_size`` is what Telegram states in the update (default: the real size), so a test can
        announce a huge file without making one.
        """
        file_id = f"document-{uuid.uuid4().hex[:16]}"
        with self._cond:
            self.files[file_id] = (f"documents/file_{len(self.files)}{Path(file_name).suffix}", data)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(user_id),
            "from": self.user(user_id, language_code),
            "document": {
                "file_id": file_id,
                "file_unique_id": file_id[-12:],
                "file_name": file_name,
                "mime_type": mime_type,
                "file_size": len(data) if file_size is None else file_size,
            },
        }
        self.user_messages[message["message_id"]] = message["chat"]["id"]
        return self._numbered({"message": message})

    def command_update(self, command: str, args: str = "", **who: Any) -> dict:
        """An update of the user sending ``/command [args]``."""
        command = command if command.startswith("/") else f"/{command}"
        return self.text_update(f"{command} {args}".strip(), **who)

    def press_update(self, message_id: int, callback_data: str, *, check: bool = True, **who: Any) -> dict:
        """An update of the user tapping the button with ``callback_data`` on the bot's message ``message_id``.

        With ``check`` (the default) the button must be on the message as it stands now, as a real
        tap requires; ``check=False`` forges a press (stale or tampered data).
        """
        message = self.messages.get(message_id)
        if message is None:
            raise AssertionError(f"the bot never sent message {message_id}\n{self.transcript()}")
        if check and callback_data not in [data for _, data in self.buttons(message_id)]:
            raise AssertionError(
                f"message {message_id} has no button {callback_data!r}; it has {self.buttons(message_id)}"
            )
        query = {
            "id": str(uuid.uuid4().int)[:19],
            "from": self.user(who.get("user_id"), who.get("language_code")),
            "message": message,
            "chat_instance": str(self.user_id),
            "data": callback_data,
        }
        return self._numbered({"callback_query": query})

    def send_text(self, text: str, *, user_id: int | None = None, language_code: str | None = None) -> dict:
        """The user types ``text`` (queued for ``getUpdates``)."""
        return self.enqueue(self.text_update(text, user_id=user_id, language_code=language_code))

    def send_command(self, command: str, args: str = "", **who: Any) -> dict:
        """The user sends ``/command [args]`` (queued for ``getUpdates``)."""
        return self.enqueue(self.command_update(command, args, **who))

    def press(self, message_id: int, callback_data: str, *, check: bool = True, **who: Any) -> dict:
        """The user taps a button on the bot's message (queued for ``getUpdates``); see ``press_update``."""
        return self.enqueue(self.press_update(message_id, callback_data, check=check, **who))

    def _numbered(self, update: dict[str, Any]) -> dict[str, Any]:
        """Give an update its id and let the bot answer its sender and its callback query, as Telegram does."""
        with self._cond:
            update = {"update_id": next(self._update_ids), **update}
            for body in update.values():
                if isinstance(body, dict):
                    sender = body.get("from") or {}
                    if "id" in sender:
                        self.known_chats.add(sender["id"])
                    if "data" in body and "id" in body:
                        self._queries.add(body["id"])
        return update

    def enqueue(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for ``getUpdates``; later waits look only at calls after this point.

        An update made by the builders keeps its id; a raw one (without ``update_id``) gets one.
        """
        if "update_id" not in update:
            update = self._numbered(update)
        with self._cond:
            self._updates.append(update)
            self._mark = len(self.calls)
            self._cond.notify_all()
        return update

    def post_update(
        self, worker_url: str, update: dict[str, Any], *, secret_token: Any = WEBHOOK_SECRET, timeout: float = 30.0
    ) -> int:
        """POST ``update`` to a bot process as Telegram delivers a webhook update; the HTTP status.

        The body is the update as JSON, with the ``X-Telegram-Bot-Api-Secret-Token`` header carrying
        the secret registered by ``setWebhook`` (``secret_token`` sends another one, ``None`` none).
        Later waits look only at calls after this point.
        """
        if secret_token is WEBHOOK_SECRET:
            secret_token = (self.webhook or {}).get("secret_token")
        headers = {"Content-Type": "application/json"}
        if secret_token is not None:
            headers[SECRET_HEADER] = secret_token
        with self._cond:
            self._mark = len(self.calls)
        request = urllib.request.Request(
            worker_url, data=json.dumps(update).encode("utf-8"), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status
        except urllib.error.HTTPError as error:
            error.close()
            return error.code

    # ----- what the bot did ------------------------------------------------------------------

    def buttons(self, message_id: int) -> list[tuple[str, str]]:
        """(text, callback_data) of the inline buttons on the bot's message as it stands now."""
        markup = self.messages.get(message_id, {}).get("reply_markup") or {}
        return [
            (button.get("text", ""), button["callback_data"])
            for row in markup.get("inline_keyboard", [])
            for button in row
            if "callback_data" in button
        ]

    def mark(self) -> int:
        """The number of calls so far: pass it as ``after`` to look only at what comes next."""
        with self._cond:
            return len(self.calls)

    def calls_of(self, method: str) -> list[Call]:
        """Every recorded call of ``method`` (case-insensitive)."""
        with self._cond:
            return [c for c in self.calls if c.method.lower() == method.lower()]

    def wait_for(
        self,
        method: str | Iterable[str],
        predicate: Callable[[Call], bool] | None = None,
        *,
        after: int | None = None,
        timeout: float = 30.0,
    ) -> Call:
        """The first successful call of ``method`` (one name or several) matching ``predicate``.

        Only calls after ``after`` count (default: since the last update the test enqueued). On
        timeout it fails with the calls it saw, so a broken conversation explains itself.
        """
        names = {method.lower()} if isinstance(method, str) else {m.lower() for m in method}
        deadline = time.monotonic() + timeout
        with self._cond:
            start = self._mark if after is None else after
            while True:
                for call in self.calls[start:]:
                    if call.ok and call.method.lower() in names and (predicate is None or predicate(call)):
                        return call
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closing:
                    break
                self._cond.wait(remaining)
        raise AssertionError(
            f"no {sorted(names)} call matching the condition within {timeout:.0f}s.\n"
            f"Calls since the last update:\n{self.transcript(start)}"
        )

    def wait_until_polling(self, timeout: float = 30.0) -> None:
        """Wait until the bot has opened a ``getUpdates`` long poll: its start-up is over then.

        A poll is recorded in ``calls`` only when it returns; this watches it begin.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self.polls_started:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"the bot did not start polling within {timeout:.0f}s.\nCalls:\n{self.transcript()}"
                    )
                self._cond.wait(remaining)

    def transcript(self, start: int = 0) -> str:
        """The recorded calls from ``start`` on, one per line, without the idle polls."""
        lines = [f"  #{i} {c.short()}" for i, c in enumerate(self.calls[start:], start) if c.method != "getUpdates"]
        return "\n".join(lines) or "  (no calls)"

    # ----- the Bot API -----------------------------------------------------------------------

    def handle(self, method: str, params: dict[str, Any], files: dict[str, Upload]) -> tuple[bool, Any]:
        """Answer one method call; every call is recorded, errors included."""
        handler = _METHODS.get(method.lower())
        try:
            if handler is None:
                raise ApiError(404, "Not Found")
            ok, result = True, handler(self, params, files)
        except ApiError as exc:
            ok, result = False, exc
        with self._cond:
            shown = result if ok else {"error_code": result.code, "description": result.description}
            self.calls.append(Call(method, params, files, ok, shown))
            self._cond.notify_all()
        return ok, result

    def _bot_user(self) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "Sesame Advisor", "username": BOT_USERNAME}

    def _get_me(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        return {
            **self._bot_user(),
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _get_updates(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        allowed = params.get("allowed_updates") or []
        deadline = time.monotonic() + timeout
        with self._cond:
            if self.webhook is not None:
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; use "
                    "deleteWebhook to delete the webhook first",
                )
            self.polls_started += 1
            self._cond.notify_all()
            while True:
                # An offset confirms every update before it, as on Telegram.
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                ready = [u for u in self._updates if not allowed or any(k in allowed for k in u if k != "update_id")]
                remaining = deadline - time.monotonic()
                if ready or remaining <= 0 or self._closing:
                    return ready[:limit]
                self._cond.wait(remaining)

    def _set_webhook(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        url = str(params.get("url") or "")
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        if (parts.port or 443) not in WEBHOOK_PORTS:
            raise ApiError(400, "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        secret = params.get("secret_token")
        if secret is not None and not SECRET_TOKEN.fullmatch(str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        with self._cond:
            if params.get("drop_pending_updates"):
                self._updates.clear()
            self.webhook = {
                "url": url,
                "secret_token": secret,
                "allowed_updates": params.get("allowed_updates"),
                "max_connections": int(params.get("max_connections") or 40),
            }
        return True

    def _delete_webhook(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        with self._cond:
            if params.get("drop_pending_updates"):
                self._updates.clear()
            self.webhook = None
        return True

    def _webhook_info(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        info: dict[str, Any] = {"url": "", "has_custom_certificate": False, "pending_update_count": len(self._updates)}
        if self.webhook is not None:  # the secret token is never shown back, as on Telegram
            info.update(url=self.webhook["url"], max_connections=self.webhook["max_connections"])
            if self.webhook["allowed_updates"]:
                info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    def _true(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        return True

    def _chat_id(self, params: dict[str, Any]) -> int:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        if chat_id not in self.known_chats:
            raise ApiError(400, "Bad Request: chat not found")
        return int(chat_id)

    def _markup(self, params: dict[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if not button.get("text"):
                    raise ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _text(self, params: dict[str, Any], key: str, limit: int, required: bool) -> str | None:
        raw = params.get(key)
        if raw is None or raw == "":
            if required:
                raise ApiError(400, f"Bad Request: {key} is empty")
            return None
        plain = parse_html(raw) if str(params.get("parse_mode", "")).upper() == "HTML" else raw
        if len(plain) > limit:
            raise ApiError(400, f"Bad Request: {'message' if key == 'text' else key} is too long")
        if required and not plain.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        return plain

    def _new_message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": self._bot_user(),
            **{k: v for k, v in content.items() if v is not None},
        }
        markup = self._markup(params)
        if markup:
            message["reply_markup"] = markup
        with self._cond:
            self.messages[message["message_id"]] = message
        return message

    def _send_message(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        text = self._text(params, "text", MESSAGE_LIMIT, required=True)
        return self._new_message(params, text=text)

    def _edited(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        message = self.messages.get(params.get("message_id"))  # type: ignore[arg-type]
        if message is None or message["chat"]["id"] != chat_id:
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    def _edit_message_text(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        message = self._edited(params)
        text = self._text(params, "text", MESSAGE_LIMIT, required=True)
        markup = self._markup(params)
        if text == message.get("text") and markup == message.get("reply_markup"):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        return self._apply_edit(message, text=text, reply_markup=markup)

    def _edit_message_reply_markup(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        message = self._edited(params)
        markup = self._markup(params)
        if markup == message.get("reply_markup") or (not markup and not message.get("reply_markup")):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        return self._apply_edit(message, reply_markup=markup)

    def _apply_edit(self, message: dict[str, Any], **changes: Any) -> dict[str, Any]:
        with self._cond:
            edited = {k: v for k, v in message.items() if k != "reply_markup"}
            edited.update({k: v for k, v in changes.items() if v is not None and k != "reply_markup"})
            if changes.get("reply_markup"):
                edited["reply_markup"] = changes["reply_markup"]
            edited["edit_date"] = int(time.time())
            self.messages[message["message_id"]] = edited
        return edited

    def _delete_message(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        # In a private chat a bot may delete the user's messages too (within 48 hours).
        own = self.user_messages.get(params.get("message_id"))  # type: ignore[arg-type]
        if own is not None and own == self._chat_id(params):
            with self._cond:
                del self.user_messages[params["message_id"]]
                self.deleted_user_messages.append(params["message_id"])
            return True
        message = self._edited(params)
        with self._cond:
            del self.messages[message["message_id"]]
        return True

    def _upload(self, params: dict[str, Any], files: dict[str, Upload], key: str) -> tuple[str, bytes, Upload | None]:
        upload = files.get(key)
        if upload is None:
            reference = params.get(key, "")
            if isinstance(reference, str) and reference.startswith("attach://"):
                upload = files.get(reference[len("attach://") :])
        if upload is not None:
            if not upload.data:
                raise ApiError(400, f"Bad Request: file must be non-empty ({key})")
            file_id = f"{key}-{uuid.uuid4().hex[:16]}"
            folder = "photos" if key == "photo" else "documents"
            self.files[file_id] = (f"{folder}/{file_id}_{upload.filename}", upload.data)
            return file_id, upload.data, upload
        reference = params.get(key)
        if isinstance(reference, str) and reference in self.files:
            return reference, self.files[reference][1], None
        raise ApiError(400, f"Bad Request: there is no {key} in the request")

    def _send_photo(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        file_id, data, _ = self._upload(params, files, "photo")
        width, height = image_size(data)
        if width + height > 10000 or max(width, height) > 20 * min(width, height):
            raise ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        caption = self._text(params, "caption", CAPTION_LIMIT, required=False)
        size = {
            "file_id": file_id,
            "file_unique_id": file_id[-12:],
            "width": width,
            "height": height,
            "file_size": len(data),
        }
        return self._new_message(params, photo=[size], caption=caption)

    def _send_document(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        file_id, data, upload = self._upload(params, files, "document")
        caption = self._text(params, "caption", CAPTION_LIMIT, required=False)
        document = {"file_id": file_id, "file_unique_id": file_id[-12:], "file_size": len(data)}
        if upload is not None:
            document.update(file_name=upload.filename, mime_type=upload.content_type)
        return self._new_message(params, document=document, caption=caption)

    def _get_file(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        file_id = params.get("file_id")
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        path, data = self.files[file_id]
        if len(data) > GET_FILE_LIMIT:
            raise ApiError(400, "Bad Request: file is too big")
        return {"file_id": file_id, "file_unique_id": file_id[-12:], "file_size": len(data), "file_path": path}

    def _scope_key(self, params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _set_my_commands(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be a list of at most 100 BotCommand")
        for command in commands:
            name, description = command.get("command", ""), command.get("description", "")
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name) or not 1 <= len(description) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        with self._cond:
            self.commands[self._scope_key(params)] = commands
        return True

    def _get_my_commands(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        return self.commands.get(self._scope_key(params), [])

    def _delete_my_commands(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        with self._cond:
            self.commands.pop(self._scope_key(params), None)
        return True

    def _answer_callback_query(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        if params.get("callback_query_id") not in self._queries:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        if len(str(params.get("text") or "")) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True

    def _send_chat_action(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        self._chat_id(params)
        if not params.get("action"):
            raise ApiError(400, "Bad Request: action is empty")
        return True


_METHODS: dict[str, Callable[[BotApiStandIn, dict[str, Any], dict[str, Upload]], Any]] = {
    "getme": BotApiStandIn._get_me,
    "getupdates": BotApiStandIn._get_updates,
    "setwebhook": BotApiStandIn._set_webhook,
    "deletewebhook": BotApiStandIn._delete_webhook,
    "getwebhookinfo": BotApiStandIn._webhook_info,
    "sendmessage": BotApiStandIn._send_message,
    "editmessagetext": BotApiStandIn._edit_message_text,
    "editmessagereplymarkup": BotApiStandIn._edit_message_reply_markup,
    "deletemessage": BotApiStandIn._delete_message,
    "answercallbackquery": BotApiStandIn._answer_callback_query,
    "sendphoto": BotApiStandIn._send_photo,
    "senddocument": BotApiStandIn._send_document,
    "getfile": BotApiStandIn._get_file,
    "setmycommands": BotApiStandIn._set_my_commands,
    "getmycommands": BotApiStandIn._get_my_commands,
    "deletemycommands": BotApiStandIn._delete_my_commands,
    "sendchataction": BotApiStandIn._send_chat_action,
    "close": BotApiStandIn._true,
    "logout": BotApiStandIn._true,
}
SUPPORTED_METHODS = tuple(sorted(_METHODS))


def _decode_params(raw: dict[str, str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if key in JSON_PARAMS:
            try:
                params[key] = json.loads(value)
            except json.JSONDecodeError:
                params[key] = value
        elif key in INT_PARAMS and re.fullmatch(r"-?\d+", value):
            params[key] = int(value)
        else:
            params[key] = value
    return params


class _Server(ThreadingHTTPServer):
    """A threaded server that takes a client hanging up (a bot process being stopped) quietly."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """Routes ``/bot<token>/<method>`` and ``/file/bot<token>/<path>``."""

    api: BotApiStandIn
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean; every call is in ``api.calls``

    def do_GET(self) -> None:
        if self.path.startswith("/file/bot"):
            self._download()
        else:
            self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        match = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)", unquote(url.path))
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if match is None:
            self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        token, method = match.groups()
        if token != self.api.token:
            self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        raw: dict[str, str] = dict(parse_qsl(url.query))
        files: dict[str, Upload] = {}
        content_type = self.headers.get("Content-Type", "")
        if content_type.startswith("application/json") and body:
            raw.update({k: v if isinstance(v, str) else json.dumps(v) for k, v in json.loads(body).items()})
        elif content_type.startswith("application/x-www-form-urlencoded"):
            raw.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        elif content_type.startswith("multipart/form-data"):
            fields, files = _parse_multipart(content_type, body)
            raw.update(fields)
        ok, result = self.api.handle(method, _decode_params(raw), files)
        if ok:
            self._reply(200, {"ok": True, "result": result})
        else:
            self._reply(result.code, {"ok": False, "error_code": result.code, "description": result.description})

    def _download(self) -> None:
        prefix = f"/file/bot{self.api.token}/"
        path = unquote(urlsplit(self.path).path)
        found = [data for file_path, data in self.api.files.values() if prefix + file_path == path]
        if not found:
            self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(found[0])))
        self.end_headers()
        self.wfile.write(found[0])

    def _reply(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, Upload]]:
    """Split a multipart/form-data body into text fields and uploaded files (stdlib only)."""
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    fields: dict[str, str] = {}
    files: dict[str, Upload] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        payload = part.get_payload(decode=True) or b""
        if filename is not None:
            files[name] = Upload(name, filename, part.get_content_type(), payload)
        else:
            fields[name] = payload.decode(part.get_content_charset() or "utf-8")
    return fields, files
