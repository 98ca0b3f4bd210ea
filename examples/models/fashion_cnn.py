#!/usr/bin/python3
"""Trains the Fashion-MNIST CNN example and exports it as ONNX.

A small convolutional network trained with PyTorch (CPU, one thread; Adam,
mini-batches of 128, cross-entropy) on the 60k Fashion-MNIST training images
that Debian's dataset-fashion-mnist package ships (read by fashion_data.py):

  Reshape [N, 784] -> [N, 1, 28, 28]
  Conv 1->16 3x3 pad 1, Relu, MaxPool 2x2 stride 2      -> [N, 16, 14, 14]
  Conv 16->32 3x3 pad 1, Relu, MaxPool 2x2 stride 2     -> [N, 32, 7, 7]
  Flatten, Gemm 1568->64, Relu, Gemm 64->10             -> [N, 10]

Deterministic: fixed seeds, float32, one thread.

Writes next to this script:
  fashion_cnn.onnx  opset 17: Reshape, Conv, Relu, MaxPool, Flatten, Gemm;
                    input "input" [N, 784] float32 in [0, 1] (the layout of
                    fashion_data.py's test_x.npy), output "logits" [N, 10]
  fashion_cnn.json  the fp32 top-1 accuracy on the 10k test images, measured
                    on the exported ONNX file with metrics.py's reference
                    evaluator

Usage: fashion_cnn.py [--epochs N]   (default 10 epochs, about 10 s each on one core)
"""

import json
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
import fashion_data  # noqa: E402
import metrics  # noqa: E402

SEED = 0
BATCH = 128


class FashionCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * 7 * 7, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = x.reshape(-1, 1, 28, 28)
        x = nn.functional.max_pool2d(torch.relu(self.conv1(x)), 2, 2)
        x = nn.functional.max_pool2d(torch.relu(self.conv2(x)), 2, 2)
        x = torch.flatten(x, 1)
        return self.fc2(torch.relu(self.fc1(x)))


def predict(model, x):
    """Logits of the torch model for float32 images [N, 784]."""
    model.eval()
    with torch.no_grad():
        return torch.cat([model(torch.from_numpy(x[s:s + 1000]))
                          for s in range(0, len(x), 1000)]).numpy()


def train(epochs):
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    train_x, train_y = fashion_data.load("train")
    model = FashionCNN()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    steps = epochs * ((len(train_x) + BATCH - 1) // BATCH)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=steps,
                                                pct_start=0.15)
    x_all, y_all = torch.from_numpy(train_x), torch.from_numpy(train_y)
    for epoch in range(epochs):
        model.train()
        order = torch.from_numpy(rng.permutation(len(train_x)))
        for start in range(0, len(order), BATCH):
            idx = order[start:start + BATCH]
            loss = nn.functional.cross_entropy(model(x_all[idx]), y_all[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        acc = metrics.accuracy(predict(model, train_x[:10000]), train_y[:10000])
        print(f"epoch {epoch + 1}: train accuracy {acc * 100:.2f}%", flush=True)
    return model


def export(model, path):
    """Exports with a symbolic batch dimension and checks the file."""
    model.eval()
    torch.onnx.export(model, torch.zeros(2, 784), path, opset_version=17,
                      do_constant_folding=True, input_names=["input"],
                      output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    proto = onnx.load(path)
    proto.producer_name = "qforge examples/models/fashion_cnn.py"
    onnx.checker.check_model(proto)
    onnx.save(proto, path)
    return proto


def main(argv):
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    epochs = 10
    if len(argv) == 3 and argv[1] == "--epochs":
        epochs = int(argv[2])
    here = os.path.dirname(os.path.abspath(__file__))
    onnx_path = os.path.join(here, "fashion_cnn.onnx")
    start = time.time()
    model = train(epochs)
    train_s = time.time() - start
    proto = export(model, onnx_path)
    size, hist = metrics.report_export(onnx_path, proto, train_s)

    test_x, test_y = fashion_data.load("test")
    ref = metrics.run_onnx_batched(proto, test_x)
    diff = float(np.abs(ref - predict(model, test_x)).max())
    print(f"ONNX reference evaluator vs torch: max |diff| {diff:.2e}")
    if diff > 1e-3:
        raise SystemExit("exported model does not match the torch model")
    acc = metrics.accuracy(ref, test_y) * 100
    print(f"test accuracy (fp32, 10k images): {acc:.2f}%")
    params = sum(p.numel() for p in model.parameters())
    with open(os.path.join(here, "fashion_cnn.json"), "w") as f:
        json.dump({"model": "fashion_cnn.onnx", "dataset": "fashion-mnist test (10000)",
                   "fp32_top1": round(acc, 2), "epochs": epochs, "batch": BATCH,
                   "seed": SEED, "params": params, "onnx_bytes": size,
                   "onnx_ops": hist}, f, indent=2)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
