"""The scoring commands of ``sesame-advisor``: output contract and one-line errors with exit code 2."""

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from scoring.card import BANDS, load_scorecard
from scoring.questions import DIMENSION_NAMES, DIMENSIONS, QUESTION_BY_ID, QUESTIONS, QUICK_IDS, parse_answers
from templates import render

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "answers.json"
PROFILE = {"huabei": "late_once", "loans": "on_time", "insurance": False, "living_bills": 2, "income": "stable"}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def disclaimer(lang: str) -> str:
    return render(lang, "_disclaimer.txt.j2")


@pytest.fixture
def answers_file(tmp_path) -> Path:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(PROFILE), encoding="utf-8")
    return path


# ---- questions -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_questions_json_lists_the_questionnaire(capsys, lang):
    code, out, err = run(capsys, "questions", "--json", "--lang", lang)
    assert code == 0 and err == ""
    listed = json.loads(out)
    assert [q["id"] for q in listed] == [q.id for q in QUESTIONS]
    assert [q["id"] for q in listed if q["quick"]] == list(QUICK_IDS)
    for item in listed:
        question = QUESTION_BY_ID[item["id"]]
        assert item["dimension"] == question.dimension and item["kind"] == question.kind
        assert item["prompt"] == question.prompt(lang)
        assert [c["value"] for c in item["choices"]] == list(question.levels)
        assert all(c["label"] for c in item["choices"])
    assert next(q for q in listed if q["id"] == "living_bills")["maximum"] == 6


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_questions_text_shows_every_prompt(capsys, lang):
    code, out, _ = run(capsys, "questions", "--lang", lang)
    assert code == 0
    for question in QUESTIONS:
        assert question.prompt(lang) in out


# ---- score -----------------------------------------------------------------------------------


def test_score_json_has_the_result_of_the_packaged_card(capsys, answers_file):
    code, out, err = run(capsys, "score", "--answers", str(answers_file), "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    expected = load_scorecard().score(parse_answers(PROFILE))
    assert data["score"] == expected.score and 350 <= data["score"] <= 950
    assert data["band"]["id"] == expected.band.id
    assert data["range"] == list(expected.range) and data["range"][0] <= data["score"] <= data["range"][1]
    assert [d["id"] for d in data["dimensions"]] == list(DIMENSIONS)
    assert all(d["grade"] is None or 0 <= d["grade"] <= 100 for d in data["dimensions"])
    assert [d["grade"] for d in data["dimensions"]] == [d.grade for d in expected.dimensions]
    assert [d["weight"] for d in data["dimensions"]] == [0.35, 0.25, 0.2, 0.15, 0.05]
    assert data["range_coverage"] == 0.9
    assert [r["question_id"] for r in data["reasons"]] == [r.question_id for r in expected.reasons]
    assert data["model_version"] == load_scorecard().version
    assert data["estimate"] is True


def test_score_reads_standard_input(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(PROFILE)))
    code, out, _ = run(capsys, "score", "--answers", "-", "--json")
    assert code == 0
    assert json.loads(out)["score"] == load_scorecard().score(parse_answers(PROFILE)).score


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_score_text_says_it_is_an_estimate(capsys, answers_file, lang):
    code, out, _ = run(capsys, "score", "--answers", str(answers_file), "--lang", lang)
    assert code == 0
    result = load_scorecard().score(parse_answers(PROFILE))
    assert str(result.score) in out
    assert f"{result.range[0]}-{result.range[1]}" in out
    assert disclaimer(lang) in out
    assert QUESTION_BY_ID[result.reasons[0].question_id].topic(lang) in out  # the biggest reason, by its topic


