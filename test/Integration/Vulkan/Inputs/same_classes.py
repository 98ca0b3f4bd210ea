"""Compares the CPU and Vulkan runs of a classifier on the same images.

Usage: same_classes.py CPU.npy VULKAN.npy LABELS.npy
Prints how many images get the same class, and both accuracies.
"""
import sys

import numpy as np

cpu, vk, labels = (np.load(p) for p in sys.argv[1:4])
a, b = cpu.argmax(axis=1), vk.argmax(axis=1)
print("same class on %d of %d images" % ((a == b).sum(), len(a)))
print("top-1 cpu %.2f%% vulkan %.2f%%" % (100 * (a == labels).mean(), 100 * (b == labels).mean()))
