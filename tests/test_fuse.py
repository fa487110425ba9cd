"""Fusion functions against values worked out by hand."""

import pytest

from medcite.fuse import min_max, ranked, rrf, weighted_sum


def test_rrf_matches_hand_computed_scores():
    # a: rank 1 in list 1 only -> 1/61; b: rank 2 + rank 1 -> 1/62 + 1/61; c: rank 2 -> 1/62
    scores = rrf([["a", "b"], ["b", "c"]], k=60)
    assert scores["a"] == pytest.approx(1 / 61)
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert scores["c"] == pytest.approx(1 / 62)
    assert [doc for doc, _ in ranked(scores)] == ["b", "a", "c"]


def test_rrf_weights_and_k():
    scores = rrf([["a"], ["b"]], k=1, weights=[2.0, 1.0])
    assert scores == {"a": pytest.approx(2 / 2), "b": pytest.approx(1 / 2)}
    with pytest.raises(ValueError):
        rrf([["a"]], weights=[1.0, 2.0])


def test_min_max_and_weighted_sum():
    assert min_max({"a": 2.0, "b": 4.0, "c": 3.0}) == {"a": 0.0, "b": 1.0, "c": 0.5}
    assert min_max({"a": 7.0}) == {"a": 1.0}
    assert min_max({}) == {}
    # list 1 normalised: a=1, b=0; list 2: b=1, c=0. weights 0.7 / 0.3
    fused = weighted_sum([{"a": 10.0, "b": 5.0}, {"b": 0.9, "c": 0.3}], [0.7, 0.3])
    assert fused == {"a": pytest.approx(0.7), "b": pytest.approx(0.3), "c": pytest.approx(0.0)}


def test_ranked_breaks_ties_by_id():
    assert ranked({"b": 1.0, "a": 1.0, "c": 2.0}) == [("c", 2.0), ("a", 1.0), ("b", 1.0)]
