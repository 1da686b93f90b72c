// bench_ot_apply: times the server's hot path for text edits, apply_in_place on a TextDoc, by
// replaying the automerge-paper trace (259,778 single-edit ops on a ~100 KB document). Ops are
// built with from_patch before timing; the best of 5 runs is reported. Exit status 1 if the
// final text differs from endContent. With --compare, also times the naive std::string path
// (apply() returning a new string per op) once, for reference.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "../unit/core/trace_loader.hpp"
#include "core/ot/text_doc.hpp"
#include "core/ot/text_op.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace plenary;
  const bool compare = argc > 1 && std::strcmp(argv[1], "--compare") == 0;
  const std::string name = "automerge-paper";
  test::Trace trace;
  try {
    trace = test::load_trace(test::trace_path(name + ".json.gz"));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_ot_apply: %s\n", e.what());
    return 2;
  }

  std::vector<ot::Op> ops;
  ops.reserve(trace.patches.size());
  for (const auto& p : trace.patches) ops.push_back(ot::from_patch(p.pos, p.del, p.ins));

  double best = 1e300;
  bool ok = true;
  for (int run = 0; run < 5; ++run) {
    ot::TextDoc doc(trace.start);
    const auto t0 = Clock::now();
    for (const ot::Op& op : ops) ot::apply_in_place(doc, op);
    best = std::min(best, ms_since(t0));
    ok = ok && doc.str() == trace.end;
  }
  std::printf("bench_ot_apply: %s %zu ops in %.2f ms (%.0f ops/s), final length %s\n", name.c_str(),
              ops.size(), best, static_cast<double>(ops.size()) / (best / 1000.0), ok ? "ok" : "MISMATCH");

  if (compare) {
    std::string text = trace.start;
    const auto t0 = Clock::now();
    for (const ot::Op& op : ops) text = ot::apply(text, op);
    const double ms = ms_since(t0);
    std::printf("bench_ot_apply: std::string apply (copy per op) %zu ops in %.2f ms (%.0f ops/s), %s\n",
                ops.size(), ms, static_cast<double>(ops.size()) / (ms / 1000.0),
                text == trace.end ? "ok" : "MISMATCH");
  }
  return ok ? 0 : 1;
}
