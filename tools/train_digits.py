#!/usr/bin/python3
"""Trains the digits CNN and MLP that aimcsim's accuracy tests and studies use, and exports them.

scikit-learn's bundled handwritten digits (8x8 images, 1797 samples), a fixed stratified split
(75 % train, 25 % test, random_state 0) and a fixed torch seed, so a rerun gives the same files.
Needs Debian's python3-torch, python3-onnx and python3-sklearn; run with /usr/bin/python3.

Writes (sizes are small and committed; tests never need torch):
  sw/zoo/digits/cnn.onnx, sw/zoo/digits/mlp.onnx   ONNX opset 13 with weights, input [1,1,8,8]
                                                   (aimcsim --network digits/cnn)
  sw/zoo/digits/test_x.npy   float32 [N,1,8,8], pixel values scaled to [0,1]
  sw/zoo/digits/test_y.npy   int64 [N] labels 0..9
  sw/zoo/digits/reference.json   float (PyTorch) test accuracy of each model
"""
import json
import os

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
ZOO = os.path.join(ROOT, "sw", "zoo")


def cnn():
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(16 * 2 * 2, 10))


def mlp():
    return torch.nn.Sequential(
        torch.nn.Flatten(), torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))


def train(model, x, y, epochs=60):
    optimiser = torch.optim.Adam(model.parameters(), lr=0.01)
    generator = torch.Generator().manual_seed(0)
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=generator)
        for batch in order.split(64):
            optimiser.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x[batch]), y[batch])
            loss.backward()
            optimiser.step()
    return model.eval()


def accuracy(model, x, y):
    with torch.no_grad():
        return float((model(x).argmax(1) == y).float().mean())


def main():
    torch.manual_seed(0)
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[:, None, :, :]
    x_train, x_test, y_train, y_test = train_test_split(
        images, digits.target.astype(np.int64), test_size=0.25, random_state=0, stratify=digits.target)
    xt, yt = torch.from_numpy(x_train), torch.from_numpy(y_train)
    xs, ys = torch.from_numpy(x_test), torch.from_numpy(y_test)
    os.makedirs(os.path.join(ZOO, "digits"), exist_ok=True)
    reference = {}
    for name, make in (("cnn", cnn), ("mlp", mlp)):
        model = train(make(), xt, yt)
        reference[name] = {"test_top1": accuracy(model, xs, ys), "samples": len(ys)}
        torch.onnx.export(model, xs[:1], os.path.join(ZOO, "digits", name + ".onnx"), opset_version=13,
                          input_names=["input"], output_names=["logits"])
    np.save(os.path.join(ZOO, "digits", "test_x.npy"), x_test)
    np.save(os.path.join(ZOO, "digits", "test_y.npy"), y_test)
    with open(os.path.join(ZOO, "digits", "reference.json"), "w") as f:
        json.dump(reference, f, indent=2)
        f.write("\n")
    print(json.dumps(reference, indent=2))


if __name__ == "__main__":
    main()
