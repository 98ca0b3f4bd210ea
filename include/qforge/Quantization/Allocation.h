//===- Allocation.h - Bit-width allocation solver (plain C++) ---*- C++ -*-===//
//
// The solver of qf-allocate-bits (issue 7): every layer picks one of its
// candidate formats; each candidate has a cost (bits of the stored weights,
// scales and zero points included, or bytes, or a latency) and a predicted
// error; the allocation minimizing the total error with the total cost
// within a budget is found exactly (a multiple-choice knapsack), by branch
// and bound with the linear-programming bound of the remaining layers.
// Layers can be tied (a shared weight, or layers that must agree): tied
// layers pick the same candidate index.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_QUANTIZATION_ALLOCATION_H
#define QFORGE_QUANTIZATION_ALLOCATION_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qforge {

/// One way to quantize one layer.
struct Candidate {
  double cost = 0;  ///< >= 0, e.g. bits of the packed blob
  double error = 0; ///< >= 0, predicted contribution to the output error
};

/// The chosen candidate of every layer, and the totals.
struct Allocation {
  std::vector<int> choice;
  double cost = 0, error = 0;
};

/// Minimizes the total error subject to total cost <= budget. `layers[i]`
/// lists layer i's candidates (at least one). `tiedGroup`, if not empty,
/// gives each layer a group id (-1: untied); layers with the same id must
/// have the same number of candidates and get the same choice. Returns
/// nullopt with `error` when the input is malformed (no candidates, a
/// negative or non-finite cost or error, tied layers with different
/// candidate counts) or the budget is below the cheapest allocation (the
/// message names both). Among allocations with equal error, one with the
/// smallest cost is returned.
std::optional<Allocation>
allocateBits(const std::vector<std::vector<Candidate>> &layers, double budget,
             const std::vector<int> &tiedGroup = {},
             std::string *error = nullptr);

/// Spearman's rank correlation of two series of the same length (ties get
/// their mean rank): how well predicted errors order the measured ones.
/// 0 when either series is constant or shorter than 2.
double rankCorrelation(const std::vector<double> &a,
                       const std::vector<double> &b);

} // namespace qforge

#endif // QFORGE_QUANTIZATION_ALLOCATION_H
