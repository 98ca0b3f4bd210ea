#!/usr/bin/env bash
# The CUDA check in two halves (issue 9).
#   scripts/gpu-check.sh build DIR [BUILD]  on the build machine: compiles
#       int8 GEMMs ahead of time for CUDA (host object + embedded sm_90
#       cubin, linked with qforge's CUDA runtime: no MLIR at run time) and
#       for x86, whose outputs are the expected results.
#   scripts/gpu-check.sh run DIR            on the GPU machine: runs them,
#       compares bit for bit, times the CUDA build and torch._int_mm (cuBLASLt
#       int8) on the same shapes, prints a summary.
set -euo pipefail

mode=${1:?usage: gpu-check.sh build DIR [BUILD] | run DIR}
dir=${2:?usage: gpu-check.sh build DIR [BUILD] | run DIR}
here="$(cd "$(dirname "$0")/.." && pwd)"
# name M N K activations result weight-scales; the last one is the
# benchmark shape. Odd M, a GEMV (M = 1), both activation formats (i8 per
# row; u8 per tensor with a zero point), raw i32 sums and scaled f32
# results, per-channel and per-tensor weight scales.
cases=("s8_small 33 80 100 s i32 channel" "u8_small 7 48 64 u i32 channel"
       "u8_f32 5 32 36 u f32 tensor" "s8_gemv 1 16 4 s f32 channel"
       "s8_mid 128 256 512 s i32 channel" "bench 1024 2048 2048 s i32 channel")

if [ "$mode" = build ]; then
  build="$(cd "${3:-$here/build}" && pwd)"
  mkdir -p "$dir"
  for c in "${cases[@]}"; do
    read -r name m n k sign result wscale <<<"$c"
    echo "building $name ($m x $n x $k, $sign, $result, $wscale)"
    python3 "$here/examples/cuda-check/gen.py" "$m" "$n" "$k" "$sign" "$result" "$wscale" > "$dir/$name.mlir"
    "$build/bin/qforge-translate" "$dir/$name.mlir" --emit=header -o "$dir/gemm.h"
    "$build/bin/qforge-translate" "$dir/$name.mlir" --emit=object --cpu=x86-64-v3 -o "$dir/$name-x86.o"
    "$build/bin/qforge-translate" "$dir/$name.mlir" --emit=object --target=cuda --chip=sm_90 -o "$dir/$name-cuda.o"
    flags=(-O2 -I"$dir" -DM="$m" -DN="$n" -DK="$k")
    [ "$result" = f32 ] && flags+=(-DRESULT_F32)
    cc "${flags[@]}" "$here/examples/cuda-check/main.c" "$dir/$name-x86.o" -lm -o "$dir/$name-x86"
    c++ "${flags[@]}" -x c "$here/examples/cuda-check/main.c" -x none "$dir/$name-cuda.o" \
      "$build/lib/Runtime/libQForgeRuntimeCUDA.a" -ldl -lm -o "$dir/$name-cuda"
    "$dir/$name-x86" "$dir/$name.expected"
    rm -f "$dir/$name.mlir" "$dir/$name-x86.o" "$dir/$name-cuda.o" "$dir/$name-x86"
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
  read -r name m n k sign result wscale <<<"$c"
  if ./"$name-cuda" "$name.out" && cmp -s "$name.out" "$name.expected"; then
    echo "PASS $name ($m x $n x $k, $sign, $result, $wscale): bit-exact with the x86 reference build"
  else
    echo "FAIL $name ($m x $n x $k, $sign, $result, $wscale)"
    status=1
  fi
done
read -r _ m n k _ _ _ <<<"${cases[${#cases[@]}-1]}"
./bench-cuda --bench 20
python3 - "$m" "$n" "$k" <<'PY' || echo "torch comparison unavailable"
import sys, torch
m, n, k = map(int, sys.argv[1:4])
a = torch.randint(-128, 127, (m, k), dtype=torch.int8, device="cuda")
b = torch.randint(-128, 127, (k, n), dtype=torch.int8, device="cuda")
for _ in range(3): torch._int_mm(a, b)
torch.cuda.synchronize()
s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
s.record()
for _ in range(20): torch._int_mm(a, b)
e.record(); torch.cuda.synchronize()
ms = s.elapsed_time(e) / 20
print("torch._int_mm %dx%dx%d: %.3f ms per call (kernel only, operands on the GPU), %.1f GOPS" % (m, n, k, ms, 2 * m * n * k / (ms * 1e6)))
PY
exit $status
