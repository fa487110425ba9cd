"""Every metric against values worked out by hand (the arithmetic is in the comments)."""

import math

import pytest

from medcite.metrics import (
    average_precision_at_k,
    best_possible_avg_score,
    dcg,
    judged_at_k,
    liveqa_measures,
    merge_duplicate_judgments,
    ndcg_at_k,
    percentile,
    precision_at_k,
    ranking_measures,
    recall_at_k,
    reciprocal_rank_at_k,
    top1_score,
)

L2_3 = math.log2(3)
L2_5 = math.log2(5)


def test_dcg_uses_linear_gain_and_log2_rank_plus_one():
    # 2/log2(2) + 0/log2(3) + 1/log2(4) = 2 + 0 + 0.5
    assert dcg([2, 0, 1]) == pytest.approx(2.5)


def test_ndcg_graded_hand_computed():
    qrels = {"a": 2, "b": 1, "c": 2}
    # run a, x, b, c: DCG = 2/1 + 0 + 1/log2(4) + 2/log2(5)
    # ideal c/a (2, 2), b (1):  2/1 + 2/log2(3) + 1/log2(4)
    expected = (2 + 0.5 + 2 / L2_5) / (2 + 2 / L2_3 + 0.5)
    assert ndcg_at_k(["a", "x", "b", "c"], qrels, k=10) == pytest.approx(expected)
    # (2 + 0.5 + 0.8614) / (2 + 1.2619 + 0.5) = 3.3614 / 3.7619
    assert round(expected, 4) == 0.8935


def test_ndcg_cut_applies_to_run_and_ideal():
    qrels = {"a": 1, "b": 1, "c": 1}
    # k=2: run x, a -> 1/log2(3); ideal two relevant -> 1 + 1/log2(3)
    assert ndcg_at_k(["x", "a", "b"], qrels, k=2) == pytest.approx((1 / L2_3) / (1 + 1 / L2_3))


def test_ndcg_perfect_empty_and_unjudged():
    assert ndcg_at_k(["a", "b"], {"a": 2, "b": 1}, k=10) == 1.0
    assert ndcg_at_k([], {"a": 1}, k=10) == 0.0
    assert ndcg_at_k(["a"], {}, k=10) == 0.0  # nothing relevant: 0, not a division error
    assert ndcg_at_k(["a"], {"a": 0}, k=10) == 0.0


def test_recall_at_k():
    qrels = {"a": 1, "b": 2, "c": 1, "d": 0}  # d judged not relevant
    assert recall_at_k(["a", "d", "b", "c"], qrels, k=3) == pytest.approx(2 / 3)
    assert recall_at_k(["a", "b", "c"], qrels, k=100) == 1.0
    assert recall_at_k(["a"], {"a": 2, "b": 3}, k=10, min_rel=3) == 0.0


def test_precision_divides_by_k_even_when_short():
    qrels = {"a": 4, "b": 3, "c": 2}
    assert precision_at_k(["a", "c", "b"], qrels, k=1, min_rel=3) == 1.0
    # two of a, c, b have grade >= 3, divided by 5 not by 3
    assert precision_at_k(["a", "c", "b"], qrels, k=5, min_rel=3) == pytest.approx(0.4)


def test_average_precision_divides_by_all_relevant():
    qrels = {"a": 1, "b": 1, "c": 1, "d": 1}
    # relevant at ranks 2 and 4 within the top 10: (1/2 + 2/4) / 4 relevant = 0.25
    assert average_precision_at_k(["x", "a", "y", "b"], qrels, k=10) == pytest.approx(0.25)
    # cut at 3: only rank 2 counts -> 0.5 / 4
    assert average_precision_at_k(["x", "a", "y", "b"], qrels, k=3) == pytest.approx(0.125)


def test_reciprocal_rank_at_k():
    qrels = {"a": 3, "b": 2}
    assert reciprocal_rank_at_k(["b", "x", "a"], qrels, k=10, min_rel=3) == pytest.approx(1 / 3)
    assert reciprocal_rank_at_k(["b", "x", "a"], qrels, k=2, min_rel=3) == 0.0
    assert reciprocal_rank_at_k(["b"], qrels, k=10) == 1.0


def test_judged_at_k():
    assert judged_at_k(["a", "x", "b"], {"a": 1, "b": 4}, k=10) == pytest.approx(0.2)
    assert judged_at_k(["a", "b"], {"a": 1, "b": 4}, k=2) == 1.0


