// Random inputs (no --input) are a function of --seed only: the same seed
// gives the same results, another seed other results, no seed is seed 0.
// Floats are uniform in [-1, 1), integers in [-8, 8).
// RUN: rm -rf %t && mkdir -p %t
// RUN: qforge-run %s --seed 7 --output %t/a.npy,%t/ai.npy
// RUN: qforge-run %s --seed 7 --output %t/b.npy,%t/bi.npy
// RUN: qforge-run %s --seed 8 --output %t/c.npy,%t/ci.npy
// RUN: qforge-run %s --output %t/d.npy,%t/di.npy
// RUN: qforge-run %s --seed 0 --output %t/e.npy,%t/ei.npy
// RUN: %python -c "import numpy as np; L = lambda n: np.load('%t/' + n + '.npy'); assert np.array_equal(L('a'), L('b')) and np.array_equal(L('ai'), L('bi')); assert not np.array_equal(L('a'), L('c')) and not np.array_equal(L('ai'), L('ci')); assert np.array_equal(L('d'), L('e')) and np.array_equal(L('di'), L('ei')); f = L('a'); assert f.shape == (64, 2) and f.dtype == np.float32 and f.min() >= -1 and f.max() < 1 and f.std() > 0.3, f; i = L('ai'); assert i.dtype == np.int32 and i.min() >= -8 and i.max() < 8 and len(np.unique(i)) > 8, i; assert not np.array_equal(f[:, 0], f[:, 1]), 'arguments must get different values'"

// Returns its arguments: the random inputs themselves, the two float
// arguments side by side.
func.func @main(%a: tensor<64x1xf32>, %b: tensor<64x1xf32>, %i: tensor<256xi32>) -> (tensor<64x2xf32>, tensor<256xi32>) {
  %r = tensor.concat dim(1) %a, %b : (tensor<64x1xf32>, tensor<64x1xf32>) -> tensor<64x2xf32>
  return %r, %i : tensor<64x2xf32>, tensor<256xi32>
}
