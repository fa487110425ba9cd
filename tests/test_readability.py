"""Flesch-Kincaid grade: hand-computed values, agreement with textstat, and no network."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from conftest import shared_path

from medcite.readability import flesch_kincaid, grade, measure, syllables

# text -> (words, sentences, syllables). Syllables counted by hand from the CMU dictionary's
# pronunciations (every word here is in it). FK worked through in the test below.
HAND = [
    ("The cat sat on the mat. It was happy.", (9, 2, 10)),  # hap-py
    ("Magnesium helps your muscles work.", (5, 1, 9)),  # mag-ne-si-um, mus-cles
    ("Drink some water each day.", (5, 1, 6)),  # wa-ter
    ("Your doctor can test your blood. Ask about it.", (9, 2, 11)),  # doc-tor, a-bout
]


@pytest.mark.parametrize(("text", "counts"), HAND)
def test_counts_and_grade_match_hand_computation(text, counts):
    words, sentences, syl = counts
    r = measure(text)
    assert (r.words, r.sentences, r.syllables) == counts
    hand = 0.39 * (words / sentences) + 11.8 * (syl / words) - 15.59
    assert r.grade == pytest.approx(hand, abs=0.005)
    assert r.words_per_sentence == pytest.approx(words / sentences)
    assert r.syllables_per_word == pytest.approx(syl / words)


def test_formula():
    # 0.39 * 10 + 11.8 * 1.5 - 15.59 = 3.9 + 17.7 - 15.59 = 6.01
    assert flesch_kincaid(20, 2, 30) == pytest.approx(6.01)
    assert flesch_kincaid(0, 0, 0) == 0.0


def test_agrees_with_textstat_on_plain_text():
    import textstat

    text = ("Magnesium is a mineral your body needs. It helps your muscles and nerves work. "
            "Most people get enough from food such as nuts, beans and leafy greens.")
    assert grade(text) == pytest.approx(textstat.flesch_kincaid_grade(text), abs=0.01)


def test_decimals_do_not_split_sentences():
    r = measure("Levels below 1.8 mg/dL in the blood are too low for most adults.")
    assert r.sentences == 1


def test_technical_text_grades_higher_than_plain_text():
    technical = ("Hypomagnesemia precipitates neuromuscular hyperexcitability, manifesting as "
                 "fasciculations, tetany and cardiac arrhythmias.")
    plain = "Low magnesium can make your muscles twitch. It can also upset your heartbeat."
    assert grade(technical) > grade(plain) + 5


def test_empty_and_syllables():
    assert measure("   ").to_dict()["grade"] == 0.0
    assert syllables("magnesium") == 4


_OFFLINE = textwrap.dedent("""
    import socket
    def refuse(*args, **kwargs):
        raise OSError("network blocked by the test")
    socket.socket.connect = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    {body}
""")


def _run_offline(body: str, tmp_path) -> subprocess.CompletedProcess[str]:
    # An empty NLTK_DATA and HOME: no locally downloaded cmudict can hide a network call.
    env = {**os.environ, "NLTK_DATA": str(tmp_path), "HOME": str(tmp_path)}
    return subprocess.run([sys.executable, "-c", _OFFLINE.format(body=body)], env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_works_with_network_blocked(tmp_path):
    done = _run_offline("from medcite.readability import measure\n"
                        "print(measure('Magnesium helps your muscles work.').grade)", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "7.6"


def test_control_plain_textstat_fails_offline(tmp_path):
    """Without medcite's fix, textstat reaches for the network: the offline test is real."""
    probe = _run_offline("import nltk\ntry:\n    nltk.data.find('corpora/cmudict')\n"
                         "    print('present')\nexcept LookupError:\n    print('absent')", tmp_path)
    if probe.stdout.strip() == "present":
        pytest.skip("an NLTK cmudict is installed on this machine, so textstat works offline")
    done = _run_offline("import textstat\nprint(textstat.syllable_count('magnesium'))", tmp_path)
    assert done.returncode != 0
    assert "cmudict" in done.stderr.lower()


def _cochrane_pairs(limit: int) -> list[dict]:
    import json

    path = shared_path("data", "cochrane_pls", "val.jsonl")
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for _, line in zip(range(limit), handle, strict=False)]


def test_plain_language_summaries_grade_lower_than_abstracts():
    """Cochrane abstracts vs their human plain-language summaries (first 100 pairs).

    Measured on all 411 pairs: median grade 15.4 (abstracts) vs 13.8 (summaries) with our
    sentence count; textstat's own count gives 11.3 vs 13.6 because "95% CI 1.53 to 13.85"
    splits sentences at every decimal point, which is why sentences are counted here.
    """
    from statistics import median

    pairs = _cochrane_pairs(100)
    abstracts = [grade(p["technical_abstract"]) for p in pairs]
    summaries = [grade(p["plain_language_summary"]) for p in pairs]
    assert median(summaries) < median(abstracts)
    assert sum(s < a for s, a in zip(summaries, abstracts, strict=True)) > 60
