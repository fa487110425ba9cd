"""Spelling repair before triage: misspelt red-flag words, with reasons quoting the original."""

from __future__ import annotations

import pytest

from medcite.models import TriageLevel
from medcite.triage import triage
from medcite.triage_spell import red_flag_words, respell

E = TriageLevel.EMERGENCY


@pytest.mark.parametrize("message, repaired", [
    ("he is unconsious", "he is unconscious"),
    ("theres blod on the floor", "theres blood on the floor"),
    ("she swallowd it", "she swallowed it"),
    ("Hedache came on suddenly", "Headache came on suddenly"),
])
def test_respell_repairs_red_flag_words(message, repaired):
    assert respell(message).text == repaired


@pytest.mark.parametrize("message", [
    "what is hydatidiform mole?",           # a medical word far from any red-flag word
    "my kid's ok, thx",                     # short chat words are left alone
    "the pharmacist said it was fine",      # English words are never touched
])
def test_respell_leaves_other_words_alone(message):
    result = respell(message)
    assert result.text == message and not result.changed


def test_original_span_maps_back_through_longer_and_shorter_repairs():
    r = respell("blod and unconsious now")
    assert r.text == "blood and unconscious now"
    assert r.original_span(0, 5) == (0, 4)            # the repaired word itself
    assert r.original_span(10, 21) == (9, 19)
    assert r.original_span(22, 25) == (20, 23)        # after both repairs
    assert r.original[20:23] == "now"


def test_red_flag_words_spell_out_suffix_groups():
    assert {"battery", "batteries", "seizure"} <= red_flag_words(
        [r"button batter(?:y|ies)", r"seizur(?:e|es)"])


def test_triage_reads_misspelt_emergencies_and_quotes_the_original():
    message = "my dad is having a seizur right now"
    result = triage(message)
    assert result.level is E
    assert all(message[r.start:r.end] == r.quote for r in result.reasons)
    assert any("seizur" in r.quote for r in result.reasons)


def test_repair_never_lowers_a_level():
    # The repaired reading only counts when it is more severe than the message as written.
    message = "chest pain and sweating, feeling dizy"
    assert triage(message).level is E
