#!/usr/bin/python3
"""ONNX breadth: exports every torchvision classification model and a few torch.nn networks,
counts their MACs and weights from the exported graph (independently of aimcsim), runs each on
a preset and writes the table README.md shows.

    /usr/bin/python3 tools/breadth.py export [--out DIR] [--only NAME,...]
    /usr/bin/python3 tools/breadth.py run --aimcsim build/bin/aimcsim [--out DIR] [--table FILE]
    /usr/bin/python3 tools/breadth.py fixtures      # the test fixtures in tests/data/onnx/breadth
    /usr/bin/python3 tools/breadth.py decode_steps  # their GPT-2 decode steps, with KV caches

Needs Debian's python3-torch, python3-torchvision and python3-onnx; CI never runs it (the test
fixtures it shares with tools/make_zoo.py are committed). Files are graph-only: models of up to
LARGE_PARAMS parameters keep stripped initializers (as the zoo does); bigger ones, whose weights
would not fit one protobuf, are exported with export_params=False (weights as graph inputs).
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import onnx
import onnx.numpy_helper
import onnx.shape_inference
import torch
import torchvision
import torchvision.models as tvm

OPSETS = (13, 17)  # the first the exporter can write
STRIP_MIN_ELEMENTS = 16
LARGE_PARAMS = 400_000_000
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Gru2(torch.nn.Module):
    """A 2-layer GRU (128 inputs, 256 hidden, 32 steps) with a classifier on the last step."""

    def __init__(self, cell=torch.nn.GRU):
        super().__init__()
        self.rnn = cell(128, 256, num_layers=2)
        self.fc = torch.nn.Linear(256, 10)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.fc(y[-1])


class Rnn2(Gru2):
    def __init__(self):
        super().__init__(torch.nn.RNN)


class Gpt2Small(torch.nn.Module):
    """GPT-2-small shape: 12 causal layers of d=768, 12 heads, FF 3072, 64 tokens, 50257-way head."""

    def __init__(self, tokens=64):
        super().__init__()
        layer = torch.nn.TransformerEncoderLayer(768, 12, 3072, dropout=0.0, activation="gelu",
                                                 norm_first=True)
        self.blocks = torch.nn.TransformerEncoder(layer, 12, enable_nested_tensor=False)
        self.norm = torch.nn.LayerNorm(768)
        self.head = torch.nn.Linear(768, 50257, bias=False)
        self.register_buffer("mask", torch.triu(torch.full((tokens, tokens), float("-inf")), 1))

    def forward(self, x):
        return self.head(self.norm(self.blocks(x, mask=self.mask)))


class RmsNorm(torch.nn.Module):
    def __init__(self, d, eps=1e-6):
        super().__init__()
        self.eps, self.weight = eps, torch.nn.Parameter(torch.ones(d))

    def forward(self, x):  # written out, as LLaMA's reference code does
        return x / torch.sqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class LlamaBlock(torch.nn.Module):
    """One LLaMA-style decoder block: RMSNorm, causal attention with rotary embeddings, SwiGLU."""

    def __init__(self, d=64, heads=4, ff=172, tokens=16):
        super().__init__()
        self.heads, self.hd = heads, d // heads
        self.norm1, self.norm2 = RmsNorm(d), RmsNorm(d)
        self.wq, self.wk, self.wv, self.wo = (torch.nn.Linear(d, d, bias=False) for _ in range(4))
        self.gate, self.up = torch.nn.Linear(d, ff, bias=False), torch.nn.Linear(d, ff, bias=False)
        self.down = torch.nn.Linear(ff, d, bias=False)
        angle = torch.outer(torch.arange(tokens).float(), 1e-4 ** (torch.arange(0, self.hd, 2).float() / self.hd))
        self.register_buffer("cos", torch.cat([angle.cos()] * 2, -1))
        self.register_buffer("sin", torch.cat([angle.sin()] * 2, -1))
        self.register_buffer("mask", torch.triu(torch.full((tokens, tokens), float("-inf")), 1))

    def rotate(self, x):
        half = x.shape[-1] // 2
        return x * self.cos + torch.cat([-x[..., half:], x[..., :half]], -1) * self.sin

    def split(self, x):  # [tokens, d] -> [heads, tokens, hd]
        return x.reshape(x.shape[0], self.heads, self.hd).transpose(0, 1)

    def forward(self, x):
        h = self.norm1(x)
        q, k, v = self.rotate(self.split(self.wq(h))), self.rotate(self.split(self.wk(h))), self.split(self.wv(h))
        scores = q @ k.transpose(1, 2) / self.hd ** 0.5 + self.mask
        context = (scores.softmax(-1) @ v).transpose(0, 1).reshape(x.shape)
        x = x + self.wo(context)
        h = self.norm2(x)
        return x + self.down(torch.nn.functional.silu(self.gate(h)) * self.up(h))


class Gpt2Tiny(Gpt2Small):
    """The GPT-2 decoder's graph at a test's size: 2 layers of d=64, 4 heads, 16 tokens, 500 words."""

    def __init__(self):
        torch.nn.Module.__init__(self)
        layer = torch.nn.TransformerEncoderLayer(64, 4, 256, dropout=0.0, activation="gelu", norm_first=True)
        self.blocks = torch.nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.norm = torch.nn.LayerNorm(64)
        self.head = torch.nn.Linear(64, 500, bias=False)
        self.register_buffer("mask", torch.triu(torch.full((16, 16), float("-inf")), 1))


class Gpt2StepBlock(torch.nn.Module):
    """A pre-norm GPT-2 block for one decode step: the token's keys and values join the cache."""

    def __init__(self, d, heads, ff):
        super().__init__()
        self.d, self.heads, self.hd = d, heads, d // heads
        self.norm1, self.norm2 = torch.nn.LayerNorm(d), torch.nn.LayerNorm(d)
        self.qkv, self.proj = torch.nn.Linear(d, 3 * d), torch.nn.Linear(d, d)
        self.fc, self.out = torch.nn.Linear(d, ff), torch.nn.Linear(ff, d)

    def split(self, t):  # [1, d] -> [heads, 1, hd]
        return t.reshape(1, self.heads, self.hd).transpose(0, 1)

    def forward(self, x, past_k, past_v):  # x [1, d]; past [heads, past, hd]
        q, k, v = self.qkv(self.norm1(x)).split(self.d, -1)
        k, v = torch.cat([past_k, self.split(k)], 1), torch.cat([past_v, self.split(v)], 1)
        weights = (self.split(q) @ k.transpose(1, 2) / self.hd ** 0.5).softmax(-1)
        x = x + self.proj((weights @ v).transpose(0, 1).reshape(1, self.d))
        return x + self.out(torch.nn.functional.gelu(self.fc(self.norm2(x))))


