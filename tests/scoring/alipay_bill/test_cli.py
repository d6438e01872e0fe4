"""``sesame-advisor import-bill``: layout, period, answers with evidence; one error line, exit 2."""

import json
import logging

import pytest

from bot.cli import main
from scoring.alipay_bill.presentation import MB
from scoring.questions import QUESTION_BY_ID

from . import exports as e
from . import zips


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def active_csv(tmp_path):
    path = tmp_path / "支付宝交易明细.csv"
    path.write_bytes(e.render(e.active(), "app_2023"))
    return path


def test_json_has_layout_period_answers_evidence_and_what_it_cannot_tell(capsys, active_csv):
    code, out, err = run(capsys, "import-bill", str(active_csv), "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["layout"] == "app_2023" and data["from_zip"] is False
    assert data["period"] == {"first": "2023-01-01", "last": "2023-12-31", "days": 365}
    assert data["answers"]["shopping"] == "tmall" and data["answers"]["living_bills"] == 3
    assert set(data["evidence"]) == set(data["answers"])
    assert data["evidence"]["shopping"] == {"tmall": 36, "taobao": 24, "other_online": 6}
    assert data["cannot_tell"]["wealth"]["reason"] == "balance_not_shown"
    assert set(data["answers"]) | set(data["cannot_tell"]) == set(QUESTION_BY_ID)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_text_shows_each_answer_with_its_evidence(capsys, active_csv, lang):
    code, out, err = run(capsys, "import-bill", str(active_csv), "--lang", lang)
    assert code == 0 and err == ""
    assert "2023-01-01" in out and "2023-12-31" in out
    question = QUESTION_BY_ID["shopping"]
    assert question.prompt(lang) in out and question.label("tmall", lang) in out
    assert ("天猫 36 笔" if lang == "zh" else "36 on Tmall") in out
    assert QUESTION_BY_ID["income"].prompt(lang) in out  # listed as what the bill cannot tell


def test_no_merchant_names_amounts_or_order_numbers_in_the_output_or_logs(capsys, caplog, active_csv):
    caplog.set_level(logging.DEBUG)
    outputs = []
    for extra in ([], ["--json"], ["--lang", "en"]):
        run(capsys, "import-bill", str(active_csv), *extra)
        outputs.append(capsys.readouterr().out)
    code, out, _ = run(capsys, "import-bill", str(active_csv))
    outputs.append(out)
    text = "\n".join(outputs) + caplog.text
    for secret in ("旗舰店", "杂货铺", "基金会", "美团", "300.00", "T200P", "2200150", "尾号", "张三"):
        assert secret not in text


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "空的"),
        (b"hello,world\n", "支付宝导出"),
        (b"\xff\xfe\x00", "编码"),
        (b"PK\x03\x04 broken", "损坏"),
    ],
)
def test_a_bad_file_is_one_error_line_and_exit_2(capsys, tmp_path, content, expected):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    code, out, err = run(capsys, "import-bill", str(path))
    assert code == 2 and out == ""
    assert err.startswith("sesame-advisor: error: ") and err.count("\n") == 1 and expected in err


def test_a_missing_file_and_a_folder(capsys, tmp_path):
    code, _, err = run(capsys, "import-bill", str(tmp_path / "nope.csv"))
    assert code == 2 and "not found" in err
    code, _, err = run(capsys, "import-bill", str(tmp_path))
    assert code == 2 and "directory" in err


def test_a_file_over_10_mb_is_refused(capsys, tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"0" * (10 * MB + 1))
    code, _, err = run(capsys, "import-bill", str(path), "--lang", "en")
    assert code == 2 and "too big" in err and err.count("\n") == 1


def test_a_zip_asks_for_its_password_then_reads_with_it(capsys, tmp_path):
    path = tmp_path / "alipay.zip"
    path.write_bytes(zips.zipcrypto({"明细.csv": e.render(e.active(), "app_2023")}, b"381724"))
    code, _, err = run(capsys, "import-bill", str(path), "--lang", "en")
    assert code == 2 and "password" in err and "--password" in err
    code, _, err = run(capsys, "import-bill", str(path), "--password", "111111", "--lang", "en")
    assert code == 2 and "wrong" in err and "111111" not in err
    code, out, err = run(capsys, "import-bill", str(path), "--password", "381724", "--json")
    assert code == 0 and json.loads(out)["from_zip"] is True and "381724" not in out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_question_the_bill_cannot_tell_starts_its_own_line(capsys, active_csv, lang):
    """A reason followed by its evidence once ran into the next question on the same line."""
    _, out, _ = run(capsys, "import-bill", str(active_csv), "--lang", lang, "--json")
    cannot_tell = json.loads(out)["cannot_tell"]
    code, out, _ = run(capsys, "import-bill", str(active_csv), "--lang", lang)
    assert code == 0
    lines = {line.strip(" ·-") for line in out.splitlines()}
    with_evidence = [q for q, found in cannot_tell.items() if any(found["evidence"].values())]
    assert with_evidence  # the case that went wrong: a reason with its row counts after it
    for question_id in cannot_tell:
        assert QUESTION_BY_ID[question_id].prompt(lang) in lines
