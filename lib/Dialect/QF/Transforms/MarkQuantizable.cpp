//===- MarkQuantizable.cpp - Choose the layers to quantize ----------------===//
//
// -qf-mark-quantizable{include=..., exclude=..., recipe=FILE}: selects the
// matmuls with constant weights to quantize (glob patterns on layer names)
// and records per-layer overrides of the width and group size.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "qforge/Dialect/QF/Transforms/Calibration.h"
#include "qforge/Quantization/Scheme.h"
#include "qforge/Support/FileIO.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/JSON.h"

#include <list>

namespace mlir::qf {
#define GEN_PASS_DEF_QFMARKQUANTIZABLEPASS
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace mlir::qf

using namespace mlir;
using namespace mlir::qf;

namespace {

struct Pattern {
  std::string text;
  llvm::GlobPattern glob;
  bool used = false;
};

struct Override {
  Pattern pattern;
  std::optional<int64_t> bits, group;
};

struct MarkQuantizablePass
    : qf::impl::QFMarkQuantizablePassBase<MarkQuantizablePass> {
  using Base::Base;

  std::string problem;
  /// The pattern texts: llvm::GlobPattern keeps references into its text,
  /// so the texts live here, at stable addresses.
  std::list<std::string> texts;

  bool addPattern(const std::string &source, SmallVectorImpl<Pattern> &out) {
    const std::string &text = texts.emplace_back(source);
    auto glob = llvm::GlobPattern::create(text);
    if (!glob) {
      problem = "bad pattern '" + text + "': " + toString(glob.takeError());
      return false;
    }
    out.push_back({text, std::move(*glob)});
    return true;
  }

  /// Reads the recipe file into the pattern lists and overrides.
  bool readRecipe(SmallVectorImpl<Pattern> &includes,
                  SmallVectorImpl<Pattern> &excludes,
                  SmallVectorImpl<Override> &overrides) {
    std::string bytes, error;
    if (!qforge::readFileBytes(recipe, bytes, error)) {
      problem = error;
      return false;
    }
    auto fail = [&](const Twine &msg) {
      problem = (recipe + ": " + msg).str();
      return false;
    };
    llvm::Expected<llvm::json::Value> root = llvm::json::parse(bytes);
    if (!root)
      return fail("invalid JSON: " + toString(root.takeError()));
    const llvm::json::Object *obj = root->getAsObject();
    if (!obj)
      return fail("the recipe must be a JSON object");
    for (const auto &kv : *obj)
      if (kv.first != "include" && kv.first != "exclude" &&
          kv.first != "layers")
        return fail("unknown key '" + kv.first.str() +
                    "' (expected include, exclude, layers)");
    auto strings = [&](StringRef key, SmallVectorImpl<Pattern> &out) {
      const llvm::json::Value *v = obj->get(key);
      if (!v)
        return true;
      const llvm::json::Array *a = v->getAsArray();
      if (!a)
        return fail("'" + key + "' must be an array of strings");
      for (const llvm::json::Value &e : *a) {
        std::optional<StringRef> s = e.getAsString();
        if (!s)
          return fail("'" + key + "' must be an array of strings");
        if (!addPattern(s->str(), out))
          return fail(problem);
      }
      return true;
    };
    if (!strings("include", includes) || !strings("exclude", excludes))
      return false;
    if (const llvm::json::Value *v = obj->get("layers")) {
      const llvm::json::Array *a = v->getAsArray();
      if (!a)
        return fail("'layers' must be an array of objects");
      for (auto [i, e] : llvm::enumerate(*a)) {
        const llvm::json::Object *o = e.getAsObject();
        std::string where = "layers[" + std::to_string(i) + "]";
        if (!o)
          return fail(where + " must be an object");
        Override ov;
        std::optional<StringRef> match = o->getString("match");
        if (!match)
          return fail(where + " needs a \"match\" pattern");
        SmallVector<Pattern, 1> one;
        if (!addPattern(match->str(), one))
          return fail(problem);
        ov.pattern = std::move(one.front());
        for (const auto &kv : *o) {
          StringRef key = kv.first;
          if (key == "match")
            continue;
          if (key != "bits" && key != "group")
            return fail(where + ": unknown key '" + key +
                        "' (expected match, bits, group)");
          std::optional<int64_t> n = kv.second.getAsInteger();
          if (!n)
            return fail(where + ": '" + key + "' must be an integer");
          if (key == "bits" && (*n < 1 || *n > qforge::kMaxBits))
            return fail(where + ": bits must be 1.." +
                        Twine(qforge::kMaxBits) + ", got " + Twine(*n));
          if (key == "group" && *n < 0)
            return fail(where + ": group must be >= 0, got " + Twine(*n));
          (key == "bits" ? ov.bits : ov.group) = *n;
        }
        overrides.push_back(std::move(ov));
      }
    }
    return true;
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto fail = [&](const Twine &msg) {
      module.emitError() << "qf-mark-quantizable: " << msg;
      signalPassFailure();
    };
    SmallVector<Pattern> includes, excludes;
    SmallVector<Override> overrides;
    for (const std::string &p : include)
      if (!addPattern(p, includes))
        return fail(problem);
    for (const std::string &p : exclude)
      if (!addPattern(p, excludes))
        return fail(problem);
    if (!recipe.empty() && !readRecipe(includes, excludes, overrides))
      return fail(problem);

    SmallVector<std::pair<Operation *, std::string>> layers;
    unsigned unnamed = 0;
    module.walk([&](linalg::MatmulOp mm) {
      if (mm.getInputs().size() != 2 ||
          !matchPattern(mm.getInputs()[1], m_Constant()))
        return;
      std::string name = layerName(mm.getLoc());
      if (name.empty())
        name = "matmul" + std::to_string(unnamed++);
      layers.push_back({mm, name});
    });
    if (layers.empty())
      return fail("the module has no matmul with constant weights");
    auto matches = [](SmallVectorImpl<Pattern> &list, StringRef name) {
      bool any = false;
      for (Pattern &p : list)
        if (p.glob.match(name)) {
          p.used = true;
          any = true;
        }
      return any;
    };
    Builder b(&getContext());
    SmallVector<std::pair<Operation *, Attribute>> marks;
    for (auto &[op, name] : layers) {
      bool selected = includes.empty() || matches(includes, name);
      if (matches(excludes, name))
        selected = false;
      if (!selected) {
        marks.push_back({op, b.getBoolAttr(false)});
        continue;
      }
      SmallVector<NamedAttribute> fields = {
          b.getNamedAttr("layer", b.getStringAttr(name))};
      for (Override &ov : overrides) {
        if (!ov.pattern.glob.match(name))
          continue;
        ov.pattern.used = true;
        if (ov.bits)
          fields.push_back(
              b.getNamedAttr("bits", b.getI64IntegerAttr(*ov.bits)));
        if (ov.group)
          fields.push_back(
              b.getNamedAttr("group", b.getI64IntegerAttr(*ov.group)));
        break;
      }
      marks.push_back({op, b.getDictionaryAttr(fields)});
    }
    // A pattern that selects nothing is most likely a typo.
    auto unused = [&](SmallVectorImpl<Pattern> &list) -> const Pattern * {
      for (const Pattern &p : list)
        if (!p.used)
          return &p;
      return nullptr;
    };
    const Pattern *bad = unused(includes);
    if (!bad)
      bad = unused(excludes);
    for (Override &ov : overrides)
      if (!bad && !ov.pattern.used)
        bad = &ov.pattern;
    if (bad) {
      std::string names;
      for (auto &[op, name] : layers)
        names += (names.empty() ? "" : ", ") + name;
      return fail("pattern '" + bad->text + "' matches no layer (layers: " +
                  names + ")");
    }
    for (auto &[op, attr] : marks)
      op->setAttr(kQuantizableAttrName, attr);
  }
};

} // namespace