class Gpt2Step(torch.nn.Module):
    """Gpt2Small's decode step: one embedded token [1, d] and, per layer, the keys and values of the
    tokens before it (graph inputs past_key_values.L.key and .value [heads, past, hd], past symbolic)."""

    def __init__(self, layers=12, d=768, heads=12, ff=3072, vocab=50257):
        super().__init__()
        self.d, self.heads = d, heads
        self.blocks = torch.nn.ModuleList(Gpt2StepBlock(d, heads, ff) for _ in range(layers))
        self.norm = torch.nn.LayerNorm(d)
        self.head = torch.nn.Linear(d, vocab, bias=False)

    def forward(self, x, *past):
        for i, block in enumerate(self.blocks):
            x = block(x, past[2 * i], past[2 * i + 1])
        return self.head(self.norm(x))


def export_step(name, model, out, past=8):
    """Writes a graph-only decode step with a symbolic cache length (stripped initializers)."""
    torch.manual_seed(0)
    model = model.eval()
    layers, hd = len(model.blocks), model.d // model.heads
    names = [f"past_key_values.{i}.{kv}" for i in range(layers) for kv in ("key", "value")]
    caches = [torch.zeros(model.heads, past, hd) for _ in names]
    path = os.path.join(out, name + ".onnx")
    torch.onnx.export(model, (torch.zeros(1, model.d), *caches), path, opset_version=17,
                      input_names=["input"] + names, output_names=["output"],
                      dynamic_axes={n: {1: "past"} for n in names})
    proto = onnx.load(path)
    strip(proto)
    onnx.save(proto, path)
    print(f"{name:22s} {path}", flush=True)


def cmd_decode_steps(args):
    """Writes tests/data/onnx/breadth/gpt2_{tiny,small}_step.onnx, the decode steps of gpt2_tiny
    and gpt2_small (docs/llm.md)."""
    out = os.path.join(ROOT, "tests", "data", "onnx", "breadth")
    export_step("gpt2_tiny_step", Gpt2Step(2, 64, 4, 256, 500), out)
    export_step("gpt2_small_step", Gpt2Step(), out)


