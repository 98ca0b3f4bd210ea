// RUN: qforge-opt %s -split-input-file -verify-diagnostics

!w = !qf.qtensor<64x32xf32, #qf.scheme<i8, axis = 1>>

func.func @negative_lhs_rank(%x: tensor<64xf32>, %w: !w) {
  // expected-error@+1 {{lhs must have rank 2, got 1}}
  %0 = qf.matmul %x, %w acc(f32) : tensor<64xf32>, !w -> tensor<32xf32>
  return
}

// -----

func.func @negative_rhs_rank(%x: tensor<8x64xf32>, %w: !qf.qtensor<2x64x32xf32, #qf.scheme<i8>>) {
  // expected-error@+1 {{rhs must have rank 2, got 3}}
  %0 = qf.matmul %x, %w acc(f32) : tensor<8x64xf32>, !qf.qtensor<2x64x32xf32, #qf.scheme<i8>> -> tensor<8x32xf32>
  return
}

// -----

!w = !qf.qtensor<64x32xf32, #qf.scheme<i8, axis = 1>>

func.func @negative_contracting(%x: tensor<8x32xf32>, %w: !w) {
  // expected-error@+1 {{contracting dimensions differ: lhs has K = 32, rhs has 64}}
  %0 = qf.matmul %x, %w acc(f32) : tensor<8x32xf32>, !w -> tensor<8x32xf32>
  return
}

// -----

!w = !qf.qtensor<64x32xf32, #qf.scheme<i8, axis = 1>>

func.func @negative_transposed_contracting(%x: tensor<8x64xf32>, %w: !w) {
  // With transpose_rhs the weight is N x K: K is 32 here.
  // expected-error@+1 {{contracting dimensions differ: lhs has K = 64, rhs has 32}}
  %0 = qf.matmul %x, %w transpose_rhs acc(f32) : tensor<8x64xf32>, !w -> tensor<8x64xf32>
  return
}

// -----

!w = !qf.qtensor<64x32xf32, #qf.scheme<i8, axis = 1>>

func.func @negative_result_shape(%x: tensor<8x64xf32>, %w: !w) {
  // expected-error@+1 {{result shape [8, 64] should be [8, 32]}}
  %0 = qf.matmul %x, %w acc(f32) : tensor<8x64xf32>, !w -> tensor<8x64xf32>
  return
}

// -----

!w = !qf.qtensor<64x32xf32, #qf.scheme<i8, axis = 1>>

func.func @negative_lhs_element(%x: tensor<8x64xf16>, %w: !w) {
  // expected-error@+1 {{lhs element type 'f16' differs from the expressed type 'f32' of rhs}}
  %0 = qf.matmul %x, %w acc(f32) : tensor<8x64xf16>, !w -> tensor<8x32xf32>
  return
}

// -----

!w = !qf.qtensor<64x32xf32, #qf.scheme<i8, axis = 1>>

func.func @negative_weight_only_int_acc(%x: tensor<8x64xf32>, %w: !w) {
  // expected-error@+1 {{a matmul with float lhs (weight-only) accumulates in a float type, got acc 'i32'}}
  %0 = qf.matmul %x, %w acc(i32) : tensor<8x64xf32>, !w -> tensor<8x32xf32>
  return
}

// -----

!w = !qf.qtensor<64x32xf32, #qf.scheme<i8, axis = 1>>

func.func @negative_weight_only_result(%x: tensor<8x64xf32>, %w: !w) {
  // expected-error@+1 {{result element type 'i32' should be 'f32'}}
  %0 = qf.matmul %x, %w acc(f32) : tensor<8x64xf32>, !w -> tensor<8x32xi32>
  return
}

// -----

func.func @negative_mixed_codes(%a: !qf.qtensor<8x64xf32, #qf.scheme<f8E4M3FN>>, %w: !qf.qtensor<64x32xf32, #qf.scheme<i8>>) {
  // expected-error@+1 {{cannot multiply integer codes by floating-point codes}}
  %0 = qf.matmul %a, %w acc(f32) : !qf.qtensor<8x64xf32, #qf.scheme<f8E4M3FN>>, !qf.qtensor<64x32xf32, #qf.scheme<i8>> -> tensor<8x32xf32>
  return
}

