"""Where the benchmark data lives, and loaders for its queries and relevance judgments.

The data is read at run time from the shared data folder (never copied into the repository):
``$MEDCITE_SHARED/data`` when that variable is set, else ``../shared/data`` next to the checkout,
else ``../shared/data`` relative to the working directory.

>>> qrels = load_nfcorpus_qrels(data_dir() / "nfcorpus/qrels/dev.tsv")   # doctest: +SKIP
>>> len(qrels)                                                            # doctest: +SKIP
324
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import MedciteError
from ..metrics import merge_duplicate_judgments

_REPO = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """The shared benchmark data folder; MedciteError naming the places tried when absent."""
    tried: list[Path] = []
    env = os.environ.get("MEDCITE_SHARED")
    if env:
        base = Path(env).expanduser()
        tried += [base / "data", base]
    tried += [_REPO.parent / "shared" / "data", Path.cwd().parent / "shared" / "data"]
    for path in tried:
        if (path / "README.md").exists() or (path / "medquad").is_dir() \
                or (path / "nfcorpus").is_dir():
            return path
    raise MedciteError(
        "benchmark data not found (tried " + ", ".join(str(p) for p in tried)
        + "); set MEDCITE_SHARED or pass the paths as options"
    )


def default_path(*parts: str) -> Path:
    """A file under the shared data folder, e.g. ``default_path("nfcorpus", "corpus.jsonl")``."""
    return data_dir().joinpath(*parts)


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Records of a JSONL file; MedciteError with the line number on a broken line."""
    path = Path(path)
    if not path.is_file():
        raise MedciteError(f"{path}: no such file")
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise MedciteError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise MedciteError(f"{path}:{number}: expected a JSON object")
            yield record


@dataclass
class Query:
    """One benchmark query: its id and the exact text the system is given."""

    qid: str
    text: str


# -- LiveQA-Med (TREC 2017) ------------------------------------------------------------------


def liveqa_query_text(record: dict[str, Any]) -> str:
    """What the person typed: `subject` and `message` only (the paraphrase and summary were
    written by assessors and are not available to a system).

    >>> liveqa_query_text({"subject": "Gout", "message": "is it inherited?"})
    'Gout. is it inherited?'
    """
    subject = str(record.get("subject") or "").strip()
    message = str(record.get("message") or "").strip()
    if subject and message:
        # A full stop lets query understanding see the subject as its own sentence.
        sep = " " if subject[-1] in ".?!:" else ". "
        return subject + sep + message
    return subject or message


def load_liveqa_questions(path: Path) -> list[Query]:
    """The questions of a LiveQA JSONL file, in file order."""
    queries = []
    for record in read_jsonl(path):
        if "qid" not in record:
            raise MedciteError(f"{path}: a question has no 'qid'")
        queries.append(Query(str(record["qid"]), liveqa_query_text(record)))
    if not queries:
        raise MedciteError(f"{path}: no questions")
    return queries


def load_liveqa_qrels(path: Path) -> dict[str, dict[str, int]]:
    """qid -> MedQuAD record id -> grade (1-4), every duplicate judgment merged with min."""
    triples = []
    for record in read_jsonl(path):
        try:
            qid, doc = str(record["qid"]), str(record["corpus_id"])
            grades = record.get("grades") or [record["grade_min"]]
            triples += [(qid, doc, int(g)) for g in grades]
        except (KeyError, TypeError, ValueError):
            raise MedciteError(
                f"{path}: a judgment lacks qid, corpus_id or integer grades: {record!r:.120}"
            ) from None
    return merge_duplicate_judgments(triples)


def load_medquad_documents(path: Path, include_third_party: bool = True) -> dict[str, str]:
    """MedQuAD record id -> question + answer text, for records that have an answer.

    Records without answer text (removed by the MedQuAD authors for copyright) cannot be an
    answer and are left out; `third_party_text` records only when `include_third_party`.
    """
    docs = {}
    for record in read_jsonl(path):
        answer = str(record.get("answer") or "").strip()
        if not answer or (record.get("third_party_text") and not include_third_party):
            continue
        docs[str(record["id"])] = f"{record.get('question') or ''}\n{answer}"
    return docs


# -- NFCorpus (BEIR) -------------------------------------------------------------------------


