"""Evaluation on public benchmarks: `medcite eval liveqa`, `nfcorpus` and `mediqa` (tuning).

- `datasets`: where the shared data lives; loaders for queries and judgments;
- `runfile`: TREC run files (``qid Q0 docid rank score tag``);
- `baseline`: the plain BM25 run beside every evaluation;
- `runner`: build or reuse a library, search, roll passages up to documents, score.

The metric formulas themselves are pure functions in `medcite.metrics`.
"""

from .runner import EvalResult, run_liveqa, run_mediqa, run_nfcorpus

__all__ = ["EvalResult", "run_liveqa", "run_mediqa", "run_nfcorpus"]
