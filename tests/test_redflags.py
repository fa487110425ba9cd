"""Condition-specific red flags parsed from the library's handouts, and matched in messages."""

from __future__ import annotations

import json

import pytest
from conftest import shared_path

from medcite.models import TriageLevel
from medcite.redflags import (
    LibraryRedFlags,
    condition_of,
    heading_level,
    parse_items,
    stems,
)
from medcite.triage import Context, triage

# A short handout written for these tests, in the shape of a patient-education sheet.
HANDOUT = """---
title: Gout flare (home care)
evidence_type: patient_education
---
A gout flare is sudden joint pain caused by uric acid crystals.

Care at home:

- Rest the joint and raise it.
- Drink plenty of water.

Call your doctor if:

- The flare lasts longer than three days.
- You get a flare while taking allopurinol.

Go to the emergency department or call 911 if:

- You have fever and shaking chills with a hot swollen joint.
- The joint is red and hot and the redness spreads quickly.

Written by the medcite project for tests.
"""

SECTIONED = """---
title: Croup
evidence_type: project_overview
---
# Croup

Croup is a viral illness in young children with a barking cough.

## Call 911 right away if

- Your child is struggling to breathe or the skin between the ribs pulls in with each breath.
- Your child drools and cannot swallow.

## Contact your provider if

- The barking cough lasts more than a week.
"""


def _library(app, tmp_path, files: dict[str, str]):
    folder = tmp_path / "src"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    # The ingestor alone: search indexes are not needed here and take seconds to build.
    report = app.ingestor().ingest([str(folder)])
    assert not report.failed, report.errors
    return app


def test_heading_levels():
    assert heading_level("Seek care immediately or call 911 if:") is TriageLevel.EMERGENCY
    assert heading_level("Call your doctor right away if:") is TriageLevel.URGENT
    assert heading_level("Contact your primary healthcare provider if:") is TriageLevel.ROUTINE
    assert heading_level("When to get help") is TriageLevel.ROUTINE
    assert heading_level("Care at home:") is None
    assert heading_level("Call your doctor to book a visit") is None  # no "if" / "when"


def test_condition_and_stems():
    assert condition_of("Gout flare (home care)") == "Gout flare"
    assert condition_of("Croup - what parents should know") == "Croup"
    assert [s for s, _, _ in stems("You have a seizure.")] == ["seizur"]


def test_parse_inline_headings_keeps_offsets_and_stops_at_the_closing_paragraph(app, tmp_path):
    _library(app, tmp_path, {"gout.md": HANDOUT})
    flags = LibraryRedFlags.from_store(app.store)
    source = app.sources()[0]
    text = app.store.source_text(source.id)
    assert [(i.level, i.text) for i in flags.items] == [
        ("routine", "The flare lasts longer than three days."),
        ("routine", "You get a flare while taking allopurinol."),
        ("emergency", "You have fever and shaking chills with a hot swollen joint."),
        ("emergency", "The joint is red and hot and the redness spreads quickly."),
    ]
    passages = {p.id: p for p in app.source_passages(source.id)}
    for item in flags.items:
        assert text[item.start:item.end] == item.text
        assert item.source_id == source.id
        p = passages[item.passage_id]
        assert p.start <= item.start < p.end
        assert item.condition == "Gout flare"


def test_parse_section_headings(app, tmp_path):
    _library(app, tmp_path, {"croup.md": SECTIONED})
    flags = LibraryRedFlags.from_store(app.store)
    items = [(i.level, i.text[:25]) for i in flags.flags_for("croup")]
    assert items == [("emergency", "Your child is struggling "), ("emergency", "Your child drools and can"),
                     ("routine", "The barking cough lasts m")]


def test_unreviewed_web_lists_are_not_red_flags(app, tmp_path):
    web = HANDOUT.replace("patient_education", "unreviewed_web")
    _library(app, tmp_path, {"blog.md": web})
    assert len(LibraryRedFlags.from_store(app.store)) == 0


def test_matching_needs_the_condition_or_every_key_word(app, tmp_path):
    _library(app, tmp_path, {"gout.md": HANDOUT})
    flags = LibraryRedFlags.from_store(app.store)
    named = flags.match(Context("my gout flare has lasted longer than three days"))
    assert [f.level for f in named] == [TriageLevel.ROUTINE]
    assert named[0].source_id and named[0].passage_id
    # Without "gout" a partial overlap is not enough...
    assert flags.match(Context("my cold has lasted three days")) == []
    # ...but every key word of a long item is.
    full = flags.match(Context("I have fever and shaking chills and a hot swollen joint"))
    assert full and full[0].level is TriageLevel.EMERGENCY


def test_matching_is_negation_aware(app, tmp_path):
    _library(app, tmp_path, {"gout.md": HANDOUT})
    flags = LibraryRedFlags.from_store(app.store)
    assert flags.match(Context("gout: no fever, no chills, joint not hot or swollen")) == []