class PadReduce(torch.nn.Module):
    """Pad before pooling and before an activation, global ReduceMean and ReduceMax, a last-axis
    ReduceMax."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 16, 3)
        self.fc, self.fc_max = torch.nn.Linear(16, 10), torch.nn.Linear(16, 10)

    def forward(self, x):
        x = torch.nn.functional.max_pool2d(torch.nn.functional.pad(self.conv(x), (1, 1, 1, 1)), 2)
        x = torch.relu(torch.nn.functional.pad(x, (0, 2, 0, 2)))
        return self.fc(x.mean((2, 3))) + self.fc_max(x.amax((2, 3))).amax(-1, keepdim=True)


class HardSe(torch.nn.Module):
    """MobileNet-V3's pieces: HardSwish, a squeeze-excite gate with HardSigmoid."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 16, 3, padding=1)
        self.squeeze, self.excite = torch.nn.Conv2d(16, 4, 1), torch.nn.Conv2d(4, 16, 1)
        self.fc = torch.nn.Linear(16, 10)

    def forward(self, x):
        x = torch.nn.functional.hardswish(self.conv(x))
        gate = torch.nn.functional.hardsigmoid(self.excite(torch.relu(self.squeeze(x.mean((2, 3), keepdim=True)))))
        return self.fc((x * gate).mean((2, 3)))


class Elementwise(torch.nn.Module):
    """Element-wise ops on activations: Neg, Sqrt, Pow, Div, Sub, Erf, compares and Where."""

    def __init__(self):
        super().__init__()
        self.a, self.b, self.fc = torch.nn.Linear(32, 32), torch.nn.Linear(32, 32), torch.nn.Linear(32, 10)

    def forward(self, x):
        a, b = self.a(x), self.b(x)
        y = torch.where(a > b, torch.sqrt(a * a + 1), -b) / (b.pow(2) + 1) - torch.erf(a)
        return self.fc(y)


def fixture_networks():
    """name -> (constructor, input shape, preset[, run options]) of the committed breadth fixtures."""
    tv = lambda name: (lambda: tvm.get_model(name, weights=None))
    return {
        "pad_reduce": (PadReduce, (1, 3, 32, 32), "default"),
        "hard_se": (HardSe, (1, 3, 32, 32), "default"),
        "elementwise": (Elementwise, (8, 32), "default"),
        "gru2_small": (lambda: Gru2(), (32, 1, 128), "default"),
        "rnn2_small": (Rnn2, (32, 1, 128), "default"),
        "llama_block": (LlamaBlock, (16, 64), "default"),
        "gpt2_tiny": (Gpt2Tiny, (16, 1, 64), "default"),
        "mobilenet_v3_small": (tv("mobilenet_v3_small"), (1, 3, 224, 224), "large"),
        "shufflenet_v2_x0_5": (tv("shufflenet_v2_x0_5"), (1, 3, 224, 224), "large"),
        "mnasnet0_5": (tv("mnasnet0_5"), (1, 3, 224, 224), "large"),
        "squeezenet1_1": (tv("squeezenet1_1"), (1, 3, 224, 224), "large"),
        "vit_b_16": (tv("vit_b_16"), (1, 3, 224, 224), "xlarge"),
        "efficientnet_b5": (tv("efficientnet_b5"), (1, 3, 456, 456), "xlarge", "--weight-reload"),
        "gpt2_small": (Gpt2Small, (64, 1, 768), "xlarge", "--weight-reload"),
        "regnet_y_128gf": (tv("regnet_y_128gf"), (1, 3, 384, 384), "xlarge", "--weight-reload"),
    }


def cmd_fixtures(args):
    """Writes tests/data/onnx/breadth/*.onnx and expected.json: graph-only files with counts from
    the graph (ONNX shape inference), which the C++ test compares with aimcsim's."""
    out = os.path.join(ROOT, "tests", "data", "onnx", "breadth")
    os.makedirs(out, exist_ok=True)
    expected = {}
    for name, (make, shape, preset, *options) in fixture_networks().items():
        entry = export(name, make, shape, out)
        counts = graph_counts(os.path.join(out, name + ".onnx"))
        expected[name] = {"static_macs": counts["static_macs"], "dynamic_macs": counts["dynamic_macs"],
                          "weights": counts["weights"], "preset": preset, "options": " ".join(options),
                          "opset": entry["opset"]}
        print(f"{name:22s} {expected[name]}", flush=True)
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


