"""Finding the table: by its header, in every encoding, whatever the preamble's length."""

import codecs
from dataclasses import replace

import pytest

from scoring.alipay_bill import BillImportError, Reason, read_bill
from scoring.alipay_bill.layouts import detect
from scoring.alipay_bill.reader import open_table, sniff_encoding

from . import exports as e


@pytest.mark.parametrize("layout", e.LAYOUTS)
def test_each_layout_is_found_by_its_header(layout):
    found = detect(e.HEADERS[layout])
    assert found is not None and found[0].id == layout


@pytest.mark.parametrize("layout", e.LAYOUTS)
def test_padded_and_quoted_header_cells_match(layout):
    cells = [f'  "{name}"   ' for name in e.HEADERS[layout]]
    assert detect(cells)[0].id == layout


def test_full_width_brackets_and_ascii_brackets_both_match():
    cells = [name.replace("（", "(").replace("）", ")") for name in e.HEADERS["pc_web"]]
    assert detect(cells)[0].id == "pc_web"


def test_a_header_missing_a_needed_column_is_no_layout():
    assert detect([c for c in e.HEADERS["app_2023"] if c != "交易对方"]) is None


@pytest.mark.parametrize(
    ("quirk", "encoding"),
    [("as_exported", "gb18030"), ("utf8_bom", "utf-8-sig"), ("utf8_lf_no_final_newline", "utf-8")],
)
def test_the_encoding_is_sniffed(quirk, encoding):
    assert sniff_encoding(e.render(e.quiet(), "app_2023", e.QUIRKS[quirk])) == encoding


def test_a_longer_2026_preamble_and_a_cut_one_read_the_same():
    full = read_bill(e.render(e.active(), "app_2023", e.QUIRKS["preamble_2026"]))
    cut = read_bill(e.render(e.active(), "app_2023", e.QUIRKS["cut_preamble"]))
    assert full.answers == cut.answers and full.features.rows == cut.features.rows


def test_footer_lines_are_skipped_not_counted():
    with_footer = read_bill(e.render(e.active(), "pc_web"))
    without = read_bill(e.render(e.active(), "pc_web", e.QUIRKS["cut_footer"]))
    assert with_footer.features.rows == without.features.rows
    assert with_footer.features.skipped > without.features.skipped


def test_excel_unicode_text_utf16_with_tabs_reads_too():
    text = e.render(e.active(), "app_2023", e.Quirks(encoding="utf-8", excel=True)).decode("utf-8")
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, delimiter="\t", lineterminator="\r\n").writerows(rows)
    data = codecs.BOM_UTF16_LE + out.getvalue().encode("utf-16-le")
    assert read_bill(data).answers == read_bill(e.render(e.active(), "app_2023")).answers


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", Reason.EMPTY),
        (b"   \r\n  ", Reason.EMPTY),
        (b"hello,world\n1,2\n", Reason.NOT_ALIPAY),
        ("交易时间,金额\n2023-01-01,3\n".encode("gbk"), Reason.NOT_ALIPAY),
        (b"\xff\xfe\x00", Reason.BROKEN_ENCODING),
    ],
)
def test_files_that_are_not_exports_say_why(data, reason):
    with pytest.raises(BillImportError) as caught:
        read_bill(data)
    assert caught.value.reason == reason


def test_a_header_without_rows_is_its_own_error():
    data = e.render([], "app_2023")
    with pytest.raises(BillImportError) as caught:
        read_bill(data)
    assert caught.value.reason == Reason.NO_ROWS


def test_broken_bytes_after_the_header_are_a_broken_encoding():
    data = e.render(e.quiet(), "app_2023", e.Quirks(encoding="utf-8"))
    broken = data + b"\xff\xfe\xfa broken\n" + data[-2000:]
    with pytest.raises(BillImportError) as caught:
        read_bill(broken)
    assert caught.value.reason == Reason.BROKEN_ENCODING


def test_too_big_is_refused_before_reading():
    with pytest.raises(BillImportError) as caught:
        open_table(b"x" * 101, max_bytes=100)
    assert caught.value.reason == Reason.TOO_BIG
    with pytest.raises(BillImportError) as caught:
        read_bill(e.render(e.active(), "app_2023"), max_bytes=1000)
    assert caught.value.reason == Reason.TOO_BIG


def test_shuffled_columns_read_the_same():
    import random

    order = list(range(len(e.HEADERS["app_2023"])))
    random.Random(3).shuffle(order)
    text = e.render(e.active(), "app_2023", e.Quirks(encoding="utf-8", trailing_comma=False)).decode("utf-8")
    lines = text.split("\r\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("交易时间"))
    import csv
    import io

    shuffled = lines[:start]
    for row in csv.reader(io.StringIO("\r\n".join(lines[start:]))):
        shuffled.append(",".join(f'"{row[i]}"' for i in order) if len(row) == len(order) else ",".join(row))
    data = "\r\n".join(shuffled).encode("utf-8")
    assert read_bill(data).answers == read_bill(e.render(e.active(), "app_2023")).answers


def test_a_quoted_cell_running_over_two_lines_is_one_row():
    s = e.active()
    s.txns[5] = replace(s.txns[5], description="外卖\n订单, 加辣")
    for quirk in ("as_exported", "excel_utf8"):
        result = read_bill(e.render(s, "app_2023", e.QUIRKS[quirk]))
        assert result.features.rows == len(s.txns) and result.features.skipped == 0
        assert result.answers == read_bill(e.render(e.active(), "app_2023")).answers


def test_an_unbalanced_quote_never_escapes_as_a_csv_error():
    data = e.render(e.quiet(), "app_2023", e.Quirks(encoding="utf-8"))
    lines = data.split(b"\r\n")
    lines[40] = lines[40].replace(b",", b',"', 1)
    try:
        result = read_bill(b"\r\n".join(lines))
    except BillImportError as exc:
        assert exc.reason == Reason.NOT_ALIPAY
    else:
        assert result.features.rows < len(e.quiet().txns)
