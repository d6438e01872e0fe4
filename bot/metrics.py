"""What ``/metrics`` shows operators (Prometheus): counts and timings, never user data.

No label carries a user id, a chat id, a text or an answer: only the kind of update, the outcome
of a reminder and why a webhook request was refused. Each application gets its own registry, so
tests (and several applications in one process) do not share counters.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from telegram import Update

from bot.reminder_delivery import Delivery

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

    def count_delivery(self, delivery: Delivery) -> None:
        """Add one reminder round's outcomes."""
        for outcome in REMINDER_OUTCOMES:
            count = getattr(delivery, outcome)
            if count:
                self.reminders.labels(outcome).inc(count)

    def exposition(self) -> bytes:
        """The text format Prometheus scrapes."""
        return generate_latest(self.registry)