def test_library_flags_join_triage_with_their_citation(app, tmp_path):
    _library(app, tmp_path, {"gout.md": HANDOUT})
    message = "my gout joint is red and hot and the redness spreads quickly up my foot"
    result = app.triage(message)
    assert result.level is TriageLevel.EMERGENCY
    cited = [f for f in result.reasons if f.source_id]
    assert cited and message[cited[0].start:cited[0].end] == cited[0].quote


def test_cache_is_reused_until_the_library_changes(app, tmp_path):
    _library(app, tmp_path, {"gout.md": HANDOUT})
    cache = tmp_path / "cache" / "redflags.json"
    first = LibraryRedFlags.from_store(app.store, cache)
    data = json.loads(cache.read_text())
    data["items"][0]["text"] = "changed in the cache"
    cache.write_text(json.dumps(data))
    again = LibraryRedFlags.from_store(app.store, cache)
    assert again.items[0].text == "changed in the cache"  # read from the cache, not rebuilt
    _library(app, tmp_path, {"croup.md": SECTIONED})
    rebuilt = LibraryRedFlags.from_store(app.store, cache)
    assert len(rebuilt) == len(first) + 3
    assert rebuilt.items[0].text != "changed in the cache"


def test_damaged_cache_is_rebuilt(app, tmp_path):
    _library(app, tmp_path, {"gout.md": HANDOUT})
    cache = tmp_path / "redflags.json"
    cache.write_text("{not json")
    assert len(LibraryRedFlags.from_store(app.store, cache)) == 4


def test_no_library_means_no_library_flags(app):
    assert app.red_flags() is None
    assert not (app.settings.home / "library.db").exists()
    assert app.triage("my son is having a seizure").level is TriageLevel.EMERGENCY


def test_parse_items_directly():
    text = "Intro.\nCall 911 if:\n  • You faint.\n  • Your lips turn blue.\nThe end.\n"
    items = parse_items(text, [], "s1", "Anything")
    assert [i.text for i in items] == ["You faint.", "Your lips turn blue."]


def test_seed_handout_lists(tmp_path, app):
    seed = next(shared_path("seeds").glob("000_*.txt"))
    # Give the shared handout a patient-education type at run time (nothing copied to the repo).
    _library(app, tmp_path, {"handout.txt": "---\ntitle: Hypomagnesemia\nevidence_type: "
                             "patient_education\n---\n" + seed.read_text(encoding="utf-8")})
    flags = LibraryRedFlags.from_store(app.store)
    levels = [i.level for i in flags.flags_for("Hypomagnesemia")]
    assert levels.count("emergency") >= 4 and levels.count("routine") >= 2
    message = ("I have numbness and tingling in my arms and legs and painful muscle spasms, "
               "I have low magnesium")
    assert triage(message).level is not TriageLevel.EMERGENCY  # general rules alone
    result = app.triage(message)
    assert result.level is TriageLevel.EMERGENCY
    assert result.reasons[0].source_id and result.reasons[0].passage_id


@pytest.mark.parametrize("message", ["what is hypomagnesemia?", "I had hypomagnesemia years ago"])
def test_seed_handout_does_not_fire_on_questions_or_the_past(tmp_path, app, message):
    seed = next(shared_path("seeds").glob("000_*.txt"))
    _library(app, tmp_path, {"handout.txt": "---\ntitle: Hypomagnesemia\nevidence_type: "
                             "patient_education\n---\n" + seed.read_text(encoding="utf-8")})
    assert app.triage(message).level is TriageLevel.NONE


def test_unwritable_cache_is_not_an_error(app, tmp_path):
    _library(app, tmp_path, {"gout.md": HANDOUT})
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be")
    assert len(LibraryRedFlags.from_store(app.store, blocker / "redflags.json")) == 4


def test_docstring_examples_run():
    import doctest

    import medcite.redflags

    assert doctest.testmod(medcite.redflags).failed == 0


def test_unbulleted_lists_end_at_a_heading_and_focus_names_the_condition():
    text = ("Intro paragraph.\n  \nGet emergency help right away if:\n  \n"
            "Your child cannot stop coughing and turns blue\n  \n"
            "Your child is too breathless to drink\n  \nLiving With Croup\n  \n"
            "Most children get better at home within a few days.\n")
    items = parse_items(text, [], "medquad:x", "What are the symptoms of Croup ?", "Croup")
    assert [i.text for i in items] == ["Your child cannot stop coughing and turns blue",
                                       "Your child is too breathless to drink"]
    assert {i.condition for i in items} == {"Croup"}
    assert {i.level for i in items} == {"emergency"}


