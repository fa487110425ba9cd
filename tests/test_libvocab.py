"""The library vocabulary: names collected from ingested sources' metadata, kept in step."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from conftest import shared_path

from medcite.libvocab import (
    VERSION,
    LibraryVocabulary,
    defined_abbreviations,
    entries_of_source,
    eponym_names,
    uninvert,
)
from medcite.models import Source
from medcite.query import analyze
from medcite.vocabulary import Entry, Vocabulary


def write_note(folder: Path, name: str, front: str, body: str = "Some text about it.") -> Path:
    path = folder / f"{name}.md"
    path.write_text(f"---\n{front}\n---\n# {name}\n\n{body}\n", encoding="utf-8")
    return path


def test_entries_from_each_metadata_field():
    source = Source(id="s1", title="Muscle cramps", metadata={
        "also_called": ["Charley horse", "Muscle spasm"],
        "mesh": ["Muscle Cramp", "Humans", "Diabetes Mellitus, Type 2/drug therapy*"],
        "focus": "Nocturnal leg cramps", "focus_synonyms": ["Night cramps", "Nocturnal leg cramps"],
    })
    got = {(e.canonical, tuple(e.library_synonyms), origin)
           for e, origin in entries_of_source(source)}
    assert got == {
        ("Nocturnal leg cramps", ("Night cramps",), "focus"),
        ("Muscle cramps", ("Charley horse", "Muscle spasm"), "also_called"),
        ("Muscle Cramp", (), "mesh"),
        ("Diabetes Mellitus, Type 2", ("Type 2 Diabetes Mellitus",), "mesh"),
    }


def test_uninvert_leaves_plain_headings_alone():
    assert uninvert("Vitamin D Deficiency") == "Vitamin D Deficiency"
    assert uninvert("Anemia, Iron-Deficiency") == "Iron-Deficiency Anemia"


def test_ingest_builds_the_library_vocabulary_and_load_merges_it(app, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    write_note(notes, "ekbom", 'focus: "Restless legs syndrome"\n'
                               'focus_synonyms: ["Ekbom syndrome", "Wittmaack-Ekbom syndrome"]')
    write_note(notes, "tetany", 'also_called: ["Glimmer spasm"]\ntitle: "Glimmer palsy"')
    assert not app.ingest([notes]).failed
    # The ingest itself brought the library vocabulary in step (AFTER_INGEST hook).
    assert LibraryVocabulary(app.settings.home).refresh(app.store) == 0
    vocab = Vocabulary.load(app.settings.home)
    # A library synonym of a built-in concept joins that concept...
    assert [e.canonical for e in vocab.lookup("ekbom syndrome")] == ["restless legs syndrome"]
    # ...and a library-only concept stands on its own.
    assert [e.canonical for e in vocab.lookup("glimmer spasm")] == ["Glimmer palsy"]
    a = analyze("what helps restless legs?", vocab)
    assert a.expansions["ekbom syndrome"] == 0.4
    # The built-in vocabulary itself is untouched.
    assert Vocabulary.builtin().lookup("ekbom syndrome") == []


def test_refresh_is_incremental_and_follows_changed_sources(app, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    note = write_note(notes, "one", 'also_called: ["Zorblat fever"]\ntitle: "Quux disease"')
    write_note(notes, "two", 'also_called: ["Snerk"]\ntitle: "Plonk disease"')
    app.ingest([notes])
    # A second vocabulary file over the same store, refreshed by hand, counts what it re-reads.
    lib = LibraryVocabulary(tmp_path / "elsewhere")
    assert lib.refresh(app.store) == 2
    assert lib.refresh(app.store) == 0  # nothing new in the change log
    # Re-ingest a changed source: its old names go, the new ones come.
    note.write_text('---\nalso_called: ["Blimp syndrome"]\ntitle: "Quux disease"\n---\n'
                    "# Quux\n\nChanged text.\n", encoding="utf-8")
    app.ingest([notes])
    assert lib.refresh(app.store) == 1  # only the changed source is re-read
    assert {e.canonical for e in lib.entries()} == {"Quux disease", "Plonk disease"}
    assert [e.library_synonyms for e in lib.entries() if e.canonical == "Quux disease"] == [
        ["Blimp syndrome"]]
    vocab = Vocabulary.load(app.settings.home)
    assert vocab.lookup("zorblat fever") == []
    assert [e.canonical for e in vocab.lookup("blimp syndrome")] == ["Quux disease"]


def test_withdrawn_sources_lose_their_names(app, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    write_note(notes, "w", 'id: "note:w"\nalso_called: ["Frobnitz palsy"]\ntitle: "Gleep"')
    app.ingest([notes])
    lib = LibraryVocabulary(app.settings.home)
    assert Vocabulary.load(app.settings.home).lookup("frobnitz palsy")
    app.store.withdraw_source("note:w")
    lib.refresh(app.store)
    assert Vocabulary.load(app.settings.home).lookup("frobnitz palsy") == []


def test_medquad_style_records(app, tmp_path):
    records = tmp_path / "qa.jsonl"
    rows = [
        {"id": "T1-1", "question": "What is Blorp syndrome?", "answer": "Blorp syndrome is a "
         "made-up condition used in this test.", "focus": "Blorp syndrome",
         "focus_synonyms": ["Blorpitis"], "qtype": "information", "source": "Test",
         "collection": "test"},
        {"id": "T1-2", "question": "How to treat Blorp syndrome?", "answer": "Rest helps.",
         "focus": "Blorp syndrome", "focus_synonyms": ["Blorpitis"], "qtype": "treatment",
         "source": "Test", "collection": "test"},
    ]
    records.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    report = app.ingest([records])
    assert not report.failed, report.errors
    LibraryVocabulary(app.settings.home).rebuild(app.store)
    vocab = Vocabulary.load(app.settings.home)
    entry = vocab.lookup("blorpitis")[0]
    assert entry.canonical == "Blorp syndrome" and entry.library_synonyms == ["Blorpitis"]
    assert analyze("is blorpitis contagious?", vocab).focus == ["Blorp syndrome"]
    # a misspelt library name is corrected, and `ask` reads questions with the library's names
    assert analyze("how to treat blorp syndrom?", vocab).focus == ["Blorp syndrome"]
    answer = app.ask("Blorrp syndrome. I would like to request further knowledge on it.")
    assert not answer.abstained and answer.references[0].source_id.startswith("medquad")


def test_load_reuses_the_merged_vocabulary_until_the_file_changes(app, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    write_note(notes, "a", 'also_called: ["Wibble"]\ntitle: "Wobble disease"')
    app.ingest([notes])
    first = Vocabulary.load(app.settings.home)
    assert Vocabulary.load(app.settings.home) is first
    write_note(notes, "b", 'also_called: ["Zonkitis"]\ntitle: "Zank disease"')
    app.ingest([notes])
    second = Vocabulary.load(app.settings.home)
    assert second is not first and second.lookup("zonkitis")


def test_load_without_a_library_file_is_the_builtin(tmp_path):
    assert len(Vocabulary.load(tmp_path)) == len(Vocabulary.builtin())


def test_noisy_library_names_are_not_searched_for():
    vocab = Vocabulary.builtin()
    vocab.merge_library([Entry("Quibble syndrome", "other", builtin=False, library_synonyms=[
        "Quibble syndrome, susceptibility to, 1", "wed", "QBS", "Snorf disease"])])
    a = analyze("what is quibble syndrome?", vocab)
    assert a.expansions == {"snorf disease": 0.4}
    # A short lowercase library name never matches ordinary words; capitals match as written.
    assert vocab.match("we got wed in may") == []
    assert [m.entry.canonical for m in vocab.match("my QBS is back")] == ["Quibble syndrome"]
    # In lower case an abbreviation matches only where the word is no English word.
    assert [m.entry.canonical for m in vocab.match("my qbs is back")] == ["Quibble syndrome"]


def test_short_abbreviations_in_lower_case_and_in_a_shouted_message():
    vocab = Vocabulary.builtin()
    vocab.merge_library([Entry("Normal pressure hydrocephalus", "other", builtin=False,
                               library_synonyms=["NPH"]),
                         Entry("Chronic atrial tachycardia", "other", builtin=False,
                               library_synonyms=["CAT", "PLS"])])
    assert [m.entry.canonical for m in vocab.match("I have nph")] == [
        "Normal pressure hydrocephalus"]
    assert vocab.match("is it ok, pls reply") == []  # an English word, chat shorthand
    assert [m.entry.canonical for m in vocab.match("My CAT is worse")] == [
        "Chronic atrial tachycardia"]
    assert vocab.match("MY CAT ATE SOME CHOCOLATE, WHAT DO I DO?") == []


def test_abbreviations_a_source_defines_for_its_own_topic():
    assert defined_abbreviations(
        "Normal pressure hydrocephalus (NPH) is a buildup of cerebrospinal fluid (CSF).") == [
        ("NPH", "Normal pressure hydrocephalus"), ("CSF", "cerebrospinal fluid")]
    assert defined_abbreviations("Common variable immune deficiency (CVID) is rare.") == [
        ("CVID", "Common variable immune deficiency")]
    # a parenthesis that spells nothing before it, lower-case asides and single letters
    assert defined_abbreviations("Take it with food (XYZ) twice (see below) a day (A).") == []
    source = Source(id="s", title="Hydrocephalus in adults",
                    metadata={"focus": "Normal pressure hydrocephalus"})
    text = ("Normal pressure hydrocephalus (NPH) is a buildup of cerebrospinal fluid (CSF) "
            "in the brain.")
    (entry, origin), = entries_of_source(source, text)
    # only the topic's own abbreviation: CSF names something else
    assert (entry.canonical, entry.library_synonyms, origin) == (
        "Normal pressure hydrocephalus", ["NPH"], "focus")
    # without metadata, an abbreviation of the title names the title
    plain = Source(id="p", title="Chronic kidney disease")
    assert [(e.canonical, e.library_synonyms, o) for e, o in entries_of_source(
        plain, "Chronic kidney disease (CKD) means the kidneys are damaged.")] == [
        ("Chronic kidney disease", ["CKD"], "abbreviation")]


def test_short_eponyms_name_the_one_concept_that_owns_them():
    entries = [
        Entry("Granulomatosis with polyangiitis", "other", builtin=False,
              library_synonyms=["Wegener's granulomatosis"]),
        Entry("Parkinson's disease", "other", builtin=False),
        Entry("Parkinson's dementia", "other", builtin=False),
    ]
    assert eponym_names(entries) == {"Wegener's": "Granulomatosis with polyangiitis"}
    vocab = Vocabulary.builtin()
    entries[0].library_synonyms.append("Wegener's")
    vocab.merge_library(entries[:1])
    for said in ("wegeners", "Wegener's", "WEGENERS"):
        assert [m.entry.canonical for m in vocab.match(f"is {said} rare")] == [
            "Granulomatosis with polyangiitis"], said
    assert vocab.match("Dr Wegener said so") == []  # the bare surname is not the disease


def test_catalogue_labels_are_not_part_of_a_name():
    source = Source(id="s", title="GPA", metadata={
        "focus": "Granulomatosis with polyangiitis",
        "focus_synonyms": ["Formerly: Wegener's granulomatosis"]})
    (entry, _), = entries_of_source(source)
    assert entry.library_synonyms == ["Wegener's granulomatosis"]


def test_a_vocabulary_collected_by_another_version_is_collected_again(app, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    write_note(notes, "nph", 'title: "Normal pressure hydrocephalus"',
               "Normal pressure hydrocephalus (NPH) affects walking.")
    app.ingest([notes])
    lib = LibraryVocabulary(app.settings.home)
    assert [e.canonical for e in Vocabulary.load(app.settings.home).lookup("NPH")] == [
        "Normal pressure hydrocephalus"]
    import sqlite3
    conn = sqlite3.connect(lib.path)
    conn.execute("DELETE FROM terms")  # as an older medcite, which did not read abbreviations
    conn.execute("UPDATE meta SET value = 'old' WHERE key = 'version'")
    conn.commit()
    conn.close()
    assert lib.refresh(app.store) == 1  # not "nothing new": everything is read again
    assert lib._version() == VERSION
    # and a search brings a stale vocabulary up to date by itself
    conn = sqlite3.connect(lib.path)
    conn.execute("DELETE FROM terms")
    conn.execute("UPDATE meta SET value = 'old' WHERE key = 'version'")
    conn.commit()
    conn.close()
    app.close()
    from medcite import Medcite
    again = Medcite.open(app.settings.home)
    again.search("nph walking", k=1)
    assert [e.canonical for e in Vocabulary.load(app.settings.home).lookup("NPH")] == [
        "Normal pressure hydrocephalus"]
    again.close()


@pytest.mark.slow
def test_medquad_library_vocabulary_timings(tmp_path):
    """The numbers in docs/query-understanding.md: `pytest tests/test_libvocab.py -m slow -s`."""
    from medcite.ingest.pipeline import Ingestor
    from medcite.settings import Settings
    from medcite.store import open_store

    corpus = shared_path("data", "medquad", "corpus.jsonl")
    settings = Settings.load(home=tmp_path)
    store = open_store(settings.store_url, tmp_path)
    report = Ingestor(store, settings).ingest([corpus])  # no hooks: only the store is needed
    lib = LibraryVocabulary(tmp_path)
    t0 = time.perf_counter()
    sources = lib.rebuild(store)
    rebuild = time.perf_counter() - t0
    t0 = time.perf_counter()
    vocab = Vocabulary.load(tmp_path)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    assert Vocabulary.load(tmp_path) is vocab
    warm = time.perf_counter() - t0
    messages = [
        "Hello. My husband is 67, he has type 2 diabetes and takes metformin and a statin. For "
        "two weeks his calves cramp at night and his eyelid twitches. Could it be his magnesium? "
        "How much should he take, and is it safe with his kidneys? Thank you, Sue",
        "what is the treatment for restless legs in pregnancy",
        "can omeprazole cause low magnesium?", "fibromyalgya and hypothyroidsm help"]
    analyze("warm up", vocab)
    cpu = []
    for _ in range(100):
        for message in messages:
            c0 = time.thread_time()
            analyze(message, vocab)
            cpu.append(time.thread_time() - c0)
    cpu.sort()
    p50, p95 = cpu[len(cpu) // 2], cpu[int(0.95 * (len(cpu) - 1))]
    print(f"\nMedQuAD: {report.added} sources ingested; vocabulary rebuild {sources} sources in "
          f"{rebuild:.2f} s; load {cold:.2f} s cold, {warm * 1000:.2f} ms cached, {len(vocab)} "
          f"concepts; analyze CPU p50 {p50 * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms")
    assert p95 < 0.005
    store.close()
