"""One user's rows for the length of one update: read once, written in one transaction.

A tap used to read the user, the dialog and the answers two or three times (each method asked
the database again), and the tap that finished the quick check committed twice (the answer,
then the first snapshot with the check-in it starts). ``UserUnit`` reads the user's rows in one
round trip when the update starts (``Storage.load_user``) and answers every later read of them
from what it holds; the update's writes share one transaction, begun by the first of them and
committed when the update's replies are ready (``async with unit``), so the user never sees
an answer confirmed that is not stored. One write needs no such transaction: on PostgreSQL, an
answer that leads to the next question is one statement (``Storage.step``), a transaction by itself;
if the update fails after it, the answer stays stored, and the apology says so.

The nonce guard is unchanged: a step is an ``UPDATE`` that only matches the dialog showing the
expected nonce, and its row stays locked until the commit, so a concurrent update (of this or
another process) waits and then finds the nonce changed. A refused step makes the unit forget
what it holds and read again, so a stale view never outlives that refusal.

Only this update's user is held. Anything else (reminders, goals, other users) runs through the
storage's own methods; once the unit's transaction is open they join it, each in a savepoint of
its own, so nothing of the update waits on a lock the update itself holds and an error they catch
(a duplicate reminder) undoes only their own part. A unit shares the engine of the ``Storage``
it was made from (and never closes it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from bot.storage.progress import DEFAULT_TIMEZONE, StoredReport
from bot.storage.repository import Dialog, Move, NewAnswer, Snapshot, Storage, UserRows
from scoring.questions import Answer


class UserUnit(Storage):
    """The storage as one update of one user sees it."""

    def __init__(self, storage: Storage, user_id: int, language: str) -> None:
        # Not ``super().__init__``: the unit shares the storage's engine and session factories.
        self.engine = storage.engine
        self.autocommit = storage.autocommit
        self.sessions = self._own_sessions = storage.sessions
        self.reads = self._own_reads = storage.reads
        self.user_id = user_id
        self._rows: UserRows | None = None
        self._language_hint = language  # for a first-time user, or one deleted meanwhile (made anew)
        self._reader: AsyncConnection | None = None
        self._transaction: AsyncConnection | None = None

    @classmethod
    async def load(cls, storage: Storage, user_id: int, language: str) -> UserUnit:
        """Read the user's rows; a first-time user is created in ``language``, in the update's transaction."""
        unit = cls(storage, user_id, language)
        await unit._held()
        return unit

    @classmethod
    async def find(cls, storage: Storage, user_id: int) -> UserUnit | None:
        """Read the rows of a known user; ``None`` (and nothing created) for anyone else."""
        unit = cls(storage, user_id, "")
        rows = await unit.find_user(user_id)
        if rows is None:
            await unit.rollback()  # gives the connection back
            return None
        unit._rows, unit._language_hint = rows, rows.language
        return unit

    @property
    def language(self) -> str:
        """The user's language as this update started (or as set during it)."""
        assert self._rows is not None, "the language is read when the unit is made and kept"
        return self._rows.language

    async def _held(self) -> UserRows:
        if self._rows is None:  # forgotten after a refused step: read again
            self._rows = await super().load_user(self.user_id, self._language_hint)
        return self._rows

    def _hold(self, **changes: object) -> None:
        """Change what the unit holds (if it holds anything: a forgotten view is read again)."""
        if self._rows is not None:
            self._rows = replace(self._rows, **changes)  # type: ignore[arg-type]

    # ---- the update's one transaction --------------------------------------------------
    async def __aenter__(self) -> UserUnit:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        """Commit what the update wrote; an update that failed writes nothing."""
        if error is None:
            await self.commit()
        else:
            await self.rollback()

    async def commit(self) -> None:
        """Commit the update's writes (nothing to do when it wrote nothing)."""
        await self._end(commit=True)

    async def rollback(self) -> None:
        """Undo the update's writes."""
        await self._end(commit=False)

    async def _end(self, *, commit: bool) -> None:
        await self._release_reader()
        connection, self._transaction = self._transaction, None
        if connection is None:
            return
        self.sessions, self.reads = self._own_sessions, self._own_reads
        try:
            if commit:
                await connection.commit()
            else:
                await connection.rollback()
        finally:
            await connection.close()

    async def _begun(self) -> AsyncConnection:
        """The update's transaction, begun by its first write."""
        if self._transaction is None:
            if self._reader is not None and self.reads_begin_nothing:
                # SQLite: the connection that read goes on to write; the first write begins the transaction.
                connection, self._reader = self._reader, None
            else:
                await self._release_reader()  # from now on the update reads in its transaction
                connection = await self.engine.connect()
            if not connection.in_transaction():
                await connection.begin()
            self._transaction = connection
            joined: async_sessionmaker[AsyncSession] = async_sessionmaker(
                bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
            )
            self.sessions = self.reads = joined
        return self._transaction

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[AsyncConnection]:
        """The update's transaction; it is committed when the update is done, not here."""
        yield await self._begun()

    @asynccontextmanager
    async def _reading(self) -> AsyncIterator[AsyncConnection]:
        """Reads outside a transaction, on one connection kept for the update; once it wrote, in its transaction.

        (A plain answer on PostgreSQL, one statement, runs here too: ``Storage.step``.)
        """
        if self._transaction is not None:
            yield self._transaction
        else:
            if self._reader is None:  # one connection for the update's reads, not one per read
                self._reader = await self.autocommit.connect()
            yield self._reader

    async def _release_reader(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            await reader.close()

    # ---- reads answered from what the unit holds ---------------------------------------
    async def ensure_user(self, user_id: int, language: str) -> str:
        """The user's language (the unit's user exists: ``load`` created it)."""
        if user_id != self.user_id:
            return await super().ensure_user(user_id, language)
        return (await self._held()).language

    async def user_language(self, user_id: int) -> str | None:
        """The language of this update's user, or of anyone else from the database."""
        if user_id != self.user_id:
            return await super().user_language(user_id)
        return (await self._held()).language

    async def answers(self, user_id: int) -> dict[str, Answer]:
        """A copy of the answers (callers may change theirs)."""
        if user_id != self.user_id:
            return await super().answers(user_id)
        return dict((await self._held()).answers)

    async def dialog(self, user_id: int) -> Dialog | None:
        """Where the questionnaire stands."""
        if user_id != self.user_id:
            return await super().dialog(user_id)
        return (await self._held()).dialog

    async def timezone(self, user_id: int) -> str:
        """The user's IANA zone."""
        if user_id != self.user_id:
            return await super().timezone(user_id)
        return (await self._held()).timezone or DEFAULT_TIMEZONE

    async def _timezone_in(self, connection: AsyncConnection, user_id: int) -> str:
        return await self.timezone(user_id)

    async def has_snapshot(self, user_id: int) -> bool:
        """Whether a score was ever shown, as read with the user's rows (or kept since)."""
        if user_id != self.user_id:
            return await super().has_snapshot(user_id)
        return (await self._held()).seen_estimate

    async def snapshots(self, user_id: int, limit: int | None = 2) -> list[Snapshot]:
        """The newest snapshots first; none to read for a user who never saw a score."""
        if user_id == self.user_id and not (await self._held()).seen_estimate:
            return []
        return await super().snapshots(user_id, limit)

    async def reports(self, user_id: int) -> list[StoredReport]:
        """The real scores reported, oldest first; none to read for a user who never reported one."""
        if user_id == self.user_id and not (await self._held()).reported:
            return []
        return await super().reports(user_id)

    # ---- writes, kept in step with what the unit holds -------------------------------------
    def _dialog_started(self, user_id: int, dialog: Dialog | None) -> None:
        if user_id != self.user_id:
            return
        if dialog is None:
            self._rows = None  # another update started or moved it: read again when asked
        else:
            self._hold(dialog=dialog)

    def _dialog_moved(self, user_id: int, move: Move | None) -> None:
        if user_id != self.user_id:
            return
        if move is None or self._rows is None or self._rows.dialog is None:
            self._rows = None  # someone else moved the dialog: read it again when asked
            return
        dialog = replace(
            self._rows.dialog,
            path=move.path,
            position=move.position,
            nonce=move.nonce,
            message_id=None,
            draft=move.draft,
        )
        if move.queue is not None:
            dialog = replace(dialog, queue=tuple(move.queue))
        answers = {qid: value for qid, value in self._rows.answers.items() if qid not in move.dropped}
        for answer in (*move.also, *(() if move.answer is None else (move.answer,))):
            answers = {**answers, answer.question_id: answer.value}
        self._hold(dialog=dialog, answers=answers)

    async def question_shown(self, user_id: int, nonce: str, message_id: int) -> None:
        """Remember the message the question with ``nonce`` is in (if it is still the current one)."""
        await super().question_shown(user_id, nonce, message_id)
        if user_id == self.user_id and self._rows is not None and self._rows.dialog is not None:
            if self._rows.dialog.nonce == nonce:
                self._hold(dialog=replace(self._rows.dialog, message_id=message_id))

    async def add_snapshot(self, user_id: int, snapshot: Snapshot, *, checkin: tuple[int, int] | None = None) -> None:
        """Keep a score that was shown; the user has now seen one."""
        await super().add_snapshot(user_id, snapshot, checkin=checkin)
        if user_id == self.user_id:
            self._hold(seen_estimate=True)

    async def add_report(self, user_id: int, report: StoredReport) -> None:
        """Keep a real score the user reported; the user now has one."""
        await super().add_report(user_id, report)
        if user_id == self.user_id:
            self._hold(reported=True)

    async def replace_answers(self, user_id: int, answers: dict[str, Answer], source: str) -> None:
        """Make the stored answers exactly ``answers`` (a planned action recorded as done); the unit holds them."""
        await super().replace_answers(user_id, answers, source)
        if user_id == self.user_id:
            self._hold(answers=dict(answers))

    async def store_answers(
        self, connection: AsyncConnection, user_id: int, store: list[NewAnswer], drop: list[str]
    ) -> None:
        """Store and drop answers in the update's transaction (a bill import); the unit holds the result."""
        await super().store_answers(connection, user_id, store, drop)
        if user_id == self.user_id and self._rows is not None:
            answers = {qid: value for qid, value in self._rows.answers.items() if qid not in drop}
            self._hold(answers={**answers, **{a.question_id: a.value for a in store}})

    async def set_language(self, user_id: int, language: str) -> None:
        """Talk in ``language`` from now on."""
        await super().set_language(user_id, language)
        if user_id == self.user_id:
            self._hold(language=language)

    async def set_timezone(self, user_id: int, name: str) -> None:
        """Keep the user's zone."""
        await super().set_timezone(user_id, name)
        if user_id == self.user_id:
            self._hold(timezone=name)

    async def forget(self, user_id: int) -> int:
        """Delete everything about the user; the unit then holds nothing of them."""
        deleted = await super().forget(user_id)
        if user_id == self.user_id and self._rows is not None:
            self._rows = UserRows(self._rows.language, None, {})
        return deleted

    async def close(self) -> None:
        """Nothing to close: the engine belongs to the storage the unit was made from."""
