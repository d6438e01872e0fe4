"""QA 9: the repayment questions ("over the last 12 months") read only the rows of that window.

Generated bills read at several ages: the day after the export, a year on (partly before the
window), long after (wholly before it); and the window's own edges.
"""

from datetime import date

import pytest

from bot.cli import main
from scoring.alipay_bill import cli, read_bill, window_start
from scoring.alipay_bill.answers import RECENT, TOO_OLD
from scoring.alipay_bill.features import extract
from scoring.alipay_bill.reader import open_table
from scoring.questions import LATE_REPAYMENTS, QUESTION_BY_ID

from . import exports as e

TROUBLE = e.trouble()  # 2024-01-01 to 2024-04-20; late Huabei repayments on 2024-01-13 and 2024-03-14
YEAR = e.active()  # 2023: on-time Huabei and card repayments every month, bills, shopping, charity


@pytest.mark.parametrize(
    ("today", "since"),
    [
        (date(2026, 11, 27), date(2025, 11, 27)),
        (date(2024, 2, 29), date(2023, 2, 28)),  # a leap day falls on the month's last day
        (date(2026, 1, 5), date(2025, 1, 5)),
    ],
)
def test_the_window_is_twelve_calendar_months_back(today, since):
    assert window_start(today) == since


def test_the_recent_questions_are_the_repayment_records():
    assert RECENT == set(LATE_REPAYMENTS)
    assert "12" in QUESTION_BY_ID["huabei"].prompt("zh") and "12" in QUESTION_BY_ID["huabei"].prompt("en")


@pytest.mark.parametrize("layout", e.LAYOUTS)
def test_read_the_day_after_the_export_the_whole_bill_counts(layout):
    result = read_bill(e.render(TROUBLE, layout), today=TROUBLE.today)
    assert result.age == "recent" and result.answers["huabei"] == "late_often"


@pytest.mark.parametrize("layout", e.LAYOUTS)
def test_a_year_on_only_the_rows_inside_the_window_count(layout):
    result = read_bill(e.render(TROUBLE, layout), today=date(2025, 3, 10))  # the window starts 2024-03-10
    assert result.age == "partly"
    huabei = next(f for f in result.findings if f.question_id == "huabei")
    assert huabei.value == "late_once" and huabei.recent and huabei.evidence["huabei_late"] == 1
    assert result.features.recent is not None and result.features.recent.first == date(2024, 3, 10)
    assert result.answers["monthly_spend"] == "500to2000"  # time-free: the whole bill


@pytest.mark.parametrize("layout", e.LAYOUTS)
@pytest.mark.parametrize("today", [date(2025, 4, 21), date(2026, 11, 27), date(2030, 1, 1)])
def test_a_bill_wholly_before_the_window_answers_no_repayment_question(layout, today):
    result = read_bill(e.render(TROUBLE, layout), today=today)
    assert result.age == "old"
    for question_id in ("huabei", "card_repayment"):
        finding = next(f for f in result.findings if f.question_id == question_id)
        assert finding.value is None and finding.reason == TOO_OLD and finding.evidence == {}
    assert result.answers["charity"] == "sometimes"  # a time-free answer, with the bill's period shown


def test_the_last_day_of_the_window_still_counts():
    """A bill ending 2024-04-20 read on 2025-04-20 is inside (the window starts 2024-04-20); a day later, not."""
    data = e.render(TROUBLE, "app_2023")
    assert read_bill(data, today=date(2025, 4, 20)).age == "partly"
    assert read_bill(data, today=date(2025, 4, 21)).age == "old"


def test_an_on_time_year_is_no_clean_record_two_years_on():
    data = e.render(YEAR, "app_2023")
    assert read_bill(data, today=YEAR.today).answers["huabei"] == "on_time"
    later = read_bill(data, today=date(2026, 11, 27)).answers
    assert "huabei" not in later and "card_repayment" not in later
    assert later["shopping"] == "tmall" and later["living_bills"] == 3


def test_without_a_day_every_row_is_recent():
    """``extract`` alone (no window) reads the whole file, as the features tests do."""
    table = open_table(e.render(TROUBLE, "app_2023"))
    features = extract(table.columns, table.rows())
    assert features.recent is None
    split = extract(table.columns, open_table(e.render(TROUBLE, "app_2023")).rows(), date(2024, 3, 10))
    assert split.recent is not None and split.kinds == features.kinds
    assert split.recent.rows < split.rows and split.recent.months_with["huabei_late"] == 1


def test_the_json_names_the_window(capsys, tmp_path, monkeypatch):
    import json

    path = tmp_path / "old.csv"
    path.write_bytes(e.render(TROUBLE, "app_2023"))
    monkeypatch.setattr(cli, "today", lambda: date(2026, 11, 27))
    assert main(["import-bill", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["window"] == {"today": "2026-11-27", "since": "2025-11-27", "age": "old"}
    assert data["cannot_tell"]["huabei"]["reason"] == "too_old" and "huabei" not in data["answers"]


@pytest.mark.parametrize(
    ("lang", "today", "expected", "absent"),
    [
        (
            "zh",
            date(2026, 11, 27),
            [
                "⚠️ 这份账单最后一笔交易在 2024-04-20，距今已超过 12 个月，看不出你最近 12 个月的还款情况，"
                "所以花呗和信用卡还款这两题不按账单回答。其他答案反映的是 2024-01-01 至 2024-04-20 期间的情况，"
                "请确认现在是否仍然如此。",
                "账单里没有最近 12 个月的记录（最后一笔在 2024-04-20），看不出现在的还款情况",
            ],
            ["多次逾期", "逾期过一次"],
        ),
        (
            "en",
            date(2026, 11, 27),
            [
                "⚠️ This bill ends on 2024-04-20, more than 12 months ago",
                "The other answers describe 2024-01-01 to 2024-04-20: check they still hold.",
                "the bill has nothing from the last 12 months (it ends on 2024-04-20)",
            ],
            ["Late several times", "Late once"],
        ),
        (
            "zh",
            date(2025, 3, 10),
            ["还款情况只看 2024-03-10 以后的记录（最近 12 个月），其他答案按整份账单计算。", "逾期过一次"],
            ["⚠️"],
        ),
        (
            "en",
            date(2025, 3, 10),
            ["Repayments count only from 2024-03-10 on (the last 12 months)", "Late once"],
            ["⚠️"],
        ),
        ("en", date(2024, 4, 21), ["Late several times"], ["⚠️", "Repayments count only"]),
    ],
)
def test_the_text_says_the_period_and_why(capsys, tmp_path, monkeypatch, lang, today, expected, absent):
    path = tmp_path / "bill.csv"
    path.write_bytes(e.render(TROUBLE, "app_2023"))
    monkeypatch.setattr(cli, "today", lambda: today)
    assert main(["import-bill", str(path), "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert "2024-01-01" in out and "2024-04-20" in out
    for text in expected:
        assert text in out
    for text in absent:
        assert text not in out
