//===- Report.cpp - The HTML report of qforge quantize --------------------===//

#include "qforge/Runtime/Report.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

using namespace qforge;
using llvm::json::Array;
using llvm::json::Object;

namespace {

std::string escape(llvm::StringRef text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

/// A number in printf's `fmt` (default: 4 significant digits).
std::string num(double v, const char *fmt = "%.4g") {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), fmt, v);
  return buffer;
}

std::string str(const Object *o, llvm::StringRef key) {
  if (!o)
    return "";
  if (auto s = o->getString(key))
    return s->str();
  if (auto i = o->getInteger(key))
    return std::to_string(*i);
  if (auto d = o->getNumber(key))
    return num(*d);
  return "";
}

double number(const Object *o, llvm::StringRef key, double otherwise = NAN) {
  if (!o)
    return otherwise;
  return o->getNumber(key).value_or(otherwise);
}

/// One layer's row of the plots and the table.
struct Layer {
  std::string name, scheme, shape;
  double bits = NAN, gain = NAN, local = NAN, predicted = NAN, rounded = NAN,
         measured = NAN;
};

std::vector<Layer> readLayers(const Object &report) {
  std::vector<Layer> layers;
  const Array *array = report.getArray("layers");
  if (!array)
    return layers;
  for (const llvm::json::Value &v : *array) {
    const Object *o = v.getAsObject();
    if (!o)
      continue;
    Layer l;
    l.name = str(o, "layer");
    l.scheme = str(o, "scheme");
    if (const Array *shape = o->getArray("shape")) {
      for (const llvm::json::Value &d : *shape) {
        if (!l.shape.empty())
          l.shape += " x ";
        l.shape += num(d.getAsNumber().value_or(0), "%.0f");
      }
    }
    l.bits = number(o, "bits_per_weight");
    l.gain = number(o, "gain");
    l.local = number(o, "local_error");
    l.predicted = number(o, "predicted_output_error");
    l.rounded = number(o, "predicted_rounded_output_error");
    l.measured = number(o, "measured_output_error");
    layers.push_back(l);
  }
  return layers;
}

/// Opens an inline SVG chart of `width` x `height` named `id`.
void openChart(llvm::raw_ostream &os, const char *id, int width, int height,
               const std::string &title) {
  os << "<svg class=\"chart\" id=\"" << id << "\" role=\"img\" width=\""
     << width << "\" height=\"" << height << "\" viewBox=\"0 0 " << width
     << " " << height << "\" xmlns=\"http://www.w3.org/2000/svg\">\n"
     << "<title>" << escape(title) << "</title>\n";
}

/// A vertical grid line at `x` from `top` to `bottom`, labelled below.
void xTick(llvm::raw_ostream &os, double x, int top, int bottom,
           const std::string &label) {
  os << llvm::formatv("<line x1=\"{0:f1}\" y1=\"{1}\" x2=\"{0:f1}\" "
                      "y2=\"{2}\" stroke=\"#ddd\"/>\n",
                      x, top, bottom)
     << llvm::formatv("<text x=\"{0:f1}\" y=\"{1}\" font-size=\"11\" "
                      "text-anchor=\"middle\">{2}</text>\n",
                      x, bottom + 14, label);
}

constexpr int kWidth = 760, kLabel = 230, kRow = 22, kTop = 30;
constexpr const char *kBlue = "#3b6ea8", *kOrange = "#d9822b",
                     *kTeal = "#2a9d8f";

/// Horizontal bars, one row per layer: bits per weight.
void bitsChart(llvm::raw_ostream &os, const std::vector<Layer> &layers) {
  double maxBits = 8;
  for (const Layer &l : layers)
    if (std::isfinite(l.bits))
      maxBits = std::max(maxBits, l.bits);
  int height = kTop + kRow * int(layers.size()) + 30;
  double scale = (kWidth - kLabel - 70) / maxBits;
  openChart(os, "bits-per-layer", kWidth, height,
            "Bits per weight by layer");
  for (int b = 0; b <= int(maxBits); b += 2)
    xTick(os, kLabel + b * scale, kTop - 8, height - 24, std::to_string(b));
  for (size_t i = 0; i < layers.size(); ++i) {
    const Layer &l = layers[i];
    int y = kTop + kRow * int(i);
    double w = std::isfinite(l.bits) ? l.bits * scale : 0;
    os << llvm::formatv("<text x=\"{0}\" y=\"{1}\" font-size=\"12\" "
                        "text-anchor=\"end\">{2}</text>\n",
                        kLabel - 6, y + 14, escape(l.name))
       << llvm::formatv("<rect class=\"bar\" x=\"{0}\" y=\"{1}\" "
                        "width=\"{2:f1}\" height=\"{3}\" fill=\"{4}\"/>\n",
                        kLabel, y + 3, w, kRow - 6, kBlue)
       << llvm::formatv("<text x=\"{0:f1}\" y=\"{1}\" font-size=\"11\">"
                        "{2}</text>\n",
                        kLabel + w + 4, y + 14,
                        std::isfinite(l.bits) ? num(l.bits, "%.2f") : "-");
  }
  os << "</svg>\n";
}

