// RUN: qforge-opt %s -convert-quant-to-qf -split-input-file -verify-diagnostics

func.func @negative_narrow_range(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{cannot convert 'tensor<4x!quant.uniform<i8<-127:127>:f32, 5.000000e-01>>' to qf: storage range [-127, 127] is narrower than the full range of the storage type; qf codes use the full range}}
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8<-127:127>:f32, 0.5>>
  %d = quant.dcast %q : tensor<4x!quant.uniform<i8<-127:127>:f32, 0.5>> to tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

func.func @negative_wide_storage(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{storage type must be an integer of 1 to 8 bits}}
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i16:f32, 0.5>>
  %d = quant.dcast %q : tensor<4x!quant.uniform<i16:f32, 0.5>> to tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

func.func @negative_scalar(%x: f32) -> f32 {
  // expected-error@+1 {{only ranked tensors of !quant.uniform convert to qf}}
  %q = quant.qcast %x : f32 to !quant.uniform<i8:f32, 0.5>
  %d = quant.dcast %q : !quant.uniform<i8:f32, 0.5> to f32
  return %d : f32
}

// -----

func.func @negative_dynamic(%x: tensor<?xf32>) -> tensor<?xf32> {
  // expected-error@+1 {{qf quantized tensors need a static shape}}
  %q = quant.qcast %x : tensor<?xf32> to tensor<?x!quant.uniform<i8:f32, 0.5>>
  %d = quant.dcast %q : tensor<?x!quant.uniform<i8:f32, 0.5>> to tensor<?xf32>
  return %d : tensor<?xf32>
}

// -----

!sub = !quant.uniform<i8:f32:{0:2, 1:2}, {{0.5, 0.25}}>
func.func @negative_two_blocked_axes(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error@+1 {{sub-channel blocks span 2 dimensions; qf groups run along a single axis}}
  %q = quant.qcast %x : tensor<2x4xf32> to tensor<2x4x!sub>
  %d = quant.dcast %q : tensor<2x4x!sub> to tensor<2x4xf32>
  return %d : tensor<2x4xf32>
}

// -----

func.func @negative_returned(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.5>>
  // expected-error@+1 {{uses a quantized value; only quant.dcast users of a quant.qcast convert to qf}}
  return %q : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// -----

// expected-error@+1 {{argument 0 has quantized type 'tensor<4x!quant.uniform<i8:f32, 5.000000e-01>>'; only quant.qcast results convert to qf}}
func.func @negative_argument(%q: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4xf32> {
  %d = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 0.5>> to tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

func.func @negative_storage_cast(%c: tensor<4xi8>) -> tensor<4xf32> {
  // expected-error@+1 {{quant.scast has no qf equivalent: qf values are packed blobs, not integer tensors}}
  %q = quant.scast %c : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5>>
  %d = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 0.5>> to tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

func.func @negative_other_producer() -> tensor<4xf32> {
  // expected-error@+1 {{result of quantized type 'tensor<4x!quant.uniform<i8:f32, 5.000000e-01>>' cannot be converted; only quant.qcast results convert to qf}}
  %q = tensor.empty() : tensor<4x!quant.uniform<i8:f32, 0.5>>
  %d = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 0.5>> to tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

func.func @negative_f64_expressed(%x: tensor<4xf64>) -> tensor<4xf64> {
  // expected-error@+1 {{expressed type must be f32, f16 or bf16}}
  %q = quant.qcast %x : tensor<4xf64> to tensor<4x!quant.uniform<i8:f64, 0.5>>
  %d = quant.dcast %q : tensor<4x!quant.uniform<i8:f64, 0.5>> to tensor<4xf64>
  return %d : tensor<4xf64>
}
