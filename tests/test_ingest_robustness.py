"""Acceptance checks of the library issue (#2) for ingest: bad input, SIGKILL, throughput.

Every check runs the real `medcite` command in a subprocess, as a user would, so that a
traceback on stderr or a wrong exit status cannot hide behind an in-process runner. Dense
vectors are switched off (MEDCITE_DENSE=false): these checks are about the catalogue, and
embedding 20k passages at ~70/s would take minutes after each ingest.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _pdfmake import make_pdf
from conftest import shared_path

from medcite import Medcite

MEDCITE = [sys.executable, "-c", "from medcite.cli import main; main()"]
ENV = {**os.environ, "MEDCITE_DENSE": "false"}
FIXTURES = Path(__file__).parent / "fixtures" / "html"


def run(library: Path, *args: str, env: dict | None = None, timeout: float = 600):
    return subprocess.run([*MEDCITE, "-L", str(library), *args], capture_output=True,
                          text=True, timeout=timeout, env={**ENV, **(env or {})})


# -- the bad-input batch ----------------------------------------------------------------

PUBMED_GOOD = b"""<?xml version="1.0"?>
<PubmedArticleSet><PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">
<PMID Version="1">90000001</PMID><Article><Journal><JournalIssue><PubDate><Year>2019</Year>
</PubDate></JournalIssue><Title>Journal of Invented Examples</Title></Journal>
<ArticleTitle>Magnesium and night cramps in a made-up trial.</ArticleTitle>
<Abstract><AbstractText>We describe an invented trial used only as test input.</AbstractText>
</Abstract><PublicationTypeList><PublicationType>Randomized Controlled Trial</PublicationType>
</PublicationTypeList></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>
"""


def _billion_laughs() -> bytes:
    lines = ['<?xml version="1.0"?>', "<!DOCTYPE PubmedArticleSet [", ' <!ENTITY l0 "lol">']
    lines += [f' <!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)]
    lines += ["]>", "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>",
              "<ArticleTitle>&l9;</ArticleTitle></Article></MedlineCitation></PubmedArticle>",
              "</PubmedArticleSet>"]
    return "\n".join(lines).encode()


def _xxe(secret: Path) -> bytes:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [\n'
            f' <!ENTITY leak SYSTEM "file://{secret}">\n]>\n'
            "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>90000002</PMID><Article>"
            "<ArticleTitle>External entity test &leak;</ArticleTitle>"
            "<Abstract><AbstractText>Body &leak; text.</AbstractText></Abstract>"
            "</Article></MedlineCitation></PubmedArticle></PubmedArticleSet>").encode()


def build_batch(folder: Path, secret: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """(bad files, good files) by name; every bad file is broken or hostile in its own way."""
    md = "# Fluids\n\nDrink water during long walks in hot weather.\n"
    good = {
        "good_note.md": md.encode(),
        "good_plain.txt": b"Stretching the calf before bed may reduce night cramps.",
        "good_hostile_page.html": (FIXTURES / "hostile_page.html").read_bytes(),
        "good_page.html": (FIXTURES / "cramps_page.html").read_bytes(),
        "good_guide.pdf": make_pdf([["Magnesium guide page one, written for tests only."]]),
        "good_records.jsonl": b"".join(json.dumps({"_id": str(i), "text": f"Record {i}."}).encode()
                                       + b"\n" for i in range(5)),
        "good_pubmed.xml": PUBMED_GOOD,
        "good_pubmed.xml.gz": gzip.compress(PUBMED_GOOD.replace(b"90000001", b"90000003")),
        # Hostile but readable: ingested, with the external entity left unresolved.
        "external_entity.xml": _xxe(secret),
    }
    gz = gzip.compress(PUBMED_GOOD * 50)
    bad = {
        "empty.txt": b"",
        "blank.md": b"   \n\n  \n",
        "binary.txt": bytes(range(256)) * 8,
        "unknown.xyz": b"some words in a format nobody reads",
        "picture.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        "truncated.xml.gz": gz[: len(gz) // 2],
        "corrupt.gz": b"\x1f\x8b\x08\x00" + b"\xff" * 200,
        "malformed.xml": b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>5</PMID>"
                         b"<Article><ArticleTitle>Unclosed",
        "billion_laughs.xml": _billion_laughs(),
        "deep_nesting.xml": (b"<PubmedArticleSet>" + b"<x>" * 10_000 + b"deep" + b"</x>" * 10_000
                             + b"</PubmedArticleSet>"),
        "not_pubmed.xml": b'<?xml version="1.0"?><inventory><item>bolts</item></inventory>',
        "empty_page.html": b"<html><head><title>t</title></head><body></body></html>",
        "menu_only.html": b"<html><body><nav><a href='/'>Home</a></nav>"
                          b"<script>alert(1)</script></body></html>",
        "binary_page.html": b"<html>\x00\x00\x00\x01\x02</html>",
        "scanned.pdf": make_pdf([[], []]),
        "corrupt.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 4,
        "encrypted.pdf": make_pdf([["Secret text that needs a password to read."]],
                                  encrypted=True),
        "truncated.pdf": make_pdf([["A page that will be cut off in the middle."]])[:200],
        "fake.pdf": b"This is a text file pretending to be a PDF.",
        "too_big.txt": b"word " * 300_000,  # 1.5 MB, over the 1 MB limit set below
        "invalid_utf8.md": b"# Title\n\n\x81\x8d\x8f\x90\x9d invalid in UTF-8 and cp1252",
        "bad_yaml.md": b"---\ntitle: [unclosed\n---\nBody text here.\n",
        "unclosed_front_matter.md": b"---\ntitle: Something\nBody text but no closing line.\n",
        "front_matter_only.md": b"---\ntitle: Only metadata\n---\n",
        "bad_evidence_type.md": b"---\nevidence_type: gossip\n---\nBody text.\n",
        "bad_year.md": b"---\nyear: soon\n---\nBody text.\n",
        "broken_lines.jsonl": (json.dumps({"_id": "ok1", "text": "Fine record."}) + "\n"
                               + '{"_id": "cut", "text": "no closing\n'
                               + json.dumps({"_id": "ok2", "text": "Also fine."}) + "\n").encode(),
        "not_json.jsonl": b"this is not json at all\n",
        "unknown_shape.jsonl": json.dumps({"ref": 1, "body": "x"}).encode() + b"\n",
        "truncated.jsonl.gz": gzip.compress(b'{"_id": "1", "text": "x"}\n' * 5000)[:300],
        "nul_in_text.txt": b"Looks like text\x00\x00 but holds NUL bytes",
        "bad_mapping.jsonl": json.dumps({"_id": "1", "text": "x"}).encode() + b"\n",
        "malformed_jats.nxml": b"<article><front><article-meta><title-group><article-title>Cut",
        "malformed_topics.xml": b'<?xml version="1.0"?><health-topics total="1">'
                                b'<health-topic title="Cut off" url="https://x.invalid/a"',
    }
    sidecar = folder / "bad_mapping.jsonl.mapping.yaml"
    sidecar.write_text("idd: x\n", encoding="utf-8")
    for name, data in {**bad, **good}.items():
        (folder / name).write_bytes(data)
    return bad, good


def test_bad_input_batch(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-FILE-CONTENT", encoding="utf-8")
    folder = tmp_path / "batch"
    folder.mkdir()
    bad, good = build_batch(folder, secret)
    assert len(bad) >= 30
    library = tmp_path / "lib"
    result = run(library, "ingest", str(folder), env={"MEDCITE_MAX_FILE_MB": "1"}, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    failed = [line for line in result.stderr.splitlines() if line.startswith("FAILED ")]
    assert all(line.startswith(("FAILED ", "  ")) or "failed." in line or not line.strip()
               for line in result.stderr.splitlines()), result.stderr
    by_file: dict[str, list[str]] = {}
    for line in failed:
        origin = line[len("FAILED "):].split(": ", 1)[0]
        name = Path(re.sub(r":\d+$", "", origin)).name
        by_file.setdefault(name, []).append(line)
    missing = sorted(set(bad) - set(by_file))
    assert not missing, f"no error line for {missing}\n{result.stderr}"
    assert not set(good) & set(by_file), result.stderr
    for name, lines in by_file.items():
        if name != "broken_lines.jsonl":
            assert len(lines) == 1, lines  # one clear line per bad file
    assert "line 2" in by_file["broken_lines.jsonl"][0]
    # Every good file is in; so are the good records of the file with a broken line.
    app = Medcite.open(library)
    ids = {s.id for s in app.sources()}
    app.close()
    expected = {"file:good_note", "file:good_plain", "file:good_hostile_page",
                "https://health.example.org/cramps/night", "file:good_guide",
                "pubmed:90000001", "pubmed:90000003", "broken_lines:ok1", "broken_lines:ok2"}
    expected |= {f"good_records:{i}" for i in range(5)} | {"pubmed:90000002"}
    assert expected <= ids, sorted(expected - ids)


def test_hostile_html_and_external_entities_leave_no_trace(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-FILE-CONTENT", encoding="utf-8")
    folder = tmp_path / "batch"
    folder.mkdir()
    build_batch(folder, secret)
    library = tmp_path / "lib"
    run(library, "ingest", str(folder), env={"MEDCITE_MAX_FILE_MB": "1"}, timeout=120)
    db = sqlite3.connect(library / "library.db")
    texts = " ".join(r[0] for r in db.execute("SELECT text FROM source_versions"))
    titles = " ".join(r[0] for r in db.execute("SELECT title FROM sources"))
    db.close()
    assert "Magnesium supplements can loosen stools" in texts  # the hostile page's content
    for marker in ("TOP-SECRET", "SCRIPT-BODY", "HANDLER-CODE", "JS-LINK-CODE", "lollollol",
                   "ONLOAD", "javascript:"):
        assert marker not in texts + titles, marker


# -- SIGKILL in the middle of a large batch -----------------------------------------------

def _synthetic_corpus(path: Path, n: int) -> None:
    words = ["magnesium", "potassium", "calcium", "cramp", "twitch", "sleep", "kidney", "dose", "level", "blood", "muscle", "nerve", "heart", "adult", "child", "diet", "water", "salt"]
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            sentence = " ".join(words[(i * 7 + k) % len(words)] for k in range(12))
            fh.write(json.dumps({"_id": f"D{i}", "title": f"Record {i}",
                                 "text": f"{sentence.capitalize()}. Number {i} of {n}."}) + "\n")


def _count(db_path: Path) -> int:
    try:
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1)
        try:
            return db.execute("SELECT COUNT(*) FROM sources").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def test_sigkill_mid_batch_leaves_whole_sources_and_rerun_completes(tmp_path):
    n = 20_000
    corpus = tmp_path / "synth" / "corpus.jsonl"
    corpus.parent.mkdir()
    _synthetic_corpus(corpus, n)
    library = tmp_path / "lib"
    proc = subprocess.Popen([*MEDCITE, "-L", str(library), "ingest", "-q", str(corpus)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**ENV, "MEDCITE_INGEST_BATCH": "250"})
    deadline = time.monotonic() + 120
    while _count(library / "library.db") < 500 and proc.poll() is None:
        assert time.monotonic() < deadline, "ingest never wrote a batch"
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    db = sqlite3.connect(library / "library.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = db.execute("SELECT COUNT(*) FROM sources").fetchone()[0]
    assert 0 < stored < n, f"the kill came too late to test anything ({stored} of {n})"
    # Whole sources only: each has its text version and passages that match their offsets.
    assert db.execute("SELECT COUNT(*) FROM sources s WHERE NOT EXISTS (SELECT 1 FROM passages p"
                      " WHERE p.source_id = s.id AND p.superseded = 0)").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM sources s LEFT JOIN source_versions v ON "
                      "v.source_id = s.id AND v.version = s.version WHERE v.text IS NULL"
                      ).fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM passages p LEFT JOIN sources s ON s.id = p.source_id"
                      " WHERE s.id IS NULL").fetchone()[0] == 0
    db.close()
    app = Medcite.open(library)
    for source in app.sources():  # the service opens the library; spot-check through it
        text = app.store.source_text(source.id)
        assert all(text[p.start:p.end] == p.text for p in app.source_passages(source.id))
    app.close()
    result = run(library, "ingest", str(corpus), timeout=300)
    assert result.returncode == 0, result.stderr
    added = int(re.match(r"(\d+) added", result.stdout).group(1))
    assert stored + added == n
    assert _count(library / "library.db") == n


# -- throughput and no-op re-run on the shared corpora ------------------------------------

@pytest.mark.slow
def test_shared_corpora_throughput_and_noop_rerun(tmp_path):
    medquad = shared_path("data", "medquad", "corpus.jsonl")
    nfcorpus = shared_path("data", "nfcorpus", "corpus.jsonl")
    library = tmp_path / "lib"
    started = time.perf_counter()
    first = run(library, "ingest", str(medquad), str(nfcorpus))
    first_s = time.perf_counter() - started
    assert first.returncode == 0, first.stderr
    rate = float(re.search(r"\(([\d,]+) passages/s\)", first.stdout).group(1).replace(",", ""))
    started = time.perf_counter()
    second = run(library, "ingest", str(medquad), str(nfcorpus))
    second_s = time.perf_counter() - started
    print(f"\nfirst: {first.stdout.strip()} [{first_s:.2f} s wall]"
          f"\nsecond: {second.stdout.strip()} [{second_s:.2f} s wall]")
    assert rate >= 2000
    assert "0 added, 0 updated" in second.stdout and "2 files skipped" in second.stdout
    assert second_s < 0.10 * first_s
    app = Medcite.open(library)
    stats = app.stats()
    app.close()
    expected = 0
    for path in (medquad, nfcorpus):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                text = record.get("answer", record.get("text", ""))
                expected += bool(text.strip()) and not record.get("third_party_text")
    assert stats["sources"] == expected
