# Shared by the Fashion-MNIST MLP accuracy checks: the recorded fp32 top-1
# and the top-1 of each run's logits (<tmp>/<name>.npy) on the test labels.
import json

import numpy as np


def accuracies(recorded, tmp, names):
    fp32 = json.load(open(recorded))["top1_accuracy_percent"]
    labels = np.load(f"{tmp}/data/test_y.npy")
    top1 = {
        name: float((np.load(f"{tmp}/{name}.npy").argmax(1) == labels).mean() * 100)
        for name in names
    }
    return fp32, top1
