"""Guardrails: personal doses and stopping/replacing treatment get a fixed clinician line."""

from __future__ import annotations

import pytest

from medcite.guardrails import MESSAGES, check, disclaimer
from medcite.models import ArticleState


@pytest.mark.parametrize("question, kind, quote", [
    ("how much should I take", "personal_dose", "how much should I take"),
    ("How much magnesium should I take for cramps?", "personal_dose",
     "How much magnesium should I take"),
    ("can I give my 3 year old 5 ml of ibuprofen", "personal_dose",
     "can I give my 3 year old 5 ml"),
    ("Is 400 mg of magnesium safe for me?", "personal_dose", "Is 400 mg of magnesium safe for me"),
    ("What dose should my daughter take?", "personal_dose", "What dose should my daughter take"),
    ("Can I stop my blood pressure pills?", "stop_treatment", "stop my blood pressure pills"),
    ("should I stop taking lisinopril", "stop_treatment", "stop taking lisinopril"),
    ("I want to come off my antidepressants", "stop_treatment", "come off my antidepressants"),
    ("replace metformin with cinnamon", "replace_treatment", "replace metformin with cinnamon"),
    ("Can I use turmeric instead of my arthritis medication?", "replace_treatment",
     "instead of my arthritis medication"),
])
def test_triggers(question, kind, quote):
    found = check(question)
    assert [g.kind for g in found] == [kind]
    g = found[0]
    assert g.quote == quote and question[g.start:g.end] == quote
    assert g.message == MESSAGES[kind] and g.message.startswith("Talk to your clinician")


@pytest.mark.parametrize("question", [
    "What is the recommended daily intake of magnesium for adults?",
    "How much magnesium is too much per day?",
    "What dose of magnesium is safe in kidney disease?",
    "how do surgeons replace a hip joint",
    "what are the side effects of metformin?",
    "",
])
def test_general_questions_pass(question):
    assert check(question) == []


def test_two_kinds_in_one_question_are_both_reported_in_order():
    kinds = [g.kind for g in check("Can I stop my statin and how much fish oil should I take?")]
    assert kinds == ["stop_treatment", "personal_dose"]


def test_to_dict():
    data = check("how many tablets can I take")[0].to_dict()
    assert set(data) == {"kind", "message", "quote", "start", "end"}


@pytest.mark.parametrize("status", ["draft", "submitted", "in_review", "changes_requested", "",
                                    None, "unreviewed"])
def test_unreviewed_states_are_pending(status):
    assert disclaimer(status).startswith("Educational use; pending human review")


@pytest.mark.parametrize("status", ["approved", "published", ArticleState.PUBLISHED, "Approved"])
def test_reviewed_states(status):
    text = disclaimer(status)
    assert text.startswith("Reviewed") and "pending" not in text


def test_retired():
    assert disclaimer("retired").startswith("Retired")


def test_docstring_examples_run():
    import doctest

    import medcite.guardrails

    assert doctest.testmod(medcite.guardrails).failed == 0
