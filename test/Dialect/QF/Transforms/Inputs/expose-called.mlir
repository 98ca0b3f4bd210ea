// A function called in the module cannot return more values.
// expected-error@+1 {{qf-expose-observed: @layer is called in this module, so its results cannot change}}
func.func @layer(%x: tensor<2xf32>) -> tensor<2xf32> {
  %o = qf.observe %x {name = "x"} : tensor<2xf32>
  return %o : tensor<2xf32>
}
func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
  %y = func.call @layer(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @nested(%x: tensor<2xf32>, %c: i1) -> tensor<2xf32> {
  %y = scf.if %c -> tensor<2xf32> {
    // expected-error@+1 {{qf-expose-observed: 'inner' is inside a nested region; only observes in the function body can be returned}}
    %o = qf.observe %x {name = "inner"} : tensor<2xf32>
    scf.yield %o : tensor<2xf32>
  } else {
    scf.yield %x : tensor<2xf32>
  }
  return %y : tensor<2xf32>
}
