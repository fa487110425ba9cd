"""Optional writer: any OpenAI-compatible chat-completions endpoint, every sentence verified.

The model sees the retrieved passages numbered [1]..[n] and is asked to answer in short
sentences that each end with the numbers of the passages they rest on. Its reply is split into
sentences; a sentence is kept only when (rules, checked in `verify`):

1. it cites at least one passage, and only passages that were given;
2. every number in it appears in a passage it cites;
3. it adds no negation word that its cited passages lack;
4. at least 60% of its content words (stemmed, stopwords dropped) occur in its cited passages
   (`SUPPORT_THRESHOLD`; a paraphrase keeps most words, an invention does not).

Dropped sentences are listed in the answer's JSON `dropped` with the reason. Each kept sentence
quotes, from each passage it cites, that passage's sentence with the most words in common.
The first three kept sentences form the bottom line, the rest the key points; "when to get help"
still comes from the extractive writer, so safety text is never model-written.

Endpoint: POST {base_url}/chat/completions with a bearer key from OPENAI_API_KEY or
MEDCITE_LLM_KEY (none for a local server). Any failure (connection, HTTP status, malformed
reply) raises MedciteError, and `medcite.answer` falls back to the extractive writer with a notice.

>>> verify("Adults need 310 mg a day [1].", ["Adults need 310 to 420 mg a day."])[1]
''
"""

from __future__ import annotations

import os
import re
from typing import Any

import httpx

from ..errors import MedciteError
from ..grounding import negations, numbers, terms
from ..models import Hit, QueryAnalysis
from ..text import sentence_spans
from . import Draft, DraftClaim, DraftSection, Span

SUPPORT_THRESHOLD = 0.6
BOTTOM_LINE_SENTENCES = 3
_CITE = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
SYSTEM_PROMPT = (
    "You answer health questions using ONLY the numbered passages you are given. Write 3 to 8 "
    "short sentences in plain English. End every sentence with the passage numbers it relies "
    "on in square brackets, like [2] or [1, 3]. Copy numbers and units exactly as the passages "
    "give them. Do not add facts, numbers or advice that the passages do not state. If the "
    "passages do not answer the question, say so in one sentence with no brackets."
)


class OpenAIWriter:
    """Chat-completions writer (see the module docstring)."""

    name = "openai"

    def __init__(self, base_url: str | None = None, model: str | None = None,
                 api_key: str | None = None, timeout: float = 60.0,
                 transport: httpx.BaseTransport | None = None):
        self.base_url = (base_url or os.environ.get("MEDCITE_LLM_BASE_URL")
                         or "https://api.openai.com/v1").rstrip("/")
        self.model = model or os.environ.get("MEDCITE_LLM_MODEL") or ""
        if not self.model:
            raise MedciteError("--writer openai needs --model (or MEDCITE_LLM_MODEL)")
        self.api_key = api_key or os.environ.get("OPENAI_API_KEY") or os.environ.get(
            "MEDCITE_LLM_KEY", "")
        self.timeout = timeout
        self.transport = transport

    def write(self, question: str, analysis: QueryAnalysis, hits: list[Hit]) -> Draft:
        reply = self.complete(question, hits)
        kept: list[DraftClaim] = []
        dropped: list[dict[str, Any]] = []
        passages = [h.passage.text for h in hits]
        for sentence in split_reply(reply):
            text, cited = strip_citations(sentence)
            if not text:
                continue
            reason = verify(sentence, passages)[1]
            if reason:
                dropped.append({"text": text, "citations": cited, "reason": reason})
                continue
            kept.append(DraftClaim(text, [_best_span(hits[n - 1], text) for n in cited]))
        sections = [DraftSection("bottom_line", "Bottom line", kept[:BOTTOM_LINE_SENTENCES]),
                    DraftSection("key_points", "Key points", kept[BOTTOM_LINE_SENTENCES:])]
        from .extractive import ExtractiveWriter

        extractive = ExtractiveWriter().write(question, analysis, hits)
        sections += [s for s in extractive.sections if s.id == "when_to_get_help"]
        return Draft(sections=[s for s in sections if s.items], dropped=dropped, writer=self.name)

    def complete(self, question: str, hits: list[Hit]) -> str:
        """The model's reply text for `question` with `hits` as numbered passages."""
        numbered = "\n\n".join(f"[{i}] {h.source.title}: {h.passage.text}"
                               for i, h in enumerate(hits, start=1))
        body = {
            "model": self.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": f"Passages:\n\n{numbered}\n\nQuestion: {question}"},
            ],
        }
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        try:
            with httpx.Client(timeout=self.timeout, transport=self.transport) as client:
                response = client.post(f"{self.base_url}/chat/completions", json=body,
                                       headers=headers)
        except httpx.HTTPError as exc:
            raise MedciteError(f"chat endpoint {self.base_url} unreachable: "
                               f"{type(exc).__name__}") from None
        if response.status_code != 200:
            raise MedciteError(f"chat endpoint answered HTTP {response.status_code}")
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise MedciteError("chat endpoint reply is not a chat completion") from None
        if not isinstance(content, str) or not content.strip():
            raise MedciteError("chat endpoint returned an empty answer")
        return content


