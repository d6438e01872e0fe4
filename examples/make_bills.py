"""Write the example Alipay bills in ``examples/``: made-up people, built by the tests' generator.

- ``alipay_bill.zip``: what Alipay e-mails, a ZIP with the password ``123456`` holding the 2023+
  app export (GBK, as Alipay writes it) of a busy year, 2025-12-01 to 2026-11-20: Tmall
  shopping, three kinds of living bills, donations, Huabei and two credit cards repaid on time.
- ``alipay_bill_2024.csv``: an old export, 2024-01-01 to 2024-04-20, with two late Huabei
  repayments: read today, it is too old to say anything about the last 12 months' repayments.

Every name, account and order number in them is invented (张三, 某某品牌官方旗舰店...). The bytes
are the same on every run (``tests/scoring/alipay_bill/test_examples.py`` checks the shipped files against
them). Run from the repository: ``python examples/make_bills.py``.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the generator lives with the tests, which are not installed

from tests.scoring.alipay_bill import exports, zips  # noqa: E402

FOLDER = Path(__file__).resolve().parent
PASSWORD = "123456"
ZIP_NAME = "alipay_bill.zip"
CSV_NAME = "alipay_bill_2024.csv"
#: The day the README's output was written for (the CLI test reads the bills on it).
DATED = date(2026, 11, 27)
#: The recent bill's last day: a week before ``DATED``, so its whole year counts on that day.
RECENT_LAST = date(2026, 11, 20)


def bills() -> dict[str, bytes]:
    """File name -> bytes of each example bill."""
    exports.restart_order_numbers()
    year = exports.active(date(2025, 12, 1))
    recent = [txn for txn in year.txns if txn.when.date() <= RECENT_LAST]
    member = f"支付宝交易明细(20251201-{RECENT_LAST:%Y%m%d}).csv"
    archive = zips.zipcrypto({member: exports.render(recent, "app_2023")}, PASSWORD.encode())
    exports.restart_order_numbers()
    old = exports.render(exports.trouble(date(2024, 1, 1)), "app_2023")
    return {ZIP_NAME: archive, CSV_NAME: old}


def main() -> None:
    """Write the files next to this script."""
    for name, data in bills().items():
        (FOLDER / name).write_bytes(data)
        print(f"wrote examples/{name} ({len(data):,} bytes)")


if __name__ == "__main__":
    main()