def torch_networks():
    """name -> (constructor, input shape) for the networks beside torchvision's."""
    return {"gru2": (Gru2, (32, 1, 128)), "rnn2": (Rnn2, (32, 1, 128)),
            "gpt2_small": (Gpt2Small, (64, 1, 768))}


def torchvision_input(name, model):
    if hasattr(model, "image_size"):  # ViT: its own size, not its weights' (vit_h_14's are 518)
        return (1, 3, model.image_size, model.image_size)
    crop = tvm.get_model_weights(name).DEFAULT.transforms().crop_size
    side = crop[0] if isinstance(crop, (list, tuple)) else crop
    return (1, 3, side, side)


def all_networks():
    nets = {n: (lambda n=n: tvm.get_model(n, weights=None), None)
            for n in tvm.list_models(module=tvm)}
    nets.update(torch_networks())
    return nets


def strip(proto):
    for init in proto.graph.initializer:
        if init.data_type == onnx.TensorProto.FLOAT and numel(init.dims) >= STRIP_MIN_ELEMENTS:
            init.ClearField("raw_data")
            init.ClearField("float_data")


def numel(dims):
    n = 1
    for d in dims:
        n *= d
    return n


def zero_symbolic(g, self):
    """aten::zero (Tensor.zero_, used by swin_v2 on its qkv bias) has no ONNX export in torch
    1.13: write it as a multiplication by 0, which constant folding removes."""
    return g.op("Mul", self, g.op("Constant", value_t=torch.tensor(0.0)))


def export(name, make, shape, out):
    torch.manual_seed(0)
    model = make().eval()
    shape = shape or torchvision_input(name, model)
    params = sum(p.numel() for p in model.parameters())
    path = os.path.join(out, name + ".onnx")
    keep = params <= LARGE_PARAMS
    with torch.no_grad():  # distinct values, so the exporter shares no weight (not even as graph inputs)
        for p in model.parameters():
            p.normal_(0, 0.05)
    for opset in OPSETS:
        torch.onnx.register_custom_op_symbolic("aten::zero", zero_symbolic, opset)
    # Gradients stay on: in no_grad mode torch takes a fused attention path ONNX cannot export.
    opset = None
    for opset in OPSETS:
        try:
            torch.onnx.export(model, torch.zeros(*shape), path, opset_version=opset,
                              export_params=keep, do_constant_folding=True,
                              input_names=["input"], output_names=["output"])
            break
        except torch.onnx.errors.UnsupportedOperatorError:
            if opset == OPSETS[-1]:
                raise
    proto = onnx.load(path)
    strip(proto)
    onnx.save(proto, path)
    return {"input": list(shape), "parameters": params, "export_params": keep, "opset": opset}


# Independent count, from the graph with ONNX's own shape inference.

def attr(node, name, default=None):
    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return default


def slice_values(x, starts, ends, axes=None, steps=None):
    axes = range(len(starts)) if axes is None else axes
    index = [slice(None)] * x.ndim
    for i, axis in enumerate(axes):
        index[axis] = slice(int(starts[i]), int(ends[i]), None if steps is None else int(steps[i]))
    return x[tuple(index)]


def int_divide(a, b):
    return np.trunc(a / b).astype(a.dtype) if a.dtype.kind in "iu" else a / b


def constant_of_shape_value(node):
    value = attr(node, "value")
    return onnx.numpy_helper.to_array(value).reshape(-1)[0] if value is not None else np.float32(0)


