"""What ``/metrics`` shows operators (Prometheus): counts and timings, never user data.

No label carries a user id, a chat id, a text or an answer: only the kind of update, the outcome
of a reminder and why a webhook request was refused. Each application gets its own registry, so
tests (and several applications in one process) do not share counters. Webhook mode and long
polling count the same way (``attach``, ``handling``); ``bot.monitoring`` serves the figures.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from telegram import Update

from bot.reminder_delivery import Delivery

if TYPE_CHECKING:
    from bot.handlers.common import TelegramApplication

CONTENT_TYPE = CONTENT_TYPE_LATEST
UPDATE_KINDS = ("message", "edited_message", "callback_query", "channel_post", "other")
REMINDER_OUTCOMES = ("sent", "maybe_sent", "unreachable", "failed", "dropped")


def update_kind(update: Update) -> str:
    """One of ``UPDATE_KINDS``: what the update is, nothing of what it says."""
    for kind in UPDATE_KINDS[:-1]:
        if getattr(update, kind, None) is not None:
            return kind
    return "other"


class Metrics:
    """The bot's counters and the update latency histogram, in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.updates = Counter("sesame_updates", "Updates handled, by kind", ["kind"], registry=self.registry)
        self.duplicates = Counter(
            "sesame_duplicate_updates", "Updates received again and not handled twice", registry=self.registry
        )
        self.rejected = Counter(
            "sesame_webhook_rejected", "Webhook requests refused, by reason", ["reason"], registry=self.registry
        )
        self.errors = Counter("sesame_update_errors", "Updates whose handling failed", registry=self.registry)
        self.latency = Histogram(
            "sesame_update_seconds",
            "Time to handle one update, replies included",
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30),
            registry=self.registry,
        )
        self.reminders = Counter(
            "sesame_reminders", "Reminder deliveries, by outcome", ["outcome"], registry=self.registry
        )
        for kind in UPDATE_KINDS:
            self.updates.labels(kind)
        for outcome in REMINDER_OUTCOMES:
            self.reminders.labels(outcome)

    def attach(self, application: TelegramApplication) -> None:
        """Count the application's failed updates and, once it starts, its reminder rounds.

        Before ``post_init``, which reads ``bot_data["metrics"]`` when it starts the reminder task.
        """
        application.add_error_handler(self.count_error)
        application.bot_data["metrics"] = self

    async def count_error(self, update: object, context: object) -> None:
        """An error handler that only counts (the bot's own error handler logs and apologises)."""
        self.errors.inc()

    @contextmanager
    def handling(self, update: Update) -> Iterator[None]:
        """Time the handling of ``update`` and count it by kind, whether it succeeds or fails."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.latency.observe(time.perf_counter() - started)
            self.updates.labels(update_kind(update)).inc()

    def count_delivery(self, delivery: Delivery) -> None:
        """Add one reminder round's outcomes."""
        for outcome in REMINDER_OUTCOMES:
            count = getattr(delivery, outcome)
            if count:
                self.reminders.labels(outcome).inc(count)

    def exposition(self) -> bytes:
        """The text format Prometheus scrapes."""
        return generate_latest(self.registry)
