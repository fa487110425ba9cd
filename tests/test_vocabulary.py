"""The built-in vocabulary: its files, mapping both ways, misspellings, matching rules, speed."""

from __future__ import annotations

import time
from importlib import resources

import pytest

from medcite.vocabulary import (
    CATEGORIES,
    LIBRARY_CATEGORY,
    Entry,
    Vocabulary,
    key_of,
    parse_tsv,
    term_key,
    tokens,
)


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.builtin()


def canon(vocab: Vocabulary, text: str) -> list[str]:
    return [m.entry.canonical for m in vocab.match(text)]


def test_builtin_has_hundreds_of_concepts_in_every_category(vocab):
    assert len(vocab) >= 500
    per_category = {c: sum(e.category == c for e in vocab.entries) for c in CATEGORIES}
    assert all(n >= 30 for n in per_category.values()), per_category


def test_every_file_parses_and_names_are_unique_per_entry():
    folder = resources.files("medcite") / "data" / "vocabulary"
    for item in folder.iterdir():
        entries = parse_tsv(item.read_text(encoding="utf-8"), item.name[:-4], item.name)
        for e in entries:
            keys = [term_key(n) for n in e.names()]
            assert len(keys) == len(set(keys)), f"{item.name}: {e.canonical} repeats a name"


@pytest.mark.parametrize(("text", "expected"), [
    ("low mag", "hypomagnesemia"),
    ("low magnesium", "hypomagnesemia"),
    ("restless legs", "restless legs syndrome"),
    ("heart attack", "myocardial infarction"),
    ("sugar diabetes", "diabetes"),
    ("water pill", "diuretic"),
    ("Tylenol", "acetaminophen"),
    ("paracetamol", "acetaminophen"),
    ("leg cramps", "muscle cramp"),
    ("charley horse", "muscle cramp"),
    ("pins and needles", "paresthesia"),
    ("underactive thyroid", "hypothyroidism"),
    ("overactive thyroid", "hyperthyroidism"),
    ("high blood pressure", "hypertension"),
    ("pink eye", "conjunctivitis"),
    ("epsom salts", "magnesium sulfate"),
    ("Dilantin", "phenytoin"),
    ("Pepcid", "famotidine"),
    ("a1c", "hemoglobin a1c"),
    ("kidney dialysis", "dialysis"),
])
def test_lay_to_medical(vocab, text, expected):
    assert canon(vocab, text) == [expected]


def test_a_brand_name_maps_to_its_generic_whose_class_is_broader(vocab):
    assert canon(vocab, "Lasix") == ["furosemide"]
    assert canon(vocab, "prilosec") == ["omeprazole"]
    assert [e.canonical for e in vocab.broader(vocab.entry("furosemide"))] == ["loop diuretic"]
    assert [e.canonical for e in vocab.broader(vocab.entry("loop diuretic"))] == ["diuretic"]


def test_a_kind_is_its_own_concept_not_a_name_of_its_class(vocab):
    assert canon(vocab, "zolmitriptan") == ["zolmitriptan"]
    assert canon(vocab, "melanoma") == ["melanoma"]
    assert canon(vocab, "jock itch") == ["jock itch"]
    statin = vocab.entry("statin")
    assert "atorvastatin" not in statin.synonyms
    assert {"atorvastatin", "simvastatin"} <= {e.canonical for e in vocab.narrower(statin)}


def test_names_that_are_not_the_same_thing_are_kept_apart(vocab):
    # pulses (the foods) and a pulse; the ESR and CRP blood tests; rickets and osteomalacia
    assert canon(vocab, "his pulse is 120") == ["heart rate"]
    assert canon(vocab, "ESR") == ["erythrocyte sedimentation rate"]
    assert canon(vocab, "CRP") == ["c-reactive protein"]
    assert canon(vocab, "rickets") == ["rickets"]
    assert canon(vocab, "tadalafil") == ["tadalafil"]  # not sildenafil under another name