EVALUATORS = {  # ops of shape arithmetic (small integer tensors, float scalars), evaluated with numpy
    "Identity": lambda n, x: x, "Cast": lambda n, x: x.astype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[attr(n, "to")]),
    "Add": lambda n, a, b: a + b, "Sub": lambda n, a, b: a - b, "Mul": lambda n, a, b: a * b,
    "Div": lambda n, a, b: int_divide(a, b), "Mod": lambda n, a, b: np.fmod(a, b) if attr(n, "fmod", 0) else np.mod(a, b),
    "Neg": lambda n, x: -x, "Min": lambda n, *x: np.minimum.reduce(x), "Max": lambda n, *x: np.maximum.reduce(x),
    "Equal": lambda n, a, b: a == b, "Less": lambda n, a, b: a < b, "Greater": lambda n, a, b: a > b,
    "Not": lambda n, x: ~x, "Where": lambda n, c, a, b: np.where(c, a, b),
    "Gather": lambda n, x, i: np.take(x, i, axis=attr(n, "axis", 0)),
    "Unsqueeze": lambda n, x, axes: np.expand_dims(x, tuple(int(a) % (x.ndim + len(axes)) for a in axes)),
    "Squeeze": lambda n, x, axes=None: np.squeeze(x, None if axes is None else tuple(int(a) for a in axes)),
    "Concat": lambda n, *x: np.concatenate(x, axis=attr(n, "axis")),
    "Slice": lambda n, x, *rest: slice_values(x, *rest),
    "Transpose": lambda n, x: np.transpose(x, attr(n, "perm")),
    "Pow": lambda n, a, b: np.power(a, b), "Sqrt": lambda n, x: np.sqrt(x),
    "Range": lambda n, a, b, d: np.arange(a, b, d), "Reshape": lambda n, x, s: x.reshape([int(v) for v in s]),
    "ConstantOfShape": lambda n, s: np.full([int(v) for v in s], constant_of_shape_value(n)),
    "Expand": lambda n, x, s: x * np.ones([int(v) for v in s], x.dtype),
}
MAX_FOLDED = 4096


def fold_shape_arithmetic(proto):
    """Replaces shape arithmetic by its values, as far as it goes: ONNX's shape inference stops
    at a Slice whose bounds are computed from a Shape."""
    graph = proto.graph
    for _ in range(200):
        inferred = onnx.shape_inference.infer_shapes(proto, data_prop=True)
        dims = {v.name: [d.dim_value if d.HasField("dim_value") else None for d in v.type.tensor_type.shape.dim]
                for v in list(inferred.graph.value_info) + list(inferred.graph.input)}
        values = {i.name: onnx.numpy_helper.to_array(i) for i in graph.initializer
                  if numel(i.dims) <= (1 if i.data_type == onnx.TensorProto.FLOAT else MAX_FOLDED)}
        kept, folded = [], 0
        for n in graph.node:
            out = None
            if n.op_type == "Constant" and attr(n, "value") is not None:
                out = onnx.numpy_helper.to_array(attr(n, "value"))
            elif n.op_type == "Shape" and dims.get(n.input[0]) and None not in dims[n.input[0]]:
                out = np.array(dims[n.input[0]], np.int64)[attr(n, "start", 0):attr(n, "end", None)]
            elif n.op_type in EVALUATORS and all(i in values for i in n.input if i):
                out = EVALUATORS[n.op_type](n, *[values[i] for i in n.input if i])
            if out is None or (out.dtype.kind == "f" and out.size > 1) or out.size > MAX_FOLDED:
                kept.append(n)
                continue
            values[n.output[0]] = out = np.asarray(out)
            graph.initializer.append(onnx.numpy_helper.from_array(out, n.output[0]))
            folded += 1
        del graph.node[:]
        graph.node.extend(kept)
        if not folded and not add_einsum_shapes(graph, dims):
            return


def einsum_output(node, dims):
    """Output dims of an Einsum (ONNX 1.12's inference leaves them unknown), or None."""
    inputs, output = attr(node, "equation").decode().replace(" ", "").split("->")
    sizes = {}
    for term, name in zip(inputs.split(","), node.input):
        if not dims.get(name) or None in dims[name] or "." in term:
            return None
        sizes.update(zip(term, dims[name]))
    return [sizes[c] for c in output]


def add_einsum_shapes(graph, dims):
    known = {v.name for v in graph.value_info}
    added = False
    for n in graph.node:
        out = einsum_output(n, dims) if n.op_type == "Einsum" and n.output[0] not in known else None
        if out is not None:
            graph.value_info.append(onnx.helper.make_tensor_value_info(n.output[0], onnx.TensorProto.FLOAT, out))
            added = True
    return added


def shapes_of(proto):
    fold_shape_arithmetic(proto)
    inferred = onnx.shape_inference.infer_shapes(proto, data_prop=True)
    shapes = {}
    for v in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
        dims = v.type.tensor_type.shape.dim
        shapes[v.name] = [d.dim_value for d in dims]
    for init in proto.graph.initializer:
        shapes[init.name] = list(init.dims)
    return shapes


