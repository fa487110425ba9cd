"""The learned emergency detector (medcite.triage_model) and how triage uses it."""

from __future__ import annotations

import json
from dataclasses import replace
from importlib import resources

import numpy as np
import pytest

from medcite.models import TriageLevel
from medcite.settings import Settings
from medcite.triage import triage
from medcite.triage_eval import TRAINING_PARTS
from medcite.triage_model import (
    MIN_CHARS,
    Detector,
    LinearModel,
    detector,
    features,
    fit,
    train_packaged,
)

E = TriageLevel.EMERGENCY
RULES_ONLY = Settings(triage_detector=False)


def test_features_are_words_pairs_and_four_letter_pieces():
    assert features("Lips BLUE") == {
        "lips", "blue", "lips blue", "#<lip", "#lips", "#ips>", "#<blu", "#blue", "#lue>"}
    assert features("") == set()
    # a misspelling shares most of its pieces with the word meant
    assert len(features("breathe") & features("breath")) >= 3


def test_score_is_the_logistic_of_the_length_scaled_sum():
    model = LinearModel({"pain": 1.0, "chest": 2.0}, bias=-0.5)
    n = len(features("chest pain"))  # 2 words, 1 pair, 4 + 3 pieces
    assert n == 10
    expected = 1 / (1 + np.exp(-(-0.5 + 3.0 / np.sqrt(n))))
    assert model.score("chest pain") == pytest.approx(expected)
    assert model.score("") == pytest.approx(1 / (1 + np.exp(0.5)))


def test_fit_learns_a_separable_word_and_is_deterministic():
    texts = ["he collapsed and is not breathing", "she collapsed, not breathing now",
             "mild cold and a runny nose", "sore knee after a run", "a runny nose again"]
    labels = [True, True, False, False, False]
    a, b = fit(texts, labels), fit(texts, labels)
    assert a == b
    assert a.score("my dad collapsed") > a.score("runny nose")
    sharp = fit(texts, labels, l2=0.01)
    assert sharp.score("my dad collapsed") > 0.5 > sharp.score("runny nose")
    assert a.weights["collapsed"] > 0 > a.weights["runny"]
    with pytest.raises(ValueError):
        fit(["one"], [True, False])


def test_strongest_span_quotes_the_heaviest_sentence():
    model = LinearModel({"grey": 2.0, "lips": 1.0, "cat": -1.0}, bias=0.0)
    text = "The cat is fine.  His lips look grey!\nNothing else."
    start, end = model.strongest_span(text)
    assert text[start:end] == "His lips look grey!"


def test_the_shipped_weights_are_what_the_packaged_parts_train():
    shipped = json.loads((resources.files("medcite") / "data" / "triage" / "detector.json")
                         .read_text(encoding="utf-8"))
    assert tuple(shipped["trained_on"]) == TRAINING_PARTS
    assert "blind8" not in shipped["trained_on"]  # kept out of all tuning
    assert "heldout" not in shipped["trained_on"]
    again = train_packaged().to_dict()
    for name in ("emergency", "crisis"):
        assert again[name]["bias"] == pytest.approx(shipped[name]["bias"], abs=1e-5)
        assert set(again[name]["weights"]) == set(shipped[name]["weights"])
        diff = max(abs(again[name]["weights"][f] - w) for f, w in shipped[name]["weights"].items())
        assert diff < 1e-4
    round_trip = Detector.from_dict(shipped)
    assert round_trip.threshold == shipped["threshold"] == 0.5
    assert round_trip.threshold_no_finding == shipped["threshold_no_finding"] == 0.6


# Messages written for these tests (not in any part): emergencies the rules do not name.
_CAUSTIC = ("Our little boy is 2 and he was playing in the garage, now he's coughing and drooling "
            "and his mouth looks red and sore, there was an open bottle of drain cleaner on the "
            "floor near him.")


def test_the_detector_raises_an_emergency_the_rules_miss_and_quotes_the_message():
    by_rules = triage(_CAUSTIC, RULES_ONLY)
    assert by_rules.level is not E
    result = triage(_CAUSTIC)
    assert result.level is E
    first = result.reasons[0]
    assert first.finding.startswith("reads as an emergency as a whole")
    assert _CAUSTIC[first.start:first.end] == first.quote and first.quote
    assert "911" in result.message
    # the rules' own reasons follow, still quoting the message
    assert all(_CAUSTIC[r.start:r.end] == r.quote for r in result.reasons)


def test_the_detector_only_raises():
    message = "My mother takes magnesium and is having a seizure right now"
    assert triage(message).to_dict() == triage(message, RULES_ONLY).to_dict()
    calm = ("I've had a mild cold since the weekend with a runny nose and a bit of a cough, no "
            "fever, eating and drinking fine. Which honey and lemon drinks work best?")
    assert len(calm) >= MIN_CHARS
    assert triage(calm).level is triage(calm, RULES_ONLY).level


def test_short_messages_and_information_questions_are_left_to_the_rules():
    d = detector()
    short = "tonight feels like the right night to propose!"
    assert len(short) < MIN_CHARS
    assert d.raises(short, rules_found_nothing=True) is None
    assert triage(short).level is TriageLevel.NONE
    # a message the rules found nothing in needs the higher threshold
    strict = replace(d, threshold=0.0, threshold_no_finding=1.01)
    assert strict.raises(_CAUSTIC, rules_found_nothing=True) is None
    assert strict.raises(_CAUSTIC, rules_found_nothing=False) is not None


def test_settings_switch_it_off():
    assert triage(_CAUSTIC, RULES_ONLY).level is triage(_CAUSTIC, RULES_ONLY).level
    assert not any("learned detector" in r.finding for r in triage(_CAUSTIC, RULES_ONLY).reasons)


def test_a_raised_crisis_gets_the_crisis_line_first(monkeypatch):
    # The crisis model picks the action line of a raised emergency; forced on, the crisis line
    # leads. (The shipped crisis model is weak: docs/triage.md.)
    from medcite import triage_model

    forced = replace(detector(), crisis=LinearModel({}, bias=5.0))
    monkeypatch.setattr(triage_model, "detector", lambda: forced)
    result = triage(_CAUSTIC)
    assert result.level is E and result.crisis
    assert result.message.startswith(Settings().crisis_line)