/// Two bars per layer on a log scale: predicted and measured output error.
void errorChart(llvm::raw_ostream &os, const std::vector<Layer> &layers) {
  double lo = INFINITY, hi = -INFINITY;
  bool anyMeasured = false;
  for (const Layer &l : layers)
    for (double v : {l.predicted, l.rounded, l.measured})
      if (std::isfinite(v) && v > 0) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
  for (const Layer &l : layers)
    anyMeasured |= std::isfinite(l.measured);
  if (!std::isfinite(lo)) {
    lo = 1e-3;
    hi = 1;
  }
  int d0 = int(std::floor(std::log10(lo))), d1 = int(std::ceil(std::log10(hi)));
  if (d1 <= d0)
    d1 = d0 + 1;
  int rowHeight = 3 * kRow;
  int height = kTop + rowHeight * int(layers.size()) + 30;
  double scale = double(kWidth - kLabel - 80) / (d1 - d0);
  auto xOf = [&](double v) {
    return kLabel + (std::log10(v) - d0) * scale;
  };
  openChart(os, "error-per-layer", kWidth, height,
            "Output error by layer: predicted and measured");
  auto legend = [&](int x, const char *color, const char *text) {
    os << llvm::formatv("<rect x=\"{0}\" y=\"6\" width=\"12\" "
                        "height=\"10\" fill=\"{1}\"/><text x=\"{2}\" "
                        "y=\"15\" font-size=\"11\">{3}</text>\n",
                        x, color, x + 16, text);
  };
  legend(kLabel - 150, kBlue, "predicted (round to nearest)");
  legend(kLabel + 40, kTeal, "predicted (rounding done)");
  if (anyMeasured)
    legend(kLabel + 210, kOrange, "measured (that layer alone)");
  for (int d = d0; d <= d1; ++d)
    xTick(os, kLabel + (d - d0) * scale, kTop - 6, height - 24,
          "1e" + std::to_string(d));
  for (size_t i = 0; i < layers.size(); ++i) {
    const Layer &l = layers[i];
    int y = kTop + rowHeight * int(i);
    os << llvm::formatv("<text x=\"{0}\" y=\"{1}\" font-size=\"12\" "
                        "text-anchor=\"end\">{2}</text>\n",
                        kLabel - 6, y + 32, escape(l.name));
    int slot = 0;
    for (auto [v, color] : {std::pair(l.predicted, kBlue),
                            std::pair(l.rounded, kTeal),
                            std::pair(l.measured, kOrange)}) {
      int by = y + 3 + slot++ * (kRow - 2);
      if (!std::isfinite(v))
        continue;
      double w = v > 0 ? std::max(0.0, xOf(v) - kLabel) : 0;
      os << llvm::formatv("<rect class=\"bar\" x=\"{0}\" y=\"{1}\" "
                          "width=\"{2:f1}\" height=\"{3}\" fill=\"{4}\"/>\n",
                          kLabel, by, w, kRow - 6, color)
         << llvm::formatv("<text x=\"{0:f1}\" y=\"{1}\" font-size=\"11\">"
                          "{2}</text>\n",
                          kLabel + w + 4, by + 11, num(v));
    }
  }
  os << "</svg>\n";
}

