"""The extractive writer: MMR maths, sentence choice, sections by evidence type, no edits."""

from __future__ import annotations

import pytest
from answer_fixtures import all_hits, open_library

from medcite.models import EvidenceType, QueryAnalysis
from medcite.writers import get_writer
from medcite.writers.extractive import (
    GUIDELINE_TYPES,
    RESEARCH_TYPES,
    ExtractiveWriter,
    candidates,
    jaccard,
    mmr_score,
)

Q = "How much magnesium is too much?"
DOSE = QueryAnalysis(Q, Q, qtype="dose", focus=["magnesium"])


@pytest.fixture(scope="module")
def hits(tmp_path_factory):
    app = open_library(tmp_path_factory.mktemp("extractive"))
    yield all_hits(app)
    app.close()


def test_mmr_score_matches_hand_computation():
    # 0.7 * 0.9 - 0.3 * 0.5 = 0.63 - 0.15
    assert mmr_score(0.9, 0.5, lam=0.7) == pytest.approx(0.48)


def test_jaccard():
    assert jaccard({"a", "b"}, {"b", "c"}) == pytest.approx(1 / 3)
    assert jaccard(set(), set()) == 0.0


def test_get_writer_by_name():
    assert get_writer("extractive").name == "extractive"


def test_writer_is_deterministic(hits):
    one = ExtractiveWriter().write(Q, DOSE, hits)
    two = ExtractiveWriter().write(Q, DOSE, hits)
    assert [[c.text for c in s.items] for s in one.sections] == \
        [[c.text for c in s.items] for s in two.sections]


def test_claim_text_is_its_quote(hits):
    draft = ExtractiveWriter().write(Q, DOSE, hits)
    for section in draft.sections:
        for claim in section.items:
            quote = claim.spans[0].text
            assert claim.text.split() == (quote[:1].upper() + quote[1:]).split()


def test_bottom_line_has_two_to_four_sentences_with_the_limit(hits):
    draft = ExtractiveWriter().write(Q, DOSE, hits)
    bottom = draft.sections[0]
    assert bottom.id == "bottom_line" and 2 <= len(bottom.items) <= 4
    assert any("350 mg" in c.text for c in bottom.items)


def test_dose_questions_prefer_sentences_with_quantities(hits):
    scored = {c.text: c.relevance for c in candidates(Q, DOSE, hits)}
    general = QueryAnalysis(Q, Q, qtype="information", focus=["magnesium"])
    plain = {c.text: c.relevance for c in candidates(Q, general, hits)}
    limit = next(t for t in scored if "350 mg" in t)
    assert scored[limit] > plain[limit]


def test_sections_respect_evidence_types(hits):
    draft = ExtractiveWriter().write(Q, DOSE, hits)
    for section in draft.sections:
        types = {span.hit.source.evidence_type for c in section.items for span in c.spans}
        if section.id == "guidelines":
            assert types <= GUIDELINE_TYPES
        if section.id.startswith("research_"):
            assert types <= RESEARCH_TYPES and section.title


def test_research_is_grouped_under_a_theme_title(hits):
    draft = ExtractiveWriter().write(Q, DOSE, hits)
    research = [s for s in draft.sections if s.id.startswith("research_")]
    assert research and research[0].title == "Results"


def test_help_sentences_come_from_the_library(hits):
    draft = ExtractiveWriter().write("What amount of magnesium can cause muscle twitching?",
                                     DOSE, hits)
    help_section = next(s for s in draft.sections if s.id == "when_to_get_help")
    assert any("Seek care right away" in c.text for c in help_section.items)


def test_leading_discourse_word_is_trimmed_from_the_quote(hits):
    texts = [c.text for c in candidates("Is magnesium safe?",
                                        QueryAnalysis("q", "magnesium safe"), hits)]
    assert all(not t.lower().startswith(("however,", "- ")) for t in texts)


def test_no_candidates_gives_an_empty_draft(hits):
    assert ExtractiveWriter().write("zebra", QueryAnalysis("zebra", "zebra"), hits).sections == []


def test_guideline_types_are_guidelines_only():
    assert {EvidenceType.PRACTICE_GUIDELINE} == GUIDELINE_TYPES


