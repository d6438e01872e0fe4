"""python-telegram-bot's real ``Application``, driven offline.

Only the Bot's network layer is replaced: ``RecordingRequest`` is an ``OfflineBotApi``
(``bot/testing.py``, which the load benchmark builds on too) that records every Bot API call
(method, parameters, uploaded files) and answers the way Telegram does (a ``Message`` for
``sendMessage``, ``True`` for ``answerCallbackQuery``, a 400 "message is not modified" for an edit
that changes nothing, a 403 for a message to a user who blocked the bot...). Updates are the dicts
Telegram sends, turned into objects with ``Update.de_json`` and fed to ``process_update``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes
from telegram.request import RequestData

from bot.advisor import Advisor
from bot.application import build_application
from bot.reminder_schedule import Clock
from bot.storage import Storage
from bot.testing import EPOCH, OfflineBotApi
from scoring.questions import QUESTION_BY_ID, QUICK_IDS, Answer
from scoring.structure import settled
from tests.bot.bot_api_stand_in import image_size

TOKEN = "123456789:TEST-token-never-sent-anywhere"
_TAG = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """What a Telegram client shows of HTML text."""
    return html.unescape(_TAG.sub("", text))


@dataclass
class Call:
    """One Bot API request: method, parameters, uploaded files, and what was answered."""

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes, str]] = field(default_factory=dict)
    result: Any = None
    ok: bool = True

    @property
    def text(self) -> str:
        return self.params.get("text") or self.params.get("caption") or ""

    @property
    def buttons(self) -> list[list[tuple[str, str]]]:
        markup = self.params.get("reply_markup") or {}
        return [[(b["text"], b["callback_data"]) for b in row] for row in markup.get("inline_keyboard", [])]

    @property
    def labels(self) -> list[str]:
        return [label for row in self.buttons for label, _ in row]


class RecordingRequest(OfflineBotApi):
    """The Bot API as seen from the bot: every call recorded, answered like Telegram would."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Call] = []
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.blocked: set[int] = set()  # users who blocked the bot: sendMessage to them is refused (403)
        self.files: dict[str, bytes] = {}  # files users sent, by file_id
        self.photos: dict[str, dict[str, Any]] = {}  # each uploaded photo (its PhotoSize), by file_id

    def add_file(self, data: bytes) -> str:
        """Keep a file a user sends; ``getFile`` and the download serve it."""
        file_id = self.new_file()["file_id"]
        self.files[file_id] = data
        return file_id

    def download(self, file_id: str) -> bytes:
        self.calls.append(Call("download", {"file_id": file_id}))
        return self.files.get(file_id, b"")  # a made-up document (random updates): empty

    def respond(self, method: str, params: dict[str, Any], request_data: RequestData | None) -> tuple[int, Any]:
        files = {}
        if request_data and request_data.contains_files:
            for name, part in request_data.multipart_data.items():
                filename, content, mime = part[0], part[1], part[2]
                files[name] = (filename, content if isinstance(content, bytes) else content.read(), mime)
        call = Call(method, params, files)
        self.calls.append(call)
        if "chat_id" in params and int(params["chat_id"]) in self.blocked:
            call.ok, call.result = False, "Forbidden: bot was blocked by the user"
            return 403, call.result
        call.ok, call.result = self._answer(call)
        return (200 if call.ok else 400), call.result

    # ---- Telegram's side -------------------------------------------------------------
    def _answer(self, call: Call) -> tuple[bool, Any]:
        p = call.params
        if call.method == "getFile":
            file_id = p["file_id"]
            return True, {"file_id": file_id, "file_unique_id": file_id[-8:], "file_path": file_id}
        if call.method == "sendMessage":
            return True, self._message(int(p["chat_id"]), text=plain(p["text"]), markup=p.get("reply_markup"))
        if call.method == "editMessageText":
            key = (int(p["chat_id"]), int(p["message_id"]))
            old = self.messages.get(key)
            if old is None:
                return False, "Bad Request: message to edit not found"
            text = plain(p["text"])
            if old.get("text") == text and old.get("reply_markup") == p.get("reply_markup"):
                return False, (
                    "Bad Request: message is not modified: specified new message content and reply "
                    "markup are exactly the same as a current content and reply markup of the message"
                )
            message = {**old, "text": text, "edit_date": EPOCH + len(self.calls)}
            message.pop("reply_markup", None)
            if p.get("reply_markup"):
                message["reply_markup"] = p["reply_markup"]
            self.messages[key] = message
            return True, message
        if call.method == "sendPhoto":
            if call.files:
                content = next(iter(call.files.values()))[1]
                width, height = image_size(content)  # PNG or JPEG, as Telegram takes both
                photo = {**self.new_file(), "width": width, "height": height, "file_size": len(content)}
                self.photos[photo["file_id"]] = photo
            elif p.get("photo") in self.photos:  # a file_id this "Telegram" answered an upload with
                photo = self.photos[p["photo"]]
            else:
                return False, "Bad Request: wrong file identifier/HTTP URL specified"
            return True, self._message(
                int(p["chat_id"]), caption=plain(p.get("caption", "")), photo=[photo], markup=p.get("reply_markup")
            )
        if call.method == "sendDocument":
            filename, content, mime = next(iter(call.files.values()))
            document = {**self.new_file(), "file_name": filename, "mime_type": mime, "file_size": len(content)}
            return True, self._message(int(p["chat_id"]), caption=plain(p.get("caption", "")), document=document)
        status, result = super().respond(call.method, p, None)
        return status == 200, result

    def _message(self, chat_id: int, markup: dict | None = None, **content: Any) -> dict[str, Any]:
        message = self.new_message(chat_id, **content)
        if markup:
            message["reply_markup"] = markup
        self.messages[(chat_id, message["message_id"])] = message
        return message


