"""Alipay's ZIP: opened in memory, with or without its password, within the size limits."""

import pytest

from scoring.alipay_bill import BillImportError, Reason, read_bill
from scoring.alipay_bill.archive import extract_csv
from scoring.alipay_bill.limits import MAX_ZIP_MEMBERS

from . import exports as e
from . import zips

NAME = "支付宝交易明细(20230101-20231231).csv"
CSV = e.render(e.active(), "app_2023")


def reason_of(data, password=None, **kwargs):
    with pytest.raises(BillImportError) as caught:
        read_bill(data, password, **kwargs)
    return caught.value.reason


@pytest.mark.parametrize("make", [zips.zipcrypto, zips.aes], ids=["zipcrypto", "aes"])
def test_a_password_protected_zip_reads_with_its_password(make):
    data = make({NAME: CSV}, b"381724")
    result = read_bill(data, "381724")
    assert result.from_zip and result.answers == read_bill(CSV).answers


@pytest.mark.parametrize("make", [zips.zipcrypto, zips.aes], ids=["zipcrypto", "aes"])
def test_no_password_and_a_wrong_one_are_their_own_reasons(make):
    data = make({NAME: CSV}, b"381724")
    assert reason_of(data) == Reason.ZIP_PASSWORD_NEEDED
    assert reason_of(data, "") == Reason.ZIP_PASSWORD_NEEDED
    for wrong in ("000000", "381725", "3817240", "密码"):
        assert reason_of(data, wrong) == Reason.ZIP_PASSWORD_WRONG


def test_the_password_may_come_with_spaces_or_as_bytes():
    data = zips.zipcrypto({NAME: CSV}, b"381724")
    assert read_bill(data, " 381724\n").answers == read_bill(data, b"381724").answers


def test_a_plain_zip_needs_no_password_and_ignores_one():
    data = zips.plain({NAME: CSV})
    assert read_bill(data).answers == read_bill(data, "anything").answers == read_bill(CSV).answers


def test_a_folder_and_a_readme_beside_the_csv_are_fine():
    data = zips.plain({"账单/": b"", "账单/说明.txt": "说明".encode("gbk"), f"账单/{NAME}": CSV})
    assert read_bill(data).layout == "app_2023"


def test_too_many_files_are_refused_unread():
    members = {f"{n}.csv": CSV for n in range(MAX_ZIP_MEMBERS + 1)}
    assert reason_of(zips.plain(members)) == Reason.ZIP_TOO_MANY_FILES


def test_a_zip_bomb_is_refused_from_its_directory():
    bomb = zips.plain({f"{n}.csv": b"0" * (12 * 1024 * 1024) for n in range(5)})
    assert len(bomb) < 1024 * 1024
    assert reason_of(bomb) == Reason.ZIP_TOO_BIG


def test_a_csv_over_the_file_limit_inside_a_zip_is_too_big():
    data = zips.plain({NAME: CSV})
    with pytest.raises(BillImportError) as caught:
        extract_csv(data, max_bytes=len(CSV) - 1)
    assert caught.value.reason == Reason.TOO_BIG


def test_a_zip_without_a_csv():
    assert reason_of(zips.plain({"readme.txt": b"hello"})) == Reason.ZIP_NO_CSV


def test_a_truncated_zip_is_broken_not_a_crash():
    data = zips.plain({NAME: CSV})
    for cut in (10, 30, len(data) // 2, len(data) - 10):
        assert reason_of(data[:cut]) in {Reason.ZIP_BROKEN, Reason.NOT_ALIPAY, Reason.BROKEN_ENCODING}


def test_a_corrupted_member_is_broken():
    data = bytearray(zips.plain({NAME: CSV}))
    middle = len(data) // 2
    data[middle : middle + 50] = b"\x00" * 50
    assert reason_of(bytes(data)) in {Reason.ZIP_BROKEN, Reason.BROKEN_ENCODING, Reason.NOT_ALIPAY}
