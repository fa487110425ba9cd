"""The locked-down XML helpers every XML connector uses."""

from __future__ import annotations

from io import BytesIO

import pytest
from lxml import etree

from medcite.ingest.connectors.base import IngestError
from medcite.ingest.connectors.xmlsafe import iter_records, parse_document, root_tag, text_of


@pytest.mark.parametrize(("head", "tag"), [
    (b'<?xml version="1.0"?>\n<PubmedArticleSet>', "PubmedArticleSet"),
    (b'\xef\xbb\xbf<?xml version="1.0"?><!DOCTYPE MedlineCitationSet PUBLIC "-//NLM//DTD x//EN"'
     b' "https://www.nlm.nih.gov/x.dtd">\n<MedlineCitationSet>', "MedlineCitationSet"),
    (b'<!DOCTYPE article [<!ENTITY a "b">]><!-- c --><article article-type="x">', "article"),
    (b"<?xml-stylesheet href='a'?><health-topics total='1'>", "health-topics"),
    (b"<ns:article xmlns:ns='urn:x'/>", "article"),
    (b"plain text, not XML", ""),
    (b"", ""),
])
def test_root_tag(head, tag):
    assert root_tag(head) == tag


def test_text_of_drops_unresolved_entities_and_skipped_children():
    xml = b'<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/hostname">]><p>a &x; b<r>c</r>d</p>'
    root = parse_document(BytesIO(xml), "t")
    assert text_of(root) == "a bcd"
    assert text_of(root, skip={"r"}) == "a bd"


def test_entity_expansion_bomb_is_refused():
    # "Billion laughs": nested internal entities that would expand to gigabytes.
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    xml = f'<!DOCTYPE r [<!ENTITY l0 "lol">{lol}]><r><x>&l9;</x></r>'.encode()
    with pytest.raises(IngestError, match="amplification"):  # libxml2 refuses, we report
        list(iter_records(BytesIO(xml), "t", {"x"}))


def test_deep_nesting_is_refused():
    depth = 5000  # libxml2 refuses documents nested deeper than 256 levels without huge_tree
    xml = b"<r>" + b"<d>" * depth + b"</d>" * depth + b"</r>"
    with pytest.raises(IngestError, match="malformed XML"):
        list(iter_records(BytesIO(xml), "deep.xml", {"d"}))


def test_iter_records_streams_direct_children_and_clears_them():
    xml = b"<set><rec><rec>inner</rec>one</rec><other/><rec>two</rec></set>"
    seen, parents = [], []
    for element in iter_records(BytesIO(xml), "t", {"rec"}):
        seen.append(text_of(element))
        parents.append(len(element.getparent()))
    assert seen == ["innerone", "two"]
    # lxml parses ahead by a buffer, so the first record may see its later siblings; by the
    # second, everything before it is gone from the partial tree.
    assert parents[-1] == 1


def test_syntax_error_names_the_line():
    xml = b"<set>\n<rec>1</rec>\n<rec>2</oops>\n</set>"
    got = []
    with pytest.raises(IngestError, match=r"^bad\.xml: malformed XML at line 3: "):
        for element in iter_records(BytesIO(xml), "bad.xml", {"rec"}):
            got.append(element.text)
    assert got == ["1"]


def test_network_dtd_is_never_fetched():
    # load_dtd=False and no_network=True: an unreachable DTD URL is not even tried.
    xml = (b'<!DOCTYPE r SYSTEM "http://127.0.0.1:9/evil.dtd"><r>ok</r>')
    assert text_of(parse_document(BytesIO(xml), "t")) == "ok"
    assert isinstance(parse_document(BytesIO(xml), "t"), etree._Element)
