"""Evaluation runners end to end on tiny generated corpora (real library, real files, real CLI).

The corpora below are written for these tests; the benchmark files themselves are only read by
the slow tests at the bottom, at run time.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import shared_path

from medcite.cli import main
from medcite.errors import MedciteError
from medcite.evaluate import datasets, run_liveqa, run_mediqa, run_nfcorpus
from medcite.evaluate.runfile import doc_ids, read_run, write_run

NF_DOCS = {
    "D1": ("Iron deficiency anaemia in blood donors",
           "Frequent blood donation lowers ferritin and can cause iron deficiency anaemia."),
    "D2": ("Green tea catechins and liver enzymes",
           "High doses of green tea extract raised liver enzymes in some volunteers."),
    "D3": ("Walking and knee osteoarthritis pain",
           "A daily walking programme reduced knee pain in adults with osteoarthritis."),
    "D4": ("Ferritin levels after donation",
           "Ferritin fell after each whole blood donation and recovered within months."),
    "D5": ("Sodium intake and blood pressure",
           "Lower sodium intake reduced systolic blood pressure in a crossover trial."),
}
NF_QUERIES = {"Q1": "iron deficiency from blood donation", "Q2": "green tea liver",
              "Q3": "salt and blood pressure", "T1": "a train query that must not run"}
NF_QRELS = [("Q1", "D1", 2), ("Q1", "D4", 1), ("Q2", "D2", 2), ("Q3", "D5", 1)]


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def nf_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One small NFCorpus-shaped corpus and library shared by this module's tests (the
    embedding model loads once per library, the slow part of these tests)."""
    tmp_path = tmp_path_factory.mktemp("nf")
    corpus = _jsonl(tmp_path / "nfcorpus" / "corpus.jsonl",
                    [{"_id": i, "title": t, "text": x, "metadata": {}}
                     for i, (t, x) in NF_DOCS.items()])
    queries = _jsonl(tmp_path / "nfcorpus" / "queries.jsonl",
                     [{"_id": q, "text": t, "metadata": {}} for q, t in NF_QUERIES.items()])
    qrels = tmp_path / "nfcorpus" / "qrels" / "dev.tsv"
    qrels.parent.mkdir()
    qrels.write_text("query-id\tcorpus-id\tscore\n"
                     + "".join(f"{q}\t{d}\t{s}\n" for q, d, s in NF_QRELS))
    return {"corpus": corpus, "queries": queries, "qrels": qrels,
            "library": tmp_path / "lib", "run_out": tmp_path / "runs" / "nf.run"}


def test_nfcorpus_end_to_end(nf_files):
    logs: list[str] = []
    result = run_nfcorpus(**nf_files, log=logs.append)
    medcite, bm25 = result.metrics["medcite"], result.metrics["bm25"]
    # Only the three dev queries with judgments run, never the train query T1.
    assert medcite["queries"] == 3 and bm25["queries"] == 3
    assert set(result.runs["medcite"]) == {"Q1", "Q2", "Q3"}
    # Doc ids are the corpus ids, without the nfcorpus: source prefix.
    assert result.runs["medcite"]["Q2"][0][0] == "D2"
    # Each query names words of its relevant documents: a working engine finds them all.
    assert medcite["Recall@100"] == 1.0 and bm25["Recall@100"] == 1.0
    assert medcite["nDCG@10"] > 0.8
    # The run file holds the same ranking, and the baseline's sits beside it.
    assert doc_ids(read_run(nf_files["run_out"])) == doc_ids(result.runs["medcite"])
    assert read_run(Path(str(nf_files["run_out"]) + ".bm25"))["Q1"][0][0] in ("D1", "D4")
    assert not list(nf_files["run_out"].parent.glob("*.partial"))


def test_second_run_reuses_the_library(nf_files):
    run_nfcorpus(**nf_files, log=lambda _: None)  # builds the library if no test has yet
    logs: list[str] = []
    run_nfcorpus(**nf_files, log=logs.append)
    assert any("0 added, 0 updated" in line for line in logs)