def load_nfcorpus_qrels(path: Path) -> dict[str, dict[str, int]]:
    """qid -> doc id -> graded relevance, from a BEIR qrels TSV (header line skipped)."""
    path = Path(path)
    if not path.is_file():
        raise MedciteError(f"{path}: no such file")
    qrels: dict[str, dict[str, int]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for number, row in enumerate(csv.reader(fh, delimiter="\t"), start=1):
            if not row or (number == 1 and row[0] == "query-id"):
                continue
            try:
                qid, doc, score = row[0], row[1], int(row[2])
            except (IndexError, ValueError):
                raise MedciteError(f"{path}:{number}: expected query-id, corpus-id, score")\
                    from None
            qrels.setdefault(qid, {})[doc] = score
    return qrels


def load_beir_queries(path: Path, qids: set[str] | None = None) -> list[Query]:
    """BEIR queries (`_id`, `text`), keeping only `qids` when given, in file order."""
    queries = [Query(str(r["_id"]), str(r.get("text") or "")) for r in read_jsonl(path)
               if qids is None or str(r["_id"]) in qids]
    if not queries:
        raise MedciteError(f"{path}: no queries matched the judged query ids")
    return queries


def load_beir_documents(path: Path) -> dict[str, str]:
    """BEIR corpus id -> title + text."""
    return {str(r["_id"]): f"{r.get('title') or ''}\n{r.get('text') or ''}"
            for r in read_jsonl(path)}


# -- MEDIQA 2019 task 3 (answer ranking), used as a tuning set -------------------------------

# The `train_liveqa` file holds the 104 TREC LiveQA-2017 test questions, i.e. the LiveQA
# acceptance questions and the sealed half: it is never read. Alexa and validation are disjoint.
MEDIQA_TUNING_FILES = ("task3_qa_train_alexa.jsonl", "task3_qa_validation.jsonl")


def split_answer_heading(text: str) -> tuple[str, str]:
    """MEDIQA answers start with their page and section, ``"Title (Section): text"``.

    >>> split_answer_heading("Gout (Treatment): Rest the joint. Ice: helps.")
    ('Gout (Treatment)', 'Rest the joint. Ice: helps.')
    >>> split_answer_heading("No heading here")
    ('', 'No heading here')
    """
    head, sep, rest = text.partition(": ")
    if not sep or len(head) > 200 or "\n" in head or not rest.strip():
        return "", text.strip()
    return head.strip(), rest.strip()


def load_mediqa(paths: list[Path]) -> tuple[list[Query], dict[str, dict[str, int]],
                                             list[dict[str, str]]]:
    """MEDIQA task 3 files -> (queries, qid -> answer id -> grade 1-4, answer records).

    Query and answer ids get the file's split as a prefix (``validation-3``), since files reuse
    ids. Each answer record has ``id``, ``title`` (its "Title (Section)" heading) and ``text``.
    The same answer text retrieved for several questions is one record (the id of its first
    copy), so finding it for either question counts; a pair graded twice keeps the lower grade.
    """
    queries, qrels, answers = [], {}, []
    first: dict[tuple[str, str], str] = {}
    for path in paths:
        for record in read_jsonl(path):
            split = str(record.get("split") or Path(path).stem).replace("_", "-")
            if "qid" not in record:
                raise MedciteError(f"{path}: a record has no qid")
            qid = f"{split}-{record['qid']}"
            queries.append(Query(qid, str(record.get("question") or "")))
            for answer in record.get("answers") or []:
                title, text = split_answer_heading(str(answer.get("text") or ""))
                if not text:
                    continue
                key = (title, text)
                if key not in first:
                    first[key] = f"{split}-{answer.get('aid') or len(first)}"
                    answers.append({"id": first[key], "title": title, "text": text,
                                    "url": str(answer.get("url") or "")})
                aid = first[key]
                try:
                    grade = int(answer["reference_score"])
                except (KeyError, TypeError, ValueError):
                    raise MedciteError(f"{path}: question {record['qid']} answer "
                                       f"{answer.get('aid')} has no reference_score") from None
                judged = qrels.setdefault(qid, {})
                judged[aid] = min(grade, judged.get(aid, grade))
    if not queries:
        raise MedciteError("no MEDIQA questions found")
    return queries, qrels, answers


def _shingles(words: Sequence[str], n: int = 5) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(words[i:i + n]) for i in range(max(1, len(words) - n + 1)))


def medquad_twins(answers: Sequence[dict[str, str]], corpus: Path,
                  threshold: float = 0.8) -> dict[str, list[str]]:
    """MEDIQA answer id -> ids of the MedQuAD records that carry the same answer text.

    MEDIQA's graded answers were retrieved from the same NIH pages MedQuAD was built from, so
    many are a MedQuAD answer word for word (or nearly: a line break, a trimmed sentence). When
    MedQuAD records are distractors, finding the twin of a graded answer is finding that answer,
    so it deserves the answer's grade, not the 0 of an unjudged record. Twins are the records
    whose answer (without the question MedQuAD puts first) has a word 5-gram Jaccard similarity
    of at least `threshold` with the MEDIQA text; candidates share the first or last eight words.

    >>> import json, tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "c.jsonl").write_text(json.dumps({"id": "Q1", "question": "What is gout?",
    ...     "answer": "Gout flares when urate crystals settle in a joint and make it hot."}))
    >>> medquad_twins([{"id": "a1", "text": "Gout flares when urate crystals settle in a "
    ...     "joint and make it hot."}], folder / "c.jsonl")
    {'a1': ['Q1']}
    """
    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9]+", text.lower())

    by_end: dict[tuple[str, ...], list[tuple[str, list[str]]]] = {}
    for record in read_jsonl(corpus):
        w = words(str(record.get("answer") or ""))
        if len(w) < 8:
            continue
        entry = (str(record["id"]), w)
        for key in {("<", *w[:8]), (">", *w[-8:])}:
            by_end.setdefault(key, []).append(entry)
    twins: dict[str, list[str]] = {}
    for answer in answers:
        w = words(answer["text"])
        if len(w) < 8:
            continue
        mine = _shingles(w)
        seen: set[str] = set()
        for key in (("<", *w[:8]), (">", *w[-8:])):
            for rid, other in by_end.get(key, []):
                if rid in seen:
                    continue
                seen.add(rid)
                theirs = _shingles(other)
                if len(mine & theirs) >= threshold * len(mine | theirs):
                    twins.setdefault(answer["id"], []).append(rid)
    return twins


def grade_twins(judgments: dict[str, dict[str, int]],
                twins: dict[str, list[str]]) -> dict[str, dict[str, int]]:
    """Judgments with each graded answer's twins given its grade (the lower grade when a record
    twins two graded answers of one question; a record's own judgment is kept).

    >>> grade_twins({"q": {"a": 4, "b": 2}}, {"a": ["R"], "b": ["R", "S"]})
    {'q': {'a': 4, 'b': 2, 'R': 2, 'S': 2}}
    """
    out = {}
    for qid, graded in judgments.items():
        extra: dict[str, int] = {}
        for aid, grade in graded.items():
            for rid in twins.get(aid, ()):
                if rid not in graded:
                    extra[rid] = min(grade, extra.get(rid, grade))
        out[qid] = {**graded, **extra}
    return out