def weight_names(proto, data_input):
    names = {i.name for i in proto.graph.initializer}
    names |= {i.name for i in proto.graph.input if i.name != data_input}
    return names


MAC_OPS = ("Conv", "Gemm", "MatMul", "Einsum", "LSTM", "GRU", "RNN")


def node_macs(node, shapes, weights):
    """(static, dynamic) MACs of one node."""
    if node.op_type not in MAC_OPS:
        return 0, 0
    needed = node.input[:2] if node.op_type == "Einsum" else list(node.input[:1]) + list(node.output[:1])
    for name in needed:
        if not shapes.get(name) or 0 in shapes[name]:
            raise ValueError(f"{node.name}: the shape of {name} is unknown to ONNX shape inference")
    if node.op_type == "Einsum":  # every index once: the product of their sizes
        terms, sizes = attr(node, "equation").decode().replace(" ", "").split("->")[0].split(","), {}
        for term, name in zip(terms, node.input):
            sizes.update(zip(term, shapes[name]))
        static = any(name in weights for name in node.input)
        return (numel(sizes.values()), 0) if static else (0, numel(sizes.values()))
    out = numel(shapes[node.output[0]])
    if node.op_type == "Conv":
        w = shapes[node.input[1]]
        return out * numel(w[1:]), 0
    if node.op_type == "Gemm":
        a = shapes[node.input[0]]
        trans_a = any(at.name == "transA" and at.i for at in node.attribute)
        return out * (a[0] if trans_a else a[1]), 0
    if node.op_type == "MatMul":
        k = shapes[node.input[0]][-1]
        static = node.input[1] in weights or node.input[0] in weights
        return (out * k, 0) if static else (0, out * k)
    if node.op_type in ("LSTM", "GRU", "RNN"):
        w, r = shapes[node.input[1]], shapes[node.input[2]]
        steps, batch = shapes[node.input[0]][0], shapes[node.input[0]][1]
        return steps * batch * (numel(w) + numel(r)), 0
    return 0, 0


def graph_weights(proto, shapes, weights):
    """Float weights of more than one element; a BatchNormalization's mean and variance fold into
    its scale and shift, so they are not counted."""
    folded = {n.input[i] for n in proto.graph.node if n.op_type == "BatchNormalization" for i in (3, 4)}
    floats = {i.name for i in proto.graph.initializer if i.data_type == onnx.TensorProto.FLOAT}
    floats |= {i.name for i in proto.graph.input
               if i.name in weights and i.type.tensor_type.elem_type == onnx.TensorProto.FLOAT}
    return sum(numel(shapes[w]) for w in floats - folded if numel(shapes[w]) > 1)


def computed_per_inference(proto, weights):
    """The nodes that read the data input: the others compute from constants once, at load time
    (Swin-V2's position-bias MLP on its coordinate table), and cost no MACs per inference."""
    constant, nodes = set(weights), []
    for node in proto.graph.node:
        if all(not name or name in constant for name in node.input):
            constant.update(node.output)
        else:
            nodes.append(node)
    return nodes


def graph_counts(path):
    proto = onnx.load(path)
    data = [i.name for i in proto.graph.input if i.name not in {x.name for x in proto.graph.initializer}]
    data_input = "input" if "input" in data else data[0]
    shapes = shapes_of(proto)
    weights = weight_names(proto, data_input)
    static = dynamic = 0
    for node in computed_per_inference(proto, weights):
        s, d = node_macs(node, shapes, weights)
        static += s
        dynamic += d
    return {"static_macs": static, "dynamic_macs": dynamic, "weights": graph_weights(proto, shapes, weights),
            "ops": sorted({n.op_type for n in proto.graph.node})}


def cmd_export(args):
    os.makedirs(args.out, exist_ok=True)
    index_path = os.path.join(args.out, "counts.json")
    index = json.load(open(index_path)) if os.path.exists(index_path) else {}
    nets = all_networks()
    for name in (args.only.split(",") if args.only else nets):
        make, shape = nets[name]
        start = time.time()
        try:
            entry = export(name, make, shape, args.out)
        except Exception as e:  # one model's exporter failure must not stop the others
            entry = {"export_error": str(e).splitlines()[0][:200]}
        entry["export_s"] = round(time.time() - start, 1)
        index[name] = entry
        print(f"{name:22s} {entry.get('export_error', 'exported')}", flush=True)
        with open(index_path, "w") as f:
            json.dump(index, f, indent=1, sort_keys=True)


