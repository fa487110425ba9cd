"""Sentences of pages flattened to one line: glued headings and inline lists."""

from __future__ import annotations

from medcite.text import list_points, list_words, seam_spans


def pieces(text: str) -> list[tuple[str, bool]]:
    return [(text[a:b], heading) for a, b, heading in seam_spans(text, 0, len(text))]


def test_a_glued_heading_is_cut_out_between_two_sentences():
    text = ("Rest and fluids help most colds Call your doctor if It lasts longer than ten days "
            "or your fever is high.")
    assert pieces(text) == [("Rest and fluids help most colds", False),
                            ("Call your doctor if", True),
                            ("It lasts longer than ten days or your fever is high.", False)]


def test_names_and_mid_sentence_capitals_are_no_seam():
    for text in ("Take it with Tylenol or Advil as your doctor says.",
                 "Infection with Group B strep is common in newborns.",
                 "Ask whether the UK or the US guideline applies."):
        assert pieces(text) == [(text, False)]


def test_inline_lists_start_after_a_colon():
    text = "Causes include: - Dehydration - Low potassium - Some medicines"
    assert [text[p:] .split(" - ")[0] for p in list_points(text)] == [
        "Dehydration", "Low potassium", "Some medicines"]
    assert list_points("Take 1 - 2 tablets - with water") == []  # no colon: a range, a dash
    assert list_words(text) == 2
    assert list_words("A plain sentence of seven words here.") == 7
