"""Pictures drawn once: a bounded cache of chart pictures (JPEG or PNG bytes) and of Telegram's ``file_id`` for each.

A chart is keyed by what it shows (a frozen dataclass such as ``RadarChart``: language, grades,
score, range), so a repeated ``/score`` with unchanged answers draws nothing. Once Telegram has
a picture, the ``file_id`` its ``sendPhoto`` answered with is sent instead of the bytes: no
upload either. Both maps are LRU-bounded (by the pictures' total bytes and by entries), so memory stays
flat however many users come; what falls out is simply drawn or uploaded again.

The adapter keeps one cache per ``Application`` (a ``file_id`` is valid for the bot that
received it only); drawing runs in a worker thread, so the event loop keeps serving others.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from typing import Protocol


class Chart(Protocol):
    """A picture described by its content (hashable, so it can key the cache), drawn on demand."""

    def __hash__(self) -> int: ...

    def render(self) -> bytes:
        """Draw the picture as image bytes (a radar is a JPEG, the history chart a PNG)."""
        ...


MAX_BYTES = 8 * 2**20  # about 60 radars (JPEGs of 100-180 KB)
MAX_FILE_IDS = 4096  # about 2 MiB of keys and ids


class ChartCache:
    """Chart -> picture bytes and chart -> Telegram ``file_id``, both least-recently-used, thread-safe."""

    def __init__(self, max_bytes: int = MAX_BYTES, max_file_ids: int = MAX_FILE_IDS) -> None:
        self.max_bytes = max_bytes
        self.max_file_ids = max_file_ids
        self.renders = 0  # how many pictures were drawn: the tests and the benchmark count them
        self._pictures: OrderedDict[Chart, bytes] = OrderedDict()
        self._picture_bytes = 0
        self._file_ids: OrderedDict[Chart, str] = OrderedDict()
        self._lock = threading.Lock()

    def cached_picture(self, chart: Chart) -> bytes | None:
        """The picture if it was drawn and is still kept."""
        with self._lock:
            picture = self._pictures.get(chart)
            if picture is not None:
                self._pictures.move_to_end(chart)
            return picture

    def picture(self, chart: Chart) -> bytes:
        """The picture, drawn now only if it is not kept."""
        picture = self.cached_picture(chart)
        if picture is not None:
            return picture
        picture = chart.render()
        with self._lock:
            self.renders += 1
            if chart not in self._pictures:
                self._pictures[chart] = picture
                self._picture_bytes += len(picture)
            while self._picture_bytes > self.max_bytes and len(self._pictures) > 1:
                _, dropped = self._pictures.popitem(last=False)
                self._picture_bytes -= len(dropped)
        return picture

    async def picture_async(self, chart: Chart) -> bytes:
        """``picture`` for async code: a kept picture at once, a new one drawn in a worker thread."""
        picture = self.cached_picture(chart)
        if picture is not None:
            return picture
        return await asyncio.to_thread(self.picture, chart)

    def file_id(self, chart: Chart) -> str | None:
        """Telegram's ``file_id`` of this picture, if it was sent before."""
        with self._lock:
            file_id = self._file_ids.get(chart)
            if file_id is not None:
                self._file_ids.move_to_end(chart)
            return file_id

    def remember_file_id(self, chart: Chart, file_id: str) -> None:
        """Keep the ``file_id`` Telegram answered the first upload of this picture with."""
        with self._lock:
            self._file_ids[chart] = file_id
            self._file_ids.move_to_end(chart)
            while len(self._file_ids) > self.max_file_ids:
                self._file_ids.popitem(last=False)

    def forget_file_id(self, chart: Chart) -> None:
        """Drop a ``file_id`` Telegram refused (the next send uploads the picture again)."""
        with self._lock:
            self._file_ids.pop(chart, None)

    @property
    def picture_bytes(self) -> int:
        """Total size of the kept pictures."""
        with self._lock:
            return self._picture_bytes

    def __len__(self) -> int:
        with self._lock:
            return len(self._pictures)
