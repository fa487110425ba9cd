"""Approximate nearest neighbours for large libraries: a faiss IVF index over the dense matrix.

Optional (`pip install medcite[ann]`): below the `dense_ann_threshold` setting, or without
faiss, `medcite.dense` searches exactly. Exact search costs O(n x 384) per query, IVF only the
`nprobe` nearest of `nlist` clusters (docs/benchmarks.md: at 200k MiniLM-like vectors, exact
11.1 ms against IVF 0.59 ms at recall@10 0.97). IVF: Jegou, Douze & Schmid (2011),
"Product quantization for nearest neighbor search", inverted-file part; here without
quantization (IndexIVFFlat), inner product on unit vectors = cosine.

>>> index = IVFIndex.build(matrix)                    # doctest: +SKIP
>>> index.search(query, k=10)                         # doctest: +SKIP
[(1843, 0.71), ...]
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

NPROBE = 8


def available() -> bool:
    """True when faiss is installed."""
    try:
        import faiss  # noqa: F401
    except ImportError:
        return False
    return True


def nlist_for(n: int) -> int:
    """Clusters for n vectors: 4 x sqrt(n) (faiss's rule of thumb), with >= 39 vectors each.

    >>> nlist_for(200_000), nlist_for(1_000), nlist_for(10)
    (1789, 25, 1)
    """
    return max(1, min(round(4 * math.sqrt(n)), n // 39))


class IVFIndex:
    """A trained faiss IndexIVFFlat (inner product) with its nprobe."""

    def __init__(self, index: Any, nprobe: int = NPROBE):
        self.index = index
        self.index.nprobe = nprobe

    @classmethod
    def build(cls, matrix: np.ndarray, nprobe: int = NPROBE) -> IVFIndex:
        import faiss

        data = np.ascontiguousarray(matrix, dtype=np.float32)
        dims = data.shape[1]
        quantizer = faiss.IndexFlatIP(dims)
        index = faiss.IndexIVFFlat(quantizer, dims, nlist_for(len(data)),
                                   faiss.METRIC_INNER_PRODUCT)
        index.train(data)
        index.add(data)
        return cls(index, nprobe)

    @classmethod
    def load(cls, path: Path, nprobe: int = NPROBE) -> IVFIndex:
        import faiss

        return cls(faiss.read_index(str(path)), nprobe)

    def save(self, path: Path) -> None:
        import faiss

        faiss.write_index(self.index, str(path))

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(row, score) of about the k best rows, best first."""
        scores, rows = self.index.search(np.asarray(query, np.float32).reshape(1, -1), k)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]
