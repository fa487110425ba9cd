"""Renderers: the JSON contract validates; triage comes first in every format; HTML is escaped."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest
from answer_fixtures import all_hits, open_library

from medcite.compose import abstention, compose
from medcite.models import Finding, QueryAnalysis, Triage, TriageLevel
from medcite.render import FORMATS, render, to_html, to_json
from medcite.writers.extractive import ExtractiveWriter

Q = "How much magnesium is too much?"
DOSE = QueryAnalysis(Q, Q, qtype="dose", focus=["magnesium"])
EMERGENCY = Triage(TriageLevel.EMERGENCY,
                   [Finding("seizure", TriageLevel.EMERGENCY, "having a seizure", 0, 16)],
                   "Call 911 now.")
CRISIS = Triage(TriageLevel.EMERGENCY, [], "Call or text 988 now.", crisis=True)


@pytest.fixture(scope="module")
def schema():
    text = (resources.files("medcite") / "data" / "answer.schema.json").read_text()
    return json.loads(text)


@pytest.fixture(scope="module")
def answer(tmp_path_factory):
    app = open_library(tmp_path_factory.mktemp("render"))
    hits = all_hits(app)
    yield compose(Q, DOSE, hits, ExtractiveWriter().write(Q, DOSE, hits), "patient")
    app.close()


def test_json_validates_against_the_schema(answer, schema):
    jsonschema.validate(json.loads(to_json(answer)), schema)


def test_abstention_json_validates(schema):
    empty = abstention("x?", QueryAnalysis("x", "x"), ["x"], "patient")
    jsonschema.validate(json.loads(to_json(empty)), schema)


def test_json_has_the_contract_keys(answer):
    data = json.loads(to_json(answer))
    for key in ("question", "audience", "abstained", "triage", "sections", "references",
                "conflicts", "reading_grade", "review_status", "disclaimer", "follow_ups"):
        assert key in data
    assert data["triage"]["level"] == "none"


def test_schema_rejects_an_uncited_sentence(answer, schema):
    data = json.loads(to_json(answer))
    data["sections"][0]["items"][0]["citations"] = []
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "json"])
def test_triage_block_comes_first(answer, fmt):
    answer.triage = EMERGENCY
    try:
        text = render(answer, fmt)
    finally:
        answer.triage = None
    assert text.index("Call 911 now.") < text.index(answer.sections[0].items[0].text[:30])
    assert text.index("Call 911 now.") < text.index(Q)


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "json"])
def test_crisis_line_is_the_first_line(answer, fmt):
    answer.triage = CRISIS
    try:
        text = render(answer, fmt, crisis_line="988")
    finally:
        answer.triage = None
    assert text.index("988") < min(text.index("Emergency"), text.index(Q))


def test_json_triage_is_first_key_after_the_question(answer):
    answer.triage = EMERGENCY
    try:
        data = json.loads(render(answer, "json"))
    finally:
        answer.triage = None
    assert data["triage"]["level"] == "emergency"


def test_html_escapes_source_text(answer):
    claim = answer.sections[0].items[0]
    original = claim.text
    claim.text = '<script>alert("x")</script>'
    try:
        page = to_html(answer)
    finally:
        claim.text = original
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_markdown_lists_references_with_type_and_grade(answer):
    text = render(answer, "md")
    assert "Practice guideline" in text and "grade: high" in text


def test_unknown_format_is_refused(answer):
    with pytest.raises(ValueError):
        render(answer, "pdf")
