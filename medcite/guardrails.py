"""Safe-answer guardrails: personal doses, stopping or replacing a prescribed treatment.

medcite answers with guideline values and their citations; it never writes a personal
prescription. `check(question)` finds questions that ask for one ("how much should I take",
"can I give my 3 year old 5 ml", "can I stop my blood pressure pills", "replace metformin with
cinnamon") and returns a `Guardrail` for each, with a fixed "talk to your clinician" line that the
answer shows next to its cited values. `disclaimer(status)` gives the banner for a review state.

>>> [g.kind for g in check("Can I stop my blood pressure pills?")]
['stop_treatment']
>>> disclaimer("draft").startswith("Educational use; pending human review")
True
"""

from __future__ import annotations

import re

from .models import ArticleState, Guardrail

__all__ = ["MESSAGES", "check", "disclaimer"]

MESSAGES = {
    "personal_dose": (
        "Talk to your clinician or pharmacist about the right dose for you or your child: it "
        "depends on age, weight, other medicines and health conditions. The values shown are "
        "general guidance from the cited sources, not a personal prescription."),
    "stop_treatment": (
        "Talk to your clinician before stopping or changing a prescribed treatment: stopping "
        "some medicines suddenly can be harmful, and there may be a safer way to do it."),
    "replace_treatment": (
        "Talk to your clinician before replacing a prescribed treatment: supplements and home "
        "remedies have not been shown to do the same job, and stopping the prescribed one can "
        "be harmful."),
}

_WHO = r"(?:i|we|me|my (?:\w+[- ]){0,3}\w+|him|her|them|he|she|they)"
_AMOUNT = r"\d+(?:[.,]\d+)? ?(?:mg|mcg|µg|g|ml|mls|milligrams?|micrograms?|units?|iu|tablets?|" \
          r"pills?|capsules?|teaspoons?|tsp|tablespoons?|drops?|puffs?)\b"
_DRUGS = r"(?:pills?|tablets?|medicines?|medications?|meds|drugs?|insulin|inhalers?|injections?|" \
         r"statins?|metformin|antidepressants?|antibiotics?|blood thinners?|warfarin|steroids?|" \
         r"prescription|treatment|chemo(?:therapy)?|levothyroxine|thyroid \w+|\w+(?:pril|sartan|" \
         r"olol|statin|prazole|dipine|formin|oxetine|azepam))"

_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("personal_dose", re.compile(
        rf"\bhow (?:much|many)\b[^.?!]{{0,40}}\b(?:should|can|could|do|must|may|shall) {_WHO} "
        rf"(?:take|give|have|use|drink|eat)\b", re.I)),
    ("personal_dose", re.compile(
        rf"\b(?:can|should|could|may|is it (?:ok|okay|safe) to|do) {_WHO} "
        rf"(?:take|give|have|use)\b[^.?!]{{0,40}}?{_AMOUNT}", re.I)),
    ("personal_dose", re.compile(
        rf"\bwhat (?:dose|dosage|amount)\b[^.?!]{{0,40}}\b(?:should|can|do|must) {_WHO}\b", re.I)),
    ("personal_dose", re.compile(
        rf"\b(?:is|would) {_AMOUNT}[^.?!]{{0,30}}\b(?:safe|ok|okay|too much|enough) for "
        rf"(?:me|my \w+|him|her)\b", re.I)),
    ("personal_dose", re.compile(
        r"\b(?:my|the right) (?:dose|dosage)\b|\bdose (?:for|of) (?:me|my (?:\w+[- ]){0,3}\w+)\b",
        re.I)),
    ("stop_treatment", re.compile(
        rf"\b(?:stop|stopping|quit|quitting|come off|coming off|go off|going off|skip|skipping|"
        rf"cut out|give up|wean off) (?:taking |using |on )?(?:my|his|her|our) (?:[\w-]+ ){{0,4}}?"
        rf"{_DRUGS}", re.I)),
    ("stop_treatment", re.compile(
        rf"\b(?:stop|stopping|quit|quitting|come off|go off) (?:taking |using )?{_DRUGS}", re.I)),
    ("stop_treatment", re.compile(
        rf"\bdo {_WHO} (?:still )?(?:need|have) to (?:keep )?(?:taking|take|using|use) "
        rf"(?:my|his|her) ", re.I)),
    ("replace_treatment", re.compile(
        r"\breplac(?:e|ing) (?:my |his |her )?[\w -]{1,40}? (?:with|by) [\w -]+", re.I)),
    ("replace_treatment", re.compile(
        rf"\binstead of (?:taking )?(?:my |his |her )?(?:[\w-]+ ){{0,3}}?{_DRUGS}", re.I)),
    ("replace_treatment", re.compile(
        rf"\b(?:switch|swap|change) (?:from )?(?:my|his|her) (?:[\w-]+ ){{0,3}}?{_DRUGS} "
        r"(?:to|for) ", re.I)),
    ("replace_treatment", re.compile(
        r"\b(?:use|take|try) [\w -]{1,30}? (?:instead|rather than)\b", re.I)),
]


def check(question: str) -> list[Guardrail]:
    """Guardrails a question triggers, one per kind, in order of appearance.

    >>> g = check("can I give my 3 year old 5 ml of ibuprofen")[0]
    >>> g.kind, g.quote
    ('personal_dose', 'can I give my 3 year old 5 ml')
    """
    found: dict[str, Guardrail] = {}
    for kind, pattern in _RULES:
        if kind in found:
            continue
        m = pattern.search(question or "")
        if m:
            quote = m.group().rstrip()
            found[kind] = Guardrail(kind, MESSAGES[kind], quote, m.start(), m.start() + len(quote))
    return sorted(found.values(), key=lambda g: g.start)


_REVIEWED = {ArticleState.APPROVED.value, ArticleState.PUBLISHED.value}
_PENDING = ("Educational use; pending human review. This text has not yet been checked by a "
            "medical reviewer and is not medical advice: talk to your clinician about your own "
            "care.")
_DONE = ("Reviewed by medical reviewers for educational use. It is not a substitute for advice "
         "from your own clinician, who knows your history.")
_RETIRED = ("Retired: this article is no longer maintained and may be out of date. Talk to your "
            "clinician about your own care.")


def disclaimer(status: str | ArticleState | None) -> str:
    """The disclaimer for a review status (draft, submitted, in_review, approved, ...).

    Anything not approved or published, including no status at all (a fresh answer), gets the
    pending-review banner.

    >>> disclaimer("published").startswith("Reviewed")
    True
    """
    value = status.value if isinstance(status, ArticleState) else (status or "").strip().lower()
    if value in _REVIEWED:
        return _DONE
    if value == ArticleState.RETIRED.value:
        return _RETIRED
    return _PENDING
