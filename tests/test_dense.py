"""Dense retrieval: pooling and exact search by hand, the packaged model, the vector cache."""

import numpy as np
import pytest

from medcite import Medcite
from medcite.dense import (
    DenseIndex,
    DenseUnavailable,
    Embedder,
    content_key,
    embed_text,
    mean_pool,
    top_k,
)


@pytest.fixture(scope="module")
def embedder():
    try:
        return Embedder.load()
    except DenseUnavailable as exc:
        pytest.skip(str(exc))


def test_mean_pool_ignores_padding_and_normalises():
    hidden = np.array([[[3.0, 0.0], [0.0, 4.0], [9.0, 9.0]]])
    # mean of the two unmasked tokens = (1.5, 2.0); its length is 2.5 -> (0.6, 0.8)
    assert np.allclose(mean_pool(hidden, np.array([[1, 1, 0]])), [[0.6, 0.8]])


def test_top_k_exact_and_with_a_mask():
    matrix = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]])
    assert top_k(matrix, np.array([0.0, 1.0]), 2) == [(2, 1.0), (1, 0.8)]
    assert top_k(matrix, np.array([0.0, 1.0]), 5, np.array([True, False, False])) == [(0, 0.0)]
    assert top_k(np.zeros((0, 2)), np.array([1.0, 0.0]), 3) == []


def test_embed_text_and_content_key():
    assert embed_text("Gout", "Gout", "Rest.") == "Gout\nRest."
    assert embed_text("", "", "Rest.") == "Rest."
    assert content_key("a") == content_key("a") != content_key("b")


def test_packaged_model_ranks_health_paraphrases(embedder):
    vectors = embedder.encode(["heart attack", "myocardial infarction", "a sprained ankle"])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    # batching and length-sorting must not change a vector
    alone = embedder.encode(["myocardial infarction"])[0]
    assert np.allclose(alone, vectors[1], atol=1e-5)


def _library(tmp_path, n=5):
    docs = tmp_path / "docs"
    docs.mkdir()
    topics = ["gout", "iron", "asthma", "migraine", "eczema", "anemia", "psoriasis"][:n]
    for topic in topics:
        (docs / f"{topic}.md").write_text(f"# {topic.title()}\n\n{topic} is a condition; "
                                          f"this note is about {topic} care.\n")
    app = Medcite.open(tmp_path / "lib", dense=False)
    app.ingest([docs])
    return app, docs


def test_sync_search_and_cache_hits(tmp_path, embedder):
    app, docs = _library(tmp_path)
    index = DenseIndex(tmp_path / "dense")
    assert index.sync(app.store, embedder) == 5
    assert index.embedded == 5 and len(index) == 5
    query = embedder.encode(["asthma"])[0]
    best = index.search(query, k=1)[0][0]
    assert app.store.passages([best])[0].source_id == "file:asthma"
    # a rebuild (fresh instance, state reset) finds every vector in the cache
    again = DenseIndex(tmp_path / "dense")
    assert again.rebuild(app.store, embedder) == 5
    assert again.embedded == 0
    # a changed source: only its new passage is embedded; the old one leaves the index
    (docs / "gout.md").write_text("# Gout\n\nGout flares are eased by rest and ice.\n")
    app.ingest([docs])
    assert again.sync(app.store, embedder) == 2  # one removed, one added
    assert again.embedded == 1 and len(again) == 5
    assert set(again.ids) == {p.id for b in app.store.iter_passages() for p in b}
    app.close()


class _Crashing:
    """The real embedder, made to fail on its second batch (a kill mid-embedding)."""

    def __init__(self, real):
        self.real, self.calls = real, 0

    def encode(self, texts, batch=32):
        self.calls += 1
        if self.calls == 2:
            raise KeyboardInterrupt
        return self.real.encode(texts, batch)


def test_killed_embedding_resumes_from_finished_batches(tmp_path, embedder):
    app, _ = _library(tmp_path, n=7)
    index = DenseIndex(tmp_path / "dense")
    with pytest.raises(KeyboardInterrupt):
        index.sync(app.store, _Crashing(embedder), batch=3)
    assert len(index) == 0 and index.applied_seq == 0  # nothing half-applied
    resumed = DenseIndex(tmp_path / "dense")
    assert resumed.sync(app.store, embedder, batch=3) == 7
    assert resumed.embedded == 4  # the first batch of 3 was kept
    assert len(resumed) == 7
    app.close()


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(DenseUnavailable, match="does not exist"):
        Embedder.load(model=str(tmp_path / "nope.onnx"))


def test_text_vectors_are_cached(tmp_path, embedder):
    index = DenseIndex(tmp_path / "dense")
    first = index.text_vectors(["How is gout treated?", "What causes asthma?"], embedder)
    assert first.shape == (2, 384) and index.embedded == 2
    again = index.text_vectors(["What causes asthma?"], embedder)
    assert index.embedded == 2 and (again[0] == first[1]).all()
    assert index.text_vectors([], embedder).shape == (0, 384)


def test_searches_during_syncs_and_concurrent_syncs(tmp_path, embedder):
    """API worker threads search while uploads sync: every search sees one whole snapshot
    (ids and vectors from the same sync), and two syncs at once apply each change once."""
    import threading

    app, docs = _library(tmp_path, n=7)
    index = DenseIndex(tmp_path / "dense")
    index.sync(app.store, embedder)
    query = embedder.encode(["asthma"])[0]
    errors: list[BaseException] = []
    stop = threading.Event()

    def search():
        try:
            while not stop.is_set():
                ids, matrix, _ = index._snap
                assert len(ids) == len(matrix)
                for pid, _score in index.search(query, k=3):
                    assert pid in ids or pid in index.ids
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(exc)

    searchers = [threading.Thread(target=search) for _ in range(3)]
    for t in searchers:
        t.start()
    for round_ in range(4):
        (docs / "gout.md").write_text(f"# Gout\n\nGout note, revision {round_}: rest and ice.\n")
        app.ingest([docs])
        syncs = [threading.Thread(target=index.sync, args=(app.store, embedder)) for _ in range(2)]
        for t in syncs:
            t.start()
        for t in syncs:
            t.join(60)
    stop.set()
    for t in searchers:
        t.join(30)
    assert errors == []
    current = {p.id for b in app.store.iter_passages() for p in b}
    assert sorted(index.ids) == sorted(current)  # each change applied once, no duplicates
    assert index.applied_seq == app.store.last_change()
    app.close()