// -----

func.func @negative_lhs_per_column(%a: !qf.qtensor<8x64xf32, #qf.scheme<i8, axis = 1>>, %w: !qf.qtensor<64x32xf32, #qf.scheme<i8>>) {
  // expected-error@+1 {{quantized lhs needs per-tensor or per-row (axis = 0) scales}}
  %0 = qf.matmul %a, %w acc(i32) : !qf.qtensor<8x64xf32, #qf.scheme<i8, axis = 1>>, !qf.qtensor<64x32xf32, #qf.scheme<i8>> -> tensor<8x32xf32>
  return
}

// -----

func.func @negative_rhs_per_k(%a: !qf.qtensor<8x64xf32, #qf.scheme<i8>>, %w: !qf.qtensor<64x32xf32, #qf.scheme<i8, axis = 0>>) {
  // expected-error@+1 {{with quantized lhs, rhs needs per-tensor scales, per-column scales (axis = 1) or groups along K (axis = 0), got axis = 0}}
  %0 = qf.matmul %a, %w acc(i32) : !qf.qtensor<8x64xf32, #qf.scheme<i8>>, !qf.qtensor<64x32xf32, #qf.scheme<i8, axis = 0>> -> tensor<8x32xf32>
  return
}

// -----

func.func @negative_float_codes_int_acc(%a: !qf.qtensor<8x64xf32, #qf.scheme<f8E5M2>>, %w: !qf.qtensor<64x32xf32, #qf.scheme<f8E4M3FN>>) {
  // expected-error@+1 {{floating-point codes accumulate in f32, got acc 'i32'}}
  %0 = qf.matmul %a, %w acc(i32) : !qf.qtensor<8x64xf32, #qf.scheme<f8E5M2>>, !qf.qtensor<64x32xf32, #qf.scheme<f8E4M3FN>> -> tensor<8x32xf32>
  return
}

// -----

func.func @negative_float_codes_result(%a: !qf.qtensor<8x64xf32, #qf.scheme<f8E5M2>>, %w: !qf.qtensor<64x32xf32, #qf.scheme<f8E4M3FN>>) {
  // expected-error@+1 {{result element type 'i32' should be 'f32'}}
  %0 = qf.matmul %a, %w acc(f32) : !qf.qtensor<8x64xf32, #qf.scheme<f8E5M2>>, !qf.qtensor<64x32xf32, #qf.scheme<f8E4M3FN>> -> tensor<8x32xi32>
  return
}

// -----

func.func @negative_int_codes_float_acc(%a: !qf.qtensor<8x64xf32, #qf.scheme<i8>>, %w: !qf.qtensor<64x32xf32, #qf.scheme<i8>>) {
  // expected-error@+1 {{integer codes accumulate in an integer type, got acc 'f32'}}
  %0 = qf.matmul %a, %w acc(f32) : !qf.qtensor<8x64xf32, #qf.scheme<i8>>, !qf.qtensor<64x32xf32, #qf.scheme<i8>> -> tensor<8x32xf32>
  return
}

// -----

func.func @negative_narrow_accumulator(%a: !qf.qtensor<8x64xf32, #qf.scheme<i8>>, %w: !qf.qtensor<64x32xf32, #qf.scheme<i8>>) {
  // 64 * 128 * 128 = 2^20 needs 21 bits plus sign.
  // expected-error@+1 {{accumulator 'i16' is too narrow for 64-term dot products of 8-bit by 8-bit codes: needs at least 22 bits}}
  %0 = qf.matmul %a, %w acc(i16) : !qf.qtensor<8x64xf32, #qf.scheme<i8>>, !qf.qtensor<64x32xf32, #qf.scheme<i8>> -> tensor<8x32xf32>
  return
}

// -----

func.func @negative_narrow_accumulator_zero_points(%a: !qf.qtensor<8x1000xf32, #qf.scheme<i4, asym>>, %w: !qf.qtensor<1000x32xf32, #qf.scheme<i8>>) {
  // With zero points |a - za| reaches 15: 1000 * 15 * 128 needs 21 bits plus sign.
  // expected-error@+1 {{accumulator 'i21' is too narrow for 1000-term dot products of 4-bit by 8-bit codes: needs at least 22 bits}}
  %0 = qf.matmul %a, %w acc(i21) : !qf.qtensor<8x1000xf32, #qf.scheme<i4, asym>>, !qf.qtensor<1000x32xf32, #qf.scheme<i8>> -> tensor<8x32xf32>
  return
}

