"""Render an `Answer` as rich terminal text, Markdown, an HTML fragment, or JSON.

Every format puts the triage block FIRST whenever triage is not "none" (and for crisis language
the crisis line is the very first line), so an answer can never push it below the fold. HTML
escapes every piece of source text. JSON is the versioned contract of `Answer.to_dict()`
(docs/answer-contract.md, medcite/data/answer.schema.json).

>>> from medcite.models import Answer
>>> to_markdown(Answer(question="q", abstained=True, notices=["Not enough evidence."])).splitlines()[0]
'# q'
"""

from __future__ import annotations

import html
import json
from io import StringIO

from .models import Answer, TriageLevel

FORMATS = ("terminal", "md", "html", "json")
_LEVEL_TITLES = {
    TriageLevel.EMERGENCY: "Emergency: get help now",
    TriageLevel.URGENT: "Get care today",
    TriageLevel.ROUTINE: "Contact your healthcare provider",
    TriageLevel.SELF_CARE: "Self-care may be enough",
}


def render(answer: Answer, fmt: str = "terminal", crisis_line: str = "") -> str:
    """`answer` in format `fmt` (one of FORMATS)."""
    if fmt == "json":
        return to_json(answer)
    if fmt == "md":
        return to_markdown(answer, crisis_line)
    if fmt == "html":
        return to_html(answer, crisis_line)
    if fmt == "terminal":
        return to_terminal(answer, crisis_line)
    raise ValueError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")


def to_json(answer: Answer) -> str:
    return json.dumps(answer.to_dict(), indent=2, ensure_ascii=False)


def triage_lines(answer: Answer, crisis_line: str = "") -> list[str]:
    """The triage block as plain lines (empty for level none): crisis line, title, action, why."""
    t = answer.triage
    if t is None or (t.level == TriageLevel.NONE and not t.crisis):
        return []
    lines = []
    if t.crisis:
        lines.append(f"If you are thinking about harming yourself, call or text {crisis_line}"
                     if crisis_line and crisis_line not in t.message else t.message)
    if t.level != TriageLevel.NONE:
        lines.append(_LEVEL_TITLES.get(t.level, t.level.value))
    if t.message and t.message not in lines:
        lines.append(t.message)
    if t.reasons:
        lines.append("Because you mentioned: " + "; ".join(f'"{r.quote}"' for r in t.reasons))
    return lines


def _cites(numbers: list[int]) -> str:
    return "[" + ", ".join(str(n) for n in numbers) + "]" if numbers else ""


def _ref_line(r) -> str:
    bits = [r.title or r.source_id, _etype_label(r.evidence_type), f"grade: {r.grade}"]
    if r.publisher:
        bits.append(r.publisher)
    if r.year:
        bits.append(str(r.year))
    if r.pmid:
        bits.append(f"PMID {r.pmid}")
    if r.url:
        bits.append(r.url)
    return ". ".join(bits)


def _etype_label(value: str) -> str:
    from .models import EvidenceType

    try:
        return EvidenceType(value).label
    except ValueError:
        return value


def _footer(answer: Answer) -> list[tuple[str, list[str]]]:
    parts = []
    if answer.reading_grade is not None:
        parts.append(("Reading grade", [f"Flesch-Kincaid grade {answer.reading_grade} "
                                        f"({answer.audience} wording)"]))
    parts.append(("Review status", [answer.review_status]))
    if answer.disclaimer:
        parts.append(("Disclaimer", [answer.disclaimer]))
    if answer.follow_ups:
        parts.append(("Suggested follow-up questions", list(answer.follow_ups)))
    if answer.dropped:
        parts.append(("Sentences dropped (not supported by their cited passage)",
                      [d.get("text", "") for d in answer.dropped]))
    return parts


def to_markdown(answer: Answer, crisis_line: str = "") -> str:
    out: list[str] = []
    block = triage_lines(answer, crisis_line)
    if block:
        out += [f"> **{block[0]}**", *[f"> {line}" for line in block[1:]], ""]
    out += [f"# {answer.question}", ""]
    for notice in answer.notices:
        out += [f"*{notice}*", ""]
    for section in answer.sections:
        out += [f"## {section.title}", ""]
        out += [f"- {c.text} {_cites(c.citations)}".rstrip() for c in section.items]
        out.append("")
    if answer.references:
        out += ["## References", ""]
        out += [f"{r.n}. {_ref_line(r)}" for r in answer.references]
        out.append("")
    for title, lines in _footer(answer):
        out += [f"## {title}", "", *[f"- {line}" for line in lines], ""]
    return "\n".join(out).rstrip() + "\n"


def to_html(answer: Answer, crisis_line: str = "") -> str:
    e = html.escape
    out: list[str] = ['<article class="medcite-answer">']
    block = triage_lines(answer, crisis_line)
    if block:
        level = answer.triage.level.value if answer.triage else "none"
        out.append(f'<aside class="triage triage-{e(level)}" role="alert">')
        out.append(f"<strong>{e(block[0])}</strong>")
        out += [f"<p>{e(line)}</p>" for line in block[1:]]
        out.append("</aside>")
    out.append(f"<h1>{e(answer.question)}</h1>")
    out += [f'<p class="notice">{e(n)}</p>' for n in answer.notices]
    for section in answer.sections:
        out.append(f'<section id="{e(section.id)}"><h2>{e(section.title)}</h2><ul>')
        for c in section.items:
            cites = "".join(f'<a class="cite" href="#ref-{n}">[{n}]</a>' for n in c.citations)
            out.append(f"<li>{e(c.text)} {cites}</li>")
        out.append("</ul></section>")
    if answer.references:
        out.append('<section id="references"><h2>References</h2><ol>')
        for r in answer.references:
            quotes = "".join(f"<blockquote>{e(q.quote)}</blockquote>" for q in r.passages)
            out.append(f'<li id="ref-{r.n}">{e(_ref_line(r))}{quotes}</li>')
        out.append("</ol></section>")
    for title, lines in _footer(answer):
        out.append(f"<section><h2>{e(title)}</h2><ul>")
        out += [f"<li>{e(line)}</li>" for line in lines]
        out.append("</ul></section>")
    out.append("</article>")
    return "\n".join(out) + "\n"


def to_terminal(answer: Answer, crisis_line: str = "", width: int = 100,
                color: bool = False) -> str:
    """Rich terminal output (a panel for triage, bold titles); plain text when not a tty."""
    from rich.console import Console
    from rich.panel import Panel

    buffer = StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, no_color=not color,
                      highlight=False)
    block = triage_lines(answer, crisis_line)
    if block:
        console.print(Panel("\n".join(block), title="Triage", style="bold red"))
    console.print(f"[bold]{_esc(answer.question)}[/bold]\n")
    for notice in answer.notices:
        console.print(f"[italic]{_esc(notice)}[/italic]\n")
    for section in answer.sections:
        console.print(f"[bold underline]{_esc(section.title)}[/bold underline]")
        for c in section.items:
            console.print(f"  - {_esc(c.text)} {_esc(_cites(c.citations))}")
        console.print()
    if answer.references:
        console.print("[bold underline]References[/bold underline]")
        for r in answer.references:
            console.print(f"  {r.n}. {_esc(_ref_line(r))}")
        console.print()
    for title, lines in _footer(answer):
        console.print(f"[bold]{_esc(title)}[/bold]")
        for line in lines:
            console.print(f"  - {_esc(line)}")
    return buffer.getvalue()


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)
