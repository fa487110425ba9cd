"""Rerank features and the final score, against hand-computed values."""

import pytest

from medcite.models import EvidenceType
from medcite.rerank import RerankWeights, evidence_prior, focus_match, qtype_match, rerank_score


def test_focus_match_counts_entities_named_in_title_or_heading():
    assert focus_match(["gout"], "Gout", "How is it treated?") == 1.0
    assert focus_match(["migraine"], "Headaches", "Migraines in children") == 1.0  # plural
    assert focus_match(["high blood pressure", "salt"], "High blood pressure", "Diet") == 0.5
    assert focus_match(["kidney stones"], "Kidney disease", "Overview") == 0.0
    assert focus_match([], "Gout", "") == 0.0


@pytest.mark.parametrize("qtype, heading, expected", [
    ("treatment", "How is psoriasis treated?", 1.0),
    ("treatment", "What causes psoriasis?", 0.0),
    ("causes", "What causes psoriasis?", 1.0),
    ("symptoms", "What are the signs and symptoms of anemia?", 1.0),
    ("prevention", "Can shingles be prevented?", 1.0),
    ("diagnosis", "How is celiac disease diagnosed?", 1.0),
    ("prognosis", "What is the outlook for people with ALS?", 1.0),
    ("side_effects", "Possible side effects", 1.0),
    ("dose", "How much vitamin D do I need?", 1.0),
    ("information", "Anything at all", 0.0),
    ("treatment", "", 0.0),
])
def test_qtype_match(qtype, heading, expected):
    assert qtype_match(qtype, heading) == expected


def test_evidence_prior_is_linear_in_rank():
    assert evidence_prior(EvidenceType.PRACTICE_GUIDELINE) == 1.0
    assert evidence_prior(EvidenceType.UNREVIEWED_WEB) == 0.0
    # 10 types: rank 1 (systematic review) -> 1 - 1/9
    assert evidence_prior(EvidenceType.SYSTEMATIC_REVIEW) == pytest.approx(8 / 9)


def test_rerank_score_adds_weighted_features():
    w = RerankWeights(focus=0.3, qtype=0.2, evidence=0.1)
    # 0.5 + 0.3*1 + 0.2*1 + 0.1*0.5 = 1.05
    assert rerank_score(0.5, 1.0, 1.0, 0.5, w) == pytest.approx(1.05)
    assert rerank_score(0.25, 0.0, 0.0, 0.0, w) == pytest.approx(0.25)


def test_focus_match_accepts_any_name_of_an_entity_and_the_record_topic():
    assert focus_match([("myocardial infarction", "heart attack")], "Heart Attack", "") == 1.0
    assert focus_match([("gout",)], "What causes it?", "", topic="Gout ; Gouty arthritis") == 1.0
    assert focus_match([("gout",), "salt"], "Salt", "") == 0.5


def test_rerank_pair_rewards_focus_and_type_together():
    w = RerankWeights(focus=0.0, qtype=0.0, evidence=0.0, pair=0.4)
    assert rerank_score(0.5, 1.0, 1.0, 0.0, w) == pytest.approx(0.9)
    assert rerank_score(0.5, 1.0, 0.0, 0.0, w) == pytest.approx(0.5)
    assert rerank_score(0.5, 0.0, 1.0, 0.0, w) == pytest.approx(0.5)


def test_rerank_heading_similarity_is_weighted_in():
    w = RerankWeights(focus=0.0, qtype=0.0, evidence=0.0, heading=0.5)
    assert rerank_score(0.5, 0.0, 0.0, 0.0, w, heading=0.8) == pytest.approx(0.9)
    assert rerank_score(0.5, 0.0, 0.0, 0.0, w) == pytest.approx(0.5)