LQ_CORPUS = [
    {"id": "R1-1", "question": "What is iron deficiency anemia ?",
     "answer": "Iron deficiency anemia is a low red cell count caused by too little iron.",
     "focus": "Iron deficiency anemia", "qtype": "information", "source": "GHR"},
    {"id": "R2-1", "question": "What are the symptoms of zinc deficiency ?",
     "answer": "Zinc deficiency can cause hair loss, diarrhoea and slow wound healing.",
     "focus": "Zinc deficiency", "qtype": "symptoms", "source": "GHR"},
    {"id": "R3-1", "question": "How to treat gout ?", "answer": "",
     "focus": "Gout", "qtype": "treatment", "source": "ADAM"},
    {"id": "R4-1", "question": "How to treat gout ?",
     "answer": "Gout attacks are treated with anti-inflammatory medicines and rest.",
     "focus": "Gout", "qtype": "treatment", "source": "ADAM", "third_party_text": True},
]
LQ_QUESTIONS = [
    # The assessors' paraphrase names zinc: if it leaked into the query, R2-1 would win.
    {"qid": "TQ1", "subject": "tired all the time", "message": "could it be low iron anemia?",
     "nist_paraphrase": "What are the symptoms of zinc deficiency?",
     "nlm_summary": "zinc deficiency symptoms"},
    {"qid": "TQ2", "subject": "gout", "message": "what treatment helps a gout attack?",
     "nist_paraphrase": "", "nlm_summary": ""},
]
LQ_QRELS = [
    {"qid": "TQ1", "corpus_id": "R1-1", "grades": [4, 3]},  # judged twice: min 3 counts
    {"qid": "TQ1", "corpus_id": "R2-1", "grades": [1]},
    {"qid": "TQ2", "corpus_id": "R4-1", "grades": [4]},
]


@pytest.fixture
def lq_files(tmp_path: Path) -> dict[str, Path]:
    return {
        "corpus": _jsonl(tmp_path / "medquad" / "corpus.jsonl", LQ_CORPUS),
        "questions": _jsonl(tmp_path / "medquad" / "questions.jsonl", LQ_QUESTIONS),
        "qrels": _jsonl(tmp_path / "medquad" / "qrels.jsonl", LQ_QRELS),
        "library": tmp_path / "lib",
    }


def test_liveqa_end_to_end_uses_subject_and_message_only(lq_files):
    result = run_liveqa(**lq_files, log=lambda _: None)
    assert result.runs["medcite"]["TQ1"][0][0] == "R1-1"
    assert result.runs["bm25"]["TQ1"][0][0] == "R1-1"
    # The third-party record is in the evaluation library and answers TQ2.
    assert result.runs["medcite"]["TQ2"][0][0] == "R4-1"
    m = result.metrics["medcite"]
    # TQ1 top grade min(4, 3) = 3 -> 2; TQ2 grade 4 -> 3: avgScore (2 + 3) / 2
    assert m["avgScore"] == 2.5 and m["MRR@10"] == 1.0 and m["succ@4+"] == 0.5
    assert result.info["best_possible_avgScore"] == 2.5
    assert result.info["baseline_documents"] == 3  # the empty-answer record is no document


def test_liveqa_without_third_party_records(lq_files):
    result = run_liveqa(**lq_files, include_third_party=False, log=lambda _: None)
    assert all(doc != "R4-1" for doc, _ in result.runs["medcite"].get("TQ2", []))
    assert result.metrics["medcite"]["avgScore"] == 1.0  # only TQ1 scores: 2 / 2


