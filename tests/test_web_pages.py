"""Web pages in-process (no browser): triage and the crisis line come before any answer text."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from medcite import Medcite
from medcite.api import create_app

NOTE = """---
title: Magnesium and seizures
id: note:mg-seizure
evidence_type: patient_education
---
# Magnesium and seizures

Very low blood magnesium can cause muscle spasms and, rarely, seizures.
Magnesium is found in nuts, seeds, beans and leafy greens.
"""


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    home = tmp_path_factory.mktemp("web")
    note = home / "note.md"
    note.write_text(NOTE)
    app = Medcite.open(home / "library")
    app.ingest([note])
    yield TestClient(create_app(app))
    app.close()


def _page(client, message: str) -> str:
    r = client.get("/ask", params={"q": message, "audience": "patient"})
    assert r.status_code == 200
    return r.text


def test_emergency_triage_block_precedes_the_answer(client):
    page = _page(client, "My mother takes magnesium and is having a seizure right now")
    assert 'data-testid="triage"' in page and "triage-emergency" in page
    assert "911" in page
    assert page.index('data-testid="triage"') < page.index('data-testid="answer"')
    assert "<q>seizure</q>" in page or "<q>having a seizure" in page


def test_crisis_line_comes_before_everything_else_in_main(client):
    page = _page(client, "i want to kill myself, does magnesium help sleep")
    main = page[page.index("<main"):]
    assert "988" in main
    assert main.index("988") < main.index('data-testid="answer"')
    if "911" in main:
        assert main.index("988") < main.index("911")


def test_information_question_has_no_alarm(client):
    page = _page(client, "I had a seizure years ago, what foods have magnesium?")
    assert "triage-emergency" not in page