# List shapes found in patient-education text, written in our own words: (text, level, items).
SHAPES = [
    ("Seek care right away if you have: - chest pain - trouble breathing",
     "urgent", ["chest pain", "trouble breathing"]),
    ("Rest at home.  Call 911 if you have:  - Lips that turn blue  - Fainting    Most people "
     "get better in a week.", "emergency", ["Lips that turn blue", "Fainting"]),
    ("You should see a doctor immediately if you have       - Vomited blood    -  A stiff neck "
     "with fever", "emergency", ["Vomited blood", "A stiff neck with fever"]),
    ("When to Call : Call your provider if you have:  - A rash that spreads  - Pain that keeps "
     "you awake", "routine", ["A rash that spreads", "Pain that keeps you awake"]),
    ("Stop the tablets and call your doctor immediately if you notice any of these: sudden, "
     "severe headache; a swollen calf; or yellow eyes. Keep the pack dry.",
     "emergency", ["sudden, severe headache", "a swollen calf", "yellow eyes."]),
    ("Act fast. Call 9-1-1 if someone shows them. Those signs include     - Face drooping on "
     "one side - at rest or smiling     - Slurred speech        These can come and go.",
     "emergency", ["Face drooping on one side - at rest or smiling", "Slurred speech"]),
    ("Call your nurse if you have:  - Redness at the wound  - A fever  Some problems are "
     "serious. Get emergency help right away if you have:  - Sudden chest pain  - Coughing up "
     "blood", "mixed", ["Redness at the wound", "A fever", "Sudden chest pain",
                        "Coughing up blood"]),
    ("Call your doctor right away if\n  \n- the cut is hot  - red streaks spread  - pus drains",
     "urgent", ["the cut is hot", "red streaks spread", "pus drains"]),
    ("Treatment works. Also call if:  - The pills upset your stomach  - You miss two doses",
     "routine", ["The pills upset your stomach", "You miss two doses"]),
]

# Text that must give no red flag: history questions, side-effect lists to mention at the next
# visit, a single dash between words, lists under headings that send the reader nowhere.
NOT_RED_FLAGS = [
    "Tell your doctor if you have or have ever had asthma; seizures; kidney disease; or gout.",
    "Tell your doctor if any of these symptoms are severe or do not go away: - nausea - itching",
    "Tell your doctor if you are taking any of the following medicines: warfarin; aspirin; "
    "ibuprofen.",
    "Call your doctor if you are unsure - most people are not - about the dose.",
    "Symptoms include:  - cough  - mild fever  - sore throat",
    "It can be serious if untreated: antibiotics; rest; fluids; a follow-up visit.",
    # The call is for the collapse, not for each symptom of the list that follows.
    "If too much was taken, call poison control. If the person collapses or cannot be woken, "
    "call 911. Symptoms of taking too much may include:  - dizziness  - flushing",
]


@pytest.mark.parametrize("text,level,expected", SHAPES)
def test_inline_list_shapes(text, level, expected):
    items = parse_items(text, [], "s1", "Anything")
    assert [i.text for i in items] == expected
    for item in items:
        assert text[item.start:item.end] == item.text
    if level != "mixed":
        assert {i.level for i in items} == {level}


def test_lists_on_one_line_keep_each_heading_level():
    text = SHAPES[6][0]
    assert [i.level for i in parse_items(text, [], "s1", "Anything")] == [
        "routine", "routine", "emergency", "emergency"]


@pytest.mark.parametrize("text", NOT_RED_FLAGS)
def test_not_red_flags(text):
    assert parse_items(text, [], "s1", "Anything") == []


def test_naming_needs_every_word_of_the_condition_as_a_word():
    text = "Burns\n\nCall 911 if:\n- You have a fever\n- The burn is larger than your hand\n"
    flags = LibraryRedFlags(parse_items(text, [], "s1", "Burns"))
    assert len(flags) == 2
    # "burning" shares the stem "burn" but does not name burns; "fever" alone is then not enough.
    assert flags.match(Context("burning when I pee and a fever")) == []
    assert [f.level for f in flags.match(Context("after my burns I now have a fever"))] == [
        TriageLevel.EMERGENCY]


@pytest.mark.slow
def test_medquad_records_give_lists_in_many_conditions():
    """The parser over the MedQuAD corpus as medcite ingests it (question heading + answer)."""
    corpus = shared_path("data", "medquad", "corpus.jsonl")
    conditions: dict[str, set[str]] = {}
    with open(corpus, encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r.get("answer"):
                for i in parse_items(f"{r['question']}\n\n{r['answer']}", [], r["id"],
                                     r["question"], r.get("focus") or ""):
                    conditions.setdefault(i.level, set()).add(i.condition)
                    assert len(i.text) <= 200
    assert len(conditions["emergency"]) >= 30


def test_a_medicine_side_effect_item_needs_the_medicine_named():
    # From a leaflet's "call your doctor at once if you have: eye pain or redness" list (our
    # words): a red, painful eye is not about that medicine unless the message names it.
    from medcite.redflags import RedFlagItem, _side_effect_source

    keys = tuple(dict.fromkeys(s for s, _, _ in stems("eye pain or redness")))
    item = RedFlagItem("Examplomab", "eye pain or redness", "emergency",
                       "Call your doctor at once if you have:", "src-1", "src-1#p1", 0, 20,
                       keys, needs_name=True)
    flags = LibraryRedFlags([item])
    message = "my eye is red and really painful"
    assert flags.match(Context(message)) == []
    named = flags.match(Context("I take examplomab and my eye is red and really painful"))
    assert [f.source_id for f in named] == ["src-1"]
    assert _side_effect_source("What are the side effects of Examplomab?", {})
    assert _side_effect_source("Examplomab", {"qtype": "side effects"})
    assert not _side_effect_source("Heart attack", {"qtype": "information"})
