"""Whether a request to Telegram has started: the line between "not sent" and "maybe sent".

The network layer (``bot.telegram_limits.TrackedRequest``) calls ``request_started`` right before
it writes a request; code that must know whether a failed send may still have arrived (the
reminder delivery) clears ``REQUEST_STARTED`` before sending and reads it after. A context
variable, so concurrent tasks each see their own request.
"""

from __future__ import annotations

from contextvars import ContextVar

REQUEST_STARTED: ContextVar[bool] = ContextVar("request_started", default=False)


def request_started() -> None:
    """Mark the current task's request as gone out (from now on it may arrive)."""
    REQUEST_STARTED.set(True)
