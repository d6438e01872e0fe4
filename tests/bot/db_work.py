"""Counting what the bot asks of the database, with SQLAlchemy's engine events (no timing)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import event

from bot.storage import Storage


@dataclass
class DbWork:
    """Statements sent, transactions committed and pooled connections checked out on one engine since ``attach``.

    A checkout matters on SQLite beyond its own cost: aiosqlite runs each connection in a thread
    of its own, and every statement, commit and reset is a hand-off to it and back.
    """

    statements: int = 0
    commits: int = 0
    checkouts: int = 0

    def attach(self, storage: Storage) -> DbWork:
        engine = storage.engine.sync_engine
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)
        event.listen(engine.pool, "checkout", self._checkout)
        self._engine = engine
        return self

    def detach(self) -> None:
        event.remove(self._engine, "before_cursor_execute", self._statement)
        event.remove(self._engine, "commit", self._commit)
        event.remove(self._engine.pool, "checkout", self._checkout)

    def _statement(self, *_) -> None:
        self.statements += 1

    def _commit(self, *_) -> None:
        self.commits += 1

    def _checkout(self, *_) -> None:
        self.checkouts += 1

    def take(self) -> tuple[int, int]:
        """Statements and commits so far, then start again from zero."""
        return self.take_all()[:2]

    def take_all(self) -> tuple[int, int, int]:
        """Statements, commits and checkouts so far, then start again from zero."""
        counts = (self.statements, self.commits, self.checkouts)
        self.statements = self.commits = self.checkouts = 0
        return counts
