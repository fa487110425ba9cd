"""A learned second opinion for triage: does this message, read as a whole, describe an emergency?

The red-flag rules (`medcite.triage`) quote the words they rest on and are right on the phrasings
they know, but fresh messages keep describing common emergencies in words no rule names ("can't
get a whole sentence out", "his lips look grey", "tonight feels like the right night"). Scored
on parts written after them, the rules found 72% of emergencies (blind5..blind20, each part with
the rules of the day it was written; docs/triage.md). This module adds a linear classifier
trained on the project's own labelled messages; `triage()` uses it only to *raise* a decision to
emergency, never to lower one, and quotes the sentence that weighed most.

- Features (`features`): the words of the message, adjacent word pairs, and the four-letter
  pieces of each word (``<breath>`` -> ``<bre``, ``brea``, ``reat``, ``eath``, ``ath>``), so
  misspellings and inflections share weight. Each message's feature vector is binary and scaled
  to unit length.
- Model (`fit`): L2-regularised logistic regression fitted by full-batch gradient descent with
  AdaGrad step sizes (Duchi, Hazan and Singer, JMLR 2011;12:2121-59), a fixed number of steps
  from zero weights, so training is deterministic. Pure numpy.
- Two detectors are fitted: `emergency` (label: the message's level is emergency, on every
  message) and `crisis` (label: the note names suicide or self-harm, fitted on the emergencies
  only), the second deciding whether a raised emergency shows the crisis line first.
- The weights ship in `data/triage/detector.json`, written by ``python -m medcite.triage_model``
  from the packaged test set parts named in the file; `tests/test_triage_model.py` retrains and
  checks the file is what the parts give. The step count, regularisation and threshold were
  chosen by training on the parts written before each of blind5..blind20 and scoring that part
  with the rules of its day (`benchmarks/triage_forward.py`).

Because the packaged parts are its training data, scores on them flatter the detector as they
flatter the rules; only parts written after a model are a fair measure.

>>> d = detector()
>>> d.raises("how much vitamin d should a toddler get each day?", rules_found_nothing=True)
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .text import ROUGH_SENTENCE
from .vocabulary import fold

__all__ = ["Detector", "LinearModel", "detector", "features", "fit", "train_packaged"]

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
CHAR_N = 4
L2 = 1.0
STEPS = 300
STEP_SIZE = 0.5
THRESHOLD = 0.5
# When the rules found nothing personal and current (level none: an information question, a
# past or hypothetical event) the detector must be surer: forward-chained on blind5..blind20 this
# kept 15 of 24 information-question false alarms away at the cost of 7 of 480 emergencies, and
# on 235 real consumer questions (MEDIQA, LiveQA) it left 2 raised instead of 9.
THRESHOLD_NO_FINDING = 0.6
# Short messages are left to the rules: with few words each weighs a lot ("tonight feels like the
# right night to propose!"), and the training messages are long (median 144 characters).
# Forward-chained, messages under 100 characters gave 1 of the detector's 435 emergencies found
# and 2 of its 30 false alarms.
MIN_CHARS = 100
# An emergency whose note says why in these words is a crisis (suicide, self-harm).
_CRISIS_NOTE = re.compile(
    r"suicid|self-harm|self harm|kill (?:him|her|them|my)sel|end (?:his|her|their|my) life|"
    r"intent to die", re.I)
# The crisis model is fitted among emergencies only (crisis or not), with a lighter penalty: few
# of them are crises. Forward-chained (blind5..blind20) it marked 11 of 45 crisis emergencies
# and 2 of 435 others; it only decides the action line of messages the rules did not catch.
CRISIS_L2 = 0.1
_FILE = "detector.json"


def features(text: str) -> set[str]:
    """The binary features of a message: words, word pairs and each word's 4-letter pieces.

    >>> sorted(f for f in features("Can't breathe") if f.startswith("#"))
    ['#<bre', '#<can', "#an't", '#athe', '#brea', "#can'", '#eath', "#n't>", '#reat', '#the>']
    >>> "can't breathe" in features("Can't breathe")
    True
    """
    words = _TOKEN.findall(fold(text))
    found = set(words)
    found.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    for word in words:
        marked = f"<{word}>"
        found.update("#" + marked[i:i + CHAR_N] for i in range(len(marked) - CHAR_N + 1))
    return found


@dataclass(frozen=True)
class LinearModel:
    """Logistic regression over `features`: P(label | message) = sigmoid(b + w.x / |x|)."""

    weights: dict[str, float]
    bias: float

    def score(self, text: str) -> float:
        found = features(text)
        if not found:
            return _sigmoid(self.bias)
        total = sum(self.weights.get(f, 0.0) for f in found)
        return _sigmoid(self.bias + total / np.sqrt(len(found)))

    def strongest_span(self, text: str) -> tuple[int, int]:
        """The sentence of `text` whose features weigh most toward the label (start, end)."""
        best, span = -np.inf, (0, len(text))
        for m in ROUGH_SENTENCE.finditer(text):
            piece = m.group()
            if not piece.strip():
                continue
            weight = sum(self.weights.get(f, 0.0) for f in features(piece))
            if weight > best:
                lead = len(piece) - len(piece.lstrip())
                best, span = weight, (m.start() + lead, m.start() + len(piece.rstrip()))
        return span


def _sigmoid(z: float) -> float:
    return float(1.0 / (1.0 + np.exp(-z)))


def fit(texts: Sequence[str], labels: Sequence[bool], l2: float = L2, steps: int = STEPS,
        step_size: float = STEP_SIZE) -> LinearModel:
    """Fit `LinearModel` by full-batch AdaGrad on the mean-free log loss plus (l2/2)|w|^2.

    >>> m = fit(["chest pain now", "chest pain last year", "sore toe"], [True, False, False])
    >>> m.score("chest pain now") > m.score("sore toe")
    True
    """
    if len(texts) != len(labels) or not texts:
        raise ValueError("fit needs as many labels as texts, and at least one of each")
    index: dict[str, int] = {}
    rows = [[index.setdefault(f, len(index)) for f in sorted(features(t))] for t in texts]
    lengths = np.array([max(len(r), 1) for r in rows])
    cols = np.array([c for r in rows for c in r], dtype=np.int64)
    row_of = np.repeat(np.arange(len(rows)), [len(r) for r in rows])
    value = (1.0 / np.sqrt(lengths))[row_of]
    y = np.asarray(labels, dtype=float)
    w = np.zeros(len(index))
    b = 0.0
    g2 = np.full(len(index), 1e-8)
    gb2 = 1e-8
    for _ in range(steps):
        z = np.bincount(row_of, weights=w[cols] * value, minlength=len(rows)) + b
        err = 1.0 / (1.0 + np.exp(-z)) - y
        gw = np.bincount(cols, weights=err[row_of] * value, minlength=len(index)) + l2 * w
        gb = float(err.sum())
        g2 += gw * gw
        gb2 += gb * gb
        w -= step_size * gw / np.sqrt(g2)
        b -= step_size * gb / np.sqrt(gb2)
    names = list(index)
    return LinearModel({names[i]: float(w[i]) for i in range(len(names))}, float(b))


@dataclass(frozen=True)
class Detector:
    """The shipped pair of models and the threshold above which a message reads as an emergency."""

    emergency: LinearModel
    crisis: LinearModel
    threshold: float
    trained_on: tuple[str, ...]
    threshold_no_finding: float = THRESHOLD_NO_FINDING

    def raises(self, message: str, rules_found_nothing: bool) -> float | None:
        """The emergency probability if it clears its threshold, else None.

        Messages shorter than `MIN_CHARS` are never raised.
        """
        if len(message.strip()) < MIN_CHARS:
            return None
        p = self.emergency.score(message)
        wanted = self.threshold_no_finding if rules_found_nothing else self.threshold
        return p if p >= wanted else None

    def to_dict(self) -> dict[str, Any]:
        def model(m: LinearModel) -> dict[str, Any]:
            kept = {f: round(w, 5) for f, w in sorted(m.weights.items()) if abs(w) >= 5e-5}
            return {"bias": round(m.bias, 6), "weights": kept}
        return {"about": "Learned emergency detector for medcite triage; written by "
                         "`python -m medcite.triage_model` (see medcite/triage_model.py).",
                "features": {"words": True, "word_pairs": True, "char_n": CHAR_N},
                "l2": L2, "crisis_l2": CRISIS_L2, "steps": STEPS, "step_size": STEP_SIZE,
                "min_chars": MIN_CHARS, "threshold": self.threshold,
                "threshold_no_finding": self.threshold_no_finding,
                "trained_on": list(self.trained_on),
                "emergency": model(self.emergency), "crisis": model(self.crisis)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Detector:
        def model(d: dict[str, Any]) -> LinearModel:
            return LinearModel(dict(d["weights"]), float(d["bias"]))
        return cls(model(data["emergency"]), model(data["crisis"]), float(data["threshold"]),
                   tuple(data["trained_on"]), float(data["threshold_no_finding"]))


def train(rows: Iterable[dict[str, Any]], trained_on: Sequence[str] = ()) -> Detector:
    """Fit both detectors on labelled rows (``{"text", "level", "note"}``)."""
    rows = list(rows)
    emergencies = [r for r in rows if r["level"] == "emergency"]
    emergency = fit([r["text"] for r in rows], [r["level"] == "emergency" for r in rows])
    crisis = fit([r["text"] for r in emergencies],
                 [bool(_CRISIS_NOTE.search(r.get("note", ""))) for r in emergencies], l2=CRISIS_L2)
    return Detector(emergency, crisis, THRESHOLD, tuple(trained_on))


def train_packaged(parts: Sequence[str] | None = None) -> Detector:
    """Train on the packaged test set parts (all of `triage_eval.TRAINING_PARTS` by default)."""
    from .triage_eval import TRAINING_PARTS, default_sets, load_set
    parts = tuple(parts or TRAINING_PARTS)
    sets = default_sets()
    rows = [row for part in parts for row in load_set(sets[part])]
    return train(rows, parts)


@lru_cache(maxsize=1)
def detector() -> Detector:
    """The shipped detector, loaded once per process."""
    text = (resources.files("medcite") / "data" / "triage" / _FILE).read_text(encoding="utf-8")
    return Detector.from_dict(json.loads(text))


def main(argv: list[str] | None = None) -> int:
    """Retrain from the packaged parts and write `data/triage/detector.json`."""
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else Path(str(resources.files("medcite") / "data" / "triage"
                                               / _FILE))
    found = train_packaged()
    out.write_text(json.dumps(found.to_dict(), indent=0, sort_keys=True) + "\n",
                   encoding="utf-8")
    print(f"wrote {out} ({len(found.emergency.weights)} features, "
          f"trained on {len(found.trained_on)} parts)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
