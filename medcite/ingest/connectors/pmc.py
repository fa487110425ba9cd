"""PMC full text in JATS/NLM XML (`.nxml`, root `<article>`): one source per article.

Kept: front matter (title, journal, year, authors, PMID, PMCID, DOI, licence), every abstract
(structured parts as "Abstract > Methods"), the body's sections with nested titles joined
("Methods > Participants"), paragraphs and lists, and figure/table captions shortened to their
first sentences. Dropped: the back matter (reference list, acknowledgements, footnotes), table
cells, formulas and supplementary files. Element names follow the JATS tag library
(https://jats.nlm.nih.gov/archiving/tag-library/1.3/).

Evidence type, rules in order (the first that applies wins):

1. Title says "systematic review", "meta-analysis" -> systematic review.
2. article-type "practice-guideline"/"guideline" -> practice guideline.
3. Title says "randomised/randomized ... trial" and is not a protocol -> randomised trial.
4. article-type "case-report", or title says "case report" -> case report.
5. article-type "review-article" -> expert overview (a narrative review; rule 1 caught the
   systematic ones); "editorial", "article-commentary", "letter", "discussion" -> expert
   overview too (opinion, not new data).
6. Research (any other article-type, e.g. "research-article", "brief-report", meeting
   "abstract"): animal or lab work -> animal or lab study, when the title, keywords or subject
   categories name animals or a laboratory science (mice, rats, sheep, bacteriophage, in vitro,
   Biochemistry, Microbiology, Veterinary Science...), or the abstract names animals and no
   people (the MeSH "Animals without Humans" rule of `medcite.evidence`, approximated in words);
   otherwise -> observational study.

These are word heuristics without MeSH indexing: they can mislabel lab research whose title,
keywords and abstract mention neither animals nor a lab science.

>>> evidence_for("review-article", "Magnesium for muscle cramps: a systematic review", ())
<EvidenceType.SYSTEMATIC_REVIEW: 'systematic_review'>
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from lxml import etree

from ...models import EvidenceType, ParsedDocument
from ...text import sentence_spans
from .base import DocumentBuilder, IngestError
from .xmlsafe import parse_document, root_tag, text_of

_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Inside a paragraph these are not running text (their captions are kept separately).
_SKIP_IN_TEXT = ("fig", "fig-group", "table-wrap", "table-wrap-group", "table", "disp-formula",
                 "math", "tex-math", "graphic", "inline-graphic", "media", "alternatives",
                 "supplementary-material", "object-id")
_PARAGRAPHS = {"p", "disp-quote", "list", "def-list", "statement", "verse-group", "speech",
               "preformat"}
_FLOATS = {"fig", "table-wrap"}
_SECTIONS = {"sec", "boxed-text"}
_CAPTION_WORDS = 60  # captions keep whole sentences up to about this many words
_SKIPPED_ABSTRACTS = {"graphical", "teaser", "toc"}

_SYSTEMATIC = re.compile(r"\bsystematic(?:\s+\w+)?\s+review|\bmeta[- ]?analys[ie]s", re.I)
_RANDOMISED = re.compile(r"\brandomi[sz]ed\b.*\btrial", re.I)
_PROTOCOL = re.compile(r"\bprotocol\b", re.I)
_CASE = re.compile(r"\bcase report\b", re.I)
_ANIMAL = re.compile(
    r"\b(mice|mouse|murine|rats?|rodents?|hamsters?|rabbits?|guinea pigs?|pigs?|swine|piglets?|"
    r"sheep|goats?|cattle|cows?|horses?|dogs?|canine|cats?|feline|monkeys?|macaques?|primates?|"
    r"zebrafish|fish|minnows?|frogs?|xenopus|drosophila|c\. elegans|chickens?|poultry|livestock|"
    r"animals?)\b", re.I)
_LAB = re.compile(
    r"\b(in vitro|cell lines?|cultured cells|bacteriophages?|phages?|biochemistry|microbiology|"
    r"molecular biology|cell biology|computational biology|biophysics|genomics|"
    r"evolutionary biology|veterinary|enzymes?)\b", re.I)
# Plural nouns only: "adult minnows" or "human tissues" do not mean people took part.
_PEOPLE = re.compile(
    r"\b(patients?|participants?|volunteers?|women|men|children|adults|adolescents|infants|"
    r"people|persons|humans|individuals|subjects|cohort|residents|workers|students)\b", re.I)


def evidence_for(article_type: str, title: str, labels: Iterable[str],
                 abstract: str = "") -> EvidenceType:
    """Evidence type of a JATS article by the rules in the module docstring.

    `labels` are the article's keywords and subject categories.

    >>> evidence_for("research-article", "Low magnesium in rats", ()).value
    'animal_lab_study'
    """
    kind = (article_type or "").strip().lower()
    if _SYSTEMATIC.search(title) or kind == "systematic-review":
        return EvidenceType.SYSTEMATIC_REVIEW
    if kind in ("practice-guideline", "guideline"):
        return EvidenceType.PRACTICE_GUIDELINE
    if _RANDOMISED.search(title) and not _PROTOCOL.search(title):
        return EvidenceType.RANDOMIZED_TRIAL
    if kind == "case-report" or _CASE.search(title):
        return EvidenceType.CASE_REPORT
    if kind in ("review-article", "editorial", "article-commentary", "letter", "discussion"):
        return EvidenceType.EXPERT_OVERVIEW
    named = " ; ".join([title, *labels])
    if _ANIMAL.search(named) or _LAB.search(named):
        return EvidenceType.ANIMAL_LAB_STUDY
    if abstract and _ANIMAL.search(abstract) and not _PEOPLE.search(abstract):
        return EvidenceType.ANIMAL_LAB_STUDY
    return EvidenceType.OBSERVATIONAL_STUDY


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in element if _local(c) == name]


def _first(element: etree._Element | None, *path: str) -> etree._Element | None:
    for name in path:
        if element is None:
            return None
        element = next(iter(_children(element, name)), None)
    return element


def _paragraph(element: etree._Element) -> str:
    """Text of a paragraph-like element; list items become "- item" lines."""
    if _local(element) in ("list", "def-list"):
        items = [text_of(i, _SKIP_IN_TEXT) for i in element if _local(i) in ("list-item",
                                                                            "def-item")]
        return "\n".join(f"- {i}" for i in items if i)
    return text_of(element, _SKIP_IN_TEXT)


def _caption(element: etree._Element) -> tuple[str, str]:
    """(label, shortened caption) of a figure or table."""
    label = text_of(_first(element, "label")) if _first(element, "label") is not None else ""
    caption = _first(element, "caption")
    text = text_of(caption, _SKIP_IN_TEXT) if caption is not None else ""
    spans, kept = sentence_spans(text), 0
    for i, (start, end) in enumerate(spans):
        kept += len(text[start:end].split())
        if kept >= _CAPTION_WORDS and i + 1 < len(spans):
            text = text[:end]
            break
    return label, text


class _Walker:
    """Walks a body or abstract, adding one block per run of paragraphs under a heading path."""

    def __init__(self, builder: DocumentBuilder):
        self.builder = builder

    def walk(self, container: etree._Element, path: list[str]) -> None:
        paragraphs: list[str] = []
        floats: list[etree._Element] = []
        for child in container:
            name = _local(child)
            if name in _SECTIONS:
                self._flush(path, paragraphs)
                paragraphs = []
                title = _first(child, "title") if name == "sec" else _first(child, "caption",
                                                                            "title")
                heading = text_of(title, _SKIP_IN_TEXT) if title is not None else ""
                self.walk(child, [*path, heading] if heading else path)
            elif name in _PARAGRAPHS:
                text = _paragraph(child)
                if text:
                    paragraphs.append(text)
                floats.extend(e for e in child.iter() if _local(e) in _FLOATS)
            elif name in _FLOATS or name in ("fig-group", "table-wrap-group"):
                floats.extend(e for e in child.iter() if _local(e) in _FLOATS)
        self._flush(path, paragraphs)
        for element in floats:
            label, caption = _caption(element)
            kind = "Table" if _local(element) == "table-wrap" else "Figure"
            self.builder.add(" > ".join([*path, label or kind]), caption)

    def _flush(self, path: list[str], paragraphs: list[str]) -> None:
        if paragraphs:
            self.builder.add(" > ".join(path), "\n\n".join(paragraphs))


def read_jats(root: etree._Element, origin: str, fallback_key: str) -> ParsedDocument:
    """A ParsedDocument from a parsed JATS `<article>` element."""
    if _local(root) != "article":
        raise IngestError(f"{origin}: not a JATS article (root element <{_local(root)}>)")
    meta = _first(root, "front", "article-meta")
    journal_meta = _first(root, "front", "journal-meta")
    if meta is None:
        raise IngestError(f"{origin}: JATS article has no <front>/<article-meta>")
    ids = {c.get("pub-id-type", ""): (c.text or "").strip() for c in _children(meta, "article-id")}
    pmcid = ids.get("pmc") or ids.get("pmcid") or ""
    if pmcid and not pmcid.upper().startswith("PMC"):
        pmcid = f"PMC{pmcid}"
    title_el = _first(meta, "title-group", "article-title")
    title = text_of(title_el, ("xref", "fn")) if title_el is not None else ""

    builder = DocumentBuilder()
    walker = _Walker(builder)
    abstract_text = []
    for abstract in _children(meta, "abstract"):
        kind = (abstract.get("abstract-type") or "").lower()
        if kind in _SKIPPED_ABSTRACTS:
            continue
        title_of = _first(abstract, "title")
        heading = text_of(title_of) if title_of is not None else (
            kind.replace("-", " ").capitalize() if kind else "Abstract")
        walker.walk(abstract, [heading])
        abstract_text.append(text_of(abstract, _SKIP_IN_TEXT))
    body = _first(root, "body")
    if body is not None:
        walker.walk(body, [])
    if not builder.sections:
        if not title:
            raise IngestError(f"{origin}: JATS article has no title, abstract or body text")
        builder.add("", title)
    text, sections = builder.build()

    labels = [text_of(k) for k in meta.iter("{*}kwd")] + [
        text_of(s) for s in meta.iter("{*}subject")]
    article_type = root.get("article-type", "")
    etype = evidence_for(article_type, title, labels, " ".join(abstract_text))
    key = (f"pmc:{pmcid}" if pmcid else f"doi:{ids['doi']}" if ids.get("doi") else fallback_key)
    url = (f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/" if pmcid else
           f"https://doi.org/{ids['doi']}" if ids.get("doi") else "")
    return ParsedDocument(
        key=key,
        title=title or text.split("\n", 1)[0][:120],
        text=text,
        sections=sections,
        publisher=_journal(journal_meta),
        authors=_authors(meta),
        year=_year(meta),
        url=url,
        pmid=ids.get("pmid", ""),
        doi=ids.get("doi", ""),
        licence=_licence(meta),
        language=(root.get(_XML_LANG) or "en").lower(),
        evidence_type=etype,
        collection="pmc",
        origin=origin,
        metadata={"pmcid": pmcid, "article_type": article_type,
                  "keywords": [k for k in labels if k]},
    )


def _journal(journal_meta: etree._Element | None) -> str:
    if journal_meta is None:
        return ""
    for path in (("journal-title-group", "journal-title"), ("journal-title",)):
        found = _first(journal_meta, *path)
        if found is not None and text_of(found):
            return text_of(found)
    ids = _children(journal_meta, "journal-id")
    return next((text_of(i) for i in ids if i.get("journal-id-type") == "nlm-ta"), "")


def _year(meta: etree._Element) -> int | None:
    """Print date first (as PubMed's PubDate), then electronic, then any publication date."""
    dates = _children(meta, "pub-date")
    order = ("ppub", "epub-ppub", "epub", "collection")

    def rank(d: etree._Element) -> int:
        kind = d.get("pub-type") or d.get("date-type") or ""
        return order.index(kind) if kind in order else len(order)

    for date in sorted(dates, key=rank):
        year = (date.findtext("{*}year") or "").strip()
        if year[:4].isdigit():
            return int(year[:4])
    return None


def _authors(meta: etree._Element) -> list[str]:
    names = []
    for group in _children(meta, "contrib-group"):
        for contrib in _children(group, "contrib"):
            if contrib.get("contrib-type", "author") != "author":
                continue
            name = _first(contrib, "name")
            collab = _first(contrib, "collab")
            if name is not None:
                surname = text_of(_first(name, "surname")) if _first(name, "surname") is not None else ""
                given = _first(name, "given-names")
                initials = "".join(w[0] for w in re.split(r"[\s.\-]+", text_of(given)) if w) \
                    if given is not None else ""
                names.append(f"{surname} {initials}".strip())
            elif collab is not None:
                names.append(text_of(collab, ("contrib-group",)))
    return [n for n in names if n]


def _licence(meta: etree._Element) -> str:
    """The licence URL when given, else its type, else the first sentence of its text."""
    permissions = _first(meta, "permissions")
    if permissions is None:
        return ""
    licence = _first(permissions, "license")
    if licence is not None:
        href = licence.get(_XLINK_HREF) or ""
        if href:
            return href
        text = text_of(licence)
        first = sentence_spans(text)[:1]
        return text[first[0][0]:first[0][1]] if first else licence.get("license-type", "")
    statement = _first(permissions, "copyright-statement")
    return text_of(statement) if statement is not None else ""


class PmcConnector:
    """Reads PMC JATS `.nxml` (or `.xml`) files whose root element is `<article>`."""

    name = "pmc-jats"

    def accepts(self, path: Path, head: bytes) -> bool:
        return root_tag(head) == "article"

    def read(self, path: Path) -> Iterator[ParsedDocument]:
        from . import open_maybe_gzip

        with open_maybe_gzip(path) as stream:
            root = parse_document(stream, str(path))
        yield read_jats(root, str(path), f"file:{path.stem}")
