"""TREC run files: one line per retrieved document, ``qid Q0 docid rank score tag``.

This is the format trec_eval and pytrec_eval read (TREC ad hoc track guidelines): fields are
separated by whitespace, ranks start at 1, and a higher score is better.

>>> import io
>>> buf = io.StringIO()
>>> write_run({"q1": [("d7", 2.5), ("d3", 1.0)]}, buf, tag="medcite")
>>> print(buf.getvalue(), end="")
q1 Q0 d7 1 2.500000 medcite
q1 Q0 d3 2 1.000000 medcite
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from ..errors import MedciteError

Ranked = Sequence[tuple[str, float]]  # (doc id, score), best first


def write_run(run: Mapping[str, Ranked], out: TextIO | str | Path, tag: str = "medcite") -> None:
    """Write a run; queries in the given order, documents in rank order."""
    if any(c.isspace() for c in tag) or not tag:
        raise MedciteError(f"run tag {tag!r} must be one word")
    if isinstance(out, str | Path):
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write to a temporary name first so a crash never leaves a half-written run file.
        partial = path.with_name(path.name + ".partial")
        with open(partial, "w", encoding="utf-8") as fh:
            write_run(run, fh, tag)
        partial.replace(path)
        return
    for qid, ranked in run.items():
        for rank, (doc, score) in enumerate(ranked, start=1):
            if any(c.isspace() for c in qid + doc):
                raise MedciteError(f"query or document id with whitespace: {qid!r} {doc!r}")
            out.write(f"{qid} Q0 {doc} {rank} {score:.6f} {tag}\n")


def read_run(path: str | Path) -> dict[str, list[tuple[str, float]]]:
    """Read a run file back: qid -> [(doc, score)] ordered by rank (ties keep file order)."""
    path = Path(path)
    if not path.is_file():
        raise MedciteError(f"{path}: no such run file")
    rows: dict[str, list[tuple[int, int, str, float]]] = {}
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 6:
                raise MedciteError(f"{path}:{number}: expected 'qid Q0 docid rank score tag'")
            qid, _, doc, rank, score, _tag = parts
            try:
                rows.setdefault(qid, []).append((int(rank), number, doc, float(score)))
            except ValueError:
                raise MedciteError(f"{path}:{number}: rank and score must be numbers") from None
    return {qid: [(doc, score) for _, _, doc, score in sorted(items)]
            for qid, items in rows.items()}


def doc_ids(run: Mapping[str, Ranked]) -> dict[str, list[str]]:
    """Drop the scores: qid -> ranked doc ids, the shape `medcite.metrics` takes."""
    return {qid: [doc for doc, _ in ranked] for qid, ranked in run.items()}