@pytest.mark.parametrize(
    ("lang", "lead", "weights", "not_asked", "no_card"),
    [
        (
            "en",
            "Estimated Sesame score: {low}-{high}, probably Poor to ",
            "35%",
            "not answered yet",
            "No credit card yet",
        ),
        ("zh", "芝麻分估算：{low}-{high}，大概在「较差」到「", "35%", "还没回答", "还没有信用卡"),
    ],
)
def test_a_wide_range_leads_the_text_with_weights_and_honest_dimensions(
    capsys, tmp_path, lang, lead, weights, not_asked, no_card
):
    """What was seen: one bold band over a 3-4 band range, a grade for dimensions never asked, three card reasons."""
    answers = {"huabei": "overdue_now", "credit_cards": "none"}
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    code, out, _ = run(capsys, "score", "--answers", str(path), "--lang", lang)
    assert code == 0
    low, high = load_scorecard().score(answers).range
    assert out.startswith(lead.format(low=low, high=high))
    assert weights in out and not_asked in out
    assert out.count(no_card) == 1
    assert QUESTION_BY_ID["card_repayment"].prompt(lang) not in out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_narrow_range_keeps_one_band_word(capsys, tmp_path, lang):
    answers = {q.id: q.levels[-1] for q in QUESTIONS}
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    code, out, _ = run(capsys, "score", "--answers", str(path), "--lang", lang)
    result = load_scorecard().score(answers)
    assert code == 0 and result.band.name(lang) in out.splitlines()[0]
    assert str(result.score) in out.splitlines()[0]


@pytest.mark.parametrize("command", [["score"], ["advise"], ["whatif", "--do", "card_on_time"]])
@pytest.mark.parametrize(
    ("answers", "first", "second"),
    [
        ({"credit_cards": "none", "card_repayment": "often_late"}, "credit_cards", "card_repayment"),
        ({"credit_cards": "none", "card_bills": "bound"}, "credit_cards", "card_bills"),
        ({"living_bills": 3, "bill_address": "no_bills"}, "bill_address", "living_bills"),
    ],
)
def test_contradictory_answers_are_one_error_line_naming_both(capsys, tmp_path, command, answers, first, second):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    code, out, err = run(capsys, *command, "--answers", str(path))
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sesame-advisor: error:")
    assert first in lines[0] and second in lines[0]


def test_score_accepts_an_empty_profile_and_a_byte_order_mark(capsys, tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text("{}", encoding="utf-8")
    code, out, _ = run(capsys, "score", "--answers", str(empty), "--json")
    assert code == 0 and json.loads(out)["answered"] == 0
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + json.dumps(PROFILE).encode())
    code, out, _ = run(capsys, "score", "--answers", str(bom), "--json")
    assert code == 0 and json.loads(out)["answered"] == len(PROFILE)