class TelegramUser:
    """A Telegram user talking to the application: sends messages, taps buttons."""

    def __init__(self, bot: BotUnderTest, user_id: int, language_code: str | None, first_name: str = "Li") -> None:
        self.bot = bot
        self.id = user_id
        self.language_code = language_code
        self.first_name = first_name

    def _from(self) -> dict[str, Any]:
        user = {"id": self.id, "is_bot": False, "first_name": self.first_name, "username": "li_private"}
        if self.language_code is not None:
            user["language_code"] = self.language_code
        return user

    def message_dict(self, text: str | None = None, **extra: Any) -> dict[str, Any]:
        message_id = self.bot.recorder.next_message_id()
        message: dict[str, Any] = {
            "message_id": message_id,
            "from": self._from(),
            "chat": {"id": self.id, "type": "private", "first_name": self.first_name, "username": "li_private"},
            "date": EPOCH + message_id,
            **extra,
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [{"offset": 0, "length": len(command), "type": "bot_command"}]
        return message

    async def send(self, text: str) -> list[Call]:
        """Send a text message (a command when it starts with ``/``)."""
        return await self.bot.feed({"message": self.message_dict(text)}, f"{self.first_name}: {text}")

    async def send_document(self, data: bytes, file_name: str) -> list[Call]:
        """Send a file (the recorder serves ``getFile`` and its download from memory)."""
        file_id = self.bot.recorder.add_file(data)
        document = {"file_id": file_id, "file_unique_id": file_id[-8:], "file_name": file_name, "file_size": len(data)}
        return await self.bot.feed({"message": self.message_dict(document=document)}, f"{self.first_name}: [file]")

    async def send_sticker(self) -> list[Call]:
        sticker = {
            "file_id": "sticker-1",
            "file_unique_id": "s1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
        return await self.bot.feed({"message": self.message_dict(sticker=sticker)}, f"{self.first_name}: [sticker]")

    async def tap(self, label: str, message_id: int | None = None) -> list[Call]:
        """Tap the button ``label`` on the newest message showing it (or on ``message_id``)."""
        message = self.bot.message_with(label, self.id, message_id)
        data = next(
            d
            for row in message["reply_markup"]["inline_keyboard"]
            for b in row
            if b["text"] == label
            for d in [b["callback_data"]]
        )
        return await self.press(message["message_id"], data, label)

    async def press(self, message_id: int, data: str, label: str | None = None) -> list[Call]:
        """Send a callback query with any data, as a client (or a forger) would."""
        message = self.bot.recorder.messages[(self.id, message_id)]
        query = {
            "id": f"{self.id}{len(self.bot.recorder.calls):06d}",
            "from": self._from(),
            "message": message,
            "chat_instance": "-8812345678901234567",
            "data": data,
        }
        shown = f"[{label}]" if label else f"[button data {data!r}]"
        return await self.bot.feed({"callback_query": query}, f"{self.first_name} taps {shown}")


class BotUnderTest:
    """One ``Application`` with its recorder; a transcript grows as users talk to it."""

    def __init__(self, application: Application, recorder: RecordingRequest) -> None:
        self.application = application
        self.recorder = recorder
        self.errors: list[BaseException] = []
        self.transcript: list[str] = []
        self._update_id = 10_000

    @classmethod
    async def start(
        cls, storage: Storage, recorder: RecordingRequest | None = None, clock: Clock | None = None
    ) -> BotUnderTest:
        """The application on ``storage``; no reminder task runs (tests call ``deliver_due``)."""
        recorder = recorder or RecordingRequest()
        advisor = Advisor(storage) if clock is None else Advisor(storage, clock=clock)
        application = build_application(
            TOKEN, advisor=advisor, request=recorder, updates_request=recorder, remind_every=None
        )
        bot = cls(application, recorder)

        async def keep_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
            bot.errors.append(context.error)

        application.add_error_handler(keep_error)
        await application.initialize()
        await application.post_init(application)
        return bot

    async def stop(self) -> None:
        await self.application.shutdown()

    def user(self, user_id: int = 555001, language_code: str | None = "en", first_name: str = "Li") -> TelegramUser:
        return TelegramUser(self, user_id, language_code, first_name)

    async def feed(self, payload: dict[str, Any], said: str) -> list[Call]:
        self._update_id += 1
        update = Update.de_json({"update_id": self._update_id, **payload}, self.application.bot)
        before = len(self.recorder.calls)
        await self.application.process_update(update)
        calls = self.recorder.calls[before:]
        if "callback_query" in payload:  # every tapped button is answered, exactly once
            assert [c.method for c in calls].count("answerCallbackQuery") == 1, [c.method for c in calls]
        self.transcript += [f">>> {said}", *describe(calls), ""]
        return calls

    def message_with(self, label: str, chat_id: int, message_id: int | None = None) -> dict[str, Any]:
        for (chat, mid), message in reversed(list(self.recorder.messages.items())):
            if chat != chat_id or (message_id is not None and mid != message_id):
                continue
            rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
            if any(b["text"] == label for row in rows for b in row):
                return message
        raise AssertionError(f"no message shows a button {label!r}")


def describe(calls: list[Call]) -> list[str]:
    """Bot API calls as a reader of the chat would see them (deterministic: no ids or dates)."""
    lines = []
    formats: dict[str, str] = {}  # file_id -> the format of the picture uploaded under it
    for call in calls:
        if call.method == "sendMessage":
            lines.append(plain(call.params["text"]))
        elif call.method == "editMessageText":
            lines.append("(edits its message to:)")
            lines.append(plain(call.params["text"]))
        elif call.method == "sendPhoto":
            uploaded = call.files.get("photo")
            kind = "history chart" if uploaded and uploaded[0] == "sesame-history.png" else "radar chart"
            if uploaded:
                shape = "JPEG" if uploaded[1].startswith(b"\xff\xd8") else "PNG"
                if call.ok and call.result:
                    formats[call.result["photo"][-1]["file_id"]] = shape
            else:  # sent again by the file_id of an earlier upload
                shape = formats.get(call.params.get("photo", ""), "sent by file_id")
            lines.append(f"[picture: {kind}, {shape}] {plain(call.params.get('caption', ''))}")
        elif call.method == "sendDocument":
            filename = next(iter(call.files.values()))[0]
            lines.append(f"[file: {filename}] {plain(call.params.get('caption', ''))}")
        elif call.method == "answerCallbackQuery":
            if call.params.get("text"):
                lines.append(f"(toast: {call.params['text']})")
            continue
        else:
            continue
        for row in call.buttons:
            lines.append("  " + "  ".join(f"[{label}]" for label, _ in row))
    return lines


def sent_texts(calls: list[Call]) -> list[str]:
    """Plain text of every message sent or edited by these calls."""
    return [plain(c.text) for c in calls if c.method in {"sendMessage", "editMessageText", "sendPhoto", "sendDocument"}]


def quick_answers(picks: dict[str, int] | None = None) -> dict[str, Answer]:
    """The answers ``answer_quick`` gives with these picks: a question an earlier pick settles is not asked."""
    given: dict[str, Answer] = {}
    for qid in QUICK_IDS:
        if not settled(qid, given):
            given[qid] = QUESTION_BY_ID[qid].levels[(picks or {}).get(qid, 1)]
    return given


async def answer_quick(user: TelegramUser, picks: dict[str, int] | None = None, lang: str = "en") -> list[Call]:
    """Play the quick check, tapping choice ``picks[question id]`` (default: the second) of each question.

    A question an earlier pick settles is not asked (``scoring.structure``), so it is not tapped.
    """
    calls = await user.send("/start")
    for qid, value in quick_answers(picks).items():
        question = QUESTION_BY_ID[qid]
        calls = await user.tap(question.choices[question.levels.index(value)].label(lang))
    return calls
