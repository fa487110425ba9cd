"""The starter library: a dozen project-written notes that ship in the package.

Checks that every note ingests as a project-written overview with its references, that the notes
use the section headings later stages look for, that they read plainly, and that no note shares a
run of 12 words with the reference seed files (read at run time from ../shared/seeds).
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
import yaml
from conftest import shared_path

from medcite.models import EvidenceType
from medcite.readability import grade
from medcite.text import words

STARTER = Path(str(resources.files("medcite") / "data" / "starter"))
NOTES = sorted(STARTER.glob("*.md"))
SHINGLE = 12


def front_matter(path: Path) -> dict:
    raw = path.read_text(encoding="utf-8")
    return yaml.safe_load(raw.split("---\n", 2)[1])


def body(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("---\n", 2)[2]


def test_there_are_a_dozen_notes():
    assert len(NOTES) >= 12


@pytest.mark.parametrize("note", NOTES, ids=lambda p: p.stem)
def test_front_matter(note):
    meta = front_matter(note)
    assert meta["id"] == f"starter:{note.stem}"
    assert meta["publisher"] == "medcite project"
    assert meta["year"] == 2026
    assert meta["evidence_type"] == "project_overview"
    assert meta["licence"] == "CC BY 4.0"
    refs = meta["references"]
    assert refs and all(r["title"] and r["publisher"] and r["url"].startswith("https://")
                        for r in refs)


@pytest.mark.parametrize("note", NOTES, ids=lambda p: p.stem)
def test_shape_and_length(note):
    text = body(note)
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert headings[0] == "What it is" and headings[-1] == "When to get help"
    assert "Call your provider if" in text or "Call 911 if" in text
    assert 200 <= len(words(text)) <= 550


@pytest.mark.parametrize("note", NOTES, ids=lambda p: p.stem)
def test_plain_reading_level(note):
    # Reading grade ~8 is the target for patients; a note full of drug names may sit a bit higher.
    assert grade(re.sub(r"^#+ .*$", "", body(note), flags=re.MULTILINE)) <= 9.5


def test_every_note_ingests_as_a_project_overview_with_references(app):
    report = app.ingest([STARTER])
    assert not report.failed, report.errors
    assert report.added == len(NOTES)
    sources = {s.id: s for s in app.sources()}
    assert set(sources) == {f"starter:{n.stem}" for n in NOTES}
    for source in sources.values():
        assert source.evidence_type is EvidenceType.PROJECT_OVERVIEW
        assert source.publisher == "medcite project" and source.year == 2026
        assert source.licence == "CC BY 4.0"
        assert source.metadata["references"], source.id
        sections = {p.section for p in app.source_passages(source.id)}
        assert "When to get help" in sections, source.id
    # A second run is a no-op.
    again = app.ingest([STARTER])
    assert again.added == 0 and again.updated == 0


def _shingles(text: str) -> set[tuple[str, ...]]:
    toks = [w.lower() for w in words(text)]
    return {tuple(toks[i:i + SHINGLE]) for i in range(len(toks) - SHINGLE + 1)}


def test_no_note_shares_12_word_runs_with_the_seed_files():
    seeds = shared_path("seeds")
    seed_shingles: set[tuple[str, ...]] = set()
    for seed in sorted(seeds.glob("*.txt")):
        seed_shingles |= _shingles(seed.read_text(encoding="utf-8", errors="replace"))
    assert seed_shingles, "no seed text was read"
    for note in NOTES:
        shared = _shingles(note.read_text(encoding="utf-8")) & seed_shingles
        assert not shared, f"{note.name} shares: {' '.join(next(iter(shared)))}"
