"""Every example in medcite's docstrings runs and says what it shows (docs kept true by tests)."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

import medcite

ROOT = Path(medcite.__file__).parent
# Every module file, namespace folders (medcite/ingest) included, which pkgutil would skip.
MODULES = sorted(
    ".".join(("medcite", *p.relative_to(ROOT).with_suffix("").parts)).removesuffix(".__init__")
    for p in ROOT.rglob("*.py") if p.name != "__main__.py")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} fail"
