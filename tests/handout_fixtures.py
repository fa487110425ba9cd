"""A small library written for the handout tests (our own words, in a patient-sheet shape)."""

from __future__ import annotations

from pathlib import Path

NOTES = {
    "gout.md": """---
title: Gout (test sheet)
id: test:gout
evidence_type: patient_education
publisher: Test Health Service
year: 2023
url: https://example.org/gout
---
# Gout

## What it is

Gout is a kind of arthritis that causes sudden attacks of pain in a joint. It happens when uric acid builds up and forms sharp crystals in the joint. The big toe is the joint it hits most often.

## Causes

Too much uric acid in the blood causes gout. Your risk is higher if you drink beer or sugary drinks. Being overweight and taking water pills also raise the risk. Gout runs in some families.

## Symptoms

An attack often starts at night. The joint becomes red, hot and swollen. The pain is worst in the first 12 to 24 hours. Even a bed sheet on the toe can hurt.

## Diagnosis and treatment

Your provider may test the fluid from the joint for crystals. A blood test can show a high uric acid level. Medicines can ease the pain of an attack. Other medicines lower uric acid so attacks do not come back.

## Self-care

Rest the joint and raise it on a pillow. Put a cold pack on the joint for 20 minutes at a time. Drink plenty of water each day. Cut down on beer and sweet drinks.

## Follow-up

Go to your follow-up visits so your provider can check your uric acid level. Regular blood tests show whether your medicine is working.

## When to get help

Contact your provider if:

- You have a fever with a painful joint.
- The pain does not get better after 2 days of treatment.

Seek care immediately or call 911 if:

- You have chest pain or trouble breathing.
- Your face, lips or tongue swell after a new medicine.
""",
    "sleep.md": """---
title: Sleeping well (test sheet)
id: test:sleep
evidence_type: patient_education
publisher: Test Health Service
year: 2022
---
# Sleeping well

Most adults need 7 or more hours of sleep each night. Keep the bedroom dark and cool.
""",
}


def build(home: Path, **settings):
    """A Medcite over the notes above (no embeddings: dense retrieval is slow to build)."""
    from medcite import Medcite

    src = home / "notes"
    src.mkdir(parents=True, exist_ok=True)
    for name, text in NOTES.items():
        (src / name).write_text(text, encoding="utf-8")
    app = Medcite.open(home / "library", dense=False, **settings)
    report = app.ingest([src])
    assert not report.errors, report.errors
    return app
