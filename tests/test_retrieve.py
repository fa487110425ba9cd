"""Medcite.search end to end on tiny real libraries: hybrid hits, filters, incremental updates."""

import pytest

from medcite import Medcite
from medcite.errors import MedciteError
from medcite.models import EvidenceType, QueryAnalysis
from medcite.retrieve import Filters

DOCS = {
    "gout-guideline.md": "---\ntitle: Gout management\nyear: 2020\npublisher: College of "
    "Rheumatology\nevidence_type: practice_guideline\n---\n# Gout management\n\n"
    "## How is gout treated?\n\nStart allopurinol to lower urate; treat flares with colchicine.\n",
    "gout-leaflet.md": "---\ntitle: Gout\nyear: 2012\npublisher: Health Leaflets Ltd\n"
    "evidence_type: patient_education\nlanguage: en\n---\n# Gout\n\n## What causes gout?\n\n"
    "Gout happens when urate crystals form in a joint; a flare of gout is very painful.\n",
    "gicht.md": "---\ntitle: Gicht\nyear: 2018\nlanguage: de\npublisher: Gesundheitsblatt\n---\n"
    "# Gicht\n\nGicht (gout) ist eine Gelenkentzündung durch Harnsäurekristalle.\n",
    "asthma.md": "# Asthma\n\n## Inhalers\n\nA reliever inhaler opens the airways within "
    "minutes during an asthma attack.\n",
}


def make_library(tmp_path, dense=False):
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in DOCS.items():
        (docs / name).write_text(text)
    app = Medcite.open(tmp_path / "lib", dense=dense)
    app.ingest([docs])
    return app, docs


def titles(hits):
    return [h.source.title for h in hits]


def test_lexical_search_returns_typed_hits(tmp_path):
    app, _ = make_library(tmp_path)
    hits = app.search("gout flare", k=5, retrievers=("lexical",))
    assert set(titles(hits)) == {"Gout", "Gout management", "Gicht"}
    assert all(h.retrievers.keys() == {"lexical"} for h in hits)
    assert hits[0].score >= hits[-1].score
    assert hits[0].passage.id in {p.id for p in app.source_passages(hits[0].source.id)}
    app.close()


def test_filters(tmp_path):
    app, _ = make_library(tmp_path)
    q = "gout"
    assert titles(app.search(q, evidence_types=["practice_guideline"])) == ["Gout management"]
    assert titles(app.search(q, year_min=2015, language="en")) == ["Gout management"]
    assert set(titles(app.search(q, year_max=2018))) == {"Gout", "Gicht"}
    assert titles(app.search(q, publisher="leaflets")) == ["Gout"]
    assert titles(app.search(q, language="de")) == ["Gicht"]
    assert app.search("asthma", year_min=2000) == []  # no year: a year filter excludes it
    with pytest.raises(MedciteError, match="unknown evidence type"):
        app.search(q, evidence_types=["horoscope"])
    app.close()


def test_filters_accept():
    guideline = Filters(evidence_types=["guideline"])
    assert guideline.active and not Filters().active
    from medcite.models import Source
    source = Source(id="s", title="t", evidence_type=EvidenceType.PRACTICE_GUIDELINE, year=2020)
    assert guideline.accepts(source)
    assert not Filters(year_max=2019).accepts(source)
    source.status = "withdrawn"
    assert not Filters().accepts(source)


def test_reingest_and_withdraw_are_seen_by_the_next_search(tmp_path):
    app, docs = make_library(tmp_path)
    assert titles(app.search("allopurinol", retrievers=("lexical",))) == ["Gout management"]
    changed = DOCS["gout-guideline.md"].replace("allopurinol", "febuxostat")
    (docs / "gout-guideline.md").write_text(changed)
    app.ingest([docs])
    assert app.search("allopurinol", retrievers=("lexical",)) == []
    hits = app.search("febuxostat", retrievers=("lexical",))
    assert titles(hits) == ["Gout management"] and hits[0].passage.version == 2
    app.withdraw("file:gout-guideline")
    assert app.search("febuxostat", retrievers=("lexical",)) == []
    app.close()


def test_another_process_ingest_is_picked_up(tmp_path):
    app, docs = make_library(tmp_path)
    app.search("gout")  # indexes open and warm
    other = Medcite.open(tmp_path / "lib", dense=False)
    (docs / "lupus.md").write_text("# Lupus\n\nLupus is an autoimmune disease.\n")
    other.ingest([docs / "lupus.md"])
    other.close()
    assert titles(app.search("lupus autoimmune")) == ["Lupus"]
    app.close()