/// Quality against average bits per weight (log2 axis), one point per
/// evaluated model.
void qualityChart(llvm::raw_ostream &os, const Object &evaluation) {
  const Array *points = evaluation.getArray("points");
  if (!points || points->empty())
    return;
  std::string metric = str(&evaluation, "metric");
  bool accuracy = metric == "accuracy";
  double lo = INFINITY, hi = -INFINITY;
  for (const llvm::json::Value &p : *points) {
    double v = number(p.getAsObject(), "value");
    if (accuracy)
      v *= 100;
    if (std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (!std::isfinite(lo))
    return;
  double pad = std::max(0.5, (hi - lo) * 0.15);
  lo -= pad;
  hi += pad;
  constexpr int w = kWidth, h = 320, left = 70, right = 30, top = 20,
                bottom = 50;
  auto xOf = [&](double bits) {
    double b = std::clamp(bits, 1.0, 32.0);
    return left + std::log2(b) / 5.0 * (w - left - right);
  };
  auto yOf = [&](double v) {
    return top + (hi - v) / (hi - lo) * (h - top - bottom);
  };
  openChart(os, "quality-vs-bits", w, h,
            std::string(accuracy ? "Top-1 accuracy" : "Bits per token") +
                " against average bits per weight");
  for (int b : {1, 2, 3, 4, 6, 8, 16, 32})
    xTick(os, xOf(b), top, h - bottom, std::to_string(b));
  for (int i = 0; i <= 4; ++i) {
    double v = lo + (hi - lo) * i / 4;
    double y = yOf(v);
    os << llvm::formatv("<line x1=\"{0}\" y1=\"{1:f1}\" x2=\"{2}\" "
                        "y2=\"{1:f1}\" stroke=\"#eee\"/>\n",
                        left, y, w - right)
       << llvm::formatv("<text x=\"{0}\" y=\"{1:f1}\" font-size=\"11\" "
                        "text-anchor=\"end\">{2}</text>\n",
                        left - 6, y + 4, num(v, "%.2f"));
  }
  os << llvm::formatv("<text x=\"{0}\" y=\"{1}\" font-size=\"12\" "
                      "text-anchor=\"middle\">average bits per weight "
                      "(scales included; log scale)</text>\n",
                      (left + w - right) / 2, h - 12)
     << llvm::formatv("<text x=\"14\" y=\"{0}\" font-size=\"12\" "
                      "transform=\"rotate(-90 14 {0})\" "
                      "text-anchor=\"middle\">{1}</text>\n",
                      (top + h - bottom) / 2,
                      accuracy ? "top-1 accuracy (%)" : "bits per token");
  unsigned index = 0;
  for (const llvm::json::Value &p : *points) {
    const Object *o = p.getAsObject();
    double bits = number(o, "average_bits"), v = number(o, "value");
    if (!std::isfinite(bits) || !std::isfinite(v))
      continue;
    if (accuracy)
      v *= 100;
    std::string label = str(o, "label");
    llvm::StringRef l(label);
    const char *color = l == "fp32"                 ? "#555"
                        : l == "quantized"          ? kOrange
                        : l.starts_with("uniform") ? "#2e8b57"
                        : l.starts_with("local")   ? "#8e44ad"
                                                    : kBlue;
    double x = xOf(bits), y = yOf(v);
    bool left = x > w - right - 80;
    os << llvm::formatv("<circle class=\"point\" cx=\"{0:f1}\" cy=\"{1:f1}\" "
                        "r=\"5\" fill=\"{2}\"/>\n",
                        x, y, color)
       << llvm::formatv("<text x=\"{0:f1}\" y=\"{1:f1}\" font-size=\"11\" "
                        "text-anchor=\"{2}\">{3}</text>\n",
                        left ? x - 8 : x + 8, y + (index++ % 2 ? 16 : -8),
                        left ? "end" : "start", escape(label));
  }
  os << "</svg>\n";
  // The same points as numbers.
  os << "<table id=\"points\">\n<tr><th>model</th><th>average bits per "
        "weight</th><th>"
     << (accuracy ? "top-1 accuracy" : "bits per token")
     << "</th><th>run time (s)</th><th>predicted error</th><th>measured "
        "error</th></tr>\n";
  for (const llvm::json::Value &p : *points) {
    const Object *o = p.getAsObject();
    double v = number(o, "value");
    os << "<tr><td>" << escape(str(o, "label")) << "</td><td>"
       << num(number(o, "average_bits"), "%.3f") << "</td><td>"
       << (accuracy ? num(100 * v, "%.2f%%") : num(v, "%.4f")) << "</td><td>"
       << num(number(o, "seconds"), "%.2f") << "</td><td>"
       << (std::isfinite(number(o, "predicted_output_error"))
               ? num(number(o, "predicted_output_error"))
               : "-")
       << "</td><td>"
       << (std::isfinite(number(o, "measured_output_error"))
               ? num(number(o, "measured_output_error"))
               : "-")
       << "</td></tr>\n";
  }
  os << "</table>\n";
  if (const Object *prediction = evaluation.getObject("prediction"))
    os << "<p id=\"prediction\">Predicted (rounding done) against measured "
          "output error over the "
       << escape(str(prediction, "models"))
       << " quantized models: rank correlation "
       << num(number(prediction, "rank_correlation"), "%.3f")
       << ", worst ratio " << num(number(prediction, "worst_ratio"), "%.2f")
       << ".</p>\n";
}

} // namespace

std::string qforge::renderReportHTML(const Object &report) {
  std::string html;
  llvm::raw_string_ostream os(html);
  const Object *settings = report.getObject("settings");
  const Object *total = report.getObject("total");
  const Object *measured = report.getObject("measured");
  const Object *evaluation = report.getObject("evaluation");
  std::vector<Layer> layers = readLayers(report);

  os << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
     << "<title>qforge report: " << escape(str(settings, "model"))
     << "</title>\n<style>\n"
     << "body { font-family: sans-serif; margin: 24px; color: #222; }\n"
     << "table { border-collapse: collapse; margin: 8px 0 20px; }\n"
     << "td, th { border: 1px solid #ccc; padding: 3px 8px; "
        "text-align: right; }\n"
     << "td:first-child, th:first-child { text-align: left; }\n"
     << "h2 { margin-top: 28px; font-size: 18px; }\n"
     << "</style>\n</head>\n<body>\n"
     << "<h1>qforge quantization report</h1>\n";

  os << "<table id=\"summary\">\n";
  auto row = [&](llvm::StringRef key, const std::string &value) {
    if (!value.empty())
      os << "<tr><th>" << escape(key) << "</th><td>" << escape(value)
         << "</td></tr>\n";
  };
  row("model", str(settings, "model"));
  row("rounding", str(settings, "method"));
  if (settings && settings->getNumber("budget"))
    row("budget", str(settings, "budget") + " bits per weight");
  else
    row("width", str(settings, "bits") + " bits");
  row("activations", str(settings, "activations"));
  row("target", str(settings, "target"));
  double bits = number(total, "average_bits_per_weight");
  if (std::isfinite(bits))
    row("average bits per weight", num(bits, "%.3f") + " (scales included)");
  double weights = number(total, "weights"), stored = number(total, "bits");
  if (std::isfinite(weights) && std::isfinite(stored))
    row("weights", num(weights, "%.0f") + " (" +
                       num(stored / 8 / 1024, "%.1f") + " KiB quantized, " +
                       num(weights * 4 / 1024, "%.1f") + " KiB in fp32)");
  row("predicted output error (round to nearest)",
      str(total, "predicted_output_error"));
  row("predicted output error (rounding done)",
      str(total, "predicted_rounded_output_error"));
  if (measured)
    row("measured output error",
        str(measured, "output_error") + " (on " + str(measured, "samples") +
            " " + str(measured, "data") + " samples)");
  os << "</table>\n";

  if (!layers.empty()) {
    os << "<h2>Bits per weight by layer</h2>\n";
    bitsChart(os, layers);
    os << "<h2>Output error by layer</h2>\n"
       << "<p>Sum of squared differences to the float model's outputs per "
          "calibration sample. Predicted: the layer's measured gain times "
          "tr(ΔW H ΔWᵀ), the error of its weights weighted by the "
          "calibration Hessian, for rounding to nearest at the chosen scheme "
          "(what the allocation minimizes) and for the rounding done (GPTQ "
          "or AdaRound usually do better). Measured: the float model with "
          "only that layer's weights replaced by their final quantized "
          "values.</p>\n";
    errorChart(os, layers);
  }
  if (evaluation) {
    os << "<h2>Quality against average bits</h2>\n<p>On "
       << escape(str(evaluation, "samples")) << " samples of "
       << escape(str(evaluation, "data")) << ".</p>\n";
    qualityChart(os, *evaluation);
  }
  if (!layers.empty()) {
    os << "<h2>Layers</h2>\n<table id=\"layers\">\n<tr><th>layer</th>"
          "<th>shape</th><th>scheme</th><th>bits/weight</th><th>gain</th>"
          "<th>rounding error</th><th>predicted (nearest)</th>"
          "<th>predicted (done)</th><th>measured</th></tr>\n";
    auto cell = [](double v) { return std::isfinite(v) ? num(v) : "-"; };
    for (const Layer &l : layers)
      os << "<tr><td>" << escape(l.name) << "</td><td>" << escape(l.shape)
         << "</td><td>" << escape(l.scheme) << "</td><td>"
         << (std::isfinite(l.bits) ? num(l.bits, "%.3f") : "-")
         << "</td><td>" << cell(l.gain) << "</td><td>" << cell(l.local)
         << "</td><td>" << cell(l.predicted) << "</td><td>"
         << cell(l.rounded) << "</td><td>" << cell(l.measured)
         << "</td></tr>\n";
    os << "</table>\n";
  }
  os << "</body>\n</html>\n";
  return html;
}
