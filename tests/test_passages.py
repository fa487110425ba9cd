from medcite.ingest.connectors import DocumentBuilder
from medcite.models import ParsedDocument
from medcite.passages import split
from medcite.text import sentence_spans, word_count


def _doc(sections):
    b = DocumentBuilder()
    for heading, body in sections:
        b.add(heading, body)
    text, secs = b.build()
    return ParsedDocument(key="k", title="t", text=text, sections=secs)


def test_offsets_are_exact():
    body = " ".join(f"Sentence number {i} says magnesium is 1.8 mg/dL here." for i in range(60))
    doc = _doc([("Intro", body), ("Causes", "Short one. Another short one.")])
    parts = split(doc, "src", "hash")
    assert len(parts) > 2
    for p in parts:
        assert doc.text[p.start : p.end] == p.text


def test_never_crosses_sections_and_carries_heading():
    doc = _doc([("A", "One. " * 30), ("B", "Two. " * 30)])
    parts = split(doc, "src", "hash")
    assert {p.section for p in parts} == {"A", "B"}
    assert all(("One" in p.text) != ("Two" in p.text) for p in parts)


def test_size_bounds():
    body = " ".join("This sentence has exactly eight words in it." for _ in range(200))
    parts = split(_doc([("", body)]), "s", "h", min_words=80, max_words=250)
    assert all(word_count(p.text) <= 250 for p in parts)
    assert all(word_count(p.text) >= 40 for p in parts)


def test_ids_are_stable_and_content_bound():
    doc = _doc([("", "Alpha beta. Gamma delta.")])
    assert [p.id for p in split(doc, "s", "h1")] == [p.id for p in split(doc, "s", "h1")]
    assert split(doc, "s", "h1")[0].id != split(doc, "s", "h2")[0].id


def test_sentence_splitter_keeps_decimals_and_abbreviations():
    text = "Levels below 1.8 mg/dL are low, e.g. in diarrhoea. Dr. Smith agrees! Call now"
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "Levels below 1.8 mg/dL are low, e.g. in diarrhoea.",
        "Dr. Smith agrees!",
        "Call now",
    ]
