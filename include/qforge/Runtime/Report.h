//===- Report.h - The HTML report of qforge quantize ------------*- C++ -*-===//
//
// Renders the JSON report of `qforge quantize` (report.json) as one
// self-contained HTML page: no script, no external resource, the plots as
// inline SVG.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_RUNTIME_REPORT_H
#define QFORGE_RUNTIME_REPORT_H

#include "llvm/Support/JSON.h"

#include <string>

namespace qforge {

/// The page for `report`: settings and totals; bits per weight by layer;
/// predicted and measured output error by layer (log scale); with an
/// "evaluation" section, quality against average bits per weight; and the
/// per-layer table. Missing sections are left out.
std::string renderReportHTML(const llvm::json::Object &report);

} // namespace qforge

#endif // QFORGE_RUNTIME_REPORT_H
