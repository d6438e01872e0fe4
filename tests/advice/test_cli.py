import json
import subprocess
import sys
from pathlib import Path

import pytest

from advice import ACTIONS, plan, rank, simulate
from advice.cli import goal_json, plan_json, projection_json
from bot.cli import main
from scoring.card import load_scorecard

from .profiles import average_with, random_profiles

ROOT = Path(__file__).resolve().parents[2]
CARD = load_scorecard()


def cli_command() -> list[str]:
    script = Path(sys.executable).with_name("sesame-advisor")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


def run_main(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path, answers, name="answers.json"):
    path = tmp_path / name
    path.write_text(json.dumps(answers), encoding="utf-8")
    return str(path)


def test_advise_and_whatif_agree_for_every_action_on_200_random_profiles():
    """The JSON both commands print, built by the same functions the commands call."""
    checked = 0
    for profile in random_profiles(200, seed=5):
        plan = plan_json(rank(CARD, profile), "en")
        shown = {a["id"]: a["score_after"] for a in plan["actions"]}
        for action in ACTIONS:
            whatif = projection_json(simulate(CARD, profile, [action.id]), "en")
            expected = shown.get(action.id, plan["before"]["score"])
            assert whatif["score"] == expected, (action.id, profile)
            checked += action.id in shown
    assert checked > 1000


def test_the_cli_commands_agree_end_to_end(tmp_path, capsys):
    for i, profile in enumerate(random_profiles(6, seed=8)):
        path = write(tmp_path, profile, f"p{i}.json")
        code, out, _ = run_main(capsys, "advise", "--answers", path, "--json")
        assert code == 0
        advice = json.loads(out)
        assert advice["estimate"] is True and advice["before"]["score"] == CARD.score(profile).score
        for action in advice["actions"]:
            code, out, _ = run_main(capsys, "whatif", "--answers", path, "--do", action["id"], "--json")
            assert code == 0 and json.loads(out)["score"] == action["score_after"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_advise_text_shows_each_action_with_its_numbers_and_steps(tmp_path, capsys, lang):
    profile = average_with(credit_cards="six_plus", huabei="overdue_now")
    code, out, _ = run_main(capsys, "advise", "--answers", write(tmp_path, profile), "--lang", lang, "--top", "3")
    assert code == 0
    plan = rank(CARD, profile, top=3)
    for ranked in plan.actions:
        assert f"[{ranked.id}]" in out and f"{ranked.gain:+d}" in out and str(ranked.score_after) in out
    assert out.count("\n   1. ") == 3
    assert ("这只是估算" if lang == "zh" else "This is an estimate") in out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_whatif_text_shows_score_band_and_range(tmp_path, capsys, lang):
    profile = average_with(credit_cards="six_plus")
    code, out, _ = run_main(
        capsys, "whatif", "--answers", write(tmp_path, profile), "--do", "credit_cards_3_5,mybank", "--lang", lang
    )
    projection = simulate(CARD, profile, ["credit_cards_3_5", "mybank"])
    assert code == 0
    assert str(projection.score) in out and projection.band.name(lang) in out
    assert f"{projection.range[0]}-{projection.range[1]}" in out


def test_actions_lists_the_catalogue(capsys):
    code, out, _ = run_main(capsys, "actions", "--json", "--lang", "en")
    listed = json.loads(out)
    assert code == 0 and [a["id"] for a in listed] == [a.id for a in ACTIONS]
    assert all(a["steps"].startswith("1. ") for a in listed)
    code, out, _ = run_main(capsys, "actions")
    assert code == 0 and all(f"{a.id}：{a.zh}" in out for a in ACTIONS)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["whatif", "--do", "get_rich"], "unknown action id 'get_rich' (see `sesame-advisor actions`)"),
        (["whatif", "--do", " , "], "--do needs at least one action id (see `sesame-advisor actions`)"),
        (["advise", "--top", "0"], "--top must be at least 1"),
    ],
)
def test_bad_ids_and_options_give_one_error_line_and_exit_2(tmp_path, capsys, argv, message):
    code, out, err = run_main(capsys, *argv, "--answers", write(tmp_path, {"huabei": "on_time"}))
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [f"sesame-advisor: error: {message}"]


