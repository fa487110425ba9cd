"""Audience rendering: shorter sentences for lay readers, same facts, exact quotes."""

from __future__ import annotations

from medcite.audience import reading_grade, render_claim, split_points
from medcite.grounding import negations, numbers
from medcite.models import Hit, Passage, Source
from medcite.writers import DraftClaim, Span

TEXT = ("Magnesium supplements above 350 mg a day often cause diarrhea and stomach cramps in "
        "adults; people with kidney disease cannot clear the extra magnesium, and they may "
        "develop weakness or a slow heartbeat.")


def _claim() -> DraftClaim:
    passage = Passage("p1", "s1", 0, "", TEXT, 10, 10 + len(TEXT))
    hit = Hit(passage, Source(id="s1", title="t"), 1.0)
    return DraftClaim(TEXT, [Span(hit, 10, 10 + len(TEXT))])


def test_split_points_are_clause_boundaries():
    assert split_points("Magnesium helps nerves work; too much can upset the stomach.") == [29]
    assert split_points("Eat nuts, seeds, and beans.") == []
    # semicolons between the items of a list are not clause boundaries: "Stroke; or coma."
    # alone would read as a statement of its own
    listed = "Tell your doctor if you have ever had a heart attack; a stroke; or a coma."
    assert split_points(listed) == []
    but = "Most people get better with rest; however, some patients need an operation."
    assert split_points(but) == [but.index("however")]


def test_clinician_text_is_unchanged():
    assert [c.text for c in render_claim(_claim(), "clinician")] == [TEXT]


def test_patient_text_is_split_into_exact_quoted_pieces():
    pieces = render_claim(_claim(), "patient")
    assert len(pieces) == 3
    for piece in pieces:
        span = piece.spans[0]
        assert TEXT[span.start - 10:span.end - 10] == span.text
        assert piece.text.rstrip(".").lower() == span.text.rstrip(".").lower()


def test_numbers_and_negations_survive_the_split():
    pieces = render_claim(_claim(), "patient")
    joined = " ".join(p.text for p in pieces)
    assert numbers(joined) == numbers(TEXT) and negations(joined) == negations(TEXT)


def test_patient_reading_grade_is_lower():
    patient = reading_grade([c.text for c in render_claim(_claim(), "patient")])
    clinician = reading_grade([TEXT])
    assert patient < clinician


def test_leading_qualifier_keeps_sentence_whole():
    text = ("In people with kidney disease, magnesium builds up in the blood; this can cause "
            "weakness and a slow heartbeat in some adults.")
    passage = Passage("p1", "s1", 0, "", text, 0, len(text))
    claim = DraftClaim(text, [Span(Hit(passage, Source(id="s1", title="t"), 1.0), 0, len(text))])
    assert len(render_claim(claim, "patient")) == 1


def test_reading_grade_of_nothing_is_none():
    assert reading_grade([]) is None


def test_no_cut_before_a_subordinate_clause():
    # ", or when ..." once produced the fragment "When the skin around it is red and sore."
    text = "Call your doctor if the tube is blocked, or when the skin around it is red and sore."
    assert split_points(text) == []
    assert split_points("It eases pain; when it does not, see a doctor about it.") == []


def test_no_cut_inside_a_list():
    # "... such as fever, muscle aches, and fatigue are easily confused ..." is one clause.
    text = "Early symptoms such as fever, muscle aches, and fatigue are easily confused with flu."
    assert split_points(text) == []


def test_cut_before_a_main_clause():
    text = "Swine flu is rare in people, but human infections can and do happen sometimes."
    assert [text[p:p + 3] for p in split_points(text)] == ["but"]


LIST = ("Signs of a heat illness include: - Headache - A body temperature above 39 C - "
        "Not sweating even in the heat - Confusion")


def _list_claim() -> DraftClaim:
    passage = Passage("p2", "s2", 0, "", LIST, 0, len(LIST))
    return DraftClaim(LIST, [Span(Hit(passage, Source(id="s2", title="t"), 1.0), 0, len(LIST))])


def test_an_inline_list_is_shown_item_by_item_to_lay_readers():
    pieces = render_claim(_list_claim(), "patient")
    assert [p.text for p in pieces] == [
        "Signs of a heat illness include:", "Headache.", "A body temperature above 39 C.",
        "Not sweating even in the heat.", "Confusion."]
    for piece in pieces:  # each item is its own exact quote, without the list marks
        span = piece.spans[0]
        assert LIST[span.start:span.end] == span.text and not span.text.endswith("-")
    said = " ".join(p.text for p in pieces)
    assert numbers(said) == numbers(LIST) and negations(said) == negations(LIST)
    assert [c.text for c in render_claim(_list_claim(), "clinician")] == [LIST]
    assert reading_grade([p.text for p in pieces]) < reading_grade([LIST])


def test_a_plainer_alternate_that_restates_another_claim_is_not_shown():
    # The patient rendering swaps a claim for a plainer sentence of the same source; it must
    # not pick one that repeats what another claim of the answer already says.
    from medcite.audience import plainest
    from medcite.grounding import terms

    text = ("Dementia names a loss of memory and thinking severe enough to upset daily life. "
            "It is not a specific disease. Dementia is not one specific disease.")
    passage = Passage("p1", "s1", 0, "", text, 0, len(text))
    hit = Hit(passage, Source(id="s1", title="Dementia"), 1.0)

    def claim(sentence: str, alternates=()) -> DraftClaim:
        start = text.index(sentence)
        return DraftClaim(sentence, [Span(hit, start, start + len(sentence))],
                          list(alternates))

    other = claim("Dementia is not one specific disease.")
    first = claim(text.split(". ")[0] + ".", [claim("It is not a specific disease.")])
    said = [(c, terms(c.text), negations(c.text)) for c in (first, other)]
    assert plainest(first, set(), said) is first
    # without the other claim in the answer, the alternate is shown
    alone = [(first, terms(first.text), negations(first.text))]
    assert plainest(first, set(), alone).text == "It is not a specific disease."


def test_a_list_under_an_if_lead_is_shown_item_by_item():
    # "If ..., call your doctor: a; b; or c" stays one instruction for the lead, and its items
    # (semicolon-separated here) follow one per line; "or" before the last item goes.
    text = ("If you notice any of the following signs after the dose, stop taking the tablets "
            "and call your doctor right away: deep and rapid breathing; a slow heartbeat; "
            "muscle pain; or feeling cold.")
    passage = Passage("p3", "s3", 0, "", text, 0, len(text))
    claim = DraftClaim(text, [Span(Hit(passage, Source(id="s3", title="t"), 1.0), 0, len(text))])
    pieces = render_claim(claim, "patient")
    assert [p.text for p in pieces] == [
        "If you notice any of the following signs after the dose, stop taking the tablets and "
        "call your doctor right away:", "Deep and rapid breathing.", "A slow heartbeat.",
        "Muscle pain.", "Feeling cold."]
    for piece in pieces:
        span = piece.spans[0]
        assert text[span.start:span.end] == span.text
    said = " ".join(p.text for p in pieces)
    assert numbers(said) == numbers(text) and negations(said) == negations(text)
    # a sentence under an "If" lead without a list still stays whole
    whole = ("If the tablets upset your stomach, take them with food, and tell your doctor at "
             "the next visit so that the dose can be looked at again.")
    passage = Passage("p4", "s4", 0, "", whole, 0, len(whole))
    claim = DraftClaim(whole, [Span(Hit(passage, Source(id="s4", title="t"), 1.0), 0, len(whole))])
    assert [p.text for p in render_claim(claim, "patient")] == [whole]