def test_cli_eval_nfcorpus_prints_both_systems(nf_files):
    args = ["eval", "nfcorpus", "--corpus", str(nf_files["corpus"]),
            "--queries", str(nf_files["queries"]), "--qrels", str(nf_files["qrels"]),
            "--library", str(nf_files["library"]), "--json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report["metrics"]) == {"medcite", "bm25"}
    assert report["metrics"]["medcite"]["queries"] == 3


def test_cli_bad_input_is_one_line(tmp_path: Path):
    runner = CliRunner()
    result = runner.invoke(main, ["eval", "nfcorpus", "--corpus", str(tmp_path / "none.jsonl"),
                                  "--queries", str(tmp_path / "q.jsonl"),
                                  "--qrels", str(tmp_path / "dev.tsv")])
    assert result.exit_code == 2
    assert result.output.strip().startswith("Error:") and "dev.tsv" in result.output
    assert "Traceback" not in result.output
    bad = runner.invoke(main, ["eval", "liveqa", "--search-arg", "oops"])
    assert bad.exit_code == 2 and "expected KEY=VALUE" in bad.output


# -- run files and loaders -----------------------------------------------------------------


def test_run_file_round_trip(tmp_path: Path):
    run = {"q1": [("d7", 2.5), ("d3", 1.0), ("d9", 1.0)], "q2": [("MED-10", -0.25)]}
    path = tmp_path / "sub" / "x.run"
    write_run(run, path, tag="medcite")
    lines = path.read_text().splitlines()
    assert lines[0] == "q1 Q0 d7 1 2.500000 medcite"
    assert lines[3] == "q2 Q0 MED-10 1 -0.250000 medcite"
    assert read_run(path) == run


def test_read_run_orders_by_rank_and_refuses_bad_lines(tmp_path: Path):
    path = tmp_path / "r.run"
    path.write_text("q Q0 b 2 1.0 t\nq Q0 a 1 2.0 t\n")
    assert read_run(path) == {"q": [("a", 2.0), ("b", 1.0)]}
    path.write_text("q Q0 a 1\n")
    with pytest.raises(MedciteError, match=r"r.run:1"):
        read_run(path)


def test_write_run_refuses_ids_with_spaces(tmp_path: Path):
    with pytest.raises(MedciteError):
        write_run({"q": [("a b", 1.0)]}, tmp_path / "x.run")
    assert not (tmp_path / "x.run").exists()


def test_liveqa_qrels_loader_merges_with_min(tmp_path: Path):
    path = _jsonl(tmp_path / "q.jsonl", [
        {"qid": "Q", "corpus_id": "A", "grades": [3, 2]},
        {"qid": "Q", "corpus_id": "A", "grades": [4]},
        {"qid": "Q", "corpus_id": "B", "grade_min": 4},
    ])
    assert datasets.load_liveqa_qrels(path) == {"Q": {"A": 2, "B": 4}}


def test_loaders_give_one_line_errors(tmp_path: Path):
    broken = tmp_path / "b.jsonl"
    broken.write_text('{"qid": "Q"}\nnot json\n')
    with pytest.raises(MedciteError, match=r"b.jsonl:2"):
        datasets.load_liveqa_questions(broken)
    tsv = tmp_path / "dev.tsv"
    tsv.write_text("query-id\tcorpus-id\tscore\nQ\tD\tlots\n")
    with pytest.raises(MedciteError, match=r"dev.tsv:2"):
        datasets.load_nfcorpus_qrels(tsv)


def test_liveqa_query_text_ignores_other_fields():
    record = {"subject": "Statins?", "message": "do they hurt muscles", "nlm_summary": "X"}
    assert datasets.liveqa_query_text(record) == "Statins? do they hurt muscles"
    assert datasets.liveqa_query_text({"subject": "", "message": "only this"}) == "only this"


def test_data_dir_follows_medcite_shared(tmp_path: Path, monkeypatch):
    (tmp_path / "data" / "nfcorpus").mkdir(parents=True)
    monkeypatch.setenv("MEDCITE_SHARED", str(tmp_path))
    assert datasets.data_dir() == tmp_path / "data"


# -- the real benchmarks (slow: build a library of the whole corpus) ------------------------


@pytest.mark.slow
def test_real_nfcorpus_dev(tmp_path: Path):
    data = shared_path("data", "nfcorpus")
    result = run_nfcorpus(data / "corpus.jsonl", data / "queries.jsonl",
                          data / "qrels" / "dev.tsv", log=lambda _: None)
    assert result.metrics["medcite"]["queries"] == result.metrics["bm25"]["queries"] > 300
    assert 0.2 < result.metrics["bm25"]["nDCG@10"] < 0.4


MQ_RECORDS = [
    {"qid": "1", "split": "validation", "question": "is gout treated with rest?", "answers": [
        {"aid": "1_A1", "reference_score": 4, "url": "u1",
         "text": "Gout (Treatment): Rest the joint and take anti-inflammatory medicine."},
        {"aid": "1_A2", "reference_score": 1,
         "text": "Zinc (Overview): Zinc is a mineral found in meat and shellfish."}]},
    {"qid": "2", "split": "validation", "question": "what foods have zinc", "answers": [
        # The same text graded again for another question is one record, graded per question.
        {"aid": "2_A1", "reference_score": 3,
         "text": "Zinc (Overview): Zinc is a mineral found in meat and shellfish."}]},
]


def test_mediqa_loader_merges_repeated_answers(tmp_path: Path):
    path = _jsonl(tmp_path / "task3_qa_validation.jsonl", MQ_RECORDS)
    queries, qrels, answers = datasets.load_mediqa([path])
    assert [q.qid for q in queries] == ["validation-1", "validation-2"]
    assert [a["id"] for a in answers] == ["validation-1_A1", "validation-1_A2"]
    assert answers[0]["title"] == "Gout (Treatment)" and answers[0]["url"] == "u1"
    assert qrels == {"validation-1": {"validation-1_A1": 4, "validation-1_A2": 1},
                     "validation-2": {"validation-1_A2": 3}}


def test_mediqa_tuning_files_never_name_liveqa():
    assert all("liveqa" not in name for name in datasets.MEDIQA_TUNING_FILES)


def test_mediqa_loader_refuses_ungraded_answers(tmp_path: Path):
    bad = [{"qid": "1", "question": "q", "answers": [{"aid": "a", "text": "T (S): x"}]}]
    with pytest.raises(MedciteError, match="reference_score"):
        datasets.load_mediqa([_jsonl(tmp_path / "bad.jsonl", bad)])


def test_mediqa_end_to_end(tmp_path: Path):
    path = _jsonl(tmp_path / "task3_qa_validation.jsonl", MQ_RECORDS)
    result = run_mediqa([path], tmp_path / "lib", log=lambda _: None)
    assert result.runs["medcite"]["validation-1"][0][0] == "validation-1_A1"
    assert result.runs["medcite"]["validation-2"][0][0] == "validation-1_A2"
    assert result.metrics["medcite"]["avgScore"] == 2.5  # grades 4 and 3 -> 3 and 2


def test_mediqa_with_medquad_distractors_score_zero(tmp_path: Path):
    path = _jsonl(tmp_path / "task3_qa_validation.jsonl", MQ_RECORDS)
    medquad = _jsonl(tmp_path / "medquad" / "corpus.jsonl", LQ_CORPUS)
    result = run_mediqa([path], tmp_path / "lib", with_medquad=medquad, log=lambda _: None)
    assert result.name == "mediqa-medquad"
    assert result.info["baseline_documents"] == 2 + len(
        datasets.load_medquad_documents(medquad, True))
    found = {doc for run in result.runs["medcite"].values() for doc, _ in run}
    assert found & set(datasets.load_medquad_documents(medquad, True))  # distractors searched
    assert set(result.info["by_split"]) == {"validation"}


def test_medquad_twins_take_the_grade_of_the_answer_they_repeat(tmp_path: Path):
    mediqa = _jsonl(tmp_path / "task3_qa_validation.jsonl", MQ_RECORDS)
    medquad = _jsonl(tmp_path / "medquad" / "corpus.jsonl", [
        # the graded Gout answer, as MedQuAD stores it (question kept apart, a word changed)
        {"id": "M1", "question": "How is gout treated?", "answer":
         "Rest the joint and take anti-inflammatory medicine. Raise the joint too."},
        {"id": "M2", "question": "What is zinc?", "answer":
         "Zinc is a mineral found in meat and shellfish."},
        {"id": "M3", "question": "What is gout?", "answer":
         "Gout is a kind of arthritis caused by uric acid crystals in a joint."},
    ])
    _, qrels, answers = datasets.load_mediqa([mediqa])
    twins = datasets.medquad_twins(answers, medquad, threshold=0.5)
    assert twins == {"validation-1_A1": ["M1"], "validation-1_A2": ["M2"]}
    assert datasets.medquad_twins(answers, medquad, threshold=0.9) == {
        "validation-1_A2": ["M2"]}
    graded = datasets.grade_twins(qrels, twins)
    # each question's grade travels with the text: zinc is 1 for gout, 3 for the zinc question
    assert graded == {"validation-1": {"validation-1_A1": 4, "validation-1_A2": 1,
                                       "M1": 4, "M2": 1},
                      "validation-2": {"validation-1_A2": 3, "M2": 3}}


def test_seed_vector_cache_copies_and_skips_known(tmp_path: Path):
    import sqlite3

    from medcite.evaluate.runner import seed_vector_cache

    donor = tmp_path / "donor"
    (donor / "index" / "dense").mkdir(parents=True)
    db = sqlite3.connect(donor / "index" / "dense" / "cache.db")
    db.execute("CREATE TABLE vectors (key TEXT PRIMARY KEY, vec BLOB)")
    db.executemany("INSERT INTO vectors VALUES (?, ?)", [("a", b"1"), ("b", b"2")])
    db.commit()
    db.close()
    assert seed_vector_cache(tmp_path / "lib", [donor, tmp_path / "missing"]) == 2
    assert seed_vector_cache(tmp_path / "lib", [donor]) == 0
