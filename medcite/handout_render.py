"""Render a `Handout` as print-ready HTML (one stylesheet), Markdown, PDF or JSON.

The emergency section comes first in every format, right under the title, so it is on the
first screen and the first printed page. HTML escapes every piece of source text; the
stylesheet is `medcite/data/handout.css`, inlined so a saved page prints the same anywhere.
PDF is rendered from the HTML by WeasyPrint (the `pdf` extra: `pip install 'medcite[pdf]'`).
JSON is the versioned contract of `Handout.to_dict()` (docs/handouts.md).

>>> from medcite.models import Handout
>>> to_markdown(Handout("Gout", abstained=True, notices=["Not enough evidence."])).splitlines()[0]
'# Gout'
"""

from __future__ import annotations

import html
import json
from functools import lru_cache
from importlib import resources

from .errors import MedciteError
from .models import Handout, Reference
from .render import _etype_label

FORMATS = ("html", "md", "pdf", "json")
_KIND = {"patient": "Patient handout", "caregiver": "Handout for caregivers"}


def render_handout(handout: Handout, fmt: str = "html") -> str | bytes:
    """`handout` in format `fmt` (one of FORMATS); pdf is bytes, the rest text."""
    if fmt == "html":
        return to_html(handout)
    if fmt == "md":
        return to_markdown(handout)
    if fmt == "json":
        return json.dumps(handout.to_dict(), indent=2, ensure_ascii=False)
    if fmt == "pdf":
        return to_pdf(handout)
    raise MedciteError(f"unknown handout format {fmt!r}; use one of: {', '.join(FORMATS)}")


def title_of(handout: Handout) -> str:
    c = handout.condition
    return c[:1].upper() + c[1:]


def grade_line(handout: Handout) -> str:
    """"Reading grade 6.8 (Flesch-Kincaid; patient handouts aim at 7 or lower)"."""
    if handout.reading_grade is None:
        return ""
    target = f"{handout.grade_target:g}"
    return (f"Reading grade {handout.reading_grade:g} (Flesch-Kincaid; patient handouts aim at "
            f"{target} or lower)")


def reference_line(r: Reference) -> str:
    bits = [r.title or r.source_id, f"{_etype_label(r.evidence_type)} (grade: {r.grade})"]
    bits += [b for b in (r.publisher, str(r.year or ""), f"PMID {r.pmid}" if r.pmid else "",
                         r.url) if b]
    return ". ".join(bits)


def emergency_reminder(handout: Handout) -> str:
    return (f"If you think you are having a medical emergency, call {handout.emergency_number} "
            "(or your local emergency number).")


def _cites(numbers: list[int]) -> str:
    return "[" + ", ".join(str(n) for n in numbers) + "]" if numbers else ""


def to_markdown(handout: Handout) -> str:
    out = [f"# {title_of(handout)}", ""]
    meta = [_KIND.get(handout.audience, "Handout"), f"made {handout.date}" if handout.date else ""]
    out += ["*" + " · ".join(m for m in meta if m) + "*", ""]
    for notice in handout.notices:
        out += [f"> {notice}", ""]
    for section in handout.sections:
        title = section.title + (":" if section.id in ("emergency", "call_provider") else "")
        out += [f"## {'⚠ ' if section.id == 'emergency' else ''}{title}", ""]
        if section.intro:
            out += [f"**{section.intro}**", ""]
        out += [f"- {c.text} {_cites(c.citations)}".rstrip() for c in section.items]
        out.append("")
    if handout.references:
        out += ["## References", ""]
        out += [f"{r.n}. {reference_line(r)}" for r in handout.references]
        out.append("")
    out += ["## Review status and disclaimer", "", f"- Review status: {handout.review_status}"]
    out += [f"- {handout.disclaimer}"] if handout.disclaimer else []
    out += [f"- {emergency_reminder(handout)}", ""]
    out += ["## Date", "", f"- Made on {handout.date} by medcite from the library's sources."]
    if handout.reading_grade is not None:
        out.append(f"- {grade_line(handout)}.")
    return "\n".join(out).rstrip() + "\n"


