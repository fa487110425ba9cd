"""The grounding contract: one test per edge, on answers built from a real small library."""

from __future__ import annotations

import copy

import pytest
from answer_fixtures import all_hits, open_library

from medcite.answer import source_texts
from medcite.compose import compose
from medcite.grounding import check_answer, has_evidence, negations, numbers, topic_terms
from medcite.models import Claim, QueryAnalysis, Quote
from medcite.writers.extractive import ExtractiveWriter

Q = "How much magnesium is too much?"


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    app = open_library(tmp_path_factory.mktemp("grounding"))
    yield app
    app.close()


@pytest.fixture
def built(lib):
    app = lib
    hits = all_hits(app)
    analysis = QueryAnalysis(Q, Q, qtype="dose", focus=["magnesium"])
    draft = ExtractiveWriter().write(Q, analysis, hits)
    answer = compose(Q, analysis, hits, draft, "clinician")
    return answer, hits, source_texts(app, hits)


def test_extractive_answer_is_grounded(built):
    answer, hits, texts = built
    assert answer.claims() and check_answer(answer, hits, texts) == []


def test_sentence_without_citation_fails(built):
    answer, hits, texts = built
    answer.sections[0].items[0].citations = []
    assert any("no citation" in p for p in check_answer(answer, hits, texts))


def test_citation_to_missing_reference_fails(built):
    answer, hits, texts = built
    answer.sections[0].items[0].citations.append(99)
    assert any("[99] has no reference" in p for p in check_answer(answer, hits, texts))


def test_quote_from_passage_not_retrieved_fails(built):
    answer, hits, texts = built
    cited = answer.sections[0].items[0].quotes[0].passage_id
    others = [h for h in hits if h.passage.id != cited]
    assert any("not retrieved" in p for p in check_answer(answer, others, texts))


def test_quote_offsets_must_match_source_text(built):
    answer, hits, texts = built
    quote = answer.references[0].passages[0]
    quote.start += 1
    assert any("do not match" in p for p in check_answer(answer, hits, texts))


def test_number_not_in_cited_passage_fails(built):
    answer, hits, texts = built
    claim = answer.sections[0].items[0]
    claim.text = claim.text.replace("350", "450")
    assert any("number(s) ['450']" in p for p in check_answer(answer, hits, texts))


def test_dropped_negation_fails(built):
    answer, hits, texts = built
    ref = answer.references[0]
    text = texts[ref.source_id]
    start = text.index("Do not take")
    end = text.index(".", start) + 1
    pid = next(h.passage.id for h in hits if h.source.id == ref.source_id)
    quote = Quote(pid, text[start:end], start, end)
    ref.passages.append(quote)
    answer.sections[0].items.append(Claim(quote.quote.replace("Do not take", "Take"), [ref.n],
                                          [quote]))
    assert any("negation changed" in p for p in check_answer(answer, hits, texts))


def test_abstention_with_citations_fails(built):
    answer, hits, texts = built
    broken = copy.deepcopy(answer)
    broken.abstained = True
    assert check_answer(broken, hits, texts) == ["an abstaining answer cites sources"]


def test_numbers_and_negations_are_read_exactly():
    assert numbers("1,000 mg or 2.5 g, ½ tablet") == ["1000", "2.5", "½"]
    assert negations("Don't stop; it is not safe and never needed") == ["don't", "not", "never"]


def test_topic_ignores_generic_question_words():
    assert topic_terms("How is glioblastoma treated?") == {"glioblastoma"}


def test_out_of_scope_question_has_no_evidence(built):
    _, hits, _ = built
    check = has_evidence("What is the best treatment for glioblastoma?", hits)
    assert not check.ok and check.best_coverage == 0.0


def test_on_topic_question_has_evidence(built):
    _, hits, _ = built
    assert has_evidence(Q, hits).ok


def test_patient_answer_with_lay_edits_is_grounded(lib):
    hits = all_hits(lib)
    analysis = QueryAnalysis(Q, Q, qtype="dose", focus=["magnesium"])
    answer = compose(Q, analysis, hits, ExtractiveWriter().write(Q, analysis, hits), "patient")
    assert answer.claims() and check_answer(answer, hits, source_texts(lib, hits)) == []


def test_reworded_sentence_fails(built):
    answer, hits, texts = built
    claim = answer.sections[0].items[0]
    claim.text = claim.text.replace("magnesium", "calcium", 1)
    assert any("not its quote" in p for p in check_answer(answer, hits, texts))


def test_lay_swap_and_gloss_are_traceable():
    from medcite.grounding import traceable

    quote = "Hypertension and hypomagnesemia harm the kidneys"
    lay = "High blood pressure and hypomagnesemia (low magnesium in the blood) harm the kidneys."
    assert traceable(lay, quote)
    assert not traceable(lay.replace("High", "Low"), quote)
    assert not traceable("Hypertension harms the kidneys.", quote)


@pytest.mark.parametrize(("text", "bare", "expected"), [
    ("Cramps are common [3] in pregnancy [1, 2].", False, "Cramps are common in pregnancy."),
    ("Athletes may need more 3, 4.", True, "Athletes may need more."),
    ("Athletes may need more 3, 4.", False, "Athletes may need more 3, 4."),
    ("It helps muscle function 6.", True, "It helps muscle function."),
    ("Start at age 6.", True, "Start at age 6."),
    ("The normal pH is 7.", True, "The normal pH is 7."),
    ("It is given to children ages 2, 3.", True, "It is given to children ages 2, 3."),
    ("Limit it to 350 mg.", True, "Limit it to 350 mg."),
    ("Flu Antiviral Drugs (PDF Version) Oct 13", True, "Flu Antiviral Drugs (PDF Version) Oct 13"),
])
def test_reference_markers_are_stripped_only_where_they_are_markers(text, bare, expected):
    from medcite.grounding import strip_citation_markers

    assert strip_citation_markers(text, bare) == expected


def test_a_page_naming_the_topic_by_its_initialism_is_evidence():
    from medcite.grounding import has_evidence
    from medcite.models import Hit, Passage, QueryAnalysis, Source

    text = "Inhalers and breathing exercises help most people with COPD."
    hit = Hit(Passage("p1", "s1", 0, "", text, 0, len(text)), Source(id="s1", title="Lungs"), 1.0)
    analysis = QueryAnalysis("q", "chronic obstructive pulmonary disease treatment",
                             focus=["chronic obstructive pulmonary disease"])
    assert has_evidence(analysis.question, [hit], analysis).supporting == ["p1"]
