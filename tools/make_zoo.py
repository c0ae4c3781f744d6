#!/usr/bin/python3
"""Regenerates the ONNX zoo (sw/zoo/*.onnx), its expected counts (sw/zoo/expected_counts.json)
and the ONNX test fixtures (tests/data/onnx/).

Run with Debian's Python: /usr/bin/python3 tools/make_zoo.py  (needs python3-torch,
python3-torchvision, python3-onnx; tests and CI use the shipped files and never need torch).

Zoo files are graph-only: every float initializer of at least 16 elements keeps its name, type
and dims but no data, so a 100 MB network ships as a few kB. The compiler needs only shapes
(see docs/network-format.md).

Expected counts are computed here from the torch modules, not from the compiler, and checked
against a second count read from the exported graph:
  static_macs   MACs with a constant weight operand (conv, linear, LSTM, attention projections)
  dynamic_macs  MACs between two activations (attention scores and context)
  weights       parameters as the graph defines them (BatchNorm folded into its conv by the exporter:
                the conv gains a bias of C, the BatchNorm's 2C parameters are gone)
  matrix_weights        weights held in crossbars: conv/linear/LSTM/projection matrices
  depthwise_weights     the part of matrix_weights in depthwise convolutions
"""
import json
import os
import sys

import onnx
import onnx.helper as oh
import torch
import torchvision

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ZOO = os.path.join(ROOT, "sw", "zoo")
FIXTURES = os.path.join(ROOT, "tests", "data", "onnx")
OPSET = 13
STRIP_MIN_ELEMENTS = 16


class Lstm2(torch.nn.Module):
    """A 2-layer LSTM (256 inputs, 512 hidden, 64 steps) with a classifier on the last step."""

    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(256, 512, num_layers=2)
        self.fc = torch.nn.Linear(512, 10)

    def forward(self, x):
        y, _ = self.lstm(x)
        return self.fc(y[-1])


def bert_base():
    layer = torch.nn.TransformerEncoderLayer(768, 12, 3072, dropout=0.0, activation="gelu")
    return torch.nn.TransformerEncoder(layer, 12, enable_nested_tensor=False)


NETWORKS = {
    "resnet18": (torchvision.models.resnet18, (1, 3, 224, 224)),
    "resnet50": (torchvision.models.resnet50, (1, 3, 224, 224)),
    "mobilenetv2": (torchvision.models.mobilenet_v2, (1, 3, 224, 224)),
    "lstm2": (Lstm2, (64, 1, 256)),
    "bert_base": (bert_base, (128, 1, 768)),
}


class Counter:
    """MACs from forward hooks, weights from parameters, both per module type."""

    def __init__(self, model):
        self.static = self.dynamic = 0
        self.handles = [m.register_forward_hook(self.hook) for m in model.modules()]

    def hook(self, module, inputs, output):
        if isinstance(module, torch.nn.Conv2d):
            kh, kw = module.kernel_size
            self.static += output.numel() * module.in_channels // module.groups * kh * kw
        elif isinstance(module, torch.nn.Linear) and not isinstance(
            module, torch.nn.modules.linear.NonDynamicallyQuantizableLinear
        ):
            self.static += output.numel() * module.in_features
        elif isinstance(module, torch.nn.LSTM):
            steps, batch = inputs[0].shape[0], inputs[0].shape[1]
            for layer in range(module.num_layers):
                features = module.input_size if layer == 0 else module.hidden_size
                self.static += steps * batch * 4 * module.hidden_size * (features + module.hidden_size)
        elif isinstance(module, torch.nn.MultiheadAttention):
            tokens, batch, d = inputs[0].shape  # sequence first
            self.static += tokens * batch * 4 * d * d  # in_proj (3d x d) and out_proj (d x d)
            self.dynamic += 2 * batch * tokens * tokens * d  # scores and context, over all heads

    def remove(self):
        for h in self.handles:
            h.remove()


