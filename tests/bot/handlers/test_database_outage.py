"""The database unreachable mid-conversation (issue 10, item 3), on SQLite and PostgreSQL.

PostgreSQL is reached through a proxy the test cuts (the shared server is never touched); SQLite
"goes away" by the storage's engine pointing at a file that cannot be opened, as on a lost disk.
During the outage every update gets a short "temporary problem, your answers are safe" in the
user's Telegram language, a tapped button as a toast, and nothing is written; once the database
is back the very same button works.
"""

import contextlib

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from bot.storage import Storage, Timeouts, open_storage
from tests.bot.database_backends import POSTGRES_URL
from tests.bot.tcp_proxy import TcpProxy
from tests.bot.telegram_testkit import BotUnderTest

LIMITS = Timeouts(connect=1.0, pool=1.0, statement=1.0)


class Outage:
    """The bot's storage, and a switch that takes its database away and brings it back."""

    def __init__(self, database, tmp_path):
        self.database, self.tmp_path = database, tmp_path
        self.proxy = None
        self.kept = None

    async def open(self) -> Storage:
        if self.database.backend == "postgresql":
            target = make_url(POSTGRES_URL)
            self.proxy = await TcpProxy(target.host, target.port or 5432).start()
            url = target.set(port=self.proxy.port).render_as_string(hide_password=False)
            self.storage = await open_storage(url, schema=self.database.schema, timeouts=LIMITS)
        else:
            self.storage = await open_storage(self.database.url, timeouts=LIMITS)
        return self.storage

    def cut(self):
        if self.proxy is not None:
            self.proxy.cut()
            return
        blocker = self.tmp_path / "not-a-folder"
        blocker.write_text("")
        dead = create_async_engine(f"sqlite+aiosqlite:///{blocker / 'gone.sqlite3'}")
        self.kept = (self.storage.engine, self.storage.sessions, self.storage.reads, self.storage.autocommit)
        self.storage.engine, self.storage.sessions = dead, async_sessionmaker(dead, expire_on_commit=False)
        self.storage.reads = async_sessionmaker(dead)
        self.storage.autocommit = dead

    async def restore(self):
        if self.proxy is not None:
            self.proxy.restore()
            return
        await self.storage.engine.dispose()
        self.storage.engine, self.storage.sessions, self.storage.reads, self.storage.autocommit = self.kept

    async def close(self):
        await self.storage.close()
        if self.proxy is not None:
            await self.proxy.stop()


async def test_an_outage_gets_a_kind_reply_without_the_database_and_loses_nothing(database, tmp_path):
    outage = Outage(database, tmp_path)
    storage = await outage.open()
    bot = await BotUnderTest.start(storage)
    try:
        user = bot.user(660001, language_code="zh-hans")
        calls = await user.send("/start")
        question = next(c for c in calls if c.buttons)
        first_answer = question.buttons[0][0]
        before_rows = await storage.count_rows(user.id)
        before_dialog = await storage.dialog(user.id)

        outage.cut()
        tapped = await user.press(question.result["message_id"], first_answer[1], first_answer[0])
        assert [c.method for c in tapped] == ["answerCallbackQuery"], [c.short() for c in tapped]
        toast = tapped[0].params["text"]
        assert "暂时" in toast and "安全" in toast, toast  # Chinese, as the client speaks
        helped = await user.send("/help")
        assert [c.method for c in helped] == ["sendMessage"] and "暂时" in helped[0].text
        typed = await bot.user(660002, language_code="en").send("/start")  # a new user: English
        assert [c.method for c in typed] == ["sendMessage"] and "temporary problem" in typed[0].text
        assert len(bot.errors) == 3

        await outage.restore()
        assert await storage.count_rows(user.id) == before_rows  # nothing half-written
        assert await storage.dialog(user.id) == before_dialog
        # The same button, once the database answers: stored, and the next question follows.
        again = await user.press(question.result["message_id"], first_answer[1], first_answer[0])
        assert [c.method for c in again][:2] == ["answerCallbackQuery", "editMessageText"]
        assert len(await storage.answers(user.id)) == 1
        assert len(bot.errors) == 3
    finally:
        with contextlib.suppress(Exception):
            await bot.stop()
        await outage.close()
