// RUN: qforge-opt %s -split-input-file -verify-diagnostics

// == #qf.scheme parsing and verification ==

// expected-error@+1 {{element width 0 is out of range [1, 8]}}
func.func private @negative_width_zero() -> !qf.qtensor<4xf32, #qf.scheme<i0>>

// -----

// expected-error@+1 {{element width 9 is out of range [1, 8]}}
func.func private @negative_width_nine() -> !qf.qtensor<4xf32, #qf.scheme<u9>>

// -----

// expected-error@+1 {{element width 1000000000 is out of range [1, 8]}}
func.func private @negative_width_huge() -> !qf.qtensor<4xf32, #qf.scheme<u1000000000>>

// -----

// The MLIR lexer itself rejects absurd integer widths.
// expected-error@+1 {{integer bitwidth is limited to 16777215 bits}}
func.func private @negative_width_huge_signed() -> !qf.qtensor<4xf32, #qf.scheme<i1000000000>>

// -----

// expected-error@+1 {{unknown element format 'int4'}}
func.func private @negative_unknown_format() -> !qf.qtensor<4xf32, #qf.scheme<int4>>

// -----

// expected-error@+1 {{expected an element format}}
func.func private @negative_missing_format() -> !qf.qtensor<4xf32, #qf.scheme<>>

// -----

// expected-error@+1 {{unsupported element format 'f32'}}
func.func private @negative_float_format() -> !qf.qtensor<4xf32, #qf.scheme<f32>>

// -----

// expected-error@+1 {{unknown integer grid 'even' (expected full, narrow or odd)}}
func.func private @unknown_grid() -> !qf.qtensor<4xf32, #qf.scheme<i2, grid = even>>

// -----

// expected-error@+1 {{the odd grid needs a signed integer format, got uint}}
func.func private @odd_unsigned() -> !qf.qtensor<4xf32, #qf.scheme<u2, grid = odd>>

// -----

// expected-error@+1 {{the narrow grid needs a signed integer format, got f8E4M3FN}}
func.func private @narrow_float() -> !qf.qtensor<4xf32, #qf.scheme<f8E4M3FN, grid = narrow>>

// -----

// expected-error@+1 {{the narrow grid needs at least 2 bits (1-bit narrow codes hold only 0)}}
func.func private @narrow_one_bit() -> !qf.qtensor<4xf32, #qf.scheme<i1, grid = narrow>>

// -----

// expected-error@+1 {{the odd grid is symmetric: no zero points}}
func.func private @odd_asym() -> !qf.qtensor<4xf32, #qf.scheme<i1, grid = odd, asym>>

// -----

// expected-error@+1 {{a tiled layout pads with the code of zero; the narrow grid needs the packed layout}}
func.func private @narrow_tiled() -> !qf.qtensor<4x4xf32, #qf.scheme<i2, grid = narrow>, #qf.layout<tile = [2, 2]>>

// -----

// expected-error@+1 {{unsupported scale type 'i8'}}
func.func private @negative_scale_type() -> !qf.qtensor<4xf32, #qf.scheme<i8, scale = i8>>

// -----

// expected-error@+1 {{axis -1 must be non-negative}}
func.func private @negative_axis() -> !qf.qtensor<4xf32, #qf.scheme<i8, axis = -1>>

// -----

// expected-error@+1 {{group size 0 must be positive}}
func.func private @negative_group_zero() -> !qf.qtensor<4xf32, #qf.scheme<i8, axis = 0, group = 0>>

// -----

// expected-error@+1 {{group size -32 must be positive}}
func.func private @negative_group_negative() -> !qf.qtensor<64xf32, #qf.scheme<i8, axis = 0, group = -32>>

// -----

// expected-error@+1 {{group size needs an axis}}
func.func private @negative_group_without_axis() -> !qf.qtensor<64xf32, #qf.scheme<i8, group = 32>>

// -----

