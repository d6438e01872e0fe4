"""One user's rows for the length of one update: read once, written through, never read twice.

A tap used to read the user, the dialog and the answers two or three times (each method asked
the database again): 10 statements over 8 pool checkouts. ``UserUnit`` reads the three in one
round trip when the update starts (``Storage.load_user``) and answers every later read of them
from what it holds; each write goes to the database at once (an answer with its next step in one
transaction, guarded by the question's nonce) and updates what it holds. A step another update or
process got to first is refused by the database; then the unit forgets what it holds and reads
again, so a stale view never outlives that refusal.

Only this update's user is held. Anything else (snapshots, reminders, export, other users) is
``Storage``'s own method on the same engine: a unit is a ``Storage`` that shares the engine and
session factories of the one it was made from (and never closes them).
"""

from __future__ import annotations

from dataclasses import replace

from bot.storage.repository import Dialog, NewAnswer, Storage, UserRows
from bot.storage.tables import utcnow
from scoring.questions import Answer


class UserUnit(Storage):
    """The storage as one update of one user sees it."""

    def __init__(self, storage: Storage, user_id: int, rows: UserRows) -> None:
        # Not ``super().__init__``: the unit shares the storage's engine and session factories.
        self.engine = storage.engine
        self.sessions = storage.sessions
        self.reads = storage.reads
        self.user_id = user_id
        self._rows: UserRows | None = rows
        self._language_hint = rows.language  # for reading again (a user deleted meanwhile is made anew)

    @classmethod
    async def load(cls, storage: Storage, user_id: int, language: str) -> UserUnit:
        """Read the user's rows (creating a first-time user in ``language``)."""
        return cls(storage, user_id, await storage.load_user(user_id, language))

    @classmethod
    async def find(cls, storage: Storage, user_id: int) -> UserUnit | None:
        """Read the rows of a known user; ``None`` (and nothing created) for anyone else."""
        rows = await storage.find_user(user_id)
        return None if rows is None else cls(storage, user_id, rows)

    @property
    def language(self) -> str:
        """The user's language as this update started (or as set during it)."""
        assert self._rows is not None, "the language is read when the unit is made and kept"
        return self._rows.language

    async def _held(self) -> UserRows:
        if self._rows is None:  # forgotten after a refused step: read again
            self._rows = await super().load_user(self.user_id, self._language_hint)
        return self._rows

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

    # ---- writes, kept in step with what the unit holds -------------------------------------
    async def start_dialog(
        self, user_id: int, path: str, queue: tuple[str, ...], nonce: str, *, expected_nonce: str | None
    ) -> bool:
        """Begin a path (guarded like a step); the unit now holds the new dialog, or reads again."""
        started = await super().start_dialog(user_id, path, queue, nonce, expected_nonce=expected_nonce)
        if user_id == self.user_id:
            if started and self._rows is not None:
                self._rows = replace(self._rows, dialog=Dialog(path, tuple(queue), 0, nonce, None, utcnow()))
            elif not started:
                self._rows = None  # another update started or moved it: read again when asked
        return started

    async def step(
        self,
        user_id: int,
        expected_nonce: str,
        *,
        path: str | None,
        position: int,
        nonce: str,
        answer: NewAnswer | None = None,
    ) -> bool:
        """Move the dialog (and store an answer) in one transaction, if it still shows ``expected_nonce``."""
        moved = await super().step(user_id, expected_nonce, path=path, position=position, nonce=nonce, answer=answer)
        if user_id != self.user_id:
            return moved
        if not moved or self._rows is None or self._rows.dialog is None:
            self._rows = None  # someone else moved the dialog: read it again when asked
            return moved
        dialog = replace(self._rows.dialog, path=path, position=position, nonce=nonce, message_id=None)
        answers = self._rows.answers
        if answer is not None:
            answers = {**answers, answer.question_id: answer.value}
        self._rows = replace(self._rows, dialog=dialog, answers=answers)
        return moved

    async def question_shown(self, user_id: int, nonce: str, message_id: int) -> None:
        """Remember the message the question with ``nonce`` is in (if it is still the current one)."""
        await super().question_shown(user_id, nonce, message_id)
        if user_id == self.user_id and self._rows is not None and self._rows.dialog is not None:
            if self._rows.dialog.nonce == nonce:
                self._rows = replace(self._rows, dialog=replace(self._rows.dialog, message_id=message_id))

    async def set_language(self, user_id: int, language: str) -> None:
        """Talk in ``language`` from now on."""
        await super().set_language(user_id, language)
        if user_id == self.user_id and self._rows is not None:
            self._rows = replace(self._rows, language=language)

    async def forget(self, user_id: int) -> int:
        """Delete everything about the user; the unit then holds nothing of them."""
        deleted = await super().forget(user_id)
        if user_id == self.user_id and self._rows is not None:
            self._rows = UserRows(self._rows.language, None, {})
        return deleted

    async def close(self) -> None:
        """Nothing to close: the engine belongs to the storage the unit was made from."""