def module_weights(model):
    """(weights as exported, crossbar matrix weights, depthwise part of them)."""
    weights = matrix = depthwise = 0
    modules = list(model.modules())
    for i, m in enumerate(modules):
        own = sum(p.numel() for p in m.parameters(recurse=False))
        if isinstance(m, torch.nn.BatchNorm2d):
            own = m.num_features  # folded: the conv's bias
        weights += own
        if isinstance(m, torch.nn.Conv2d):
            matrix += m.weight.numel()
            if m.groups > 1 and m.groups == m.in_channels:
                depthwise += m.weight.numel()
        elif isinstance(m, torch.nn.Linear):
            matrix += m.weight.numel()
        elif isinstance(m, torch.nn.LSTM):
            matrix += sum(p.numel() for n, p in m.named_parameters() if n.startswith("weight"))
        elif isinstance(m, torch.nn.MultiheadAttention):
            matrix += m.in_proj_weight.numel()
    return weights, matrix, depthwise


def graph_weights(model_proto):
    """Second count, from the exported graph: float initializers of more than one element."""
    total = 0
    for init in model_proto.graph.initializer:
        n = 1
        for d in init.dims:
            n *= d
        if init.data_type == onnx.TensorProto.FLOAT and n > 1:
            total += n
    return total


def strip(model_proto):
    for init in model_proto.graph.initializer:
        n = 1
        for d in init.dims:
            n *= d
        if init.data_type == onnx.TensorProto.FLOAT and n >= STRIP_MIN_ELEMENTS:
            init.ClearField("raw_data")
            init.ClearField("float_data")


def export(name, make, shape):
    torch.manual_seed(0)
    model = make().eval()
    with torch.no_grad():  # distinct random values, so the exporter shares no initializer
        for p in model.parameters():
            p.normal_(0, 0.05)
    x = torch.zeros(*shape)
    counter = Counter(model)
    with torch.no_grad():
        model(x)
    counter.remove()
    path = os.path.join(ZOO, name + ".onnx")
    torch.onnx.export(model, x, path, opset_version=OPSET, do_constant_folding=True,
                      input_names=["input"], output_names=["output"])
    proto = onnx.load(path)
    weights, matrix, depthwise = module_weights(model)
    if graph_weights(proto) != weights:
        sys.exit(f"{name}: graph has {graph_weights(proto)} weights, the modules {weights}")
    strip(proto)
    onnx.save(proto, path)
    return {"static_macs": counter.static, "dynamic_macs": counter.dynamic, "weights": weights,
            "matrix_weights": matrix, "depthwise_weights": depthwise}


def save_fixture(name, graph):
    model = oh.make_model(graph, opset_imports=[oh.make_opsetid("", OPSET)])
    onnx.save(model, os.path.join(FIXTURES, name + ".onnx"))


def fixtures():
    """Small graphs for the front end's error paths."""
    os.makedirs(FIXTURES, exist_ok=True)
    f = onnx.TensorProto.FLOAT
    y = oh.make_tensor_value_info("y", f, None)
    unknown = oh.make_tensor_value_info("x", f, None)
    save_fixture("missing_shapes", oh.make_graph(
        [oh.make_node("Relu", ["x"], ["y"], name="relu0")], "missing_shapes", [unknown], [y]))
    w = onnx.TensorProto(name="w", data_type=f, dims=[4096, 4096])  # graph-only: no data
    flat = oh.make_tensor_value_info("x", f, [1, 4096])
    save_fixture("too_big", oh.make_graph(
        [oh.make_node("MatMul", ["x", "w"], ["h"], name="fc1"),
         oh.make_node("MatMul", ["h", "w"], ["y"], name="fc2")], "too_big", [flat], [y], [w]))
    with open(os.path.join(FIXTURES, "malformed.onnx"), "wb") as out:
        out.write(b"\x08\x07\x12\x0bnot a model\xff\xff\xff\x0f truncated protobuf")


def main():
    expected = {name: export(name, make, shape) for name, (make, shape) in NETWORKS.items()}
    with open(os.path.join(ZOO, "expected_counts.json"), "w") as out:
        json.dump(expected, out, indent=2)
        out.write("\n")
    fixtures()
    for name, counts in expected.items():
        size = os.path.getsize(os.path.join(ZOO, name + ".onnx"))
        print(f"{name:12s} {size:8d} bytes  {counts}")


if __name__ == "__main__":
    main()
