"""Whatever bytes arrive, the import raises its own error or returns a result: nothing else."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.alipay_bill import BillImport, BillImportError, read_bill
from scoring.questions import QUESTION_BY_ID

from . import exports as e
from . import zips

EXPORTS = {
    (layout, quirk): e.render(e.random_txns(60, seed=5), layout, e.QUIRKS[quirk])
    for layout in e.LAYOUTS
    for quirk in ("as_exported", "excel_utf8", "utf8_lf_no_final_newline")
}
KEYS = sorted(EXPORTS)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(data: bytes, password: str | None = None) -> BillImport | BillImportError:
    try:
        result = read_bill(data, password)
    except BillImportError as exc:
        assert exc.reason.value and str(exc)
        return exc
    for question_id, value in result.answers.items():
        assert value in QUESTION_BY_ID[question_id].levels
    return result


@SETTINGS
@given(st.binary(max_size=4096))
def test_random_bytes(data):
    outcome(data)


@SETTINGS
@given(st.binary(max_size=512))
def test_random_bytes_after_a_zip_or_bom_or_header_start(tail):
    for head in (b"PK\x03\x04", b"PK\x05\x06", b"\xef\xbb\xbf", b"\xff\xfe", "交易时间,".encode("gbk")):
        outcome(head + tail)


@SETTINGS
@given(st.sampled_from(KEYS), st.floats(0, 1))
def test_truncated_exports(key, share):
    data = EXPORTS[key]
    outcome(data[: int(len(data) * share)])


@SETTINGS
@given(st.sampled_from(KEYS), st.integers(0, 2**32), st.integers(1, 40))
def test_corrupted_bytes(key, seed, flips):
    rng = random.Random(seed)
    data = bytearray(EXPORTS[key])
    for _ in range(flips):
        data[rng.randrange(len(data))] = rng.randrange(256)
    outcome(bytes(data))


@SETTINGS
@given(st.sampled_from(KEYS), st.randoms(use_true_random=False), st.booleans())
def test_shuffled_columns(key, rng, header_too):
    """Columns shuffled with their header read the same; a header left behind only ever errs cleanly."""
    data = EXPORTS[key]
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8" if key[1] != "as_exported" else "gb18030"
    text = data.decode(encoding)
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text, newline="")))
    width = max(len(row) for row in rows)
    order = list(range(width))
    rng.shuffle(order)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        if len(row) == width and (header_too or "交易" not in "".join(row) or row[0].startswith("20")):
            writer.writerow([row[i] for i in order])
        else:
            writer.writerow(row)
    shuffled = outcome(out.getvalue().encode("utf-8"))
    if header_too:
        original = outcome(data)
        assert isinstance(shuffled, BillImport) and isinstance(original, BillImport)
        assert shuffled.answers == original.answers


@SETTINGS
@given(st.binary(max_size=64), st.integers(0, 300))
def test_zips_with_any_password_and_any_cut(password, cut):
    data = zips.zipcrypto({"a.csv": EXPORTS[KEYS[0]]}, b"secret")
    outcome(data[: len(data) - cut], password.decode("latin-1"))