def test_the_shipped_example_scores_through_the_installed_console_script():
    script = shutil.which("sesame-advisor")
    assert script, "pip install -e . installs the sesame-advisor console script"
    result = subprocess.run(
        [script, "score", "--answers", str(EXAMPLE), "--lang", "en"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert disclaimer("en") in result.stdout


# ---- model and train -------------------------------------------------------------------------


def test_model_json_is_the_model_card(capsys):
    code, out, _ = run(capsys, "model", "--json")
    assert code == 0
    data = json.loads(out)
    card = load_scorecard()
    assert data["version"] == card.version
    assert data["training"]["rows"] == card.data["training"]["rows"]
    assert data["training"]["seed"] == card.data["training"]["seed"]
    assert 0.5 < data["metrics"]["test_auc"] <= 1 and 0 < data["metrics"]["test_ks"] <= 1
    assert set(data["dimension_shares"]) == set(DIMENSIONS)
    assert [(b["id"], b["low"], b["high"]) for b in data["bands"]] == [(b.id, b.low, b.high) for b in BANDS]
    assert data["assumptions"]["dimension_weights"]["credit_history"] == 0.35
    assert data["dimension_weights"] == {
        "credit_history": 0.35,
        "behaviour": 0.25,
        "capacity": 0.2,
        "identity": 0.15,
        "connections": 0.05,
    }
    assert data["range_coverage"] == 0.9
    assert data["model_error"] == card.data["model_error"] and data["model_error"]["rms"] > 0
    for kind in ("quick", "random", "full"):
        row = data["estimate_quality"][kind]
        assert set(row) == {"coverage", "median_width", "point_error"}
        assert 0.88 <= row["coverage"] <= 0.92


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_model_text(capsys, lang):
    code, out, _ = run(capsys, "model", "--lang", lang)
    assert code == 0
    assert load_scorecard().version in out
    assert disclaimer(lang) in out
    quality = load_scorecard().data["estimate_quality"]
    for row in quality.values():
        assert f"{row['coverage'] * 100:.1f}%" in out and str(row["point_error"]) in out
    for dimension in DIMENSIONS:  # the dimensions by name, as every other text shows them
        assert DIMENSION_NAMES[dimension][lang] in out
        assert dimension not in out


def test_train_writes_both_files_and_prints_its_metrics(capsys, tmp_path):
    folder = tmp_path / "model"
    code, out, err = run(capsys, "train", "--rows", "2000", "--seed", "3", "--out", str(folder), "--lang", "en")
    assert code == 0 and err == ""
    card = json.loads((folder / "scorecard.json").read_text(encoding="utf-8"))
    assert (folder / "scorecard.skops").stat().st_size > 0
    assert card["training"]["rows"] == 2000 and card["training"]["seed"] == 3
    assert card["version"] in out
    assert str(card["metrics"]["test_auc"]) in out and str(card["metrics"]["test_ks"]) in out
    code, out, _ = run(capsys, "score", "--answers", str(EXAMPLE), "--json", "--model", str(folder / "scorecard.json"))
    assert code == 0 and json.loads(out)["model_version"] == card["version"]


def test_train_refuses_too_few_rows(capsys, tmp_path):
    code, out, err = run(capsys, "train", "--rows", "10", "--out", str(tmp_path))
    assert code == 2 and out == ""
    assert err.startswith("sesame-advisor: error:") and "--rows" in err
    assert list(tmp_path.iterdir()) == []


# ---- bad input: one line, exit code 2, no traceback ---------------------------------------------

BAD_INPUTS = {
    "missing file": (None, "not found"),
    "not JSON": (b'{"huabei": ', "not valid JSON"),
    "empty file": (b"", "not valid JSON"),
    "JSON array": (b'["huabei", "on_time"]', "JSON object"),
    "JSON string": (b'"on_time"', "JSON object"),
    "unknown id": (b'{"huabei": "on_time", "sesame_score": 700}', "sesame_score"),
    "bad value": (b'{"huabei": "sometimes"}', "huabei"),
    "bad bool": (b'{"insurance": "perhaps"}', "insurance"),
    "number out of range": (b'{"living_bills": 9}', "living_bills"),
    "number not whole": (b'{"living_bills": 2.5}', "living_bills"),
    "huge number": (b'{"living_bills": 1' + b"0" * 400 + b"}", "living_bills"),
    "too many digits": (b'{"living_bills": 1' + b"0" * 5000 + b"}", "too long"),
    "nested too deep": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "directory": ("dir", "directory"),
    "binary garbage": (b"\x89PNG\r\n\x1a\n\x00\xff\xfe\x00garbage", "UTF-8"),
    "duplicate id": (b'{"huabei": "on_time", "loans": "none", "huabei": "overdue_now"}', "'huabei' more than once"),
    "huge bad value": (b'{"huabei": "' + b"x" * 1_000_000 + b'"}', "huabei='xxx"),
    "huge unknown id": (b'{"' + b"k" * 1_000_000 + b'": 1}', "unknown question id"),
}


def bad_input(tmp_path: Path, content: bytes | str | None) -> Path:
    path = tmp_path / "answers.json"
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    return path


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_gets_one_error_line_and_exit_code_2(capsys, tmp_path, case):
    content, expected = BAD_INPUTS[case]
    path = bad_input(tmp_path, content)
    code, out, err = run(capsys, "score", "--answers", str(path), "--json")
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("sesame-advisor: error:")
    assert expected in lines[0]
    assert len(lines[0]) < 300  # names the problem; never repeats a whole file
    assert "Traceback" not in err


@pytest.mark.parametrize("case", ["missing file", "JSON array", "unknown id", "binary garbage", "directory"])
def test_bad_input_through_the_console_script(tmp_path, case):
    content, expected = BAD_INPUTS[case]
    path = bad_input(tmp_path, content)
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "score", "--answers", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("sesame-advisor: error:")
    assert expected in result.stderr and "Traceback" not in result.stderr


def test_bad_standard_input(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("[1, 2]"))
    code, out, err = run(capsys, "score", "--answers", "-")
    assert code == 2 and out == ""
    assert err.startswith("sesame-advisor: error: standard input") and err.count("\n") == 1


def console(*argv: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.cli", *argv], capture_output=True, cwd=ROOT, timeout=60, **kwargs)


def one_error_line(result: subprocess.CompletedProcess) -> str:
    err = result.stderr.decode()
    assert result.returncode == 2 and result.stdout == b"", err
    assert err.count("\n") == 1 and err.startswith("sesame-advisor: error:") and "Traceback" not in err, err
    return err


def test_standard_input_closed_is_an_error_line_not_a_traceback():
    err = one_error_line(console("score", "--answers", "-", stdin=None, preexec_fn=lambda: os.close(0)))
    assert "standard input is closed" in err


def test_standard_input_is_decoded_like_a_file():
    err = one_error_line(console("score", "--answers", "-", input=b'\xff{"huabei": "on_time"}'))
    assert "standard input is not UTF-8 text" in err
    result = console("score", "--answers", "-", "--json", input=b'\xef\xbb\xbf{"huabei": "on_time"}')
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["score"] == load_scorecard().score({"huabei": "on_time"}).score


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["score", "--answers", "-", "--lang", "fr"], "invalid choice: 'fr'"),
        (["advise", "--answers", "-", "--top", "abc"], "invalid int value: 'abc'"),
        (["whatif", "--answers", "-"], "required: --do"),
        (["nonsense"], "invalid choice: 'nonsense'"),
        ([], "required: COMMAND"),
    ],
)
def test_option_mistakes_get_the_same_one_line_error(argv, expected):
    err = one_error_line(console(*argv, input=b"{}"))
    assert expected in err and "--help" in err


