"""ZIPs waiting for their password, in this process's memory only, for a few minutes.

A password-protected ZIP cannot be read until the user sends the password Alipay showed them,
and the file must never be written anywhere (not to the database either). So the bytes wait
here, keyed by user, bounded in count and age: at most ``MAX_FILES`` files (the oldest goes
first) for at most ``KEEP_FOR``. The password is used once, on the parked bytes, and never kept.

With several bot processes (webhook mode) the password may reach a process that did not
download the file: that process finds the wait in the database (``bill_imports``), not the
bytes, and asks the user to send the file again. Nothing else could keep the promise that the
file is never stored.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

KEEP_FOR = timedelta(minutes=10)
"""How long a ZIP waits for its password."""
MAX_FILES = 32
"""Files parked at once in one process (32 x the 10 MB limit bounds the memory at 320 MB)."""
MAX_TRIES = 3
"""Wrong passwords before the parked file is dropped."""


@dataclass
class ParkedFile:
    """A downloaded ZIP: which import it belongs to, its bytes, when it came, the wrong passwords so far."""

    import_id: int
    data: bytes
    parked_at: datetime
    wrong: int = 0


class ParkedFiles:
    """The process's waiting ZIPs, one per user (a new file replaces the older one)."""

    def __init__(self, max_files: int = MAX_FILES, keep_for: timedelta = KEEP_FOR) -> None:
        self.max_files = max_files
        self.keep_for = keep_for
        self._files: OrderedDict[int, ParkedFile] = OrderedDict()

    def park(self, user_id: int, import_id: int, data: bytes, now: datetime) -> None:
        """Keep a user's ZIP until the password comes (or it expires, or room is needed)."""
        self._expire(now)
        self._files.pop(user_id, None)
        self._files[user_id] = ParkedFile(import_id, data, now)
        while len(self._files) > self.max_files:
            self._files.popitem(last=False)

    def get(self, user_id: int, import_id: int, now: datetime) -> ParkedFile | None:
        """The user's parked ZIP for that import, if this process has it and it has not expired."""
        self._expire(now)
        parked = self._files.get(user_id)
        return parked if parked is not None and parked.import_id == import_id else None

    def drop(self, user_id: int) -> None:
        """Forget a user's parked ZIP (read, cancelled, or too many wrong passwords)."""
        self._files.pop(user_id, None)

    def __len__(self) -> int:
        return len(self._files)

    def _expire(self, now: datetime) -> None:
        for user_id in [u for u, f in self._files.items() if now - f.parked_at > self.keep_for]:
            del self._files[user_id]