ATTEMPTS = [("large", []), ("xlarge", []), ("large", ["--weight-reload"]),
            ("xlarge", ["--weight-reload"])]


def run_one(args, name, preset, extra):
    """(report or None, the error line, wall seconds) of one aimcsim run."""
    out = os.path.join(args.out, "runs", name)
    os.makedirs(out, exist_ok=True)
    cmd = [args.aimcsim, "run", "--network", os.path.join(args.out, name + ".onnx"),
           "--arch", os.path.join(ROOT, "platform", "configs", preset + ".yaml"), "-o", out,
           "--input", "input"] + extra  # export_params=False leaves weights as graph inputs too
    start = time.time()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {args.timeout} s", args.timeout
    wall = time.time() - start
    if done.returncode != 0:
        return None, (done.stderr.strip().splitlines() or ["exit %d" % done.returncode])[-1], wall
    with open(os.path.join(out, "report.json")) as f:
        return json.load(f), "", wall


def run_network(args, name, counts):
    errors = []
    for preset, extra in ATTEMPTS:
        report, error, wall = run_one(args, name, preset, extra)
        if report:
            net = report["network"]
            return {"preset": preset, "mode": " ".join(extra), "wall_s": round(wall, 2),
                    "static_macs": net["static_macs"], "dynamic_macs": net["dynamic_macs"],
                    "weights": net["weights"],
                    "inferences_per_s": report["timing"]["throughput_inferences_per_s"],
                    "tops_per_w": report["efficiency"]["tops_per_w"],
                    "counts_match": net["static_macs"] == counts["static_macs"]
                    and net["dynamic_macs"] == counts["dynamic_macs"]
                    and net["weights"] == counts["weights"]}
        errors.append(f"{preset} {' '.join(extra)}: {error}")
    return {"errors": errors}


def markdown_row(name, counts, result):
    macs = (counts["static_macs"] + counts["dynamic_macs"]) / 1e9
    head = f"| {name} | {'x'.join(map(str, counts['input']))} | {macs:.3f} | {counts['weights'] / 1e6:.2f} |"
    if "errors" in result:
        return head + f" fails: {result['errors'][-1]} | | | | |"
    differ = [f"{key} {result[key]} (graph {counts[key]})" for key in ("static_macs", "dynamic_macs", "weights")
              if result[key] != counts[key]]
    agree = "yes" if not differ else "no: " + ", ".join(differ)
    mode = result["preset"] + (" " + result["mode"] if result["mode"] else "")
    return head + (f" {agree} | {mode} | {result['inferences_per_s']:.1f} |"
                   f" {result['tops_per_w']:.2f} | {result['wall_s']:.2f} |")


TABLE_HEAD = ("| network | input | GMAC | weights (M) | aimcsim's counts agree | preset | "
              "inferences/s | TOPS/W | compile+run (s) |\n|---|---|---|---|---|---|---|---|---|")


def cmd_run(args):
    with open(os.path.join(args.out, "counts.json")) as f:
        index = json.load(f)
    rows, results = [TABLE_HEAD], {}
    for name in (args.only.split(",") if args.only else sorted(index)):
        counts = index[name]
        if "export_error" in counts:
            rows.append(f"| {name} | | | | export fails: {counts['export_error']} | | | | |")
            continue
        try:
            counts.update(graph_counts(os.path.join(args.out, name + ".onnx")))
        except ValueError as e:  # ONNX shape inference cannot follow the graph
            rows.append(f"| {name} | | | | not counted: {e} | | | | |")
            continue
        results[name] = run_network(args, name, counts)
        rows.append(markdown_row(name, counts, results[name]))
        print(rows[-1], flush=True)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
    if args.table:
        with open(args.table, "w") as f:
            f.write("\n".join(rows) + "\n")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("stage", choices=["export", "run", "fixtures", "decode_steps"])
    p.add_argument("--out", default="/tmp/aimcsim_breadth")
    p.add_argument("--only")
    p.add_argument("--aimcsim", default="build/bin/aimcsim")
    p.add_argument("--table")
    p.add_argument("--timeout", type=int, default=120)
    args = p.parse_args()
    {"export": cmd_export, "run": cmd_run, "fixtures": cmd_fixtures, "decode_steps": cmd_decode_steps}[args.stage](args)


if __name__ == "__main__":
    main()