def test_rerank_prefers_the_heading_that_answers_the_question_type(tmp_path):
    app, _ = make_library(tmp_path)
    ask = "gout"
    treat = QueryAnalysis(original=ask, question=ask, qtype="treatment", focus=["gout"])
    cause = QueryAnalysis(original=ask, question=ask, qtype="causes", focus=["gout"])
    assert app.search(ask, k=1, analysis=treat)[0].passage.section == "How is gout treated?"
    assert app.search(ask, k=1, analysis=cause)[0].passage.section == "What causes gout?"
    app.close()


def test_a_cause_question_reads_the_causes_page_of_the_effect_and_the_effects_of_the_cause(
        tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, heading, text in [
        ("shock-causes", "What causes electrical injury?", "Touching a live wire or being "
         "struck by lightning causes an electrical injury."),
        ("shock-symptoms", "What are the symptoms of electrical injury?", "An electrical "
         "injury can cause burns, heart rhythm problems, trouble swallowing and confusion."),
        ("swallow-causes", "What causes swallowing problems?", "Swallowing problems follow "
         "strokes, nerve damage, electrical injury and narrowing of the gullet."),
        ("swallow-treat", "How are swallowing problems treated?", "Swallowing therapy, diet "
         "changes and sometimes stretching of the gullet help swallowing problems."),
    ]:
        title = "Electrical injury" if name.startswith("shock") else "Swallowing problems"
        (docs / f"{name}.md").write_text(f"---\ntitle: {title}\n---\n# {title}\n\n"
                                         f"## {heading}\n\n{text}\n")
    app = Medcite.open(tmp_path / "lib", dense=False)
    app.ingest([docs])
    ask = "Does an electric shock cause swallowing problems later on?"
    sections = [h.passage.section for h in app.search(ask, k=4)]
    # the cause's page answers in its symptoms, the effect's page in its causes; neither
    # the cause's own causes nor the effect's treatment comes first
    assert set(sections[:2]) == {"What are the symptoms of electrical injury?",
                                 "What causes swallowing problems?"}, sections
    # without the cause told apart, the cause's own causes page comes before its symptoms
    from medcite.retrieve import analyze
    plain = analyze(ask, app.settings.home)
    plain.agents = []
    assert [h.passage.section for h in app.search(ask, k=2, analysis=plain)] == [
        "What causes swallowing problems?", "What causes electrical injury?"]
    app.close()


def test_fusion_settings_and_bad_arguments(tmp_path):
    app, _ = make_library(tmp_path)
    app.settings.fusion = "weighted"
    assert titles(app.search("reliever inhaler", k=1)) == ["Asthma"]
    app.settings.fusion = "borda"
    with pytest.raises(MedciteError, match="unknown fusion"):
        app.search("inhaler")
    with pytest.raises(MedciteError, match="unknown retriever"):
        app.search("inhaler", retrievers=("sparse",))
    assert app.search("inhaler", k=0) == []
    app.close()


def test_hybrid_search_with_the_packaged_model(tmp_path):
    app, _ = make_library(tmp_path, dense=True)
    if not app.retrieval.dense_ready():
        pytest.skip("the embedding model or tokenizer is not installed")
    app.settings.rerank = False  # the evidence prior would lift the guideline in a 4-item list
    hits = app.search("wheezing and short of breath", k=2)
    assert hits[0].source.title == "Asthma"  # no shared word: only the dense list finds it
    assert hits[0].retrievers == {"dense": 1}
    app.settings.rerank = True
    both = app.search("gout flare colchicine", k=4)
    assert any(h.retrievers.keys() == {"lexical", "dense"} for h in both)
    app.close()


def test_bm25_reads_the_whole_message_and_the_setting_turns_it_off(tmp_path):
    app, _ = make_library(tmp_path)
    message = "my inhaler keeps running out. is that normal?"
    analysis = QueryAnalysis(original=message, question="is that normal?")
    assert titles(app.search(message, analysis=analysis, retrievers=("lexical",))) == ["Asthma"]
    app.settings.lexical_full_message = False
    assert app.search(message, analysis=analysis, retrievers=("lexical",)) == []
    app.close()
