"""Answer-level checks over the LiveQA development questions on the MedQuAD library.

For every question (subject + message, what the person typed) the answer is made twice, for a
patient and for a clinician, and checked against issue 4's acceptance criteria:

- contract: the JSON validates against medcite/data/answer.schema.json;
- numbers: every number of every sentence occurs in a passage the sentence cites (read back
  from the store, not from the answer);
- top-cited passage of the bottom line (the passage quoted most often there, first one on a
  tie): the expert grade of its MedQuAD record (1-4; two judgments merged with min, as the
  LiveQA metrics do); success = grade >= 3, over the questions whose answer has a bottom line.
  Counted on the clinician rendering, which shows the writer's sentences as selected: a patient
  rendering cuts one sentence into several lines (a list into its items), and counting those
  lines would make a passage "more cited" for being cut up. The patient-rendering count is
  reported beside it (`top_cited_grade3_patient_rendering`);
- reading grade: median Flesch-Kincaid of patient and clinician wording, and whether the two
  renderings state the same numbers and negations;
- latency of each warm `ask`.

>>> summary = evaluate_answers(Medcite.open("~/.cache/medcite/eval/medquad"))  # doctest: +SKIP
>>> summary["top_cited_grade3_rate"] >= 0.5                                     # doctest: +SKIP
True
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import MedciteError
from .grounding import negations, numbers
from .metrics import percentile
from .models import Answer
from .writers.extractive import is_help


def evaluate_answers(app: Any, questions: Path | None = None, qrels: Path | None = None,
                     limit: int | None = None, k: int = 20,
                     log: Callable[[str], None] = print) -> dict[str, Any]:
    """Run the checks of the module docstring; returns a summary and one row per question."""
    from .evaluate import datasets

    schema = _schema()
    questions = questions or datasets.default_path("medquad", "liveqa_dev_questions.jsonl")
    qrels = qrels or datasets.default_path("medquad", "liveqa_dev_qrels.jsonl")
    todo = datasets.load_liveqa_questions(questions)[:limit]
    judged = datasets.load_liveqa_qrels(qrels)
    return _evaluate(app, schema, todo, judged, k, log)


def evaluate_answers_mediqa(app: Any, files: list[Path] | None = None, limit: int | None = None,
                            k: int = 20, log: Callable[[str], None] = print) -> dict[str, Any]:
    """The same checks on the MEDIQA-2019 Alexa + validation questions (the tuning set).

    `app` is the library of their graded answers that `medcite eval mediqa` builds
    (``~/.cache/medcite/eval/mediqa``); never the LiveQA questions of ``train_liveqa``. Besides
    the writer's top-cited passage, it reports for comparison the grade of retrieval's own
    rank-1 passage and of the first passage the writer may quote (rank-1 of the on-topic hits):
    a writer that cites worse than that first passage is choosing badly.

    >>> evaluate_answers_mediqa(Medcite.open("~/.cache/medcite/eval/mediqa"))  # doctest: +SKIP
    """
    from .evaluate import datasets

    schema = _schema()
    files = files or [datasets.default_path("mediqa2019", name)
                      for name in datasets.MEDIQA_TUNING_FILES]
    if any("liveqa" in Path(f).name for f in files):
        raise MedciteError("the MEDIQA train_liveqa file holds LiveQA test questions; not a "
                           "tuning file")
    queries, judged, _ = datasets.load_mediqa([Path(f) for f in files])
    result = _evaluate(app, schema, queries[:limit], judged, k, log, baselines=True)
    rows = [r for r in result["rows"] if r.get("top_cited")]
    for name in ("retrieval_top1", "on_topic_top1"):
        good = sum((r.get(f"{name}_grade") or 0) >= 3 for r in rows)
        result["summary"][f"{name}_grade3"] = good
        result["summary"][f"{name}_grade3_rate"] = round(good / len(rows), 4) if rows else 0.0
    return result


def _schema() -> dict[str, Any]:
    try:
        import jsonschema  # noqa: F401
    except ImportError:
        raise MedciteError("answer evaluation needs jsonschema (pip install 'medcite[test]')") \
            from None
    return json.loads((resources.files("medcite") / "data" / "answer.schema.json").read_text())


def _evaluate(app: Any, schema: dict[str, Any], todo: list[Any],
              judged: dict[str, dict[str, int]], k: int, log: Callable[[str], None],
              baselines: bool = False) -> dict[str, Any]:
    import jsonschema

    rows, timings = [], []
    for i, query in enumerate(todo, start=1):
        row: dict[str, Any] = {"qid": query.qid, "has_grade3": any(
            g >= 3 for g in judged.get(query.qid, {}).values())}
        for audience in ("patient", "clinician"):
            started = time.perf_counter()
            answer = app.ask(query.text, audience=audience, k=k)
            timings.append(time.perf_counter() - started)
            data = answer.to_dict()
            errors = sorted(e.message[:120] for e in
                            jsonschema.Draft202012Validator(schema).iter_errors(data))
            have, missing = _numbers_in_cited_passages(app, answer)
            row[audience] = {
                "abstained": answer.abstained, "schema_errors": errors,
                "numbers": have + missing, "numbers_missing": missing,
                "reading_grade": answer.reading_grade,
                "numbers_said": sorted(Counter(n for c in answer.claims()
                                               for n in numbers(c.text)).elements()),
                "negations_said": sorted(Counter(w for c in answer.claims()
                                                 for w in negations(c.text)).elements()),
                # "Where sources differ" sets the sides of a conflict side by side on purpose
                "repeated_claims": repeated_claims([c.text for s in answer.sections
                                                    if s.id != "where_sources_differ"
                                                    for c in s.items]),
                "care_instructions": sum(is_help(c.text) for c in answer.claims()),
            }
            if audience == "patient":
                row["top_cited_patient"], row["grade_patient"] = _top_cited_grade(
                    app, answer, judged.get(query.qid, {}))
            else:
                row["top_cited"], row["grade"] = _top_cited_grade(app, answer,
                                                                  judged.get(query.qid, {}))
                if baselines:
                    row.update(_baseline_grades(app, query.text, k, judged.get(query.qid, {})))
        rows.append(row)
        if i % 10 == 0:
            log(f"  {i}/{len(todo)} questions")
    return {"summary": _summarise(rows, timings), "rows": rows}


def repeated_claims(texts: list[str]) -> int:
    """Pairs of claims in one answer where one restates the other (`grounding.restates`: one
    claim's content words, two or more, nearly all in the other, with the same negations). A
    claim quoted twice counts too.

    >>> repeated_claims(["Dementia is not a specific disease.", "It is not a specific disease.",
    ...                  "Memory loss alone does not mean dementia."])
    1
    """
    from .grounding import restates, terms

    said = [(terms(t), negations(t)) for t in texts]
    return sum(restates(*a, *b) or restates(*b, *a)
               for i, a in enumerate(said) for b in said[i + 1:])


def _numbers_in_cited_passages(app: Any, answer: Answer) -> tuple[int, int]:
    refs = {r.n: r for r in answer.references}
    have = missing = 0
    for claim in answer.claims():
        ids = [q.passage_id for n in claim.citations if n in refs for q in refs[n].passages]
        pool = set(numbers(" ".join(p.text for p in app.store.passages(ids))))
        for x in numbers(claim.text):
            if x in pool:
                have += 1
            else:
                missing += 1
    return have, missing


def _top_cited_grade(app: Any, answer: Answer,
                     grades: dict[str, int]) -> tuple[str | None, int | None]:
    bottom = answer.section("bottom_line")
    if bottom is None:
        return None, None
    counts = Counter(q.passage_id for c in bottom.items for q in c.quotes)
    first = {}
    for c in bottom.items:
        for q in c.quotes:
            first.setdefault(q.passage_id, len(first))
    top = max(counts, key=lambda pid: (counts[pid], -first[pid]))
    record = _record(app.store.passages([top])[0])
    return record, grades.get(record)


def _record(passage: Any) -> str:
    return passage.source_id.split(":", 1)[-1]


def _baseline_grades(app: Any, question: str, k: int,
                     grades: dict[str, int]) -> dict[str, Any]:
    """Grades of retrieval's rank-1 passage and of the first on-topic one (what ask may quote)."""
    from .answer import analyze, retrieve
    from .grounding import has_evidence

    analysis = analyze(question, app.settings.home)
    hits = retrieve(app, analysis, k)
    out: dict[str, Any] = {"retrieval_top1_grade": None, "on_topic_top1_grade": None}
    if hits:
        out["retrieval_top1_grade"] = grades.get(_record(hits[0].passage))
        supported = set(has_evidence(analysis.question, hits, analysis).supporting)
        on_topic = [h for h in hits if h.passage.id in supported]
        if on_topic:
            out["on_topic_top1_grade"] = grades.get(_record(on_topic[0].passage))
    return out


def _summarise(rows: list[dict[str, Any]], timings: list[float]) -> dict[str, Any]:
    with_bottom = [r for r in rows if r.get("top_cited")]
    graded = [r for r in with_bottom if r["grade"] is not None]
    good = [r for r in with_bottom if (r["grade"] or 0) >= 3]
    possible = [r for r in rows if r.get("has_grade3")]
    both = [r for r in rows if not r["patient"]["abstained"] and not r["clinician"]["abstained"]]
    pat = [r["patient"]["reading_grade"] for r in both if r["patient"]["reading_grade"]]
    cli = [r["clinician"]["reading_grade"] for r in both if r["clinician"]["reading_grade"]]
    total_numbers = sum(r[a]["numbers"] for r in rows for a in ("patient", "clinician"))
    missing = sum(r[a]["numbers_missing"] for r in rows for a in ("patient", "clinician"))
    ms = [t * 1000 for t in timings]
    return {
        "questions": len(rows),
        "schema_valid_answers": sum(not r[a]["schema_errors"] for r in rows
                                    for a in ("patient", "clinician")),
        "answers": 2 * len(rows),
        "abstained_patient": sum(r["patient"]["abstained"] for r in rows),
        "numbers": total_numbers,
        "numbers_in_cited_passage_rate": (1.0 if total_numbers == 0 else
                                          round((total_numbers - missing) / total_numbers, 4)),
        "with_bottom_line": len(with_bottom),
        "top_cited_judged": len(graded),
        "top_cited_grade3": len(good),
        "top_cited_grade3_rate": round(len(good) / len(with_bottom), 4) if with_bottom else 0.0,
        # The other reading of the check's "questions that have one": those with a judged
        # answer of grade >= 3 in the pool (the questions where a grade-3 citation is possible).
        "questions_with_grade3_answer": len(possible),
        "top_cited_grade3_patient_rendering": sum(
            1 for r in rows if (r.get("grade_patient") or 0) >= 3),
        "top_cited_grade3_of_possible": round(sum(1 for r in good if r["has_grade3"])
                                              / len(possible), 4) if possible else 0.0,
        "median_fk_patient": round(statistics.median(pat), 2) if pat else None,
        "median_fk_clinician": round(statistics.median(cli), 2) if cli else None,
        "same_numbers_and_negations": sum(
            r["patient"]["numbers_said"] == r["clinician"]["numbers_said"]
            and r["patient"]["negations_said"] == r["clinician"]["negations_said"]
            for r in both),
        "compared_pairs": len(both),
        # answers (either audience) in which one claim restates another
        "answers_with_repeats": sum(r[a].get("repeated_claims", 0) > 0 for r in rows
                                    for a in ("patient", "clinician")),
        "repeated_claim_pairs": sum(r[a].get("repeated_claims", 0) for r in rows
                                    for a in ("patient", "clinician")),
        # claims telling the reader to get care (`is_help`), and the patient answers that say
        # fewer of them than the clinician answer to the same question (the facts must not
        # differ between audiences, and "call your doctor if..." is one of them)
        "care_instructions_clinician": sum(r["clinician"].get("care_instructions", 0)
                                           for r in rows),
        "care_instructions_patient": sum(r["patient"].get("care_instructions", 0) for r in rows),
        "patient_answers_with_fewer_care_instructions": sum(
            r["patient"].get("care_instructions", 0) < r["clinician"].get("care_instructions", 0)
            for r in both),
        "ask_p50_ms": round(percentile(ms, 50), 1) if ms else None,
        "ask_p95_ms": round(percentile(ms, 95), 1) if ms else None,
    }
