#!/usr/bin/env bash
# The CUDA check in two halves (issue 9).
#   scripts/gpu-check.sh build DIR [BUILD]  on the build machine: compiles
#       integer GEMMs (8- and 4-bit weights) and W4A16 ones ahead of time
#       for CUDA (host object + embedded sm_90 cubin, linked with qforge's
#       CUDA runtime: no MLIR at run time) and for x86, whose outputs are the
#       expected results.
#   scripts/gpu-check.sh run DIR            on the GPU machine: runs them,
#       compares (integers bit for bit, W4A16 within a tolerance), times the
#       CUDA kernels (events), torch._int_mm (cuBLASLt int8) and torch.mm
#       (f16) on the same shapes, prints a summary.
set -euo pipefail

mode=${1:?usage: gpu-check.sh build DIR [BUILD] | run DIR}
dir=${2:?usage: gpu-check.sh build DIR [BUILD] | run DIR}
here="$(cd "$(dirname "$0")/.." && pwd)"
# name M N K activations result weight-scales weight-bits. dp4a cases: odd
# M, a GEMV (M = 1), K % 16 != 0, both activation formats (i8 per row; u8
# per tensor with a zero point), raw i32 sums and scaled f32 results,
# per-channel and per-tensor weight scales. Tensor-core cases (M >= 16,
# K % 16 == 0): whole tiles, tails in M, N and K, u8 activations, 4-bit
# weights (nibble-packed, unpacked in registers), K split across blocks
# (few output tiles: mid, splitk; the last slice shorter in w4_splitk).
# W4A16 cases (h): f16 activations, 4-bit weights dequantized in registers,
# f32 sums in another order than the reference: within 2 f16 ulps of the
# x86 build plus 1e-4 of the largest result, not bit for bit.
cases=("s8_small 33 80 100 s i32 channel 8" "u8_small 7 48 64 u i32 channel 8"
       "u8_f32 5 32 36 u f32 tensor 8" "s8_gemv 1 16 4 s f32 channel 8"
       "w4_gemv 1 64 64 s i32 channel 4"
       "mma_s8_mid 128 256 512 s i32 channel 8"
       "mma_s8_tails 200 144 208 s i32 channel 8"
       "mma_u8_tails 77 272 112 u i32 channel 8"
       "mma_u8_f32 64 96 96 u f32 tensor 8"
       "mma_w4_s8 130 160 176 s i32 channel 4"
       "mma_w4_u8_f32 48 64 80 u f32 channel 4"
       "mma_w4_splitk 40 272 1040 s i32 channel 4"
       "mma_u8_splitk_f32 48 128 2048 u f32 channel 8"
       "h_w4_channel 40 96 256 h f32 channel 4"
       "h_w4_g128 130 272 512 h f32 g128 4"
       "h_w4_g128_f16scales 130 272 512 h f32 g128h 4"
       "h_w4_ktail 33 80 104 h f32 channel 4")
# Benchmarks (name M N K activations weight-bits weight-scales): no
# expected outputs (the cases above check the same kernels).
benches=("bench_w8 4096 4096 4096 s 8 channel" "bench_w4 4096 4096 4096 s 4 channel"
         "bench_w4_m32 32 4096 4096 s 4 channel"
         "bench_h_w4 4096 4096 4096 h 4 g128h" "bench_h_w4_m32 32 4096 4096 h 4 g128h")

# build_case NAME M N K SIGN RESULT WSCALE WBITS [x86]: the CUDA executable
# and, with x86, the expected output.
build_case() {
  local name=$1 m=$2 n=$3 k=$4 sign=$5 result=$6 wscale=$7 wbits=$8 x86=${9:-}
  python3 "$here/examples/cuda-check/gen.py" "$m" "$n" "$k" "$sign" "$result" "$wscale" "$wbits" > "$dir/$name.mlir"
  "$build/bin/qforge-translate" "$dir/$name.mlir" --emit=header -o "$dir/gemm.h"
  "$build/bin/qforge-translate" "$dir/$name.mlir" --emit=object --target=cuda --chip=sm_90 -o "$dir/$name-cuda.o"
  local flags=(-O2 -I"$dir" -DM="$m" -DN="$n" -DK="$k")
  [ "$result" = f32 ] && flags+=(-DRESULT_F32)
  c++ "${flags[@]}" -DCUDA_TIMING -x c "$here/examples/cuda-check/main.c" -x none "$dir/$name-cuda.o" \
    "$build/lib/Runtime/libQForgeRuntimeCUDA.a" -ldl -lm -o "$dir/$name-cuda"
  if [ -n "$x86" ]; then
    "$build/bin/qforge-translate" "$dir/$name.mlir" --emit=object --cpu=x86-64-v3 -o "$dir/$name-x86.o"
    cc "${flags[@]}" "$here/examples/cuda-check/main.c" "$dir/$name-x86.o" -lm -o "$dir/$name-x86"
    "$dir/$name-x86" "$dir/$name.expected"
    rm -f "$dir/$name-x86.o" "$dir/$name-x86"
  fi
  rm -f "$dir/$name.mlir" "$dir/$name-cuda.o"
}

