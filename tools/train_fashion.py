#!/usr/bin/python3
"""Trains the Fashion-MNIST ResNet that aimcsim's accuracy tests and studies use, and exports it.

Data: Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist/*-idx*-ubyte.gz), its
60,000 training and 10,000 test images. A fixed torch seed, one thread and deterministic
algorithms, so a rerun gives the same files. Needs Debian's python3-torch and python3-onnx; run
with /usr/bin/python3. Adam with a one-cycle schedule, 3 epochs of batches of 128: about 100 s of
CPU time (the wall time is printed).

The network (conv + BN + ReLU, three residual blocks, global average pool, linear):
  stem   conv 3x3 1->16, BN, ReLU                  28x28
  block  16->16, stride 2, 1x1 projection          14x14
  block  16->32, stride 2, 1x1 projection          7x7
  block  32->64, stride 2, 1x1 projection          4x4
  global average pool, linear 64->10
It is trained on pixels scaled to [0, 1]; the stem's weights are then divided by 255, so the
exported graph reads raw uint8 pixel values (0..255) and the committed inputs stay small.

Writes (small and committed; tests never need torch):
  sw/zoo/fashion/resnet.onnx    ONNX opset 13 with weights, input [1,1,28,28], raw pixel values
  sw/zoo/fashion/test_x.npy     uint8 [1000,1,28,28]: a fixed stratified subset of the test split,
                                100 images per class (the first 100 of each class in a seeded
                                permutation of the 10,000)
  sw/zoo/fashion/test_y.npy     int64 [1000] labels 0..9
  sw/zoo/fashion/reference.json PyTorch's top-1 of the exported model on the subset and on the
                                whole test split
With --full-split DIR it also writes DIR/test_x.npy and DIR/test_y.npy, the whole 10,000.
"""
import argparse
import gzip
import json
import os
import time

import numpy as np
import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "sw", "zoo", "fashion")
DATA = "/usr/share/datasets/fashion-mnist"
PER_CLASS = 100
EPOCHS = 3


def read_idx(name):
    with gzip.open(os.path.join(DATA, name)) as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape).copy()


def split(kind):
    images = read_idx(kind + "-images-idx3-ubyte.gz")[:, None, :, :]
    labels = read_idx(kind + "-labels-idx1-ubyte.gz").astype(np.int64)
    return images, labels


def conv_bn(cin, cout, kernel, stride):
    return torch.nn.Sequential(
        torch.nn.Conv2d(cin, cout, kernel, stride=stride, padding=kernel // 2, bias=False),
        torch.nn.BatchNorm2d(cout))


class Block(torch.nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.a = conv_bn(cin, cout, 3, stride)
        self.b = conv_bn(cout, cout, 3, 1)
        self.shortcut = conv_bn(cin, cout, 1, stride)

    def forward(self, x):
        y = self.b(torch.relu(self.a(x)))
        return torch.relu(y + self.shortcut(x))


class ResNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = conv_bn(1, 16, 3, 1)
        self.blocks = torch.nn.Sequential(Block(16, 16, 2), Block(16, 32, 2), Block(32, 64, 2))
        self.head = torch.nn.Linear(64, 10)

    def forward(self, x):
        y = self.blocks(torch.relu(self.stem(x)))
        return self.head(torch.flatten(torch.nn.functional.adaptive_avg_pool2d(y, 1), 1))


def train(model, x, y, epochs=EPOCHS):
    optimiser = torch.optim.Adam(model.parameters(), lr=0.003)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, 0.003, total_steps=epochs * ((len(x) + 127) // 128))
    generator = torch.Generator().manual_seed(0)
    for epoch in range(epochs):
        model.train()
        for batch in torch.randperm(len(x), generator=generator).split(128):
            optimiser.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x[batch]), y[batch])
            loss.backward()
            optimiser.step()
            schedule.step()
        print(f"epoch {epoch + 1}: loss {float(loss):.4f}", flush=True)
    return model.eval()


def top1(model, x, y):
    with torch.no_grad():
        hits = sum(int((model(xb).argmax(1) == yb).sum()) for xb, yb in zip(x.split(1000), y.split(1000)))
    return hits / len(y)


def stratified_subset(labels):
    order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(1)).numpy()
    chosen = [i for c in range(10) for i in [j for j in order if labels[j] == c][:PER_CLASS]]
    return np.sort(np.array(chosen))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full-split", metavar="DIR", help="also write the whole test split here")
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    train_x, train_y = split("train")
    test_x, test_y = split("t10k")
    start = time.time()
    model = train(ResNet(), torch.from_numpy(train_x).float() / 255, torch.from_numpy(train_y))
    print(f"training took {time.time() - start:.0f} s", flush=True)
    with torch.no_grad():
        model.stem[0].weight /= 255  # the exported graph reads raw pixel values
    subset = stratified_subset(test_y)
    raw = torch.from_numpy(test_x).float()
    labels = torch.from_numpy(test_y)
    reference = {"resnet": {
        "test_top1": top1(model, raw[subset], labels[subset]), "samples": len(subset),
        "full_test_top1": top1(model, raw, labels), "full_samples": len(test_y),
        "epochs": EPOCHS}}
    os.makedirs(OUT, exist_ok=True)
    torch.onnx.export(model, raw[:1], os.path.join(OUT, "resnet.onnx"), opset_version=13,
                      input_names=["input"], output_names=["logits"])
    np.save(os.path.join(OUT, "test_x.npy"), test_x[subset])
    np.save(os.path.join(OUT, "test_y.npy"), test_y[subset])
    if args.full_split:
        os.makedirs(args.full_split, exist_ok=True)
        np.save(os.path.join(args.full_split, "test_x.npy"), test_x)
        np.save(os.path.join(args.full_split, "test_y.npy"), test_y)
    with open(os.path.join(OUT, "reference.json"), "w") as f:
        json.dump(reference, f, indent=2)
        f.write("\n")
    print(json.dumps(reference, indent=2))


if __name__ == "__main__":
    main()
