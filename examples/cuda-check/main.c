/* Driver of scripts/gpu-check.sh: calls the AOT-compiled @gemm (x86 or
 * CUDA object, same source) on a deterministic input and writes the i32
 * result to a file, or times it. Build with -DM=.. -DN=.. -DK=.. and the
 * header qforge-translate --emit=header wrote as gemm.h.
 * usage: check OUT.bin | check --bench REPS */
#include "gemm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static float x[M * K];
/* RESULT is i32 (raw sums) or f32 (scaled): -DRESULT_F32 for the latter. */
#ifdef RESULT_F32
typedef float result_t;
#define MAKE_Y qforge_memref_2d_f32_make
typedef qforge_memref_2d_f32 y_memref;
#else
typedef int32_t result_t;
#define MAKE_Y qforge_memref_2d_i32_make
typedef qforge_memref_2d_i32 y_memref;
#endif
static result_t y[M * N];

#ifdef CUDA_TIMING
/* qforge's CUDA runtime: kernel time measured with events. */
void qforgeCudaTimeKernels(int enable);
double qforgeCudaKernelMs(void);
#endif

int main(int argc, char **argv) {
  uint32_t state = 12345u;
  for (int i = 0; i < M * K; ++i) {
    state = state * 1664525u + 1013904223u;
    x[i] = (float)((int)(state >> 16) % 2001 - 1000) / 250.0f;
  }
  qforge_memref_2d_f32 xm = qforge_memref_2d_f32_make(x, M, K);
  y_memref ym = MAKE_Y(y, M, N);
  if (argc == 3 && !strcmp(argv[1], "--bench")) {
    int reps = atoi(argv[2]);
    _mlir_ciface_gemm(&xm, &ym); /* warm-up: module load, first launch */
    double best = 1e30, total = 0;
    for (int r = 0; r < reps; ++r) {
      struct timespec t0, t1;
      clock_gettime(CLOCK_MONOTONIC, &t0);
      _mlir_ciface_gemm(&xm, &ym);
      clock_gettime(CLOCK_MONOTONIC, &t1);
      double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
      total += ms;
      if (ms < best)
        best = ms;
    }
    printf("gemm %dx%dx%d: best %.3f ms, mean %.3f ms per call "
           "(host quantization + copies + kernel), %.1f GOPS\n",
           M, N, K, best, total / reps, 2.0 * M * N * K / (best * 1e6));
#ifdef CUDA_TIMING
    qforgeCudaTimeKernels(1);
    for (int r = 0; r < reps; ++r)
      _mlir_ciface_gemm(&xm, &ym);
    double kernel = qforgeCudaKernelMs() / reps;
    qforgeCudaTimeKernels(0);
    printf("gemm %dx%dx%d: kernel %.4f ms per call (CUDA events), %.1f GOPS\n",
           M, N, K, kernel, 2.0 * M * N * K / (kernel * 1e6));
#endif
    return 0;
  }
  if (argc != 2) {
    fprintf(stderr, "usage: %s OUT.bin | --bench REPS\n", argv[0]);
    return 1;
  }
  _mlir_ciface_gemm(&xm, &ym);
  FILE *f = fopen(argv[1], "wb");
  if (!f || fwrite(y, sizeof(y), 1, f) != 1) {
    fprintf(stderr, "cannot write %s\n", argv[1]);
    return 1;
  }
  fclose(f);
  return 0;
}