@pytest.mark.parametrize("command", [["advise"], ["whatif", "--do", "mybank"], ["plan", "--target", "700"]])
@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "answers file not found"), ("{oops", "is not valid JSON"), ('{"huabei": "sometimes"}', "answer huabei")],
)
def test_bad_answers_files_give_one_error_line_and_exit_2(tmp_path, capsys, command, content, message):
    path = tmp_path / "answers.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code, out, err = run_main(capsys, *command, "--answers", str(path))
    assert code == 2 and out == ""
    (line,) = err.strip().splitlines()
    assert line.startswith("sesame-advisor: error: ") and message in line


def test_the_real_cli_advises_from_stdin_and_whatif_agrees(tmp_path):
    profile = average_with(loans="overdue_now", credit_cards="six_plus")
    advise = subprocess.run(
        [*cli_command(), "advise", "--answers", "-", "--json", "--lang", "en"],
        input=json.dumps(profile),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert advise.returncode == 0, advise.stderr
    plan = json.loads(advise.stdout)
    assert plan["actions"][0]["id"] == "repay_overdue"
    first = plan["actions"][0]
    assert {"id", "title", "gain", "score_after", "effort", "time_to_effect", "steps"} <= first.keys()
    path = write(tmp_path, profile)
    whatif = subprocess.run(
        [*cli_command(), "whatif", "--answers", path, "--do", first["id"], "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert whatif.returncode == 0, whatif.stderr
    assert json.loads(whatif.stdout)["score"] == first["score_after"]
    text = subprocess.run(
        [*cli_command(), "whatif", "--answers", path, "--do", "repay_overdue,credit_cards_3_5"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert text.returncode == 0 and "预计芝麻分" in text.stdout


def test_the_real_cli_refuses_a_bad_id_with_one_line_and_exit_2(tmp_path):
    result = subprocess.run(
        [*cli_command(), "whatif", "--answers", write(tmp_path, {}), "--do", "mybank,bribe_ant"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "sesame-advisor: error: unknown action id 'bribe_ant' (see `sesame-advisor actions`)"
    ]


@pytest.mark.parametrize(
    "lang, note",
    [
        ("en", "(a current overdue is cleared first, whatever its points)"),
        ("zh", "当前逾期不论加分多少都要先还清"),
    ],
)
def test_the_heading_says_why_an_overdue_comes_before_bigger_gains(tmp_path, capsys, lang, note):
    overdue = {"loans": "overdue_now", "shopping": "rarely", "huabei": "on_time"}
    plan = rank(CARD, overdue)
    assert plan.actions[0].id == "repay_overdue"
    assert any(r.gain > plan.actions[0].gain for r in plan.actions[1:])  # "most points first" alone would be wrong
    code, out, _ = run_main(capsys, "advise", "--answers", write(tmp_path, overdue), "--lang", lang)
    assert code == 0 and note in out
    code, out, _ = run_main(capsys, "advise", "--answers", write(tmp_path, {"shopping": "rarely"}), "--lang", lang)
    assert code == 0 and note not in out


# ---- plan ------------------------------------------------------------------------------------
def test_plan_json_has_the_promised_keys_and_whatif_agrees(tmp_path, capsys):
    for i, profile in enumerate(random_profiles(8, seed=13)):
        path = write(tmp_path, profile, f"p{i}.json")
        target = min(950, CARD.score(profile).score + 40)
        code, out, _ = run_main(capsys, "plan", "--answers", path, "--target", str(target), "--json")
        assert code == 0
        shown = json.loads(out)
        assert {"target", "reachable", "actions", "score_after", "effort", "months"} <= shown.keys()
        goal = plan(CARD, profile, target)
        assert shown == {**goal_json(goal, "zh"), "model_version": CARD.version, "estimate": True}
        assert shown["target"] == target and shown["actions"] == list(goal.action_ids)
        if shown["actions"]:
            code, out, _ = run_main(capsys, "whatif", "--answers", path, "--do", ",".join(shown["actions"]), "--json")
            assert code == 0 and json.loads(out)["score"] == shown["score_after"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_plan_text_lists_the_actions_in_order_with_effort_and_months(tmp_path, capsys, lang):
    profile = average_with(huabei="overdue_now", shopping="rarely", living_bills=0)
    path = write(tmp_path, profile)
    goal = plan(CARD, profile, 750)
    code, out, _ = run_main(capsys, "plan", "--answers", path, "--target", "750", "--lang", lang)
    assert code == 0 and goal.reachable and len(goal.actions) >= 2
    positions = [out.index(f"[{action_id}]") for action_id in goal.action_ids]
    assert positions == sorted(positions)
    assert str(goal.score_after) in out and str(goal.effort) in out and str(goal.months) in out
    assert ("这只是估算" if lang == "zh" else "This is an estimate") in out
    code, out, _ = run_main(capsys, "plan", "--answers", path, "--target", "950", "--lang", lang)
    best = plan(CARD, profile, 950).best_score
    assert code == 0 and (f"最高能到 {best}" if lang == "zh" else f"the best you can reach is {best}") in out


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("abc", "--target must be a whole number 350-950, not 'abc'"),
        ("349", "--target must be a whole number 350-950, not 349"),
        ("951", "--target must be a whole number 350-950, not 951"),
        ("700.5", "--target must be a whole number 350-950, not '700.5'"),
    ],
)
def test_plan_refuses_a_bad_target_with_one_error_line(tmp_path, capsys, target, message):
    code, out, err = run_main(capsys, "plan", "--answers", write(tmp_path, {}), "--target", target)
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [f"sesame-advisor: error: {message}"]


def test_the_real_cli_plans_from_stdin():
    result = subprocess.run(
        [*cli_command(), "plan", "--answers", "-", "--target", "700", "--json"],
        input=json.dumps(average_with(shopping="rarely")),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["target"] == 700


def test_have_and_lack_say_which_record_items_count(tmp_path, capsys):
    profile = {"provident_fund": False, "vehicle": False, "huabei": "on_time", "income": "stable"}
    path = write(tmp_path, profile)
    code, out, _ = run_main(
        capsys, "advise", "--answers", path, "--json", "--have", "provident_fund", "--lack", "vehicle"
    )
    shown = json.loads(out)
    assert code == 0 and "add_provident_fund" in [a["id"] for a in shown["actions"]]
    assert "add_vehicle" not in [a["id"] for a in shown["actions"] + shown["if_you_have"]]
    code, out, _ = run_main(capsys, "advise", "--answers", path, "--json")
    shown = json.loads(out)
    assert "add_provident_fund" not in [a["id"] for a in shown["actions"]]
    assert {"add_provident_fund", "add_vehicle"} <= {a["id"] for a in shown["if_you_have"]}
    code, out, _ = run_main(capsys, "whatif", "--answers", path, "--do", "add_vehicle", "--json", "--have", "vehicle")
    assert code == 0 and json.loads(out)["gain"] > 0
    code, out, _ = run_main(capsys, "plan", "--answers", path, "--target", "950", "--json", "--have", "vehicle")
    assert code == 0 and "add_vehicle" in json.loads(out)["actions"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--have", "cars"], "--have/--lack take record-if-true items"),
        (["--have", "vehicle", "--lack", "vehicle"], "vehicle is given to both --have and --lack"),
    ],
)
def test_bad_have_or_lack_is_one_error_line(tmp_path, capsys, argv, message):
    code, out, err = run_main(capsys, "advise", "--answers", write(tmp_path, {}), *argv)
    (line,) = err.strip().splitlines()
    assert code == 2 and out == "" and message in line


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_whatif_lists_no_implied_answer_as_unanswered_and_names_the_question_a_gate_asks_first(tmp_path, capsys, lang):
    path = write(tmp_path, {"credit_cards": "none"})
    code, out, _ = run_main(capsys, "whatif", "--answers", path, "--do", "card_on_time,first_card", "--lang", lang)
    assert code == 0
    unanswered = out[
        out.index("尚未回答、因此没有计入的问题" if lang == "zh" else "Not answered yet, so not counted") :
    ]
    assert "[card_repayment]" not in out  # no card, so no repayment record: implied, not open
    assert "[income]" in unanswered  # the gate's "answer that question first (below)" has it below
    code, out, _ = run_main(capsys, "whatif", "--answers", path, "--do", "card_on_time", "--json", "--lang", lang)
    view = json.loads(out)
    assert view["unanswered"] == [] and view["stopped"] == []
