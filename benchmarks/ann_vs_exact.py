"""Exact numpy search against medcite.ann's IVF on a real library's vectors (tiled to N rows).

Usage: .venv/bin/python benchmarks/ann_vs_exact.py LIBRARY [N]
The MiniLM vectors of LIBRARY (home/index/dense/vectors.npy) are repeated with a little noise
until N rows, so the clusters look like real text; queries are 200 rows plus noise.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from statistics import median

import numpy as np

from medcite.ann import IVFIndex
from medcite.dense import top_k


def main() -> None:
    base = np.load(Path(sys.argv[1]) / "index" / "dense" / "vectors.npy")
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
    rng = np.random.default_rng(7)
    rows = base[rng.integers(0, len(base), n)] + rng.normal(0, 0.02, (n, base.shape[1]))
    matrix = (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)
    queries = matrix[rng.integers(0, n, 200)] + rng.normal(0, 0.05, (200, base.shape[1]))
    queries = (queries / np.linalg.norm(queries, axis=1, keepdims=True)).astype(np.float32)
    t = time.perf_counter()
    ivf = IVFIndex.build(matrix)
    build = time.perf_counter() - t
    exact_ms, ivf_ms, recall = [], [], []
    for q in queries:
        t = time.perf_counter()
        truth = {i for i, _ in top_k(matrix, q, 10)}
        exact_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        found = {i for i, _ in ivf.search(q, 10)}
        ivf_ms.append((time.perf_counter() - t) * 1000)
        recall.append(len(truth & found) / 10)
    print(f"{n} x {matrix.shape[1]}: exact p50 {median(exact_ms):.2f} ms; IVF build {build:.1f} s, "
          f"p50 {median(ivf_ms):.2f} ms, recall@10 {np.mean(recall):.4f}")


if __name__ == "__main__":
    main()
