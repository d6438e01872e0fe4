"""A clock for the bot's tests: it says the moment it was set to until a test moves it."""

from __future__ import annotations

from datetime import datetime


class FrozenClock:
    """Passed wherever the bot takes a clock (``Advisor``, ``Progress``, ``BotUnderTest.start``).

    A test moves time by setting ``moment`` (``clock.moment += timedelta(days=30)``), so a month
    of check-ins runs in a few calls and every "now" the bot reads is the one the test chose.
    """

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment
