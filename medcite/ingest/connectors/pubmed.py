"""PubMed/MEDLINE XML: `PubmedArticleSet` (PubMed exports, efetch) and `MedlineCitationSet`
(the older MEDLINE baseline files), plain or gzip, streamed record by record.

One source per article, keyed ``pubmed:<PMID>``. Metadata kept for the evidence rules and for
query understanding: ``publication_types``, ``mesh`` (descriptor names, which include NLM's
check tags Humans/Animals), ``mesh_major``, ``keywords``, ``pmcid``. Structured abstracts keep
each labelled part as its own section ("Methods", "Results"...); an unlabelled abstract is one
section. A record with a title but no abstract is stored with its title as text; a record with
neither is skipped and counted in the ingest report (`skipped_records`). A `DeleteCitation`
element (MEDLINE update files list the PMIDs NLM removed) yields a `Deletion` per PMID, and the
ingest withdraws those sources. Element names follow
NLM's PubMed DTD (https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd).

>>> from io import BytesIO
>>> xml = (b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
...        b"<ArticleTitle>Mg and cramps.</ArticleTitle></Article></MedlineCitation>"
...        b"</PubmedArticle></PubmedArticleSet>")
>>> [d.key for d in iter_pubmed(BytesIO(xml), "x.xml")]
['pubmed:1']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from lxml import etree

from ...models import Deletion, IngestReport, ParsedDocument
from ...settings import Settings
from .base import DocumentBuilder
from .xmlsafe import iter_records, root_tag, text_of

ROOTS = ("PubmedArticleSet", "MedlineCitationSet", "PubmedBookArticleSet")
_RECORDS = {"PubmedArticle", "MedlineCitation", "PubmedBookArticle", "DeleteCitation"}
_YEAR = re.compile(r"\b(1[6-9]\d\d|20\d\d)\b")

# MEDLINE records languages as ISO 639-2 codes; the library uses two-letter codes where they
# exist (ISO 639-1). Unlisted codes are kept as given.
_LANGUAGES = {
    "eng": "en", "fre": "fr", "ger": "de", "spa": "es", "ita": "it", "por": "pt", "dut": "nl",
    "rus": "ru", "jpn": "ja", "chi": "zh", "kor": "ko", "pol": "pl", "swe": "sv", "dan": "da",
    "nor": "no", "fin": "fi", "cze": "cs", "hun": "hu", "tur": "tr", "gre": "el", "heb": "he",
    "ara": "ar", "per": "fa", "ukr": "uk", "rum": "ro", "slo": "sk", "hrv": "hr", "srp": "sr",
    "bul": "bg", "lit": "lt", "slv": "sl", "est": "et", "ice": "is", "tha": "th", "vie": "vi",
}


def iter_pubmed(stream: IO[bytes], origin: str,
                skipped: list[str] | None = None) -> Iterator[ParsedDocument | Deletion]:
    """Parsed documents (and deletions) of a PubMed/MEDLINE XML stream, in file order.

    PMIDs (or "?") of records with neither title nor abstract are appended to `skipped`.
    Malformed XML raises IngestError after the records before the break have been yielded.
    """
    for record in iter_records(stream, origin, _RECORDS):
        if record.tag == "DeleteCitation":
            for pmid in record.iterfind("PMID"):
                if (pmid.text or "").strip():
                    yield Deletion(f"pubmed:{pmid.text.strip()}",
                                   f"deleted from MEDLINE (DeleteCitation in {Path(origin).name})")
            continue
        if record.tag == "PubmedBookArticle":
            doc = _book_article(record, origin)
        else:
            citation = record if record.tag == "MedlineCitation" else record.find("MedlineCitation")
            if citation is None:
                continue
            doc = _article(citation, record.find("PubmedData"), origin)
        if doc is None:
            if skipped is not None:
                skipped.append(_pmid(record) or "?")
            continue
        yield doc


def _pmid(record: etree._Element) -> str:
    return (record.findtext(".//PMID") or "").strip()


def _article(citation: etree._Element, pubmed_data: etree._Element | None,
             origin: str) -> ParsedDocument | None:
    pmid = (citation.findtext("PMID") or "").strip()
    article = citation.find("Article")
    if not pmid or article is None:
        return None
    title = _title(article.find("ArticleTitle"), article.find("VernacularTitle"))
    builder = DocumentBuilder()
    _add_abstract(builder, article.find("Abstract"))
    if not builder.sections:
        # Some records carry only an author-written abstract in OtherAbstract.
        for other in citation.findall("OtherAbstract"):
            if other.get("Language", "eng") == "eng":
                _add_abstract(builder, other)
                break
    if not builder.sections:
        if not title:
            return None
        builder.add("", title)
    text, sections = builder.build()
    journal = article.find("Journal")
    ids = _article_ids(pubmed_data)
    doi = next((text_of(e) for e in article.findall("ELocationID")
                if e.get("EIdType") == "doi" and text_of(e)), "") or ids.get("doi", "")
    mesh = [text_of(d) for d in citation.findall("MeshHeadingList/MeshHeading/DescriptorName")]
    metadata: dict[str, object] = {
        "publication_types": [text_of(p) for p in
                              article.findall("PublicationTypeList/PublicationType")],
        "mesh": mesh,
        "mesh_major": [text_of(h.find("DescriptorName")) for h in
                       citation.findall("MeshHeadingList/MeshHeading") if _is_major(h)],
        "keywords": [text_of(k) for k in citation.findall("KeywordList/Keyword") if text_of(k)],
    }
    if ids.get("pmc"):
        metadata["pmcid"] = ids["pmc"]
    # NLM links a retracted article to its retraction notice (read by medcite.grading).
    if any(c.get("RefType") == "RetractionIn"
           for c in citation.findall("CommentsCorrectionsList/CommentsCorrections")):
        metadata["retracted"] = True
    if journal is not None and journal.findtext("ISOAbbreviation"):
        metadata["journal_abbreviation"] = journal.findtext("ISOAbbreviation").strip()
    return ParsedDocument(
        key=f"pubmed:{pmid}",
        title=title or _first_words(text),
        text=text,
        sections=sections,
        publisher=_journal_title(journal, citation),
        authors=_authors(article.find("AuthorList")),
        year=_year(journal, article),
        url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
        pmid=pmid,
        doi=doi,
        language=_language(article.findtext("Language")),
        collection="pubmed",
        origin=origin,
        metadata=metadata,
    )


def _book_article(record: etree._Element, origin: str) -> ParsedDocument | None:
    """A PubmedBookArticle (NCBI Bookshelf chapters such as GeneReviews, StatPearls)."""
    book_doc = record.find("BookDocument")
    if book_doc is None:
        return None
    pmid = (book_doc.findtext("PMID") or "").strip()
    book = book_doc.find("Book")
    title = _title(book_doc.find("ArticleTitle"), None) or (
        _title(book.find("BookTitle"), None) if book is not None else "")
    if not pmid:
        return None
    builder = DocumentBuilder()
    _add_abstract(builder, book_doc.find("Abstract"))
    if not builder.sections:
        if not title:
            return None
        builder.add("", title)
    text, sections = builder.build()
    ids = _article_ids(record.find("PubmedBookData"))
    year_text = book.findtext("PubDate/Year") if book is not None else None
    publisher = ""
    if book is not None:
        publisher = (book.findtext("Publisher/PublisherName") or "").strip()
    return ParsedDocument(
        key=f"pubmed:{pmid}",
        title=title or _first_words(text),
        text=text,
        sections=sections,
        publisher=publisher,
        authors=_authors(book_doc.find("AuthorList")),
        year=int(year_text) if year_text and year_text.strip().isdigit() else None,
        url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
        pmid=pmid,
        doi=ids.get("doi", ""),
        language=_language(book_doc.findtext("Language")),
        collection="pubmed",
        origin=origin,
        metadata={
            "publication_types": [text_of(p) for p in
                                  book_doc.findall("PublicationType")],
            "mesh": [],
            "keywords": [text_of(k) for k in book_doc.findall("KeywordList/Keyword")],
            "book": True,
        },
    )


def _title(title: etree._Element | None, vernacular: etree._Element | None) -> str:
    text = text_of(title) if title is not None else ""
    # NLM brackets titles translated into English ("[Magnesium in cramps].") - keep the words.
    if text.startswith("[") and text.endswith(("].", "]")):
        text = text.lstrip("[").rstrip(".").rstrip("]") + "."
    if not text and vernacular is not None:
        text = text_of(vernacular)
    return text


def _add_abstract(builder: DocumentBuilder, abstract: etree._Element | None) -> None:
    """Labelled AbstractText parts become sections; consecutive unlabelled parts share one."""
    if abstract is None:
        return
    heading, paragraphs = "", []
    for part in abstract.findall("AbstractText"):
        body = text_of(part)
        if not body:
            continue
        label = _label(part.get("Label") or "")
        if label and paragraphs:
            builder.add(heading, "\n\n".join(paragraphs))
            paragraphs = []
        if label or not paragraphs:
            heading = label or heading
        paragraphs.append(body)
    if paragraphs:
        builder.add(heading, "\n\n".join(paragraphs))


def _label(label: str) -> str:
    """ "METHODS AND RESULTS" -> "Methods and results"; mixed-case labels are kept as written."""
    label = label.strip().rstrip(":").strip()
    if label.upper() in ("UNLABELLED", "UNASSIGNED"):
        return ""
    return label.capitalize() if label.isupper() else label


def _is_major(heading: etree._Element) -> bool:
    descriptor = heading.find("DescriptorName")
    if descriptor is None:
        return False
    return descriptor.get("MajorTopicYN") == "Y" or any(
        q.get("MajorTopicYN") == "Y" for q in heading.findall("QualifierName"))


def _journal_title(journal: etree._Element | None, citation: etree._Element) -> str:
    if journal is not None:
        for path in ("Title", "ISOAbbreviation"):
            value = (journal.findtext(path) or "").strip()
            if value:
                return value
    return (citation.findtext("MedlineJournalInfo/MedlineTA") or "").strip()


def _year(journal: etree._Element | None, article: etree._Element) -> int | None:
    """PubDate/Year, else the first year in PubDate/MedlineDate ("1998 Dec-1999 Jan"), else
    the electronic ArticleDate."""
    candidates: list[str] = []
    if journal is not None:
        candidates += [journal.findtext("JournalIssue/PubDate/Year") or "",
                       journal.findtext("JournalIssue/PubDate/MedlineDate") or ""]
    candidates.append(article.findtext("ArticleDate/Year") or "")
    for value in candidates:
        match = _YEAR.search(value)
        if match:
            return int(match.group(1))
    return None


def _authors(author_list: etree._Element | None) -> list[str]:
    """"Last Initials" for people, the group name for collective authors."""
    if author_list is None:
        return []
    names = []
    for author in author_list.findall("Author"):
        if author.get("ValidYN", "Y") == "N":
            continue
        last = (author.findtext("LastName") or "").strip()
        if last:
            initials = (author.findtext("Initials") or "").strip()
            names.append(f"{last} {initials}".strip())
        elif author.find("CollectiveName") is not None:
            names.append(text_of(author.find("CollectiveName")))
    return [n for n in names if n]


def _article_ids(pubmed_data: etree._Element | None) -> dict[str, str]:
    if pubmed_data is None:
        return {}
    ids: dict[str, str] = {}
    for item in pubmed_data.findall("ArticleIdList/ArticleId"):
        kind, value = item.get("IdType", ""), (item.text or "").strip()
        if kind and value and kind not in ids:
            ids[kind] = value
    return ids


def _language(code: str | None) -> str:
    code = (code or "").strip().lower()
    return _LANGUAGES.get(code, code or "en")


def _first_words(text: str, limit: int = 120) -> str:
    first = text.split("\n", 1)[0]
    return first if len(first) <= limit else first[: limit - 3] + "..."


class PubmedConnector:
    """Reads PubMed/MEDLINE XML files (plain or .gz), sniffed by their root element."""

    name = "pubmed-xml"

    def accepts(self, path: Path, head: bytes) -> bool:
        return root_tag(head) in ROOTS

    def read(self, path: Path) -> Iterator[ParsedDocument]:
        return self.read_with(path, None, None)

    def read_with(self, path: Path, settings: Settings | None,
                  report: IngestReport | None) -> Iterator[ParsedDocument | Deletion]:
        """Documents (and deletions) of the file; records with no text are counted in `report.skipped_records`."""
        from . import open_maybe_gzip

        skipped: list[str] = []
        try:
            with open_maybe_gzip(path) as stream:
                yield from iter_pubmed(stream, str(path), skipped)
        finally:
            if report is not None:
                report.skipped_records += len(skipped)
