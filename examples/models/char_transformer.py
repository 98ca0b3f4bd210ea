#!/usr/bin/python3
"""Trains the character-level transformer example and exports it as ONNX.

A small decoder-only transformer trained with PyTorch (CPU, one thread; Adam
with warm-up and cosine decay, mini-batches of 64 random windows, next-byte
cross-entropy) on the training text of Debian's fortunes corpus, as
char_data.py splits and encodes it (97 byte-level ids, context 64):

  Gather token embedding [V, d] + constant positional embedding [T, d]
  2 x pre-LayerNorm blocks:
      x += proj(causal self-attention(LayerNorm(x)))   4 heads
      x += fc2(GELU(fc1(LayerNorm(x))))                 4d hidden, exact GELU
  final LayerNorm, linear head d -> V

The causal mask is a constant [T, T] tensor (0 on and below the diagonal,
-1e4 above) added to the attention scores before Softmax over the last axis,
so the graph has no Where/Expand; every Reshape has a constant target shape
with -1 only for the batch. Deterministic: fixed seeds, float32, one thread.

Writes next to this script:
  char_transformer.onnx  opset 17: Gather, Add, LayerNormalization, MatMul,
                         Reshape, Transpose, Mul, Softmax, Div, Erf;
                         input "tokens" int64 [N, 64], output "logits"
                         float32 [N, 64, 97]
  char_transformer.json  the fp32 bits per character on char_data.py's
                         test_x.npy/test_y.npy, measured on the exported ONNX
                         file with metrics.py's reference evaluator

Usage: char_transformer.py [--steps N]   (default 4500 steps, ~7 min on one core)
"""

import json
import math
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import char_data  # noqa: E402
import metrics  # noqa: E402

SEED = 0
T = char_data.CONTEXT
V = char_data.VOCAB
D_MODEL = 96
HEADS = 4
LAYERS = 2
BATCH = 64
LR = 3e-3
WARMUP = 100
MASK_VALUE = -1e4


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.d, self.heads, self.head_dim = d, heads, d // heads
        self.ln1 = nn.LayerNorm(d)
        self.q = nn.Linear(d, d)
        self.k = nn.Linear(d, d)
        self.v = nn.Linear(d, d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, 4 * d)
        self.fc2 = nn.Linear(4 * d, d)

    def forward(self, x, mask):
        d, h, hd = self.d, self.heads, self.head_dim  # python ints: constant shapes
        y = self.ln1(x)
        q = self.q(y).reshape(-1, T, h, hd).permute(0, 2, 1, 3)   # [N, H, T, hd]
        k = self.k(y).reshape(-1, T, h, hd).permute(0, 2, 3, 1)   # [N, H, hd, T]
        v = self.v(y).reshape(-1, T, h, hd).permute(0, 2, 1, 3)   # [N, H, T, hd]
        scores = torch.matmul(q, k) * (1.0 / math.sqrt(hd)) + mask
        att = torch.matmul(torch.softmax(scores, dim=-1), v)      # [N, H, T, hd]
        x = x + self.proj(att.permute(0, 2, 1, 3).reshape(-1, T, d))
        y = nn.functional.gelu(self.fc1(self.ln2(x)))             # exact (erf)
        return x + self.fc2(y)


class CharTransformer(nn.Module):
    def __init__(self, d=D_MODEL, heads=HEADS, layers=LAYERS):
        super().__init__()
        self.tok = nn.Embedding(V, d)
        self.pos = nn.Parameter(torch.zeros(T, d))
        self.blocks = nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)
        self.head = nn.Linear(d, V)
        causal = torch.tril(torch.ones(T, T, dtype=torch.bool))
        self.register_buffer("mask", torch.where(causal, 0.0, MASK_VALUE))
        nn.init.normal_(self.tok.weight, std=0.02)
        nn.init.normal_(self.pos, std=0.02)
        for block in self.blocks:  # scaled residual projections
            nn.init.normal_(block.proj.weight, std=0.02 / math.sqrt(2 * layers))
            nn.init.normal_(block.fc2.weight, std=0.02 / math.sqrt(2 * layers))

    def forward(self, tokens):
        x = self.tok(tokens) + self.pos
        for block in self.blocks:
            x = block(x, self.mask)
        return self.head(self.ln_f(x))


def predict(model, x):
    """Logits of the torch model for int64 windows [N, T]."""
    model.eval()
    with torch.no_grad():
        return torch.cat([model(torch.from_numpy(x[s:s + 256]))
                          for s in range(0, len(x), 256)]).numpy()


