"""Sending a chart to Telegram: by ``file_id`` when Telegram already has the picture.

The first ``sendPhoto`` of a picture uploads it (drawn in a worker thread if it is not
cached) and remembers the ``file_id`` Telegram answers with; the same picture later is sent by
that ``file_id``: nothing is drawn, nothing is uploaded. A ``file_id`` Telegram refuses is
dropped and the picture uploaded again.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import BadRequest
from telegram.ext import Application

from bot.charts.cache import Chart, ChartCache

logger = logging.getLogger(__name__)

CHART_CACHE = "chart_cache"


def chart_cache_of(application: Application[Any, Any, Any, Any, Any, Any]) -> ChartCache:
    """The application's chart cache (one per bot: a ``file_id`` belongs to the bot that got it)."""
    cache: ChartCache | None = application.bot_data.get(CHART_CACHE)
    if cache is None:
        cache = application.bot_data[CHART_CACHE] = ChartCache()
    return cache


async def send_chart(
    bot: Bot,
    cache: ChartCache,
    chat_id: int,
    chart: Chart,
    *,
    caption: str,
    filename: str,
    reply_markup: InlineKeyboardMarkup | None,
) -> Message:
    """Send the chart, by ``file_id`` if Telegram has it, else as an upload of the picture."""
    file_id = cache.file_id(chart)
    if file_id is not None:
        try:
            return await bot.send_photo(chat_id, file_id, caption=caption, reply_markup=reply_markup)
        except BadRequest as exc:
            logger.info("a cached chart file_id was refused (%s); uploading the picture again", exc.message)
            cache.forget_file_id(chart)
    picture = await cache.picture_async(chart)
    message = await bot.send_photo(chat_id, picture, caption=caption, filename=filename, reply_markup=reply_markup)
    if message.photo:
        # Telegram answers with several sizes; the largest is the picture as sent.
        cache.remember_file_id(chart, message.photo[-1].file_id)
    return message
