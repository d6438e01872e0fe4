"""Counting what the bot asks of the database, with SQLAlchemy's engine events (no timing)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import event

from bot.storage import Storage


@dataclass
class DbWork:
    """Statements sent and transactions committed on one engine since ``attach``."""

    statements: int = 0
    commits: int = 0

    def attach(self, storage: Storage) -> DbWork:
        engine = storage.engine.sync_engine
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)
        self._engine = engine
        return self

    def detach(self) -> None:
        event.remove(self._engine, "before_cursor_execute", self._statement)
        event.remove(self._engine, "commit", self._commit)

    def _statement(self, *_) -> None:
        self.statements += 1

    def _commit(self, *_) -> None:
        self.commits += 1

    def take(self) -> tuple[int, int]:
        """The counts so far, then start again from zero."""
        counts = (self.statements, self.commits)
        self.statements = self.commits = 0
        return counts
