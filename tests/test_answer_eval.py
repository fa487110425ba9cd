"""`evaluate_answers` on a small library with LiveQA-shaped questions and judgments."""

from __future__ import annotations

import json

import pytest
from answer_fixtures import open_library

from medcite.answer_eval import evaluate_answers, evaluate_answers_mediqa
from medcite.errors import MedciteError


def test_summary_counts_contract_numbers_grades_and_reading(tmp_path):
    app = open_library(tmp_path)
    questions = tmp_path / "questions.jsonl"
    questions.write_text("\n".join(json.dumps(r) for r in [
        {"qid": "T1", "subject": "magnesium", "message": "How much magnesium is too much?"},
        {"qid": "T2", "subject": "", "message": "What is the best treatment for glioblastoma?"},
    ]) + "\n")
    qrels = tmp_path / "qrels.jsonl"
    qrels.write_text(json.dumps({"qid": "T1", "corpus_id": "guideline", "grades": [4],
                                 "grade_min": 4, "grade_max": 4, "grade_mean": 4.0}) + "\n")
    try:
        result = evaluate_answers(app, questions, qrels, log=lambda m: None)
    finally:
        app.close()
    summary = result["summary"]
    assert summary["questions"] == 2 and summary["schema_valid_answers"] == 4
    assert summary["numbers_in_cited_passage_rate"] == 1.0
    assert summary["abstained_patient"] == 1 and summary["with_bottom_line"] == 1
    assert result["rows"][0]["top_cited"] == "guideline"
    assert summary["top_cited_grade3_rate"] == 1.0
    # no claim says twice what another says; the patient answer keeps every care instruction
    assert summary["answers_with_repeats"] == 0 and summary["repeated_claim_pairs"] == 0
    assert summary["patient_answers_with_fewer_care_instructions"] == 0
    assert summary["care_instructions_patient"] >= summary["care_instructions_clinician"]


def test_mediqa_tuning_run_reports_retrieval_baselines(tmp_path):
    app = open_library(tmp_path)
    tuning = tmp_path / "task3_qa_validation.jsonl"
    tuning.write_text(json.dumps({"qid": "1", "split": "validation",
                                  "question": "How much magnesium is too much?",
                                  "answers": [{"aid": "1_A1", "reference_score": 4,
                                               "text": "Magnesium: an answer."}]}) + "\n")
    try:
        summary = evaluate_answers_mediqa(app, [tuning], log=lambda m: None)["summary"]
    finally:
        app.close()
    assert summary["questions"] == 1 and summary["with_bottom_line"] == 1
    assert {"retrieval_top1_grade3_rate", "on_topic_top1_grade3_rate"} <= set(summary)


def test_mediqa_tuning_run_refuses_the_liveqa_file(tmp_path):
    with pytest.raises(MedciteError, match="LiveQA"):
        evaluate_answers_mediqa(None, [tmp_path / "task3_qa_train_liveqa.jsonl"])