def test_a_reader_that_leaves_early_gets_no_traceback():
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "actions", "--json"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    proc.stdout.close()  # like `| head` exiting before the command writes
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 1
    assert err == ""


# ---- the default language --------------------------------------------------------------------
def _subcommands(parser) -> dict:
    actions = [a for a in parser._actions if a.dest == "command"]
    return dict(actions[0].choices)


@pytest.mark.parametrize(("locale", "lang"), [("en_US.UTF-8", "en"), ("zh_CN.UTF-8", "zh")])
@pytest.mark.parametrize("argv", [["score", "--answers", str(EXAMPLE)], ["model"], ["questions"]])
def test_without_lang_a_command_speaks_the_terminals_language(capsys, monkeypatch, locale, lang, argv):
    """``score`` and ``model`` once printed Chinese in an English terminal while ``chat`` followed it."""
    monkeypatch.setenv("LANG", locale)
    _, default, _ = run(capsys, *argv)
    _, chosen, _ = run(capsys, *argv, "--lang", lang)
    assert default == chosen


@pytest.mark.parametrize("locale", ["en_US.UTF-8", "zh_CN.UTF-8", "C.UTF-8"])
def test_every_command_takes_its_default_language_from_one_place(monkeypatch, locale):
    from bot.cli import build_parser
    from scoring.i18n import terminal_language

    monkeypatch.setenv("LANG", locale)
    defaults = {}
    for name, sub in _subcommands(build_parser()).items():
        for action in sub._actions:
            if action.dest == "lang":
                defaults[name] = action.default
    # chat defaults to the language used last and only then to the terminal's (passed on as its locale)
    assert defaults.pop("chat") is None
    assert {"score", "model", "questions", "advise", "import-bill", "train"} <= set(defaults)
    assert set(defaults.values()) == {terminal_language()}