def split_reply(reply: str) -> list[str]:
    """Sentences of a model reply, bullet markers dropped; a citation after the full stop
    ("... a day. [2]") stays with its sentence.

    >>> split_reply("- Too much causes diarrhea [1]. Low levels cause cramps. [2]")
    ['Too much causes diarrhea [1].', 'Low levels cause cramps. [2]']
    """
    out: list[str] = []
    reply = re.sub(r"(?m)^\s*(?:[-*\u2022]|\d+[.)])\s+", "", reply)  # list markers
    for a, b in sentence_spans(reply):
        piece = reply[a:b].strip()
        if out and _CITE.fullmatch(piece.rstrip(". ")):
            out[-1] += " " + piece
        elif piece:
            out.append(piece)
    return out


def strip_citations(sentence: str) -> tuple[str, list[int]]:
    """(sentence without its [n] markers, cited numbers in order).

    >>> strip_citations("Too much causes diarrhea [1, 3].")
    ('Too much causes diarrhea.', [1, 3])
    """
    cited: list[int] = []
    for m in _CITE.finditer(sentence):
        cited += [int(x) for x in re.split(r"\s*[,;]\s*", m.group(1))]
    text = _CITE.sub("", sentence)
    text = re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()
    return text, list(dict.fromkeys(cited))


def verify(sentence: str, passages: list[str]) -> tuple[str, str]:
    """(text, reason it is unsupported — '' when supported) for a cited model sentence."""
    text, cited = strip_citations(sentence)
    if not cited:
        return text, "cites no passage"
    if any(n < 1 or n > len(passages) for n in cited):
        return text, f"cites a passage that was not given ({cited})"
    pool = " ".join(passages[n - 1] for n in cited)
    missing = [x for x in numbers(text) if x not in set(numbers(pool))]
    if missing:
        return text, f"number(s) {', '.join(missing)} not in the cited passage"
    added = set(negations(text)) - set(negations(pool))
    if added:
        return text, f"negation {', '.join(sorted(added))} not in the cited passage"
    words = terms(text)
    if words:
        support = len(words & terms(pool)) / len(words)
        if support < SUPPORT_THRESHOLD:
            return text, f"only {support:.0%} of its content words are in the cited passage"
    return text, ""


def _best_span(hit: Hit, text: str) -> Span:
    """The sentence of the hit's passage sharing the most content words with `text`."""
    p = hit.passage
    want = terms(text)
    a, b = max(sentence_spans(p.text) or [(0, len(p.text))],
               key=lambda s: len(want & terms(p.text[s[0]:s[1]])))
    return Span(hit, p.start + a, p.start + b)