def test_plainer_alternate_keeps_source_numbers_and_negations():
    from medcite.audience import render_claim
    from medcite.models import Hit, Passage, QueryAnalysis, Source
    from medcite.writers.extractive import ExtractiveWriter

    text = ("Gout is a form of inflammatory arthritis characterized by recurrent attacks of "
            "acute monosodium urate crystal deposition within the synovial joints. "
            "Gout is a kind of arthritis that causes sudden pain in a joint.")
    src = Source(id="s1", title="Gout")
    hit = Hit(Passage("p1", "s1", 0, "", text, 0, len(text)), src, 1.0)
    analysis = QueryAnalysis("what is gout", "what is gout", qtype="definition", focus=["gout"])
    draft = ExtractiveWriter(bottom_line=1, key_points=0).write("What is gout?", analysis, [hit])
    claim = draft.sections[0].items[0]
    assert claim.text.startswith("Gout is a form")
    assert [a.text for a in claim.alternates] == ["Gout is a kind of arthritis that causes "
                                                  "sudden pain in a joint."]
    assert render_claim(claim, "clinician")[0].text.startswith("Gout is a form")
    shown = render_claim(claim, "patient", set(), set())
    assert shown[0].spans[0].hit.source.id == "s1" and "sudden pain" in shown[0].text


def test_source_reference_markers_do_not_leak_into_sentences():
    from medcite.grounding import numbers, traceable
    from medcite.models import Hit, Passage, QueryAnalysis, Source
    from medcite.writers.extractive import ExtractiveWriter

    text = "Magnesium supplements above 350 mg a day cause diarrhea [12] in adults [3, 4]."
    hit = Hit(Passage("p1", "s1", 0, "", text, 0, len(text)), Source(id="s1", title="Mg"), 1.0)
    analysis = QueryAnalysis("magnesium dose", "magnesium dose", qtype="dose",
                             focus=["magnesium"])
    claim = ExtractiveWriter().write("How much magnesium?", analysis, [hit]).sections[0].items[0]
    assert claim.text == "Magnesium supplements above 350 mg a day cause diarrhea in adults."
    assert numbers(claim.text) == ["350"] and claim.spans[0].text == text
    assert traceable(claim.text, claim.spans[0].text)


def _hit(pid: str, text: str, title: str = "Sinus infections"):
    from medcite.models import Hit, Passage, Source

    return Hit(Passage(pid, f"s-{pid}", 0, "", text, 0, len(text)),
               Source(id=f"s-{pid}", title=title), 1.0)


@pytest.mark.parametrize("line", [
    "Radio Show: Three Ways to Beat a Sinus Infection Mar 4",
    "Audio Podcast: Sinus Care for Busy Parents",
    "Click here for a list of sinus clinics near you.",
    "Please use the following links to read more about each sinus condition.",
    "More on sinus infections is at sinushelp.org for anyone who wants it.",
    "Sinus Infection Basics Nasal Sprays Sinus Surgery Allergy Testing Sinus Rinses",
    # sentences about the page itself
    "Much of this information comes from a registry of rare sinus conditions.",
    "The table below shows how often each sinus symptom is seen.",
    "A medical dictionary can help with the words used on this page.",
    "These resources address the diagnosis or management of chronic sinusitis.",
    "A symptom registry provides the following list of signs for chronic sinusitis.",
    "For more on sinus rinses, go to the Sinus Society's Nasal Care web page.",
])
def test_navigation_lines_are_recognised(line):
    from medcite.writers.extractive import is_navigation

    assert is_navigation(line)


@pytest.mark.parametrize("line", [
    "A sinus infection usually clears up on its own within ten days.",
    "Saline rinses can ease a blocked nose in adults and children.",
    "The National Institute of Allergy says most sinus infections are caused by viruses.",
])
def test_prose_is_not_navigation(line):
    from medcite.writers.extractive import is_navigation

    assert not is_navigation(line)


def test_navigation_lines_are_never_candidates():
    text = ("Sinus Podcast: Rinses and Sprays for Sinus Infections Feb 12\n\n"
            "Most sinus infections are caused by viruses and clear up without antibiotics.")
    analysis = QueryAnalysis("q", "sinus infections", qtype="causes", focus=["sinus infections"])
    chosen = [c.text for c in candidates("What causes sinus infections?", analysis,
                                         [_hit("p1", text)])]
    assert chosen == ["Most sinus infections are caused by viruses and clear up without "
                      "antibiotics."]


