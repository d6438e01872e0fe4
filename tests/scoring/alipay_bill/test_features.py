"""Row kinds: what is spending and what is not, with each layout's hints."""

from datetime import date

import pytest

from scoring.alipay_bill.features import (
    IN,
    NOT_COUNTED,
    OUT,
    classify,
    parse_amount,
    parse_date,
)


def kind(category="", counterparty="", description="", direction=OUT, status="交易成功", source="", taobao=False):
    return classify(category, counterparty, description, direction, status, source, taobao)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"category": "退款", "description": "退款-收纳盒", "direction": IN, "status": "退款成功"}, "refund"),
        ({"category": "日用百货", "counterparty": "某店", "status": "退款成功"}, "refund"),
        ({"category": "服饰装扮", "counterparty": "某某旗舰店", "status": "交易关闭"}, "closed"),
        (
            {"category": "信用借还", "counterparty": "花呗", "description": "花呗主动还款-2023年05月账单"},
            "huabei_repay",
        ),
        (
            {"category": "信用借还", "counterparty": "花呗", "description": "花呗自动还款", "status": "还款失败"},
            "huabei_failed",
        ),
        (
            {"category": "信用借还", "counterparty": "招商银行", "description": "信用卡还款-招商银行(尾号1234)"},
            "card_repay",
        ),
        ({"category": "信用借还", "counterparty": "借呗", "description": "借呗还款"}, "jiebei_repay"),
        ({"category": "充值缴费", "counterparty": "中国移动", "description": "为155****1234交费"}, "phone"),
        ({"category": "充值缴费", "counterparty": "中国电信", "description": "宽带续费"}, "broadband"),
        ({"category": "充值缴费", "counterparty": "国网浙江省电力有限公司", "description": "电费"}, "power"),
        ({"category": "充值缴费", "counterparty": "水务集团", "description": "水费"}, "water"),
        ({"category": "充值缴费", "counterparty": "燃气集团", "description": "燃气费"}, "gas"),
        ({"category": "公益捐赠", "counterparty": "某某基金会", "description": "公益捐赠"}, "charity"),
        ({"category": "投资理财", "description": "余额宝-转入", "direction": NOT_COUNTED}, "wealth_in"),
        ({"category": "投资理财", "description": "余额宝-转出到余额", "direction": NOT_COUNTED}, "wealth_out"),
        ({"category": "投资理财", "description": "余额宝-收益发放", "direction": NOT_COUNTED}, "wealth_other"),
        ({"category": "保险", "counterparty": "众安保险", "description": "账户安全险"}, "insurance"),
        ({"category": "转账红包", "counterparty": "李*", "description": "转账"}, "friends"),
        ({"category": "转账红包", "counterparty": "王*", "description": "收到红包", "direction": IN}, "friends"),
        ({"category": "转账红包", "description": "提现-实时提现"}, "own_transfer"),
        ({"category": "转账红包", "description": "转账到银行卡"}, "own_transfer"),
        ({"category": "服饰装扮", "counterparty": "某某官方旗舰店", "taobao": True}, "tmall"),
        ({"category": "日用百货", "counterparty": "小王的杂货铺", "taobao": True}, "taobao"),
        ({"counterparty": "小王的杂货铺", "source": "淘宝"}, "taobao"),
        ({"category": "数码电器", "counterparty": "京东商城平台商户"}, "other_online"),
        ({"category": "餐饮美食", "counterparty": "美团"}, "spend"),
        ({"category": "其他", "description": "工资", "direction": IN}, "income"),
        ({"category": "其他", "description": "转到自己", "direction": NOT_COUNTED}, "neutral"),
    ],
)
def test_row_kinds(row, expected):
    assert kind(**row) == expected


def test_a_failed_payment_is_not_spending():
    assert kind(category="餐饮美食", counterparty="美团", status="支付失败") == "failed"


def test_pc_rows_without_category_are_read_from_words():
    assert kind(counterparty="杭州市水务集团有限公司", description="水费-户号****1234") == "water"
    assert kind(counterparty="中华少年儿童慈善救助基金会", description="公益捐赠-助学") == "charity"
    assert kind(counterparty="天弘基金管理有限公司", description="余额宝-转入", direction=NOT_COUNTED) == "wealth_in"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("5,000.00", 5000.0), (" 12.50 ", 12.5), ("¥3.00", 3.0), ("", 0.0), ("abc", 0.0), ("nan", 0.0), ("inf", 0.0)],
)
def test_amounts(cell, expected):
    assert parse_amount(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2023-05-02 18:18:00", date(2023, 5, 2)),
        ("2022/5/2 18:18", date(2022, 5, 2)),
        (" 2022/12/31 ", date(2022, 12, 31)),
        ("2023-02-30 10:00:00", None),
        ("共12笔记录", None),
        ("", None),
    ],
)
def test_dates(cell, expected):
    assert parse_date(cell) == expected
