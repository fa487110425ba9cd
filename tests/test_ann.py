"""The optional faiss IVF index: cluster count, self-retrieval, and its use by DenseIndex."""

import json

import numpy as np
import pytest

from medcite.ann import IVFIndex, nlist_for
from medcite.dense import DenseIndex, top_k


def test_nlist_rule():
    assert nlist_for(200_000) == 1789  # round(4 * sqrt(200000)) = round(1788.85)
    assert nlist_for(1_000) == 25  # 1000 // 39: faiss wants >= 39 training vectors per list
    assert nlist_for(10) == 1


def _unit(n, dims=384, seed=3):
    rng = np.random.default_rng(seed)
    matrix = rng.standard_normal((n, dims)).astype(np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def test_ivf_finds_each_stored_vector_first(tmp_path):
    pytest.importorskip("faiss")
    matrix = _unit(2000)
    index = IVFIndex.build(matrix)
    assert len(index) == 2000
    for row in (0, 17, 1999):
        assert index.search(matrix[row], 5)[0][0] == row
    index.save(tmp_path / "a.faiss")
    again = IVFIndex.load(tmp_path / "a.faiss")
    assert again.search(matrix[17], 1)[0][0] == 17


def test_dense_index_switches_to_ivf_past_the_threshold(tmp_path):
    pytest.importorskip("faiss")
    matrix = _unit(800)
    index = DenseIndex(tmp_path / "dense", ann_threshold=500)
    index._save([f"p{i}" for i in range(800)], matrix, seq=7)
    found = index.search(matrix[42], k=3)
    assert found[0][0] == "p42"
    assert json.loads((tmp_path / "dense" / "ann.json").read_text()) == {"seq": 7}
    # exact and IVF agree on the best hit; `allowed` always searches exactly
    assert top_k(matrix, matrix[42], 1)[0][0] == 42
    assert index.search(matrix[42], k=1, allowed={"p1"}) == [("p1", pytest.approx(
        float(matrix[1] @ matrix[42]), abs=1e-5))]
    reopened = DenseIndex(tmp_path / "dense", ann_threshold=500)
    assert reopened.search(matrix[5], k=1)[0][0] == "p5"  # loaded from ann.faiss, seq 7
    index.close()
    reopened.close()