// -----

func.func @negative_raw_accumulator_type(%a: !qf.qtensor<8x64xf32, #qf.scheme<i8>>, %w: !qf.qtensor<64x32xf32, #qf.scheme<i8>>) {
  // expected-error@+1 {{an integer result holds the raw accumulators and must have type 'i32', got 'i64'}}
  %0 = qf.matmul %a, %w acc(i32) : !qf.qtensor<8x64xf32, #qf.scheme<i8>>, !qf.qtensor<64x32xf32, #qf.scheme<i8>> -> tensor<8x32xi64>
  return
}

// -----

func.func @negative_raw_accumulator_groups(%a: !qf.qtensor<8x64xf32, #qf.scheme<i8>>, %w: !qf.qtensor<64x32xf32, #qf.scheme<i4, axis = 0, group = 32>>) {
  // expected-error@+1 {{raw accumulators cannot be returned when rhs scales vary along K}}
  %0 = qf.matmul %a, %w acc(i32) : !qf.qtensor<8x64xf32, #qf.scheme<i8>>, !qf.qtensor<64x32xf32, #qf.scheme<i4, axis = 0, group = 32>> -> tensor<8x32xi32>
  return
}

// -----

func.func @negative_quantized_result_element(%a: !qf.qtensor<8x64xf32, #qf.scheme<i8>>, %w: !qf.qtensor<64x32xf32, #qf.scheme<i8>>) {
  // expected-error@+1 {{result element type 'f16' should be 'f32' or 'i32'}}
  %0 = qf.matmul %a, %w acc(i32) : !qf.qtensor<8x64xf32, #qf.scheme<i8>>, !qf.qtensor<64x32xf32, #qf.scheme<i8>> -> tensor<8x32xf16>
  return
}

// -----

func.func @negative_batch_sizes(%x: tensor<2x8x64xf32>, %w: !qf.qtensor<3x64x32xf32, #qf.scheme<i8>>) {
  // expected-error@+1 {{batch sizes differ: lhs 2, rhs 3}}
  %0 = qf.batch_matmul %x, %w acc(f32) : tensor<2x8x64xf32>, !qf.qtensor<3x64x32xf32, #qf.scheme<i8>> -> tensor<2x8x32xf32>
  return
}

// -----

func.func @negative_batch_rhs_rank(%x: tensor<2x8x64xf32>, %w: !qf.qtensor<64xf32, #qf.scheme<i8>>) {
  // expected-error@+1 {{rhs must have rank 3 (or 2, shared by every batch), got 1}}
  %0 = qf.batch_matmul %x, %w acc(f32) : tensor<2x8x64xf32>, !qf.qtensor<64xf32, #qf.scheme<i8>> -> tensor<2x8x32xf32>
  return
}

// -----

func.func @negative_batch_lhs_rank(%x: tensor<8x64xf32>, %w: !qf.qtensor<64x32xf32, #qf.scheme<i8>>) {
  // expected-error@+1 {{lhs must have rank 3, got 2}}
  %0 = qf.batch_matmul %x, %w acc(f32) : tensor<8x64xf32>, !qf.qtensor<64x32xf32, #qf.scheme<i8>> -> tensor<8x32xf32>
  return
}

// -----

// == qf.observe ==

func.func @negative_observe_name(%x: tensor<4xf32>) {
  // expected-error@+1 {{needs a non-empty name}}
  %0 = qf.observe %x {name = ""} : tensor<4xf32>
  return
}

// -----

func.func @negative_f64_accumulator(%x: tensor<8x64xf32>, %w: !qf.qtensor<64x32xf32, #qf.scheme<i8>>) {
  // expected-error@+1 {{float accumulators are f32, f16 or bf16, got 'f64'}}
  %0 = qf.matmul %x, %w acc(f64) : tensor<8x64xf32>, !qf.qtensor<64x32xf32, #qf.scheme<i8>> -> tensor<8x32xf32>
  return
}
