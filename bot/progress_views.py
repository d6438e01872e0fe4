"""Progress results resolved into words of one language, ready for a template.

Templates must not look labels up; this turns a ``ScoreChange``, a calibration, the history
rows and the schedules into plain dicts (question prompts, answer labels, dates in the user's
zone), the way ``scoring.presentation.score_view`` does for a score.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.storage import Snapshot, StoredReport, StoredSchedule
from scoring.calibration import Calibrated
from scoring.card import band_of
from scoring.changes import ScoreChange
from scoring.presentation import answer_label, group_name
from scoring.questions import QUESTION_BY_ID, Answer, Lang
from scoring.structure import LINKS

SHOWN_CHANGES = 3
"""Changed answers named in a score reply; the rest are summed up as "and N more"."""


def _label(question_id: str, value: Answer | None, lang: Lang) -> str | None:
    return None if value is None else answer_label(question_id, value, lang)


def _implied_from(settler: str | None, question_id: str, lang: Lang) -> str | None:
    """The answer (of question ``settler``) that settled ``question_id``, in words ("No credit card yet")."""
    if settler is None:
        return None
    link = next(link for link in LINKS if link.when_id == settler and link.then_id == question_id)
    return group_name(link.when_id, link.when_value, lang) or answer_label(link.when_id, link.when_value, lang)


def change_view(change: ScoreChange | None, unexplained: tuple[int, int] | None, lang: Lang) -> dict[str, Any] | None:
    """Why the estimate moved, for ``_score_change.html.j2``; ``None`` when there is nothing new to say.

    The points shown are ``ScoreChange.lines``: whole points that add up to the headline move
    exactly, the answers past ``SHOWN_CHANGES`` (with the answers they settle) summed as one line.
    """
    if (change is None or change.kind == "same") and unexplained is None:
        return None  # a calibration or model that moved alone is shown by its own line
    if change is None:
        assert unexplained is not None
        before, after = unexplained
        return {"kind": "unexplained", "score_before": before, "delta": after - before}
    lines = change.lines()
    changed: list[dict[str, Any]] = []
    more, more_points, leaders = 0, 0, 0
    for c, points in zip(change.changed, lines.changed, strict=True):
        leaders += 0 if c.implied else 1
        if leaders > SHOWN_CHANGES:
            more += 0 if c.implied else 1
            more_points += points
            continue
        changed.append(
            {
                "question": QUESTION_BY_ID[c.question_id].prompt(lang),
                "before": _label(c.question_id, c.before, lang),
                "after": _label(c.question_id, c.after, lang),
                "implied": c.implied,
                "before_from": _implied_from(c.before_from, c.question_id, lang),
                "after_from": _implied_from(c.after_from, c.question_id, lang),
                "points": points,
            }
        )
    return {
        "kind": change.kind,
        "score_before": change.score_before,
        "delta": change.delta,
        "changed": changed,
        "more_changed": more,
        "more_points": more_points,
        "newly": len(change.newly_answered),
        "precision_points": lines.precision,
        "estimate_points": lines.estimate,
        "other_points": lines.other,
        "calibration_points": lines.calibration,
    }


def calibrated_view(calibrated: Calibrated | None, lang: Lang) -> dict[str, Any] | None:
    """The calibrated estimate (the headline once real scores are reported), or ``None`` before the first report."""
    if calibrated is None:
        return None
    return {
        "score": calibrated.score,
        "band": band_of(calibrated.score).name(lang),
        "low": calibrated.range[0],
        "high": calibrated.range[1],
        "reports": calibrated.offset.reports,
        "offset": round(calibrated.offset.mean),
    }


def headline_view(snapshot: Snapshot) -> dict[str, Any]:
    """The estimate a kept snapshot was shown with: its headline (calibrated once reports exist) and that range.

    For the replies that recall the last estimate (the monthly check-in, a due reminder), so
    they state the number the user saw, with its range, as every stated estimate does.
    """
    if snapshot.calibrated is not None:
        score, low, high = snapshot.calibrated
        return {"score": score, "low": low, "high": high, "calibrated": True}
    return {"score": snapshot.score, "low": snapshot.low, "high": snapshot.high, "calibrated": False}


def date_view(moment: datetime, timezone: str) -> dict[str, int]:
    """A moment as date parts in the user's zone (templates format them per language)."""
    local = moment.astimezone(ZoneInfo(timezone))
    return {"year": local.year, "month": local.month, "day": local.day, "hour": local.hour, "minute": local.minute}


def history_view(
    snapshots: Sequence[Snapshot], reports: Sequence[StoredReport], lang: Lang, timezone: str
) -> list[dict[str, Any]]:
    """Estimates and reports, oldest first, each with its date and (estimates) why it moved."""
    rows: list[tuple[datetime, int, dict[str, Any]]] = []
    for snapshot in snapshots:
        change = None
        if snapshot.explanation is not None:
            change = change_view(ScoreChange.from_dict(snapshot.explanation), None, lang)
        rows.append(
            (
                snapshot.created_at,
                0,
                {
                    "type": "estimate",
                    "date": date_view(snapshot.created_at, timezone),
                    "score": snapshot.score,
                    "low": snapshot.low,
                    "high": snapshot.high,
                    "calibrated": None if snapshot.calibrated is None else headline_view(snapshot),
                    "change": change,
                },
            )
        )
    for report in reports:
        rows.append(
            (
                report.reported_at,
                1,
                {"type": "report", "date": date_view(report.reported_at, timezone), "score": report.score},
            )
        )
    rows.sort(key=lambda row: (row[0], row[1]))
    return [view for _, _, view in rows]


def schedule_view(schedule: StoredSchedule) -> dict[str, Any]:
    """A schedule as ``bot_remind.html.j2`` lists it."""
    return {
        "kind": schedule.kind,
        "number": schedule.number,
        "day": schedule.day,
        "time": f"{schedule.minute // 60:02d}:{schedule.minute % 60:02d}",
        "paused": schedule.paused,
    }
