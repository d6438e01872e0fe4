"""``sesame-advisor chat``: the bot's dialog in a terminal, no Telegram account needed.

The same advisor, engine, storage and templates as the Telegram bot; buttons become numbered
choices and Telegram HTML is shown as plain text. Input is read between event-loop turns, so
Ctrl-C and end of input (a pipe running dry) end the chat cleanly, and answers given so far
are already committed. Reminders that fell due while the chat was closed are printed when it
starts (the chat has no background task; it shares the delivery round with the bot).
"""

from __future__ import annotations

import asyncio
import html
import io
import re
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO, TextIO

from bot.advisor import Advisor
from bot.callbacks import ForgetTap
from bot.commands import command_name
from bot.flows.session import Who
from bot.reminder_delivery import deliver_due
from bot.replies import CHAT_FILES, Button, Document, EditMessage, FileName, Keyboard, Photo, Reply, Screen
from bot.storage import Storage, open_storage
from scoring.alipay_bill.limits import MAX_FILE_BYTES
from scoring.i18n import Lang, language_of
from templates import render

OLD_CHART_FILE = "sesame-score.png"  # the radar before it became a JPEG: /forget removes it too

CHAT_USER_ID = 0
"""The terminal's one local user (Telegram ids are positive, so it never meets a real one)."""
QUIT = ("/quit", "/exit")
_TAG = re.compile(r"<[^>]+>")
MAX_LINE = 4096
"""Bytes of one input line that are kept (Telegram's message limit); the rest of a longer line is dropped."""
NO_MENU_NUMBER = 100
"""A typed number from here on is no slip on a menu (Telegram allows 100 buttons a message) but
text with a meaning of its own (a real score such as 712): it goes where typed text goes."""


def plain(text: str) -> str:
    """Telegram HTML as terminal text: tags dropped, entities unescaped."""
    return html.unescape(_TAG.sub("", text))