def test_bottom_line_leads_with_the_best_ranked_passage_that_answers():
    from medcite.writers.extractive import bottom_line

    analysis = QueryAnalysis("q", "sinus infections", qtype="causes", focus=["sinus infections"])
    first = _hit("p1", "Sinus infections are caused by viruses in most people.")
    second = _hit("p2", "Sinus infections are most often caused by viruses, sometimes by "
                        "bacteria. Sinus infections caused by bacteria can last longer.")
    pool = candidates("What causes sinus infections?", analysis, [first, second])
    top = max(c.relevance for c in pool)
    chosen = bottom_line(pool, 4, top)
    assert chosen[0].hit.passage.id == "p1"
    # No other passage says more of the bottom line than the lead's own.
    assert sum(c.hit.passage.id == "p2" for c in chosen) <= 1


def test_a_sentence_that_restates_a_chosen_one_is_not_chosen_again():
    from medcite.writers.extractive import select

    # Two twin pages: the second's short sentence says nothing the first's long one has not.
    analysis = QueryAnalysis("q", "what is sinusitis", qtype="definition", focus=["sinusitis"])
    long = _hit("p1", "Sinusitis is not a single disease but a swelling of the sinus lining "
                      "after colds, allergies or dental infections.", title="Sinusitis")
    short = _hit("p2", "Sinusitis is not a single disease. Sinusitis swelling of the lining may "
                       "follow a cold and blocks the nose.", title="Sinusitis")
    pool = candidates("What is sinusitis?", analysis, [long, short])
    first = next(c for c in pool if c.hit is long)
    shown = [c.text for c in select(pool, 4, chosen=[first])]
    # (word-set Jaccard 4/11: only containment sees the repeat)
    assert "Sinusitis is not a single disease." not in shown
    # ... while a longer sentence that adds to a chosen short one may follow it
    assert "Sinusitis swelling of the lining may follow a cold and blocks the nose." in shown


def test_a_restatement_with_other_negations_is_a_different_claim():
    from medcite.grounding import negations, restates, terms

    a, b = "Sinusitis is contagious.", "Sinusitis is not contagious in adults."
    assert not restates(terms(a), negations(a), terms(b), negations(b))
    c = "Sinusitis is not contagious."
    assert restates(terms(c), negations(c), terms(b), negations(b))
    assert not restates(terms(b), negations(b), terms(c), negations(c))


def test_a_risk_question_prefers_a_sentence_on_inheritance():
    # "Is it inherited?" is a risk question (medcite.query): words of inheritance and family
    # are its cues, as "risk" and "chance" are.
    analysis = QueryAnalysis("q", "is sinusitis inherited", qtype="risk", focus=["sinusitis"])
    hit = _hit("p1", "Sinusitis is a swelling of the sinus lining that runs in some families. "
                     "Sinusitis has no single genetic cause in most families.")
    pool = candidates("Is sinusitis inherited?", analysis, [hit])
    best = max(pool, key=lambda c: c.relevance)
    assert best.text == "Sinusitis has no single genetic cause in most families."


@pytest.mark.parametrize("line,expected", [
    ("Call your doctor right away if the swelling spreads.", True),
    ("Seek emergency medical help if you cough up blood.", True),
    ("Go to the emergency room if the pain is crushing.", True),
    ("Call immediately if signs of infection develop.", True),
    ("Throw used tissues in the bin right away.", False),
    ("Emergency Use Authorization of antiviral drugs", False),
    ("Appendicitis is a very common reason for surgery.", False),
])
def test_help_sentences_tell_the_reader_to_get_care(line, expected):
    from medcite.writers.extractive import is_help

    assert is_help(line) is expected


def test_a_help_sentence_keeps_its_instruction_in_plainer_words():
    # The lay rendering may show a plainer sentence of the same source instead of a claim;
    # for "when to get help" the plainer one must still say to get care.
    text = ("People who live with chronic sinusitis may notice that their symptoms suddenly "
            "get worse. Call your doctor right away if your sinus symptoms suddenly get worse "
            "or a fever appears alongside them. Symptoms can suddenly get worse. "
            "Call a doctor if sinus symptoms get worse.")
    analysis = QueryAnalysis("q", "when should I see a doctor for sinusitis", qtype="symptoms",
                             focus=["sinusitis"])
    draft = ExtractiveWriter(bottom_line=1, key_points=0, help_items=1).write(
        "When should I see a doctor for sinusitis?", analysis, [_hit("p1", text)])
    from medcite.writers.extractive import is_help

    helping = [c for s in draft.sections for c in s.items if is_help(c.text)]
    assert helping and all(c.alternates for c in helping)
    assert all(is_help(alt.text) for c in helping for alt in c.alternates)