def test_every_broader_concept_is_known_and_the_relation_has_no_cycle(vocab):
    for entry in vocab.entries:
        assert len(vocab.broader(entry)) == len(entry.broader), entry.canonical
        seen, todo = set(), [entry]
        while todo:
            for up in vocab.broader(todo.pop()):
                assert up.canonical != entry.canonical, f"cycle through {entry.canonical}"
                if up.canonical not in seen:
                    seen.add(up.canonical)
                    todo.append(up)


@pytest.mark.parametrize(("medical", "lay"), [
    ("hypomagnesemia", "low magnesium"),
    ("myocardial infarction", "heart attack"),
    ("paresthesia", "pins and needles"),
    ("diuretic", "water pill"),
    ("acetaminophen", "tylenol"),
    ("muscle twitching", "fasciculations"),
])
def test_medical_to_lay(vocab, medical, lay):
    entry = vocab.entry(medical)
    assert entry is not None and lay in entry.synonyms


@pytest.mark.parametrize(("text", "expected", "how"), [
    ("diabetis", "diabetes", "misspelling"),
    ("magnesuim", "magnesium", "misspelling"),
    ("alzheimers", "alzheimer disease", "exact"),
    ("Alzheimer's", "alzheimer disease", "exact"),
    ("ecsema", "eczema", "misspelling"),
    ("hypomagnesaemia", "hypomagnesemia", "exact"),
    ("fibromyalgya", "fibromyalgia", "fuzzy"),
    ("osteoporsis", "osteoporosis", "fuzzy"),
    ("restless legs syndrom", "restless legs syndrome", "fuzzy"),
    ("magnisum deficency", "hypomagnesemia", "fuzzy"),
])
def test_misspellings(vocab, text, expected, how):
    matches = vocab.match(text)
    assert [(m.entry.canonical, m.how) for m in matches] == [(expected, how)]


def test_english_words_are_not_corrected_into_medical_terms(vocab):
    assert vocab.match("the patient realized she was worried") == []


def test_longest_match_wins_and_spans_are_exact(vocab):
    text = "My calf cramps and low magnesium levels"
    matches = vocab.match(text)
    assert [(m.text, m.entry.canonical) for m in matches] == [
        ("calf cramps", "muscle cramp"), ("low magnesium levels", "hypomagnesemia"),
    ]
    assert all(text[m.start:m.end] == m.text for m in matches)


def test_short_abbreviations_match_only_in_capitals(vocab):
    assert canon(vocab, "diagnosed with MS last year") == ["multiple sclerosis"]
    assert canon(vocab, "ms") == []
    assert canon(vocab, "I want to add salt") == ["sodium"]


def test_milligrams_are_not_magnesium(vocab):
    assert canon(vocab, "400 mg a day") == []


def test_tokens_and_keys():
    assert tokens("Low-mag") == [("low", 0, 3), ("mag", 4, 7)]
    assert key_of("legs") == "leg" and key_of("gas") == "gas"


def test_parse_tsv_rejects_a_malformed_line():
    with pytest.raises(ValueError, match="x.tsv:2"):
        parse_tsv("ok\n\tno canonical\n", "drug", "x.tsv")


def test_add_merges_by_canonical_name():
    vocab = Vocabulary([Entry("diuretic", "drug", ["water pill"])])
    vocab.add(Entry("Diuretic", "drug", ["fluid pill"]))
    assert len(vocab) == 1 and vocab.lookup("fluid pill")[0].synonyms == [
        "water pill", "fluid pill"]


def test_builtin_copies_are_independent():
    one = Vocabulary.builtin()
    one.add(Entry("zzz made up condition", "condition"))
    assert Vocabulary.builtin().lookup("zzz made up condition") == []


