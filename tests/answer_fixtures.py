"""A small library written for the answer tests (our own words), and helpers to build hits."""

from __future__ import annotations

from pathlib import Path

from medcite.models import Hit

NOTES = {
    "guideline.md": """---
title: Magnesium supplements in adults (test guideline)
evidence_type: practice_guideline
publisher: Test Guideline Panel
year: 2021
url: https://example.org/guideline
---
# Magnesium supplements in adults

For adults, the upper limit for supplemental magnesium is 350 mg a day.
Do not take more than that unless a doctor tells you to.
Diarrhea is the most common sign that a supplement dose of magnesium is too high.
People with kidney disease should ask a doctor before they take magnesium supplements.
""",
    "patient.md": """---
title: Low magnesium (test handout)
evidence_type: patient_education
publisher: Test Health Service
year: 2022
---
# Low magnesium

Low blood magnesium can cause muscle twitching, cramps and tiredness.
A blood magnesium level below 1.8 mg/dL is usually called low.
Seek care right away if you have a seizure or an irregular heartbeat.
""",
    "trial.md": """---
title: Magnesium for night leg cramps (test trial)
evidence_type: randomized_trial
publisher: Journal of Test Trials
year: 2019
pmid: "12345678"
---
# Magnesium for night leg cramps

## Results

In this trial, magnesium did not reduce night leg cramps in older adults compared with placebo.
Participants took 300 mg of magnesium per day for 6 weeks.
""",
    "web.md": """---
title: Everything about magnesium (test blog)
evidence_type: unreviewed_web
year: 2024
---
# Everything about magnesium

The upper limit for supplemental magnesium is 400 mg per day according to this blog.
Many readers say magnesium helps them sleep.
""",
}


def write_notes(folder: Path, notes: dict[str, str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (notes or NOTES).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def all_hits(app) -> list[Hit]:
    """Every passage of the library as a Hit, in source-id order (score = 1/rank)."""
    hits = []
    for source in app.sources():
        for p in app.store.source_passages(source.id):
            hits.append(Hit(p, source, 1.0 / (len(hits) + 1), {"test": len(hits) + 1}))
    return hits


def open_library(folder: Path):
    """A Medcite over the test notes, ingested once (module-scoped fixtures call this)."""
    from medcite import Medcite

    app = Medcite.open(folder / "library")
    report = app.ingest([str(write_notes(folder / "notes"))])
    assert not report.failed, report.errors
    return app
