"""Counting what the bot asks of the database, with SQLAlchemy's engine events (no timing)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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
    sql: list[str] = field(default_factory=list)
    """Each statement's text, in order (to tell which table a reply read how often)."""

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

    def _statement(self, _connection, _cursor, statement: str, *_) -> None:
        self.statements += 1
        self.sql.append(statement)

    def verbs_on(self, table: str) -> list[str]:
        """The first word (``SELECT``, ``UPDATE``...) of each statement so far on ``table``, in order.

        Kept across ``take``: every statement since ``attach``.
        """
        return [s.split(None, 1)[0].upper() for s in self.sql if re.search(rf"\b(FROM|UPDATE|INTO) {table}\b", s)]

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