class TerminalChat:
    """One terminal conversation: reads a line, calls the advisor, prints the replies."""

    def __init__(self, advisor: Advisor, who: Who, out: TextIO, folder: Path) -> None:
        self.advisor = advisor
        self.who = who
        self.out = out
        self.folder = folder
        # The choices a typed number picks from: the newest message's buttons, if it had any. A later
        # message replaces the screen (the terminal has no older message to tap), so any message
        # without buttons takes them away.
        self.buttons: list[Button] = []
        self.typed = False
        self.question = False  # the buttons are a question's answers: the dialog reads any other number
        self.last_screen = ""  # the message with those choices, shown again after a choice that is not there
        # Whether the message being printed follows another of the same reply with numbered buttons:
        # its own buttons then number on from that one's (``screen``), so no number means two things.
        self.continuing = False
        self.lang: Lang = language_of(who.language_code)  # the language last known (``language``)

    async def language(self) -> Lang:
        """The user's current language (it can change during the chat); reading it creates nothing.

        After ``/forget`` no row may be left, so the words that follow it (the goodbye) are in the
        language last known, from this chat's memory rather than a user row made up again.
        """
        stored = await self.advisor.storage.user_language(self.who.id)
        if stored is not None:
            self.lang = language_of(stored)
        return self.lang

    async def begin(self) -> None:
        """Introduce the chat, print the reminders due meanwhile and run ``/start``, as Telegram's Start does."""
        self.say(render(await self.language(), "chat_intro.txt.j2"))
        await deliver_due(self.advisor.storage, self.remind, self.advisor.clock(), user_id=self.who.id)
        self.show(await self.advisor.command(self.who, "start"), await self.language())

    async def remind(self, user_id: int, screen: Screen) -> bool:
        """A due reminder, as text: its buttons would be replaced by the question right after it."""
        self.say(plain(screen.text))
        return True

    async def handle(self, line: str) -> bool:
        """One line of input; ``False`` when the user wants to leave."""
        text = line.strip()
        if not text:
            return True
        if text.lower() in QUIT:
            return False
        if (path := bill_path(text)) is not None:
            replies = await self.import_file(path)
        elif (name := command_name(text)) is not None:
            arguments = text.split(maxsplit=1)[1] if len(text.split(maxsplit=1)) > 1 else ""
            replies = await self.advisor.command(self.who, name, arguments)
        elif (number := self.menu_number(text)) is not None and not 1 <= number <= len(self.buttons):
            lang = await self.language()
            self.say(render(lang, "chat_no_choice.txt.j2", number=number, buttons=len(self.buttons)))
            self.say(self.last_screen)
            return True
        elif number is not None or (number := self.label_number(text)) is not None:
            data = self.buttons[number - 1].data
            replies = await self.advisor.tap(self.who, data)
            if data == ForgetTap(True).data():
                self.forget_files()
        else:
            replies = await self.advisor.text(self.who, text)
        self.show(replies, await self.language())
        return True

    def menu_number(self, text: str) -> int | None:
        """The menu choice a typed line means, if it is a number meant for the buttons on screen.

        ``None`` (the line is typed text) with no buttons on screen, for a question taking a typed
        number, for a number no menu could have, and for a question's number that is none of its
        choices: the dialog answers that one, with the question.
        """
        number = choice_number(text)
        if number is None or not self.buttons or self.typed or number >= NO_MENU_NUMBER:
            return None
        if self.question and not 1 <= number <= len(self.buttons):
            return None
        return number

    def label_number(self, text: str) -> int | None:
        """The menu choice a typed line names by its button's words ("没有", "Keep my data"), if exactly one.

        A question's answers are read by the dialog, which knows more ways to say them; this reads
        the other menus (whether the user has a record item, a confirmation...), whose words the
        chat's introduction promises to take as well. Only a whole label counts, never part of one:
        "yes" must not delete everything where the button says "Yes, delete everything".
        """
        if self.question or self.typed:
            return None
        typed = label_words(text)
        found = [n for n, button in enumerate(self.buttons, start=1) if label_words(button.label) == typed]
        return found[0] if typed and len(found) == 1 else None

    async def import_file(self, path: Path) -> list[Reply]:
        """``/import PATH`` (or a typed path): the file goes through the very flow a Telegram file does."""
        try:
            size = path.stat().st_size
        except OSError:
            return [Screen(render(await self.language(), "chat_no_file.txt.j2", path=str(path)))]

        async def fetch() -> bytes:
            with path.open("rb") as handle:  # never more than one byte past the limit
                return handle.read(MAX_FILE_BYTES + 1)

        try:
            return await self.advisor.bill_file(self.who, size, fetch)
        except OSError:  # unreadable (a directory, no permission): nothing was read
            return [Screen(render(await self.language(), "chat_no_file.txt.j2", path=str(path)))]

    async def bye(self) -> None:
        """The last line: where to carry on, or, after ``/forget``, that nothing is left to carry on from."""
        lang = await self.language()
        forgotten = await self.advisor.storage.user_language(self.who.id) is None
        self.say(render(lang, "chat_bye.txt.j2", forgotten=forgotten))

    # ---- output ------------------------------------------------------------------------
    def say(self, text: str) -> None:
        """Print a block of text followed by a blank line."""
        print(text, end="\n\n", file=self.out, flush=True)

    def show(self, replies: Sequence[Reply], lang: Lang) -> None:
        """Print replies the way Telegram would show them, buttons as numbered choices.

        Telegram keeps every message's buttons tappable, so a reply of two messages with buttons
        (the advice list, then whether the user has a record item) numbers them as one menu:
        "1-7" then "8-9", and the last prompt asks for "1-9". A number typed then does what
        that prompt says, never the first message's choice and the second's at once.
        """
        self.continuing = False
        for reply in replies:
            if isinstance(reply, Screen):
                typed = reply.typed or reply.amounts
                self.screen(reply.text, reply.keyboard, typed, lang, question=reply.nonce is not None)
            elif isinstance(reply, EditMessage) and reply.message_id is None:
                edited = reply.screen
                typed = edited.typed or edited.amounts
                self.screen(edited.text, edited.keyboard, typed, lang, question=edited.nonce is not None)
            elif isinstance(reply, Photo):
                picture = reply.picture if isinstance(reply.picture, bytes) else reply.picture.render()
                path = self.save(reply.filename, picture)
                note = render(lang, "chat_file.txt.j2", kind="photo", path=str(path))
                self.screen(f"{reply.caption}\n{note}", reply.keyboard, False, lang)
            elif isinstance(reply, Document):
                path = self.save(reply.filename, reply.content)
                self.buttons = []  # a message of its own, without buttons
                self.say(plain(f"{reply.caption}\n{render(lang, 'chat_file.txt.j2', kind='file', path=str(path))}"))
            # An EditMessage of an older message only tidies Telegram's history, and a Notice is a
            # toast repeating what the screen after it says: neither adds anything here. A
            # DeleteIncoming (a typed ZIP password) has no message to delete in a terminal.

    def screen(self, text: str, keyboard: Keyboard, typed: bool, lang: Lang, question: bool = False) -> None:
        """A message, and its buttons as choices the next line can pick (a question's also by their words)."""
        lines = [plain(text)]
        buttons = [button for row in keyboard for button in row]
        if self.continuing and keyboard and not typed and not self.typed:  # numbered on from the message before
            earlier = self.buttons
            self.buttons, self.question = [*earlier, *buttons], False  # one menu: no number goes to the dialog
        else:
            earlier = []
            self.buttons, self.typed, self.question = buttons, typed, question
        self.continuing = bool(keyboard) and not typed
        if keyboard:
            if typed:
                lines.append("  " + "  ".join(f"[{b.label}]" for b in self.buttons))
            else:
                number = len(earlier)
                for row in keyboard:  # rows as Telegram lays them out
                    cells = []
                    for button in row:
                        number += 1
                        # A button labelled with its own number ("7", "2. Title") needs no second one.
                        own = button.label == str(number) or button.label.startswith(f"{number}. ")
                        cells.append(button.label if own else f"{number}) {button.label}")
                    lines.append("  " + "   ".join(cells))
            # A question of amounts takes a number and its answers' words too ("4", "3-5 years").
            words = any(any(character.isalpha() for character in button.label) for button in self.buttons)
            lines.append(
                render(
                    lang,
                    "chat_choose.txt.j2",
                    typed=typed,
                    buttons=len(self.buttons),
                    question=self.question,
                    words=words,
                )
            )
            self.last_screen = "\n".join(lines)
        self.say("\n".join(lines))

    def forget_files(self) -> None:
        """``/forget`` confirmed: every file this chat may have saved (charts, export) goes with the rows."""
        for name in (*CHAT_FILES, OLD_CHART_FILE):
            (self.folder / name).unlink(missing_ok=True)

    def save(self, name: FileName, content: bytes) -> Path:
        """Write a picture or file the bot would send into the data folder (under a name ``/forget`` deletes)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / name
        path.write_bytes(content)
        return path


def bill_path(text: str) -> Path | None:
    """The file a line asks to import: ``/import PATH``, or a bare path to a ``.csv`` or ``.zip`` that exists."""
    command, _, rest = text.partition(" ")
    if command_name(command) == "import" and rest.strip():
        return Path(rest.strip().strip("'\"")).expanduser()
    bare = Path(text.strip("'\"")).expanduser()
    if bare.suffix.lower() in (".csv", ".zip") and bare.is_file():
        return bare
    return None


def label_words(label: str) -> str:
    """A button's words as typed: folded, without its number ("2. "), emoji or arrow ("🗑 ", " ›")."""
    folded = " ".join(unicodedata.normalize("NFKC", label).casefold().split())
    folded = re.sub(r"^\d+[.)]\s*", "", folded)
    keep = [i for i, character in enumerate(folded) if unicodedata.category(character)[0] in "LN"]
    return folded[keep[0] : keep[-1] + 1] if keep else ""


