"""Quality is not bought with special cases: no benchmark question, id or answer is in the code.

Every file medcite ships (code, vocabularies, rules, templates) is cut into runs of
`RUN` consecutive words; no run may also occur in a benchmark question (LiveQA dev, MEDIQA Alexa + validation,
NFCorpus queries) or in a MedQuAD answer (runs of `ANSWER_RUN`). Runs of
eight words are long enough that shared medical phrasing ("what are the symptoms of") does not
trip it, and short enough that a pasted sentence of a question does. The benchmark files are read at run time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from conftest import REPO, shared_path

from medcite.evaluate import datasets

RUN = 8
ANSWER_RUN = 12
_WORD = re.compile(r"[a-z0-9]+")
# The shipped package, minus what is not text we wrote by hand: the learned detector's weights
# are word pieces of our own triage set, fitted by medcite.triage_model.
SKIP = {"detector.json"}


def _runs(text: str, n: int = RUN) -> Iterator[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    for i in range(len(words) - n + 1):
        yield tuple(words[i:i + n])


def _shipped_runs(n: int = RUN) -> dict[tuple[str, ...], str]:
    out: dict[tuple[str, ...], str] = {}
    for path in sorted((REPO / "medcite").rglob("*")):
        if not path.is_file() or path.name in SKIP or path.suffix in (".pyc", ".png", ".ico"):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for run in _runs(text, n):
            out.setdefault(run, str(path.relative_to(REPO)))
    return out


def _read_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _overlaps(texts: Iterable[tuple[str, str]], shipped: dict, n: int = RUN) -> list[str]:
    found = []
    for label, text in texts:
        for run in _runs(text, n):
            if run in shipped:
                found.append(f"{label}: '{' '.join(run)}' is in {shipped[run]}")
                break
    return found


def test_runs_are_word_windows():
    assert list(_runs("One two three", 2)) == [("one", "two"), ("two", "three")]
    assert list(_runs("too short", 3)) == []


def test_no_benchmark_question_is_in_the_shipped_files():
    liveqa = shared_path("data", "medquad", "liveqa_dev_questions.jsonl")
    mediqa = shared_path("data", "mediqa2019")
    nfcorpus = shared_path("data", "nfcorpus")
    questions: list[tuple[str, str]] = []
    for r in _read_jsonl(liveqa):
        questions.append((r["qid"], f"{r.get('subject') or ''}. {r.get('message') or ''}"))
    # MEDIQA's tuning files only: its train_liveqa file repeats the LiveQA test questions,
    # whose sealed half is not ours to read (datasets.MEDIQA_TUNING_FILES).
    for name in datasets.MEDIQA_TUNING_FILES:
        path = mediqa / name
        questions += [(f"{name}:{r.get('qid')}", str(r.get("question") or ""))
                      for r in _read_jsonl(path)]
    for path in sorted(nfcorpus.rglob("queries*.jsonl")):
        questions += [(f"nfcorpus:{r.get('_id')}", str(r.get("text") or ""))
                      for r in _read_jsonl(path)]
    assert len(questions) > 100
    shipped = _shipped_runs()
    assert _overlaps(questions, shipped) == []
    # nor a LiveQA question id (TQ1 ... TQ104) as a word
    ids = re.compile(r"\bTQ\d{1,3}\b")
    hits = [p for p in (REPO / "medcite").rglob("*.py") if ids.search(p.read_text("utf-8"))]
    assert hits == []


def test_no_medquad_answer_is_in_the_shipped_files():
    # Twelve words here (as for the starter notes against the seeds): at eight, the names of
    # the NIH institutes and everyday phrases ("hard to fall asleep or stay asleep") meet.
    corpus = shared_path("data", "medquad", "corpus.jsonl")
    shipped = _shipped_runs(ANSWER_RUN)
    answers = ((str(r.get("id")), str(r.get("answer") or "")) for r in _read_jsonl(corpus))
    assert _overlaps(answers, shipped, ANSWER_RUN) == []