def test_duplicate_judgments_merge_with_min_in_any_order():
    merged = merge_duplicate_judgments(
        [("q1", "a", 4), ("q1", "a", 2), ("q1", "b", 3), ("q2", "a", 1), ("q1", "a", 3)]
    )
    assert merged == {"q1": {"a": 2, "b": 3}, "q2": {"a": 1}}


def test_top1_score_unjudged_and_missing_are_zero():
    assert top1_score(["a", "b"], {"a": 3, "b": 4}) == 2  # grade 3 -> 2, only rank 1 counts
    assert top1_score(["z"], {"a": 4}) == 0  # unjudged
    assert top1_score([], {"a": 4}) == 0  # no answer
    assert top1_score(["a"], {"a": 1}) == 0  # Incorrect


def test_liveqa_measures_hand_computed():
    qrels = {
        "q1": {"a": 4, "b": 2, "c": 3},
        "q2": {"d": 3, "e": 1},
        "q3": {"f": 4},
        "q4": {"g": 2},
    }
    run = {
        "q1": ["a", "c", "x"],  # top-1 grade 4 -> 3
        "q2": ["e", "y", "d"],  # top-1 grade 1 -> 0
        "q3": ["z"],  # top-1 unjudged -> 0
        # q4: no answer at all -> 0
    }
    m = liveqa_measures(run, qrels, ["q1", "q2", "q3", "q4"])
    assert m["questions"] == 4
    assert m["avgScore"] == 0.75  # (3 + 0 + 0 + 0) / 4
    assert m["succ@2+"] == 0.25 and m["succ@3+"] == 0.25 and m["succ@4+"] == 0.25
    # prec@k+ divides by the 3 questions that got an answer
    assert m["prec@2+"] == round(1 / 3, 4) and m["prec@4+"] == round(1 / 3, 4)
    assert m["P@1"] == 0.25  # only q1's first answer has grade >= 3
    # P@5: q1 has a, c (2/5); q2 has d (1/5); others 0 -> (0.4 + 0.2) / 4
    assert m["P@5"] == 0.15
    # MRR@10: q1 1, q2 1/3, q3 0, q4 0 -> 0.3333
    assert m["MRR@10"] == round((1 + 1 / 3) / 4, 4)
    # MAP@10: q1 (1/1 + 2/2) / 2 relevant = 1; q2 (1/3) / 1 = 1/3; q3 0 (f missed); q4 0 (none)
    assert m["MAP@10"] == round((1 + 1 / 3) / 4, 4)
    # judged@10: q1 2/10, q2 2/10, q3 0, q4 0 -> 0.1
    assert m["judged@10"] == 0.1


def test_liveqa_grade_two_counts_for_succ2_not_for_relevance():
    m = liveqa_measures({"q": ["b"]}, {"q": {"b": 2}}, ["q"])
    assert (m["avgScore"], m["succ@2+"], m["succ@3+"], m["P@1"], m["MRR@10"]) == (1, 1, 0, 0, 0)


def test_best_possible_avg_score():
    # q1 best 4 -> 3, q2 best 2 -> 1, q3 unjudged -> 0: 4 / 3
    qrels = {"q1": {"a": 4, "b": 1}, "q2": {"c": 2}}
    assert best_possible_avg_score(qrels, ["q1", "q2", "q3"]) == round(4 / 3, 4)


def test_ranking_measures_means_over_all_queries():
    qrels = {"q1": {"a": 2, "b": 1}, "q2": {"c": 1}}
    m = ranking_measures({"q1": ["a", "b"]}, qrels, ["q1", "q2"])  # q2 returned nothing
    assert m["queries"] == 2
    assert m["nDCG@10"] == 0.5  # (1 + 0) / 2
    assert m["Recall@100"] == 0.5
    assert m["P@10"] == 0.1  # (2/10 + 0) / 2
    assert m["MRR@10"] == 0.5


def test_empty_query_lists_are_refused():
    with pytest.raises(ValueError):
        liveqa_measures({}, {}, [])
    with pytest.raises(ValueError):
        ranking_measures({}, {}, [])


def test_percentile_interpolates_like_numpy():
    assert percentile([3, 1, 2, 4], 50) == 2.5
    assert percentile([10, 20], 95) == pytest.approx(19.5)
    assert percentile([7], 95) == 7
    with pytest.raises(ValueError):
        percentile([], 50)