if [ "$mode" = build ]; then
  build="$(cd "${3:-$here/build}" && pwd)"
  mkdir -p "$dir"
  for c in "${cases[@]}"; do
    read -r name m n k sign result wscale wbits <<<"$c"
    echo "building $name ($m x $n x $k, $sign, $result, $wscale, w$wbits)"
    build_case "$name" "$m" "$n" "$k" "$sign" "$result" "$wscale" "$wbits" x86
  done
  for c in "${benches[@]}"; do
    read -r name m n k sign wbits wscale <<<"$c"
    echo "building $name ($m x $n x $k, $sign, w$wbits, $wscale)"
    result=i32; [ "$sign" = h ] && result=f32
    build_case "$name" "$m" "$n" "$k" "$sign" "$result" "$wscale" "$wbits"
  done
  cp "$0" "$dir/gpu-check.sh"
  echo "built into $dir ($(du -sh "$dir" | cut -f1))"
  exit 0
fi

[ "$mode" = run ] || { echo "unknown mode $mode" >&2; exit 1; }
cd "$dir"
status=0
echo "== qforge CUDA check on $(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null || echo 'unknown GPU')"
for c in "${cases[@]}"; do
  read -r name m n k sign result wscale wbits <<<"$c"
  if [ "$sign" = h ]; then
    if ./"$name-cuda" "$name.out" && python3 - "$name.out" "$name.expected" <<'PY'
import sys, numpy as np
y, r = (np.fromfile(f, np.float32) for f in sys.argv[1:3])
ulp = np.spacing(np.abs(r).astype(np.float16)).astype(np.float32)
d = np.abs(y - r)
print("  max |cuda - x86| = %.3g (%.2f f16 ulps of the result), max |x86| = %.3g"
      % (d.max(), (d / ulp).max(), np.abs(r).max()))
sys.exit(0 if np.isfinite(y).all() and (d <= 2 * ulp + 1e-4 * np.abs(r).max()).all() else 1)
PY
    then
      echo "PASS $name ($m x $n x $k, f16 x w$wbits, $wscale): within tolerance of the x86 reference build"
    else
      echo "FAIL $name ($m x $n x $k, f16 x w$wbits, $wscale)"
      status=1
    fi
    continue
  fi
  if ./"$name-cuda" "$name.out" && cmp -s "$name.out" "$name.expected"; then
    echo "PASS $name ($m x $n x $k, $sign, $result, $wscale, w$wbits): bit-exact with the x86 reference build"
  else
    echo "FAIL $name ($m x $n x $k, $sign, $result, $wscale, w$wbits)"
    status=1
  fi
done
echo "== benchmarks (qforge: s = i8 activations per row, h = f16 activations)"
for c in "${benches[@]}"; do
  read -r name m n k sign wbits wscale <<<"$c"
  echo "-- $name ($sign, w$wbits, $wscale)"
  ./"$name-cuda" --bench 20 || status=1
done
echo "== torch._int_mm (cuBLASLt int8, operands already on the GPU)"
shapes=$(for c in "${benches[@]}"; do read -r _ m n k _ <<<"$c"; echo "$m,$n,$k"; done | sort -u)
python3 - $shapes <<'PY' || echo "torch comparison unavailable"
import sys, torch
for shape in sys.argv[1:]:
    m, n, k = map(int, shape.split(","))
    a = torch.randint(-128, 127, (m, k), dtype=torch.int8, device="cuda")
    # B as K x N row-major, and as the transpose of N x K rows (qforge's
    # weight layout, cuBLASLt's preferred int8 "TN" form).
    for layout, b in (("B row-major", torch.randint(-128, 127, (k, n), dtype=torch.int8, device="cuda")),
                      ("B = W^T, W N x K", torch.randint(-128, 127, (n, k), dtype=torch.int8, device="cuda").t())):
        for _ in range(5): torch._int_mm(a, b)
        torch.cuda.synchronize()
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record()
        for _ in range(50): torch._int_mm(a, b)
        e.record(); torch.cuda.synchronize()
        ms = s.elapsed_time(e) / 50
        print("torch._int_mm %dx%dx%d (%s): %.4f ms per call, %.1f GOPS" % (m, n, k, layout, ms, 2 * m * n * k / (ms * 1e6)))
    # The peer of W4A16: a dense f16 GEMM (cuBLAS), B = W^T as above.
    x = torch.randn(m, k, dtype=torch.float16, device="cuda")
    wt = torch.randn(n, k, dtype=torch.float16, device="cuda").t()
    for _ in range(5): torch.mm(x, wt)
    torch.cuda.synchronize()
    s.record()
    for _ in range(50): torch.mm(x, wt)
    e.record(); torch.cuda.synchronize()
    ms = s.elapsed_time(e) / 50
    print("torch.mm f16 %dx%dx%d (B = W^T): %.4f ms per call, %.1f GFLOPS" % (m, n, k, ms, 2 * m * n * k / (ms * 1e6)))
print("torch", torch.__version__, "CUDA", torch.version.cuda)
PY
exit $status
