#!/usr/bin/python3
"""Trains the character-level language models (an LSTM and a small transformer) that aimcsim's
bits-per-character tests use, and exports them.

Text: the English fortune cookies of Debian's fortunes and fortunes-min packages, every file of
/usr/share/games/fortunes/ but ascii-art and the .dat indexes (2.5 MB), cut into its cookies (the
"%" lines). A seeded permutation holds out 10 % of the cookies; the models never see them. The
vocabulary is fixed: id 0 is the newline, ids 1..95 the printable ASCII characters 32..126 (a tab
becomes a space, other characters are dropped). A fixed torch seed and deterministic algorithms,
so a rerun gives the same files. Needs Debian's python3-torch and python3-onnx (and the fortunes
package); run with /usr/bin/python3. Each model trains for 400 steps of 32 random windows of 65
characters (a third of an epoch; about 2.5 min of CPU each on this machine's reference BLAS);
`--model NAME` trains one, so two processes can train both at once.

The networks (input [1, 64] token ids, output [1, 64, 96] next-character logits):
  lstm          embedding 96x64, LSTM 64->128, linear 128->96
  transformer   embedding 96x64 + learned positions, 2 pre-norm layers (causal self-attention,
                4 heads of 16, LayerNorm, MLP 64->256->64 with GELU), LayerNorm, linear 64->96
AdamW (lr 3e-3, one-cycle, weight decay 0.01), gradients clipped at norm 1.

Writes (small and committed; tests never need torch):
  sw/zoo/charlm/lstm.onnx, transformer.onnx   ONNX opset 13 with weights
  sw/zoo/charlm/test_x.npy    int64 [128, 64] token ids: 128 windows spread evenly over the
                              held-out text
  sw/zoo/charlm/test_y.npy    int64 [128, 64] the next character's id at each position
  sw/zoo/charlm/reference.json  PyTorch's held-out bits per character of each model (each window
                              read from an empty state, as aimcsim does)
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "sw", "zoo", "charlm")
TEXT = "/usr/share/games/fortunes"
VOCAB = 96
CONTEXT = 64
TEST_WINDOWS = 128


def encode(text):
    ids = []
    for ch in text.replace("\t", " "):
        if ch == "\n":
            ids.append(0)
        elif 32 <= ord(ch) <= 126:
            ids.append(ord(ch) - 31)
    return ids


def cookies():
    names = sorted(n for n in os.listdir(TEXT)
                   if not n.endswith((".dat", ".u8")) and n != "ascii-art")
    found = []
    for name in names:
        with open(os.path.join(TEXT, name), encoding="utf-8", errors="ignore") as f:
            found += [c.strip("\n") + "\n%\n" for c in f.read().split("\n%\n") if c.strip()]
    return found


def split_text():
    all_cookies = cookies()
    order = torch.randperm(len(all_cookies), generator=torch.Generator().manual_seed(0)).tolist()
    held_out = set(order[:len(order) // 10])
    train = [c for i, c in enumerate(all_cookies) if i not in held_out]
    test = [c for i, c in enumerate(all_cookies) if i in held_out]
    return np.array(encode("".join(train)), dtype=np.int64), np.array(encode("".join(test)), dtype=np.int64)


class Lstm(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Embedding(VOCAB, 64)
        self.lstm = torch.nn.LSTM(64, 128, batch_first=True)
        self.head = torch.nn.Linear(128, VOCAB)

    def forward(self, ids):
        return self.head(self.lstm(self.embed(ids))[0])


class Layer(torch.nn.Module):
    def __init__(self, d=64, heads=4):
        super().__init__()
        self.heads = heads
        self.norm1, self.norm2 = torch.nn.LayerNorm(d), torch.nn.LayerNorm(d)
        self.qkv = torch.nn.Linear(d, 3 * d)
        self.proj = torch.nn.Linear(d, d)
        self.mlp = torch.nn.Sequential(torch.nn.Linear(d, 4 * d), torch.nn.GELU(), torch.nn.Linear(4 * d, d))
        mask = torch.full((CONTEXT, CONTEXT), float("-inf")).triu(1)
        self.register_buffer("mask", mask)

    def attention(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=2)
        q, k, v = (m.reshape(b, t, self.heads, d // self.heads).transpose(1, 2) for m in (q, k, v))
        scores = q @ k.transpose(2, 3) / math.sqrt(d // self.heads) + self.mask[:t, :t]
        y = torch.softmax(scores, dim=-1) @ v
        return self.proj(y.transpose(1, 2).reshape(b, t, d))

    def forward(self, x):
        x = x + self.attention(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class Transformer(torch.nn.Module):
    def __init__(self, d=64):
        super().__init__()
        self.embed = torch.nn.Embedding(VOCAB, d)
        self.position = torch.nn.Parameter(torch.zeros(1, CONTEXT, d))
        self.layers = torch.nn.Sequential(Layer(d), Layer(d))
        self.norm = torch.nn.LayerNorm(d)
        self.head = torch.nn.Linear(d, VOCAB)

    def forward(self, ids):
        return self.head(self.norm(self.layers(self.embed(ids) + self.position[:, :ids.shape[1]])))


def train(model, text, steps=400, batch=32):
    optimiser = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, 3e-3, total_steps=steps)
    generator = torch.Generator().manual_seed(0)
    data = torch.from_numpy(text)
    model.train()
    for step in range(steps):
        starts = torch.randint(0, len(data) - CONTEXT - 1, (batch,), generator=generator)
        window = torch.stack([data[s:s + CONTEXT + 1] for s in starts.tolist()])
        optimiser.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(window[:, :-1]).reshape(-1, VOCAB), window[:, 1:].reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        if (step + 1) % 100 == 0:
            print(f"  step {step + 1}: {float(loss) / math.log(2):.3f} bits/char", flush=True)
    return model.eval()


MODELS = {"lstm": Lstm, "transformer": Transformer}


def bits_per_char(model, x, y):
    with torch.no_grad():
        logits = model(torch.from_numpy(x))
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, VOCAB), torch.from_numpy(y).reshape(-1))
    return float(loss) / math.log(2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=MODELS, action="append",
                        help="train only this one (repeatable; two processes may train one each)")
    names = parser.parse_args().model or list(MODELS)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    train_text, test_text = split_text()
    starts = np.linspace(0, len(test_text) - CONTEXT - 1, TEST_WINDOWS).astype(np.int64)
    test_x = np.stack([test_text[s:s + CONTEXT] for s in starts])
    test_y = np.stack([test_text[s + 1:s + CONTEXT + 1] for s in starts])
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "reference.json")
    reference = {}
    for name in names:
        torch.manual_seed(0)
        start = time.time()
        print(name, flush=True)
        model = train(MODELS[name](), train_text)
        print(f"  training took {time.time() - start:.0f} s", flush=True)
        reference[name] = {"test_bits_per_char": bits_per_char(model, test_x, test_y),
                           "samples": TEST_WINDOWS, "positions": CONTEXT}
        torch.onnx.export(model, torch.from_numpy(test_x[:1]), os.path.join(OUT, name + ".onnx"), opset_version=13,
                          input_names=["ids"], output_names=["logits"])
    np.save(os.path.join(OUT, "test_x.npy"), test_x)
    np.save(os.path.join(OUT, "test_y.npy"), test_y)
    reference["text"] = {"train_chars": int(len(train_text)), "held_out_chars": int(len(test_text)), "vocabulary": VOCAB}
    if os.path.exists(path):  # the other model's entry, from an earlier run
        with open(path) as f:
            reference = {**json.load(f), **reference}
    with open(path, "w") as f:
        json.dump(reference, f, indent=2, sort_keys=True)
        f.write("\n")
    print(json.dumps(reference, indent=2))


if __name__ == "__main__":
    main()
