/* Calls the ahead-of-time compiled model.mlir through the header that
 * qforge-translate generates:
 *
 *   qforge-translate model.mlir --emit=header -o model.h
 *   qforge-translate model.mlir --emit=object -o model.o
 *   cc -I. main.c model.o -lm -o aot && ./aot
 */
#include "model.h"

#include <stdio.h>

int main(void) {
  float x[2][4], y[2][3], sums[2];
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 4; ++j)
      x[i][j] = 0.25f * (float)(i * 4 + j) - 0.5f;

  /* Descriptors of plain C arrays; the results are out-parameters. */
  qforge_memref_2d_f32 xd = qforge_memref_2d_f32_make(&x[0][0], 2, 4);
  qforge_memref_2d_f32 yd = qforge_memref_2d_f32_make(&y[0][0], 2, 3);
  qforge_memref_1d_f32 sd = qforge_memref_1d_f32_make(sums, 2);
  _mlir_ciface_mlp(&xd, &yd, &sd);

  for (int i = 0; i < 2; ++i)
    printf("y[%d] = %.4f %.4f %.4f  sum = %.4f\n", i, y[i][0], y[i][1],
           y[i][2], sums[i]);
  return 0;
}
