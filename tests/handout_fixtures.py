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


# MedQuAD-shaped records (our own words) about an invented condition that goes by two names,
# one record filed under it by mistake (its text is about measles), a definition that tells
# symptoms, treatment text that tells how people live with it, and a symptom table's notes.
RECORDS = [
    {"id": "T1-1", "focus": "Harlow-Pike Disease", "focus_synonyms": [],
     "question": "What is (are) Harlow-Pike Disease ?",
     "answer": "Harlow-Pike disease, also called neural ataxia type 9, is a rare inherited "
               "condition that affects balance. It slowly gets worse over many years."},
    {"id": "T1-2", "focus": "Harlow-Pike Disease", "focus_synonyms": [],
     "question": "What are the treatments for Harlow-Pike Disease ?",
     "answer": "Harlow-Pike disease cannot be cured, but some problems can be treated. "
               "Medicine can ease stiff muscles. Physiotherapy helps people cope with walking "
               "problems. Walkers and wheelchairs can help with everyday activities."},
    {"id": "T1-3", "focus": "Harlow-Pike Disease", "focus_synonyms": [],
     "question": "What are the complications of Harlow-Pike Disease ?",
     "answer": "Measles is caused by a virus that spreads through the air. Measles starts with "
               "a high fever and a rash. Most children with measles get better in two weeks."},
    {"id": "T2-1", "focus": "neural ataxia type 9",
     "focus_synonyms": ["Harlow-Pike disease", "HPD"],
     "question": "Is neural ataxia type 9 inherited ?",
     "answer": "Neural ataxia type 9 is passed down in families. A child who has one parent "
               "with the gene change has a one in two chance of getting it."},
    {"id": "T2-2", "focus": "neural ataxia type 9",
     "focus_synonyms": ["Harlow-Pike disease", "HPD"],
     "question": "What is (are) neural ataxia type 9 ?",
     "answer": "Neural ataxia type 9 is a condition that causes trouble with balance. Early "
               "signs and symptoms include unsteady walking and unclear words."},
    {"id": "T2-3", "focus": "neural ataxia type 9",
     "focus_synonyms": ["Harlow-Pike disease", "HPD"],
     "question": "What are the symptoms of neural ataxia type 9 ?",
     "answer": "The table below lists how often each symptom is seen in this condition. A "
               "frequency of 3/4 means that three of four people in a study had the symptom. "
               "Shaky hands and unclear words are common symptoms of neural ataxia type 9."},
]


def build_records(home: Path):
    """A Medcite over RECORDS (JSON Lines, as MedQuAD is ingested)."""
    import json

    from medcite import Medcite

    src = home / "records"
    src.mkdir(parents=True, exist_ok=True)
    (src / "records.jsonl").write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n",
                                       encoding="utf-8")
    app = Medcite.open(home / "library", dense=False)
    report = app.ingest([src])
    assert not report.errors, report.errors
    return app
