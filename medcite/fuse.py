"""Fusion: combine the ranked lists of several retrievers into one. Pure functions.

Two methods, chosen by the `fusion` setting:

- `rrf`: reciprocal rank fusion, score(d) = sum over lists r of w_r / (k + rank_r(d)), k = 60.
  Cormack, Clarke & Buettcher (2009), "Reciprocal Rank Fusion outperforms Condorcet and
  individual Rank Learning Methods", SIGIR '09. Uses ranks only, so the scales of BM25 and cosine
  scores never have to agree.
- `weighted`: a weighted sum of min-max normalised scores (CombSUM of Fox & Shaw 1994, with the
  min-max normalisation of Lee 1997; the convex combination analysed by Bruch, Gai & Ingber 2023,
  "An Analysis of Fusion Functions for Hybrid Retrieval"). A document missing from a list
  contributes 0 for that list.

>>> rrf([["a", "b"], ["b", "c"]])["b"] == 1 / 62 + 1 / 61
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

RRF_K = 60


def rrf(rankings: Sequence[Sequence[str]], k: float = RRF_K,
        weights: Sequence[float] | None = None) -> dict[str, float]:
    """Reciprocal rank fusion of ranked id lists (best first); ranks are 1-based.

    >>> rrf([["a"], ["a"]], k=60)["a"] == 2 / 61
    True
    """
    weights = list(weights) if weights is not None else [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = scores.get(doc, 0.0) + weight / (k + rank)
    return scores


def min_max(scores: Mapping[str, float]) -> dict[str, float]:
    """Scale scores to [0, 1]: (s - min) / (max - min); all-equal scores all become 1.0.

    >>> min_max({"a": 2.0, "b": 4.0, "c": 3.0})
    {'a': 0.0, 'b': 1.0, 'c': 0.5}
    """
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    if high == low:
        return {doc: 1.0 for doc in scores}
    return {doc: (s - low) / (high - low) for doc, s in scores.items()}


def weighted_sum(score_lists: Sequence[Mapping[str, float]],
                 weights: Sequence[float] | None = None) -> dict[str, float]:
    """Weighted sum of min-max normalised scores over several retrievers.

    >>> weighted_sum([{"a": 10.0, "b": 5.0}, {"b": 0.9, "c": 0.3}], [0.5, 0.5])
    {'a': 0.5, 'b': 0.5, 'c': 0.0}
    """
    weights = list(weights) if weights is not None else [1.0] * len(score_lists)
    if len(weights) != len(score_lists):
        raise ValueError("one weight per score list")
    fused: dict[str, float] = {}
    for scores, weight in zip(score_lists, weights, strict=True):
        for doc, s in min_max(scores).items():
            fused[doc] = fused.get(doc, 0.0) + weight * s
    return fused


def ranked(scores: Mapping[str, float]) -> list[tuple[str, float]]:
    """Scores sorted best first; ties broken by id so the order is deterministic.

    >>> ranked({"b": 1.0, "a": 1.0, "c": 2.0})
    [('c', 2.0), ('a', 1.0), ('b', 1.0)]
    """
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))