// expected-error@+1 {{scheme parameter 'axis' given twice}}
func.func private @negative_duplicate() -> !qf.qtensor<4x4xf32, #qf.scheme<i8, axis = 0, axis = 1>>

// -----

// expected-error@+1 {{unknown scheme parameter 'bits'}}
func.func private @negative_unknown_parameter() -> !qf.qtensor<4xf32, #qf.scheme<i8, bits = 4>>

// -----

// expected-error@+1 {{unknown rounding mode 'stochastic'}}
func.func private @negative_rounding_mode() -> !qf.qtensor<4xf32, #qf.scheme<i8, round = stochastic>>

// -----

// expected-error@+1 {{rounding mode nearest_away applies only to integer formats}}
func.func private @negative_float_rounding() -> !qf.qtensor<4xf32, #qf.scheme<f8E4M3FN, round = nearest_away>>

// -----

// expected-error@+1 {{zero points need an integer element format}}
func.func private @negative_float_asym() -> !qf.qtensor<4xf32, #qf.scheme<f8E5M2, asym>>

// -----

// expected-error@+1 {{two-level scales need a group size}}
func.func private @negative_two_level_without_group() -> !qf.qtensor<4xf32, #qf.scheme<f4E2M1FN, axis = 0, tensor_scale>>

// -----

// == #qf.layout ==

// expected-error@+1 {{a tiled layout has 2 tile sizes (the last two dimensions), got 3}}
func.func private @negative_tile_rank() -> !qf.qtensor<4x4xf32, #qf.scheme<i8>, #qf.layout<tile = [1, 2, 3]>>

// -----

// expected-error@+1 {{tile size 1 is 0, must be positive}}
func.func private @negative_tile_zero() -> !qf.qtensor<4x4xf32, #qf.scheme<i8>, #qf.layout<tile = [4, 0]>>

// -----

// == !qf.qtensor ==

// expected-error@+1 {{expressed type must be f32, f16 or bf16, got 'i32'}}
func.func private @negative_expressed() -> !qf.qtensor<4xi32, #qf.scheme<i8>>

// -----

// expected-error@+1 {{expected a #qf.scheme attribute, got 42 : i64}}
func.func private @negative_not_a_scheme() -> !qf.qtensor<4xf32, 42>

// -----

// expected-error@+1 {{expected a #qf.layout attribute, got #qf.scheme<i8>}}
func.func private @negative_not_a_layout() -> !qf.qtensor<4x4xf32, #qf.scheme<i8>, #qf.scheme<i8>>

// -----

// expected-error@+1 {{expected static shape}}
func.func private @negative_dynamic() -> !qf.qtensor<?x4xf32, #qf.scheme<i8>>

// -----

// expected-error@+1 {{dimension 1 has size 0, must be positive}}
func.func private @negative_zero_dim() -> !qf.qtensor<4x0xf32, #qf.scheme<i8>>

// -----

// expected-error@+1 {{axis 2 is out of range for a tensor of rank 2}}
func.func private @negative_axis_out_of_range() -> !qf.qtensor<4x4xf32, #qf.scheme<i8, axis = 2>>

// -----

// expected-error@+1 {{group size 32 does not divide dimension 1 (100)}}
func.func private @negative_group_does_not_divide_axis() -> !qf.qtensor<64x100xf32, #qf.scheme<i4, axis = 1, group = 32>>

// -----

// expected-error@+1 {{a tiled layout needs a tensor of rank >= 2, got rank 1}}
func.func private @negative_tile_on_vector() -> !qf.qtensor<64xf32, #qf.scheme<i8>, #qf.layout<tile = [4, 4]>>

// -----

// expected-error@+1 {{is too large}}
func.func private @negative_huge_shape() -> !qf.qtensor<1000000000x1000000000x1000000000xf32, #qf.scheme<i8>>

// -----

// expected-error@+1 {{is too large}}
func.func private @negative_huge_blob() -> !qf.qtensor<4000000x4000000xf32, #qf.scheme<i8, axis = 1, group = 1>>
