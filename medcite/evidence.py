"""Decide the evidence type of a source. Rules in order; the first that applies wins.

1. An explicit type from the connector or the file's front matter (`evidence_type:`).
2. PubMed publication types (NLM's controlled list), strongest design first:
   Practice Guideline / Guideline / Consensus Development Conference -> practice guideline;
   Meta-Analysis / Systematic Review -> systematic review; Randomized Controlled Trial
   (and Controlled Clinical Trial, Clinical Trial Phase III/IV, Equivalence/Pragmatic trial)
   -> randomised trial; Observational Study / Comparative Study / Multicenter Study /
   Clinical Trial (phase I/II, uncontrolled) / Validation Study / Evaluation Study /
   Twin Study -> observational study; Case Reports -> case report; Review -> expert overview;
   Editorial / Letter / Comment / News / Interview / Lecture -> expert overview (opinion,
   not primary research: never promoted to a study by the generic rule in 3).
3. MeSH: the check tag `Animals` without `Humans` -> animal or lab study (overrides 2 for
   designs weaker than a systematic review: an animal RCT is still an animal study).
   A PubMed record whose types are all generic ("Journal Article", "English Abstract") ->
   observational study: most such records report primary research on people.
4. Known publishers/collections of consumer health pages (MedlinePlus, NIH institutes'
   consumer pages, CDC, GARD, GHR) -> patient education.
5. Otherwise -> unreviewed web article.
"""

from __future__ import annotations

from collections.abc import Iterable

from .models import EvidenceType, ParsedDocument

_PUBTYPE_RULES: list[tuple[EvidenceType, tuple[str, ...]]] = [
    (EvidenceType.PRACTICE_GUIDELINE, (
        "practice guideline", "guideline", "consensus development conference",
        "consensus development conference, nih",
    )),
    (EvidenceType.SYSTEMATIC_REVIEW, ("meta-analysis", "systematic review", "network meta-analysis")),
    (EvidenceType.RANDOMIZED_TRIAL, (
        "randomized controlled trial", "controlled clinical trial", "clinical trial, phase iii",
        "clinical trial, phase iv", "equivalence trial", "pragmatic clinical trial",
    )),
    (EvidenceType.OBSERVATIONAL_STUDY, (
        "observational study", "comparative study", "multicenter study", "clinical trial",
        "clinical trial, phase i", "clinical trial, phase ii", "validation study",
        "evaluation study", "twin study", "clinical study",
    )),
    (EvidenceType.CASE_REPORT, ("case reports",)),
    (EvidenceType.EXPERT_OVERVIEW, ("review", "scientific integrity review", "overview")),
    (EvidenceType.EXPERT_OVERVIEW, ("editorial", "letter", "comment", "news",
                                    "newspaper article", "interview", "lecture", "address")),
]

# Publishers / collection names whose pages are written for patients (rule 4). Matched as
# lower-case substrings of the publisher or collection.
PATIENT_EDUCATION_PUBLISHERS = (
    "medlineplus", "nih", "national institute", "niddk", "nhlbi", "ninds", "nci", "cancer.gov",
    "cdc", "gard", "genetic and rare diseases", "ghr", "genetics home reference", "nlm",
    "medquad", "national library of medicine", "womenshealth.gov", "healthfinder",
)


def from_publication_types(pub_types: Iterable[str]) -> EvidenceType | None:
    """Evidence type for a list of PubMed publication types, or None if none is telling.

    >>> from_publication_types(["Journal Article", "Randomized Controlled Trial"]).value
    'randomized_trial'
    """
    lowered = {p.strip().lower() for p in pub_types}
    for etype, names in _PUBTYPE_RULES:
        if lowered.intersection(names):
            return etype
    return None


def is_animal_only(mesh_headings: Iterable[str]) -> bool:
    """True when MeSH says Animals and not Humans (NLM check tags)."""
    names = {m.strip().lower() for m in mesh_headings}
    return "animals" in names and "humans" not in names


def classify(doc: ParsedDocument) -> EvidenceType:
    """Apply the rules above to a parsed document."""
    if doc.evidence_type is not None:
        return doc.evidence_type
    meta = doc.metadata
    by_design = from_publication_types(meta.get("publication_types", []))
    if is_animal_only(meta.get("mesh", [])) and (
        by_design is None or by_design.rank > EvidenceType.SYSTEMATIC_REVIEW.rank
    ):
        return EvidenceType.ANIMAL_LAB_STUDY
    if by_design is not None:
        return by_design
    if meta.get("publication_types"):  # a journal article of no telling type
        return EvidenceType.OBSERVATIONAL_STUDY if doc.pmid else EvidenceType.UNREVIEWED_WEB
    where = f"{doc.publisher} {doc.collection}".lower()
    if any(name in where for name in PATIENT_EDUCATION_PUBLISHERS):
        return EvidenceType.PATIENT_EDUCATION
    return EvidenceType.UNREVIEWED_WEB
