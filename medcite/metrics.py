"""Retrieval and answer-ranking metrics as pure functions, each citing the convention it follows.

Inputs are plain Python: a *ranking* is the list of document ids a system returned for one query,
best first; *qrels* map a document id to its graded relevance for that query (absent = unjudged).

Conventions (stated because published numbers differ by them):

- nDCG@k follows trec_eval's ``ndcg_cut`` as used by BEIR (Thakur et al., NeurIPS 2021 datasets
  track, via pytrec_eval): gain = the graded relevance itself (linear, *not* 2^rel - 1) and a
  log2(rank + 1) discount; the ideal ranking is built from every judged document of the query.
- Recall@k, P@k, MAP@k (trec_eval ``map_cut``: the sum of precisions at relevant ranks within the
  top k, divided by the number of relevant judged documents) and MRR@k count a document as relevant
  when its grade >= ``min_rel``. P@k always divides by k, even when fewer were returned.
- The LiveQA measures follow TREC LiveQA 2017 (Ben Abacha et al., TREC 2017 overview) and Ben
  Abacha & Demner-Fushman, BMC Bioinformatics 2019: grades 1 Incorrect ... 4 Excellent; the score of
  a question is (grade - 1) of its top-1 answer, and an unjudged or missing answer scores 0.

>>> round(ndcg_at_k(["a", "b"], {"a": 1, "b": 2}, k=10), 4)   # ideal is b, a
0.8597
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from statistics import fmean

Qrels = Mapping[str, int]  # doc id -> graded relevance, for one query


def _round(value: float) -> float:
    # Four places is what trec_eval prints; only aggregates are rounded, never per-query values.
    return round(value, 4)


def dcg(gains: Sequence[float]) -> float:
    """Discounted cumulative gain with linear gain and a log2(rank + 1) discount (trec_eval).

    >>> round(dcg([2, 0, 1]), 4)        # 2/log2(2) + 0 + 1/log2(4)
    2.5
    """
    return sum(g / math.log2(rank + 1) for rank, g in enumerate(gains, start=1))


def ndcg_at_k(ranking: Sequence[str], qrels: Qrels, k: int = 10) -> float:
    """nDCG@k, BEIR/trec_eval convention (see the module docstring). 0 when nothing is relevant.

    >>> round(ndcg_at_k(["x", "a"], {"a": 1}, k=10), 4)   # (1/log2 3) / 1
    0.6309
    """
    ideal = dcg(sorted((g for g in qrels.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    gains = [max(qrels.get(doc, 0), 0) for doc in ranking[:k]]
    return dcg(gains) / ideal


def _relevant(qrels: Qrels, min_rel: int) -> set[str]:
    return {doc for doc, grade in qrels.items() if grade >= min_rel}


def recall_at_k(ranking: Sequence[str], qrels: Qrels, k: int = 100, min_rel: int = 1) -> float:
    """Share of the relevant documents found in the top k (BEIR Recall@k).

    >>> round(recall_at_k(["a", "x", "b"], {"a": 1, "b": 2, "c": 1}, k=2), 4)
    0.3333
    """
    relevant = _relevant(qrels, min_rel)
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranking[:k])) / len(relevant)


def precision_at_k(ranking: Sequence[str], qrels: Qrels, k: int, min_rel: int = 1) -> float:
    """Relevant documents in the top k, divided by k (trec_eval P_k).

    >>> precision_at_k(["a", "x"], {"a": 3}, k=5, min_rel=3)
    0.2
    """
    relevant = _relevant(qrels, min_rel)
    return sum(1 for doc in ranking[:k] if doc in relevant) / k


def average_precision_at_k(ranking: Sequence[str], qrels: Qrels, k: int = 10,
                           min_rel: int = 1) -> float:
    """AP cut at k, divided by all relevant judged documents (trec_eval map_cut_k).

    >>> round(average_precision_at_k(["a", "x", "b"], {"a": 1, "b": 1, "c": 1}, k=10), 4)  # (1+2/3)/3
    0.5556
    """
    relevant = _relevant(qrels, min_rel)
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for rank, doc in enumerate(ranking[:k], start=1):
        if doc in relevant:
            hits += 1
            total += hits / rank
    return total / len(relevant)


def reciprocal_rank_at_k(ranking: Sequence[str], qrels: Qrels, k: int = 10,
                         min_rel: int = 1) -> float:
    """1 / rank of the first relevant document within the top k, else 0.

    >>> round(reciprocal_rank_at_k(["x", "y", "a"], {"a": 2}, k=10), 4)
    0.3333
    """
    relevant = _relevant(qrels, min_rel)
    for rank, doc in enumerate(ranking[:k], start=1):
        if doc in relevant:
            return 1 / rank
    return 0.0


def judged_at_k(ranking: Sequence[str], qrels: Qrels, k: int = 10) -> float:
    """Share of the top k that has a judgment (pool coverage); divides by k like P@k.

    >>> judged_at_k(["a", "x"], {"a": 1}, k=10)
    0.1
    """
    return sum(1 for doc in ranking[:k] if doc in qrels) / k


# -- LiveQA --------------------------------------------------------------------------------


def merge_duplicate_judgments(pairs: Iterable[tuple[str, str, int]]) -> dict[str, dict[str, int]]:
    """(qid, doc, grade) triples -> qid -> doc -> grade, a pair judged twice keeps its *lower* grade.

    The min merge follows the LiveQA data README: a disputed answer does not get the benefit.

    >>> merge_duplicate_judgments([("q", "a", 3), ("q", "a", 2), ("q", "b", 4)])
    {'q': {'a': 2, 'b': 4}}
    """
    merged: dict[str, dict[str, int]] = {}
    for qid, doc, grade in pairs:
        per_query = merged.setdefault(qid, {})
        per_query[doc] = min(grade, per_query.get(doc, grade))
    return merged


def top1_score(ranking: Sequence[str], qrels: Qrels) -> int:
    """LiveQA score of one question: grade - 1 of the top answer; unjudged or none = 0.

    >>> top1_score(["a"], {"a": 4}), top1_score(["x"], {"a": 4}), top1_score([], {})
    (3, 0, 0)
    """
    if not ranking:
        return 0
    grade = qrels.get(ranking[0], 0)
    return max(grade - 1, 0)


def liveqa_measures(run: Mapping[str, Sequence[str]], qrels: Mapping[str, Qrels],
                    qids: Sequence[str]) -> dict[str, float]:
    """The LiveQA-Med table for the questions `qids` (every one counts, answered or not).

    avgScore(0-3) is the mean top-1 score; succ@k+ the share of *all* questions whose top answer
    has grade >= k; prec@k+ the same share among questions that got an answer (TREC LiveQA 2017).
    P@1, P@5, MAP@10 and MRR@10 count grade >= 3 (Incomplete or Excellent) as relevant.

    >>> m = liveqa_measures({"q1": ["a"], "q2": ["x"]}, {"q1": {"a": 4}, "q2": {"b": 3}},
    ...                     ["q1", "q2"])
    >>> m["avgScore"], m["succ@4+"], m["MRR@10"], m["judged@10"]
    (1.5, 0.5, 0.5, 0.05)
    """
    if not qids:
        raise ValueError("no questions to evaluate")
    empty: dict[str, int] = {}
    rows = [(run.get(q, []), qrels.get(q, empty)) for q in qids]
    answered = [(r, j) for r, j in rows if r]
    out: dict[str, float] = {
        "questions": len(qids),
        "avgScore": _round(fmean(top1_score(r, j) for r, j in rows)),
    }
    for grade in (2, 3, 4):
        good = sum(1 for r, j in rows if r and j.get(r[0], 0) >= grade)
        out[f"succ@{grade}+"] = _round(good / len(rows))
        out[f"prec@{grade}+"] = _round(good / len(answered)) if answered else 0.0
    out["P@1"] = _round(fmean(precision_at_k(r, j, 1, min_rel=3) for r, j in rows))
    out["P@5"] = _round(fmean(precision_at_k(r, j, 5, min_rel=3) for r, j in rows))
    out["MAP@10"] = _round(fmean(average_precision_at_k(r, j, 10, min_rel=3) for r, j in rows))
    out["MRR@10"] = _round(fmean(reciprocal_rank_at_k(r, j, 10, min_rel=3) for r, j in rows))
    out["judged@10"] = _round(fmean(judged_at_k(r, j, 10) for r, j in rows))
    return out


def best_possible_avg_score(qrels: Mapping[str, Qrels], qids: Sequence[str]) -> float:
    """avgScore of an oracle that puts the best judged answer first: the ceiling of the pool.

    >>> best_possible_avg_score({"q1": {"a": 4, "b": 2}}, ["q1", "q2"])
    1.5
    """
    return _round(fmean(max([g - 1 for g in qrels.get(q, {}).values()] + [0]) for q in qids))


def ranking_measures(run: Mapping[str, Sequence[str]], qrels: Mapping[str, Qrels],
                     qids: Sequence[str]) -> dict[str, float]:
    """The NFCorpus / BEIR table (nDCG@10, Recall@100, plus P@10 and MRR@10), mean over `qids`.

    >>> ranking_measures({"q": ["a"]}, {"q": {"a": 2, "b": 1}}, ["q"])["Recall@100"]
    0.5
    """
    if not qids:
        raise ValueError("no queries to evaluate")
    empty: dict[str, int] = {}
    rows = [(run.get(q, []), qrels.get(q, empty)) for q in qids]
    return {
        "queries": len(qids),
        "nDCG@10": _round(fmean(ndcg_at_k(r, j, 10) for r, j in rows)),
        "Recall@100": _round(fmean(recall_at_k(r, j, 100) for r, j in rows)),
        "P@10": _round(fmean(precision_at_k(r, j, 10) for r, j in rows)),
        "MRR@10": _round(fmean(reciprocal_rank_at_k(r, j, 10) for r, j in rows)),
    }


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile with linear interpolation between closest ranks (numpy's default,
    Hyndman & Fan 1996 definition 7).

    >>> percentile([1, 2, 3, 4], 50), percentile([10, 20], 95)
    (2.5, 19.5)
    """
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * p / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