def train(steps, train_ids, test_x, test_y):
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    model = CharTransformer()
    decay = [p for n, p in model.named_parameters() if p.dim() == 2 and n != "pos"]
    other = [p for n, p in model.named_parameters() if p.dim() != 2 or n == "pos"]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01},
                             {"params": other, "weight_decay": 0.0}],
                            lr=LR, betas=(0.9, 0.99))

    def lr_at(step):
        if step < WARMUP:
            return (step + 1) / WARMUP
        t = (step - WARMUP) / max(1, steps - WARMUP)
        return 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * t))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_at)
    ids = torch.from_numpy(train_ids)
    offsets = torch.arange(T + 1)
    start = time.time()
    for step in range(steps):
        model.train()
        starts = torch.from_numpy(rng.integers(0, len(train_ids) - T - 1, BATCH))
        chunk = ids[starts[:, None] + offsets]
        logits = model(chunk[:, :-1])
        loss = nn.functional.cross_entropy(logits.reshape(-1, V), chunk[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if (step + 1) % 250 == 0 or step + 1 == steps:
            bpc = metrics.bits_per_char(predict(model, test_x[:256]), test_y[:256])
            print(f"step {step + 1}: train loss {loss.item() / math.log(2):.3f} bits, "
                  f"test[:256] {bpc:.3f} bpc, {time.time() - start:.0f} s", flush=True)
    return model


def export(model, path):
    """Exports with a symbolic batch dimension and checks the file."""
    model.eval()
    torch.onnx.export(model, torch.zeros(2, T, dtype=torch.int64), path,
                      opset_version=17, do_constant_folding=True,
                      input_names=["tokens"], output_names=["logits"],
                      dynamic_axes={"tokens": {0: "batch"}, "logits": {0: "batch"}})
    proto = onnx.load(path)
    proto.producer_name = "qforge examples/models/char_transformer.py"
    # torch leaves the time axis of the output symbolic; it is fixed at T.
    proto.graph.output[0].type.tensor_type.shape.dim[1].dim_value = T
    # torch names the transposed Linear weights "onnx::MatMul_<n>"; name them
    # after their layer instead ("blocks.0.q.weight", layout [in, out]).
    renames = {}
    inits = {t.name: t for t in proto.graph.initializer}
    for node in proto.graph.node:
        w = node.input[1] if node.op_type == "MatMul" else ""
        if w.startswith("onnx::MatMul") and w in inits:
            layer = node.output[0].strip("/").rsplit("/", 1)[0].replace("/", ".")
            renames[w] = f"{layer}.weight"
    for t in proto.graph.initializer:
        t.name = renames.get(t.name, t.name)
    for node in proto.graph.node:
        node.input[:] = [renames.get(i, i) for i in node.input]
    onnx.checker.check_model(proto)
    onnx.save(proto, path)
    return proto


def main(argv):
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    steps = 4500
    if len(argv) == 3 and argv[1] == "--steps":
        steps = int(argv[2])
    here = os.path.dirname(os.path.abspath(__file__))
    onnx_path = os.path.join(here, "char_transformer.onnx")
    train_text, test_text = char_data.load_corpus()
    test_x, test_y = char_data.test_windows(char_data.encode(test_text))
    start = time.time()
    model = train(steps, char_data.encode(train_text), test_x, test_y)
    train_s = time.time() - start
    proto = export(model, onnx_path)
    size, hist = metrics.report_export(onnx_path, proto, train_s)

    ref = metrics.run_onnx_batched(proto, test_x, batch=128)
    diff = float(np.abs(ref - predict(model, test_x)).max())
    print(f"ONNX reference evaluator vs torch: max |diff| {diff:.2e}")
    if diff > 1e-3:
        raise SystemExit("exported model does not match the torch model")
    bpc = metrics.bits_per_char(ref, test_y)
    print(f"test bits per character (fp32, {len(test_x)} windows of {T}): {bpc:.4f}")
    params = sum(p.numel() for p in model.parameters())
    with open(os.path.join(here, "char_transformer.json"), "w") as f:
        json.dump({"model": "char_transformer.onnx",
                   "dataset": f"fortunes held-out text ({len(test_x)} x {T} tokens)",
                   "fp32_bpc": round(bpc, 4), "steps": steps, "batch": BATCH,
                   "d_model": D_MODEL, "heads": HEADS, "layers": LAYERS,
                   "context": T, "vocab": V, "seed": SEED, "params": params,
                   "onnx_bytes": size, "onnx_ops": hist}, f, indent=2)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