@lru_cache(maxsize=1)
def stylesheet() -> str:
    return (resources.files("medcite") / "data" / "handout.css").read_text(encoding="utf-8")


def to_html(handout: Handout) -> str:
    """A whole HTML document (one inlined stylesheet), for the screen and for print."""
    e = html.escape
    title = title_of(handout)
    kind = _KIND.get(handout.audience, "Handout")
    out = ["<!doctype html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{e(title)}: {e(kind.lower())}</title>", f"<style>\n{stylesheet()}</style>",
           "</head>", "<body>", f'<article class="handout" data-audience="{e(handout.audience)}">',
           "<header>", f'<p class="kind">{e(kind)}</p>', f"<h1>{e(title)}</h1>"]
    meta = [f"Made {handout.date}" if handout.date else "", grade_line(handout)]
    over = handout.reading_grade is not None and handout.reading_grade > handout.grade_target
    out.append(f'<p class="meta{" grade-over" if over else ""}">'
               + e(" · ".join(m for m in meta if m)) + "</p>")
    out.append("</header>")
    out += [f'<p class="notice" role="status">{e(n)}</p>' for n in handout.notices]
    for section in handout.sections:
        urgent = section.id == "emergency"
        attrs = ' class="emergency" role="alert"' if urgent else ""
        title_text = section.title + (":" if section.id in ("emergency", "call_provider") else "")
        out.append(f'<section id="{e(section.id)}"{attrs}><h2>{e(title_text)}</h2>')
        if section.intro:
            out.append(f'<p class="intro">{e(section.intro)}</p>')
        out.append("<ul>")
        for c in section.items:
            cites = " ".join(f'<a class="cite" href="#ref-{n}">[{n}]</a>' for n in c.citations)
            out.append(f"<li>{e(c.text)} {cites}</li>")
        out.append("</ul></section>")
    if handout.references:
        out.append('<section id="references" class="references"><h2>References</h2><ol>')
        for r in handout.references:
            bits = [f"{e(r.title or r.source_id)}.",
                    f'<span class="etype">{e(_etype_label(r.evidence_type))}</span> '
                    f"(grade: {e(r.grade)})."]
            bits += [f"{e(b)}." for b in (r.publisher, str(r.year or ""),
                                           f"PMID {r.pmid}" if r.pmid else "") if b]
            if r.url:
                bits.append(f'<a href="{e(r.url)}">{e(r.url)}</a>')
            out.append(f'<li id="ref-{r.n}">{" ".join(bits)}</li>')
        out.append("</ol></section>")
    out.append('<section id="review" class="review"><h2>Review status and disclaimer</h2>')
    out.append(f"<p>Review status: <strong>{e(handout.review_status)}</strong></p>")
    if handout.disclaimer:
        out.append(f"<p>{e(handout.disclaimer)}</p>")
    out.append(f"<p>{e(emergency_reminder(handout))}</p></section>")
    out.append('<section id="date" class="dated"><h2>Date</h2>')
    out.append(f"<p>Made on {e(handout.date)} by medcite from the library's sources.</p>")
    if handout.reading_grade is not None:
        out.append(f"<p>{e(grade_line(handout))}.</p>")
    out += ["</section>", "</article>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def to_pdf(handout: Handout) -> bytes:
    """PDF bytes rendered from `to_html` by WeasyPrint (needs the `pdf` extra and Pango)."""
    try:
        from weasyprint import HTML
    except ImportError:
        raise MedciteError("PDF output needs the 'pdf' extra: pip install 'medcite[pdf]'") from None
    except OSError as exc:  # WeasyPrint is installed but the Pango library is not
        raise MedciteError(f"PDF output needs the Pango library ({exc}); on Debian: "
                           "apt-get install libpango-1.0-0 libpangoft2-1.0-0") from None
    return HTML(string=to_html(handout)).write_pdf()


__all__ = ["FORMATS", "render_handout", "to_html", "to_markdown", "to_pdf", "grade_line",
           "reference_line", "stylesheet", "title_of"]
