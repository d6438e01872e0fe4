import asyncio
import threading
from dataclasses import dataclass

import pytest

from bot.charts.cache import ChartCache
from bot.charts.radar import RadarChart
from scoring.questions import DIMENSIONS

from .pictures import assert_jpeg


@dataclass(frozen=True)
class Counted:
    """A chart whose pictures are counted per key (the size lets the tests fill the cache)."""

    key: int
    size: int = 1000

    def render(self) -> bytes:
        DRAWN.append(self.key)
        return self.key.to_bytes(4, "big") * (self.size // 4)


DRAWN: list[int] = []


@pytest.fixture(autouse=True)
def _clear():
    DRAWN.clear()


def test_a_cached_picture_is_not_drawn_again():
    cache = ChartCache()
    radar = RadarChart("zh", DIMENSIONS, (72, 13, 75, 100, None), 652, 598, 706)
    first = cache.picture(radar)
    assert_jpeg(first, (1080, 1080))
    again = cache.picture(RadarChart("zh", DIMENSIONS, (72, 13, 75, 100, None), 652, 598, 706))
    assert again is first and cache.renders == 1
    cache.picture(RadarChart("en", DIMENSIONS, (72, 13, 75, 100, None), 652, 598, 706))
    assert cache.renders == 2


async def test_picture_async_draws_a_new_picture_in_a_worker_thread_and_a_cached_one_at_once():
    threads = []

    @dataclass(frozen=True)
    class WhereDrawn:
        def render(self) -> bytes:
            threads.append(threading.current_thread())
            return b"png"

    cache = ChartCache()
    assert await cache.picture_async(WhereDrawn()) == b"png"
    assert await cache.picture_async(WhereDrawn()) == b"png"
    assert len(threads) == 1 and threads[0] is not threading.main_thread()


def test_the_least_recently_used_picture_goes_first_when_the_bytes_run_out():
    cache = ChartCache(max_bytes=3000)
    for key in (1, 2, 3):
        cache.picture(Counted(key))
    cache.picture(Counted(1))  # used again: now 2 is the oldest
    cache.picture(Counted(4))
    assert len(cache) == 3 and cache.picture_bytes <= 3000
    cache.picture(Counted(1))
    cache.picture(Counted(3))
    assert DRAWN == [1, 2, 3, 4]  # 1 and 3 were still kept
    cache.picture(Counted(2))
    assert DRAWN == [1, 2, 3, 4, 2]  # 2 was dropped


def test_memory_stays_flat_over_ten_thousand_users():
    cache = ChartCache(max_bytes=50_000, max_file_ids=500)
    for key in range(10_000):
        cache.picture(Counted(key))
        cache.remember_file_id(Counted(key), f"file-{key}")
    assert cache.picture_bytes <= 50_000 and len(cache) == 50
    assert cache.file_id(Counted(9_999)) == "file-9999" and cache.file_id(Counted(9_000)) is None
    assert len(cache._file_ids) == 500


def test_file_ids_are_remembered_refreshed_and_forgotten():
    cache = ChartCache(max_file_ids=2)
    assert cache.file_id(Counted(1)) is None
    cache.remember_file_id(Counted(1), "a")
    cache.remember_file_id(Counted(2), "b")
    assert cache.file_id(Counted(1)) == "a"  # used: 2 is now the oldest
    cache.remember_file_id(Counted(3), "c")
    assert cache.file_id(Counted(2)) is None and cache.file_id(Counted(1)) == "a"
    cache.forget_file_id(Counted(1))
    assert cache.file_id(Counted(1)) is None
    assert DRAWN == []  # remembering a file_id draws nothing


def test_concurrent_requests_for_the_same_picture_agree():
    cache = ChartCache()
    radar = RadarChart("en", DIMENSIONS, (1, 2, 3, 4, 5), 400, 350, 480)

    async def main():
        return await asyncio.gather(*(cache.picture_async(radar) for _ in range(4)))

    pictures = asyncio.run(main())
    assert len(set(pictures)) == 1 and len(cache) == 1
