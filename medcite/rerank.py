"""Feature reranking of fused candidates. Pure functions; the weights are settings.

No cross-encoder ships with its weights on PyPI (see docs/benchmarks.md), so the rerank stage
adds three cheap, explainable features to the fused score (scaled to 0-1 by the best
score fusion could give):

- focus match: the share of the question's focus entities named in the title or section heading
  (a passage *about* magnesium beats one that mentions it in passing);
- question-type match: the section heading asks the same kind of question ("How is X treated?"
  for a treatment question);
- evidence prior: stronger evidence types first, a small nudge (EvidenceType.rank);
- focus-and-type match: focus x qtype, i.e. the heading asks the reader's question *about the
  reader's topic*. This is the cheap form of question-entailment retrieval (Ben Abacha &
  Demner-Fushman 2019, "A question-entailment approach to question answering", BMC
  Bioinformatics 20:511), which answers a consumer question with the answer of a library
  question that has the same focus and question type. Alone, a type match lifts every
  "How is X treated?" in the library whatever X is; the conjunction does not.

- heading similarity: cosine between the embedded question and the embedded section heading
  alone. In a QA library the heading is the record's own question, so this is question-to-
  question similarity, the retrieval step of question entailment (same paper); the passage
  vector mixes the heading with the answer's opening and cannot show it.

final = fused / best possible fused + w_focus * focus + w_qtype * qtype + w_evidence * prior
        + w_pair * focus * qtype + w_heading * max(0, heading cosine)

>>> qtype_match("treatment", "What are the treatments for gout?")
1.0
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .models import EvidenceType

# Words a section heading uses when it answers each question type. Written for general English
# health writing (MedlinePlus-style headings, guideline section titles), not for any benchmark.
QTYPE_PATTERNS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.IGNORECASE)
    for name, pattern in {
        "definition": r"\bwhat (is|are)\b|\boverview\b|\bdefinition\b|\babout\b|\bdescription\b",
        "symptoms": r"\bsymptom|\bsigns?\b|\bfeel\b|\bpresentation\b",
        "causes": r"\bcaus|\bwhy\b|\betiolog|\binherit|\bgenetic",
        "treatment": r"\btreat|\btherap|\bmanag|\bcure|\bmedication|\bsurgery\b",
        "prevention": r"\bprevent|\bavoid|\breduce (the )?risk",
        "diagnosis": r"\bdiagnos|\btests?\b|\bscreen|\bexam",
        "dose": r"\bdos(e|age|ing)|\bhow much\b|\bintake\b|\brecommended\b|\ballowance",
        "threshold": r"\blevels?\b|\brange\b|\bnormal\b|\blimit|\btoo (much|high|low)\b",
        "side_effects": r"\bside effect|\badverse\b|\bharm|\bsafe|\brisks? of\b",
        "interactions": r"\binteract|\bwith other (medicines|drugs)\b|\bcombin",
        "risk": r"\brisk|\bwho (gets|is)\b|\bsusceptib|\bhow many people\b|\bfrequen"
                r"|\binherit|\bhereditar|\bgenetic",
        "prognosis": r"\boutlook\b|\bprognos|\bsurviv|\blife expectancy\b|\bcomplication",
        # what a cause leads to: asked of the cause's own page ("does X cause Y?" on X's page)
        "effects": r"\bsymptom|\bsigns?\b|\bcomplication|\boutlook\b|\bprognos|\bside effect"
                   r"|\badverse\b|\blong[- ]term\b|\beffects? (of|on)\b",
        "comparison": r"\bdiffer|\bcompar|\bversus\b|\bvs\.?\b",
    }.items()
}
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class RerankWeights:
    """Weights of the rerank features (settings rerank_focus, rerank_qtype, rerank_evidence)."""

    focus: float = 0.1
    qtype: float = 0.2
    evidence: float = 0.02
    pair: float = 0.0
    heading: float = 0.0


@functools.lru_cache(maxsize=65536)
def _words(text: str) -> frozenset[str]:
    # A crude stem (strip a plural s) so "migraines" in a heading matches the focus "migraine".
    # Cached: a search checks ~150 candidates x every name of every focus entity, and titles,
    # headings and names repeat across searches (uncached: ~20 ms a query on MedQuAD).
    return frozenset(w[:-1] if len(w) > 3 and w.endswith("s") else w
                     for w in _WORD.findall(text.lower()))


def focus_match(focus: Sequence[str | Sequence[str]], title: str, section: str,
                topic: str = "") -> float:
    """Share of focus entities one of whose names has all its words in the title, the section
    heading or `topic` (a record's own focus metadata, e.g. MedQuAD's focus and its synonyms).

    An entity is a name or a list of its names (the reader's words and the medical name), so
    "heart attack" matches a page titled "Heart Attack" and one titled "Myocardial infarction".

    >>> focus_match(["high blood pressure", "salt"], "High Blood Pressure", "Treatments")
    0.5
    >>> focus_match([("myocardial infarction", "heart attack")], "Heart Attack", "")
    1.0
    """
    if not focus:
        return 0.0
    where = _words(title) | _words(section) | _words(topic)
    hits = 0
    for entity in focus:
        names = [entity] if isinstance(entity, str) else entity
        if any(_words(name) and _words(name) <= where for name in names):
            hits += 1
    return hits / len(focus)


def qtype_match(qtype: str, section: str) -> float:
    """1.0 when the section heading answers the question type, else 0.0.

    >>> qtype_match("symptoms", "What are the signs and symptoms of Lyme disease?")
    1.0
    >>> qtype_match("information", "Anything")
    0.0
    """
    pattern = QTYPE_PATTERNS.get(qtype)
    return 1.0 if pattern and section and pattern.search(section) else 0.0


def evidence_prior(evidence_type: EvidenceType) -> float:
    """1.0 for the strongest evidence type, falling linearly to 0.0 for the weakest.

    >>> evidence_prior(EvidenceType.PRACTICE_GUIDELINE), evidence_prior(EvidenceType.UNREVIEWED_WEB)
    (1.0, 0.0)
    """
    return 1.0 - evidence_type.rank / (len(EvidenceType) - 1)


def rerank_score(norm_fused: float, focus: float, qtype: float, prior: float,
                 weights: RerankWeights = RerankWeights(), heading: float = 0.0) -> float:
    """The final score: normalised fused score plus the weighted features.

    >>> rerank_score(0.5, 1.0, 1.0, 0.5, RerankWeights(focus=0.3, qtype=0.2, evidence=0.1))
    1.05
    >>> rerank_score(0.5, 0.5, 1.0, 0.0, RerankWeights(0.0, 0.0, 0.0, pair=0.4))
    0.7
    """
    return round(norm_fused + weights.focus * focus + weights.qtype * qtype
                 + weights.evidence * prior + weights.pair * focus * qtype
                 + weights.heading * heading, 12)
