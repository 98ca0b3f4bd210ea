#!/usr/bin/env bash
# Installs every Debian package qforge needs (idempotent: only what is
# missing is installed, so a second run takes a second) and configures the
# build directory. Usage: scripts/setup.sh [BUILD_DIR]
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$here/build}"

# LLVM/MLIR 22.1 comes from bookworm-security; see docs/Building.md.
# python3-numpy: the tests write and check .npy files with it.
# libomp-22-dev: the OpenMP runtime for kernels lowered with threads > 1.
# libdnnl-dev, libopenblas-dev: peers in bench/ only, never linked by qforge.
# libeigen3-dev: Eigen 3.4 (header-only), the linear algebra of GPTQ and
# AdaRound in lib/Quantization.
# libonnx-dev ... dataset-fashion-mnist: ONNX import, its tests, examples/models.
# fortunes: the text corpus of the char transformer example
# (/usr/share/games/fortunes).
# libvulkan-dev, mesa-vulkan-drivers, spirv-tools: the Vulkan runtime builds
# on the loader; lavapipe (a CPU Vulkan 1.3 device in mesa-vulkan-drivers)
# runs the Vulkan tests; spirv-val checks every generated SPIR-V module.
# chromium: the test that opens qforge quantize's report.html in a headless
# browser and checks that it renders (about 80 MB to download). Retraining the example models
# (examples/models/*.py) also needs python3-torch, which is not installed
# here: the trained .onnx files are committed.
packages=(
  cmake ninja-build g++ make lld python3
  llvm-22-dev libmlir-22-dev mlir-22-tools
  libgtest-dev
  python3-numpy
  libomp-22-dev
  libdnnl-dev libopenblas-dev
  libeigen3-dev
  libonnx-dev libprotobuf-dev protobuf-compiler python3-onnx dataset-fashion-mnist
  fortunes
  libvulkan-dev mesa-vulkan-drivers spirv-tools
  chromium
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "qforge setup: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "qforge setup: need root or sudo to install packages" >&2; exit 1; }
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "qforge setup: all packages present"
fi

if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$here" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_USE_LINKER=lld
fi