def choice_number(text: str) -> int | None:
    """The choice a typed line picks, if it is a number: full-width digits ("３") count too."""
    text = unicodedata.normalize("NFKC", text)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else None


def read_line(stream: BinaryIO, prompt: str | None, out: TextIO) -> str | None:
    """One line of input, ``None`` at its end; undecodable bytes never stop the chat.

    A line longer than ``MAX_LINE`` is one input all the same: its first part is kept (far too
    long for an answer, so it is refused once) and the rest is read and dropped, never taken as
    further lines that could answer questions.
    """
    if prompt is not None:
        print(prompt, end="", file=out, flush=True)
    raw = stream.readline(MAX_LINE)
    if not raw:
        if prompt is not None:  # Ctrl-D at the prompt: end its line, so the goodbye starts on a new one
            print(file=out, flush=True)
        return None
    rest = raw
    while not rest.endswith(b"\n") and len(rest) == MAX_LINE:
        rest = stream.readline(MAX_LINE)
    line = raw.decode("utf-8", "replace").rstrip("\r\n")
    if prompt is None:  # piped input: echo it, so the output reads as a conversation
        print(f"› {line}", file=out, flush=True)
    return line


def run_chat(
    database_url: str,
    folder: Path,
    lang: Lang | None,
    client_language: str | None,
    stdin: BinaryIO | None = None,
    out: TextIO | None = None,
) -> int:
    """Hold a terminal conversation until ``/quit``, end of input or Ctrl-C."""
    if stdin is None:
        # Started with stdin closed (`<&-`): no input at all, like an empty pipe.
        stdin = sys.stdin.buffer if sys.stdin is not None else io.BytesIO()
    out = out or sys.stdout
    interactive = sys.stdin is not None and stdin is sys.stdin.buffer and sys.stdin.isatty()
    with asyncio.Runner() as runner:
        storage: Storage = runner.run(open_storage(database_url))
        try:
            advisor = Advisor(storage, channel="chat")
            who = Who(CHAT_USER_ID, lang or client_language)
            if lang:
                runner.run(advisor.set_language(who, lang))
            chat = TerminalChat(advisor, who, out, folder)
            runner.run(chat.begin())
            try:
                while (line := read_line(stdin, "› " if interactive else None, out)) is not None:
                    if not runner.run(chat.handle(line)):
                        break
            except KeyboardInterrupt:
                print(file=out)
            runner.run(chat.bye())
        finally:
            runner.run(storage.close())
    return 0
