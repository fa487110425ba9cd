"""A plain BM25 baseline (bm25s), run beside medcite in every evaluation and benchmark.

It is deliberately plain: Snowball English stemming and the English stop-word list of bm25s,
Lucene's BM25 variant with k1 = 1.5, b = 0.75 (the bm25s defaults; Robertson & Zaragoza 2009
for the formula), an OR query, no query understanding, no expansion, no dense retrieval.
Installed with the ``bench`` extra: ``pip install medcite[bench]``.

>>> bm25 = Bm25Baseline({"a": "low magnesium and muscle cramps", "b": "vitamin D and bones"})
>>> [doc for doc, _ in bm25.search("magnesium cramp", k=5)]
['a']
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from ..errors import MedciteError


def _modules():
    try:
        import bm25s
        import Stemmer
    except ImportError:
        raise MedciteError(
            "the BM25 baseline needs the bench extra: pip install 'medcite[bench]'"
        ) from None
    return bm25s, Stemmer


class Bm25Baseline:
    """BM25 over a fixed set of documents (doc id -> text)."""

    def __init__(self, documents: Mapping[str, str], k1: float = 1.5, b: float = 0.75):
        if not documents:
            raise MedciteError("the BM25 baseline has no documents to index")
        bm25s, stemmer_module = _modules()
        self._bm25s = bm25s
        self._stemmer = stemmer_module.Stemmer("english")
        self.ids = list(documents)
        started = time.perf_counter()
        tokens = bm25s.tokenize([documents[i] for i in self.ids], stopwords="en",
                                stemmer=self._stemmer, show_progress=False)
        self._index = bm25s.BM25(k1=k1, b=b)
        self._index.index(tokens, show_progress=False)
        self.index_seconds = time.perf_counter() - started

    def search(self, query: str, k: int = 10) -> list[tuple[str, float]]:
        """Top documents for one query, best first; documents sharing no term are left out."""
        tokens = self._bm25s.tokenize([query], stopwords="en", stemmer=self._stemmer,
                                      show_progress=False)
        if not tokens.ids or not tokens.ids[0]:
            return []  # only stop words: nothing to match
        k = min(k, len(self.ids))
        docs, scores = self._index.retrieve(tokens, k=k, show_progress=False, n_threads=1)
        return [(self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0], strict=True)
                if s > 0]