def test_match_speed(vocab):
    message = ("Hello. My husband is 67 and has sugar diabetes; he takes metformin, a water "
               "pill and a statin. His calves cramp at night, his eyelid twitches and he has "
               "pins and needles in his feet. Could his magnesuim be low? ") * 2
    vocab.match("warm up")
    t0 = time.perf_counter()
    for _ in range(100):
        vocab.match(message)
    per_call = (time.perf_counter() - t0) / 100
    assert per_call < 0.003, f"{per_call * 1000:.2f} ms per message"


def test_a_shared_name_means_the_concept_it_is_the_main_name_of():
    vocab = Vocabulary.builtin()
    vocab.merge_library([
        Entry("Noonan syndrome", LIBRARY_CATEGORY, builtin=False),
        Entry("Noonan syndrome 6", LIBRARY_CATEGORY, library_synonyms=["Noonan syndrome"],
              builtin=False),
    ])
    found = [m.entry.canonical for m in vocab.match("noonan syndrome and kidneys")]
    assert "Noonan syndrome" in found and "Noonan syndrome 6" not in found
    # an alias of a concept with another main name is the same concept, and stays
    vocab.merge_library([Entry("neural ataxia type 9", LIBRARY_CATEGORY,
                               library_synonyms=["Noonan syndrome"], builtin=False)])
    found = [m.entry.canonical for m in vocab.match("noonan syndrome")]
    assert found == ["Noonan syndrome", "neural ataxia type 9"]
    # with no concept of that main name, the name still reaches every concept listing it
    only = Vocabulary.builtin()
    only.merge_library([Entry("Noonan syndrome 6", LIBRARY_CATEGORY,
                              library_synonyms=["Noonan syndrome"], builtin=False)])
    assert [m.entry.canonical for m in only.match("noonan syndrome")] == ["Noonan syndrome 6"]


def test_library_names_join_the_speller():
    vocab = Vocabulary.builtin()
    assert vocab.match("Klippel-Tranaunay syndrome") == []
    vocab.merge_library([Entry("Klippel-Trenaunay syndrome", LIBRARY_CATEGORY, builtin=False)])
    (m,) = vocab.match("my baby has Klippel-Tranaunay syndrome")
    assert (m.entry.canonical, m.how, m.text) == (
        "Klippel-Trenaunay syndrome", "fuzzy", "Klippel-Tranaunay syndrome")
    assert vocab.match("the syndrome is rare") == []  # English words are never corrected


def test_equivalent_words_inside_a_term():
    vocab = Vocabulary.builtin()
    vocab.merge_library([Entry("Autoimmune diseases", "other", builtin=False),
                         Entry("Glimmer kidney syndrome", "other", builtin=False)])
    got = vocab.match("what doctor treats autoimmune illness?")
    assert [(m.text, m.entry.canonical, m.how) for m in got] == [
        ("autoimmune illness", "Autoimmune diseases", "fuzzy")]
    assert [m.entry.canonical for m in vocab.match("glimmer renal syndrome")] == [
        "Glimmer kidney syndrome"]
    # one-word terms are never swapped: "illness" alone is not "disease"
    assert [m.entry.canonical for m in vocab.match("an illness")] == canon_all(vocab, "illness")


def canon_all(vocab: Vocabulary, text: str) -> list[str]:
    return [m.entry.canonical for m in vocab.match(text)]


def test_a_growth_named_by_its_organ_is_that_organs_cancer():
    v = Vocabulary.builtin()
    assert [m.entry.canonical for m in v.match("a thyroid tumor over 1 cm")] == ["thyroid cancer"]
    assert [m.entry.canonical for m in v.match("kidney tumour")] == ["kidney cancer"]
    # a known term is never swapped: a brain tumour is its own entry
    assert [m.entry.canonical for m in v.match("brain tumour")] == ["brain tumor"]


def test_coffee_grounds_in_vomit_is_blood_not_caffeine():
    v = Vocabulary.builtin()
    assert [m.entry.canonical for m in v.match("she vomited something like coffee grounds")] == [
        "vomiting blood"]
    assert "caffeine" in [m.entry.canonical for m in v.match("is coffee bad for my heart?")]
