import pytest

from advice import ACTIONS, get_action, rank, simulate
from advice.catalogue import EFFORT_NAMES, TIMINGS, WARNINGS
from advice.presentation import TELL_ME_MORE_SHOWN, action_view, plan_view, projection_view, steps_text
from scoring.calibration import Calibrated, Offset, ProjectionBase
from scoring.card import BANDS, band_of, load_scorecard
from scoring.questions import QUESTION_BY_ID
from templates import render

from .profiles import average_with

CARD = load_scorecard()


def test_a_ranked_action_view_carries_its_numbers_and_labels():
    plan = rank(CARD, average_with(credit_cards="six_plus"))
    ranked = next(a for a in plan.actions if a.id == "credit_cards_3_5")
    for lang in ("zh", "en"):
        view = action_view(ranked, lang)
        assert view["title"] == ranked.action.title(lang)
        assert (view["gain"], view["score_after"]) == (ranked.gain, ranked.score_after)
        assert view["band_after"] == ranked.band_after.name(lang)
        assert view["effort"] == EFFORT_NAMES[ranked.effort][lang]
        assert view["time_to_effect"] == TIMINGS[ranked.time_to_effect][lang]
        assert view["warnings"] == [WARNINGS["debt_pressure"][lang]]
        assert view["before"] == {"credit_cards": "six_plus"}
        (change,) = view["changes"]
        question = QUESTION_BY_ID["credit_cards"]
        assert change["before"] == question.label("six_plus", lang)
        assert change["after"] == question.label("three_five", lang)


def test_a_catalogue_view_has_no_numbers_and_generic_steps():
    view = action_view(get_action("credit_cards_3_5"), "en")
    assert view["gain"] is None and view["score_after"] is None and view["before"] == {}
    text = steps_text(view, "en")
    assert "6 or more" in text and "fewer than 3" in text


def test_plan_view_shows_the_plan_numbers():
    plan = rank(CARD, {"huabei": "overdue_now", "credit_cards": "six_plus", "mybank": False})
    view = plan_view(plan, "en")
    assert view["before"]["score"] == plan.before.score
    assert [a["id"] for a in view["actions"]] == [a.id for a in plan.actions]
    assert view["actions"][0]["id"] == "repay_overdue"
    assert len(view["tell_me_more"]) == TELL_ME_MORE_SHOWN < len(plan.tell_me_more)
    assert view["tell_me_more"][0]["narrows_by"] == plan.tell_me_more[0].narrows_by
    assert view["combined"]["score"] == plan.combined.score
    assert view["points_to_next_band"] == plan.points_to_next_band
    assert view["next_band"] == plan.next_band.name("en")


def test_projection_view_names_what_counted_and_what_did_not():
    profile = {"huabei": "overdue_now", "wealth": "small"}
    projection = simulate(CARD, profile, ["repay_overdue", "wealth_management", "mybank"])
    view = projection_view(projection, "zh")
    assert (view["score"], view["low"], view["high"]) == (projection.score, *projection.range)
    assert view["gain"] == projection.score - CARD.score(profile).score > 0
    assert [a["id"] for a in view["not_applicable"]] == ["wealth_management", "mybank"]
    assert [q["id"] for q in view["unanswered"]] == ["loans", "mybank"]
    assert view["changes"][0]["before"] == "目前有逾期"


def test_every_action_has_a_view_in_both_languages():
    for action in ACTIONS:
        assert action_view(action, "zh")["title"] != action_view(action, "en")["title"]


def calibrated(estimate: int, shift: int) -> ProjectionBase:
    score = estimate + shift
    return ProjectionBase(estimate, Calibrated(score, (score - 15, score + 15), 0.9, Offset(shift, 10.0, 3)))


def test_a_calibrated_base_moves_every_projected_score_and_keeps_the_models_gains():
    plan = rank(CARD, average_with(credit_cards="six_plus", huabei="late_once"))
    assert len(plan.actions) > 1 and plan.combined is not None
    plain = plan_view(plan, "en")
    for shift in (-60, 35):
        base = calibrated(plan.before.score, shift)
        view = plan_view(plan, "en", base=base)
        assert view["calibrated"]["score"] == plan.before.score + shift and view["calibrated"]["reports"] == 3
        assert view["calibrated"]["estimate"] == plan.before.score == view["before"]["score"]
        for moved, model, ranked in zip(view["actions"], plain["actions"], plan.actions, strict=True):
            assert moved["gain"] == model["gain"] == ranked.gain  # the model's points
            assert moved["score_after"] == base.project(ranked.score_after) == ranked.score_after + shift
            assert moved["band_after"] == band_of(moved["score_after"]).name("en") and moved["calibrated"]
        combined = view["combined"]
        assert combined["gain"] == plan.combined.gain and combined["calibrated"]
        assert (combined["before_score"], combined["score"]) == (plan.before.score + shift, plan.combined.score + shift)
        assert (combined["low"], combined["high"]) == tuple(end + shift for end in plan.combined.range)
        # The next band counts from the calibrated score (720 - 60 is a band lower; 720 + 35 is in the top one).
        assert view["points_to_next_band"] == next((b.low - base.score for b in BANDS if b.low > base.score), None)
    # A base with no reports is the model's own: the view is the plain one.
    assert plan_view(plan, "en", base=ProjectionBase(plan.before.score)) == plain
    assert plain["calibrated"] is None and not plain["actions"][0]["calibrated"]


# ---- several safety gates at once: each says what comes first, "no new credit" is said once ------
NO_NEW_CREDIT = {"en": "nothing here suggests new credit", "zh": "我不会建议你新增任何借贷"}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    ("changes", "gate_ids"),
    [
        ({"loans": "overdue_now", "income": None}, ["overdue_now", "income_unknown"]),
        (
            {"loans": "overdue_now", "card_repayment": "sometimes_late", "income": "none"},
            [
                "overdue_now",
                "late_record",
                "no_income",
            ],
        ),
        ({"credit_cards": "six_plus"}, ["too_many_cards"]),  # one gate: the same one line after it
    ],
    ids=["two", "three", "one"],
)
def test_gates_list_what_comes_first_and_say_no_new_credit_once(lang, changes, gate_ids):
    base = {"huabei": "none", "card_repayment": "always_on_time", "income": "stable"}
    profile = average_with(**{**base, **{k: v for k, v in changes.items() if v is not None}})
    profile = {k: v for k, v in profile.items() if changes.get(k, "") is not None}
    plan = rank(CARD, profile)
    assert [gate.id for gate in plan.gates] == gate_ids
    gates = [gate.text(lang) for gate in plan.gates]
    assert not any(NO_NEW_CREDIT[lang] in gate for gate in gates)
    whatif = simulate(CARD, profile, ["huabei_on_time"])  # opening Huabei: new credit
    assert whatif.stopped == (("huabei_on_time", "gated"),)
    rendered = {
        "advice.html.j2": render(lang, "advice.html.j2", **plan_view(plan, lang)),
        "cli_advise.txt.j2": render(lang, "cli_advise.txt.j2", **plan_view(plan, lang)),
        "whatif.html.j2": render(lang, "whatif.html.j2", **projection_view(whatif, lang)),
        "cli_whatif.txt.j2": render(lang, "cli_whatif.txt.j2", **projection_view(whatif, lang)),
    }
    for name, text in rendered.items():
        assert text.count(NO_NEW_CREDIT[lang]) == 1, name
        said = text.index(NO_NEW_CREDIT[lang])
        for gate in gates:  # what must come first, each gate once, before the one "no new credit"
            assert text.count(gate) == 1 and text.index(gate) < said, (name, gate)
