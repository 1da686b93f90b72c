// libFuzzer target: the OT text type (core/ot) and the drafting Document.
//
// Input, two forms:
//   - bytes starting with '[': JSON [text, op1, op2] (ops in the ot-text-unicode wire form);
//   - anything else: a deterministic generator (FuzzedDataProvider) builds a UTF-8 document
//     and two ops that mostly fit it, so the algebra is explored with valid ops, not only
//     with parse errors.
// Ops go through ot::parse (OpError allowed). When both apply to the document:
//   TP1       apply(apply(d,a), transform(b,a,Right)) == apply(apply(d,b), transform(a,b,Left))
//   compose   apply(d, compose(a, b')) == apply(apply(d,a), b')
//   TextDoc   apply_in_place gives what apply gives (and is unchanged on OpError)
//   normalize / to_json round trip / invert keep the effect
//   Document  submit transforms like transform(..., Left); a thrown SubmitError leaves text and
//             revision unchanged.
// Any mismatch aborts with a description.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/drafting/document.hpp"
#include "core/ot/text_doc.hpp"
#include "core/ot/text_op.hpp"
#include "core/ot/utf8.hpp"

namespace ot = plenary::ot;
using json = nlohmann::json;

namespace {

const std::string* g_doc = nullptr;
const json* g_a = nullptr;
const json* g_b = nullptr;

[[noreturn]] void bug(const std::string& what) {
  std::fprintf(stderr, "fuzz_ot: %s\n", what.c_str());
  if (g_doc) std::fprintf(stderr, "  doc: %s\n", json(*g_doc).dump().c_str());
  if (g_a) std::fprintf(stderr, "  a:   %s\n", g_a->dump().c_str());
  if (g_b) std::fprintf(stderr, "  b:   %s\n", g_b->dump().c_str());
  std::abort();
}

std::optional<std::string> try_apply(const std::string& doc, const ot::Op& op) {
  try {
    return ot::apply(doc, op);
  } catch (const ot::OpError&) {
    return std::nullopt;
  }
}

// apply() that must succeed: the op was derived from ops that fit.
std::string must_apply(const std::string& doc, const ot::Op& op, const char* what) {
  try {
    return ot::apply(doc, op);
  } catch (const ot::OpError& e) {
    bug(std::string(what) + ": apply threw OpError: " + e.what() + " op=" + ot::to_json(op).dump());
  }
}

void check_textdoc(const std::string& doc, const ot::Op& op, const std::optional<std::string>& expected) {
  ot::TextDoc td(doc);
  // Move the gap somewhere first, so apply_in_place does not always start from a fresh buffer.
  if (td.length_cp() > 0) {
    td.insert(td.length_cp() / 2, "", 0);
  }
  try {
    ot::apply_in_place(td, op);
  } catch (const ot::OpError&) {
    if (expected) bug("apply_in_place threw but apply succeeded");
    if (td.str() != doc) bug("apply_in_place changed the document before throwing");
    if (td.length_cp() != ot::length_cp(doc)) bug("apply_in_place changed length_cp before throwing");
    return;
  }
  if (!expected) bug("apply_in_place succeeded but apply threw");
  if (td.str() != *expected) bug("apply_in_place result differs from apply: " + json(td.str()).dump() + " vs " + json(*expected).dump());
  if (td.length_cp() != ot::length_cp(*expected)) bug("TextDoc length_cp wrong after apply_in_place");
  if (td.size_bytes() != expected->size()) bug("TextDoc size_bytes wrong after apply_in_place");
  if (std::string(td.view()) != *expected) bug("TextDoc view differs from str");
}

void check_single(const std::string& doc, const ot::Op& a) {
  auto ra = try_apply(doc, a);
  check_textdoc(doc, a, ra);
  if (!ra) return;
  ot::Op na = ot::normalize(a);
  if (must_apply(doc, na, "normalize") != *ra) bug("normalize(a) changes the effect of a");
  if (ot::normalize(na) != na) bug("normalize is not idempotent");
  ot::Op round = ot::parse(ot::to_json(na));
  if (ot::normalize(round) != na) bug("to_json/parse round trip changes a normalized op");
  if (ot::target_length(a, ot::length_cp(doc)) != ot::length_cp(*ra)) bug("target_length wrong");
  if (ot::base_length_min(a) > ot::length_cp(doc)) bug("base_length_min exceeds a document the op applies to");
  if (ot::is_noop(a) && *ra != doc) bug("is_noop op changed the document");
  ot::Op inv = ot::make_invertible(a, doc);
  if (!ot::is_invertible(inv)) bug("make_invertible result is not invertible");
  if (must_apply(doc, inv, "make_invertible") != *ra) bug("make_invertible changes the effect");
  if (must_apply(*ra, ot::invert(inv), "invert") != doc) bug("invert does not undo the op");
  // Cursor transform stays within the new document.
  std::size_t len = ot::length_cp(doc);
  for (std::size_t c : {std::size_t{0}, len / 2, len}) {
    if (ot::transform_position(c, a, false) > ot::length_cp(*ra)) bug("transform_position past the end");
    if (ot::transform_position(c, a, true) > ot::length_cp(*ra)) bug("transform_position (own) past the end");
  }
}

void check_pair(const std::string& doc, const ot::Op& a, const ot::Op& b, std::uint8_t knob) {
  auto ra = try_apply(doc, a);
  auto rb = try_apply(doc, b);
  if (!ra || !rb) return;
  ot::Op b1, a1;
  try {
    b1 = ot::transform(b, a, ot::Side::Right);
    a1 = ot::transform(a, b, ot::Side::Left);
  } catch (const ot::OpError& e) {
    bug(std::string("transform threw on two ops that fit the same document: ") + e.what());
  }
  std::string left = must_apply(*ra, b1, "TP1 left");
  std::string right = must_apply(*rb, a1, "TP1 right");
  if (left != right) bug("TP1 violated: " + json(left).dump() + " != " + json(right).dump());
  // The other tie-break must converge too.
  ot::Op b2 = ot::transform(b, a, ot::Side::Left);
  ot::Op a2 = ot::transform(a, b, ot::Side::Right);
  if (must_apply(*ra, b2, "TP1' left") != must_apply(*rb, a2, "TP1' right")) bug("TP1 violated (sides swapped)");
  // compose(a, b') has the effect of a then b'.
  ot::Op ab;
  try {
    ab = ot::compose(a, b1);
  } catch (const ot::OpError& e) {
    bug(std::string("compose threw on consecutive ops: ") + e.what());
  }
  if (must_apply(doc, ab, "compose") != left) bug("compose(a, b') differs from a then b'");
  if (ot::normalize(ab) != ab) bug("compose result is not normalized");
  if (ot::normalize(b1) != b1) bug("transform result is not normalized");
  // TextDoc: the same sequence applied in place.
  {
    ot::TextDoc td(doc);
    ot::apply_in_place(td, a);
    ot::apply_in_place(td, b1);
    if (td.str() != left) bug("TextDoc a then b' differs from apply");
  }
  // Document: submit a on rev 0, then b on rev 0 (transformed over a with side Left).
  plenary::drafting::Document d(doc, 0, 1 + (knob & 3));
  try {
    d.submit(a, 0, "a", 1);
  } catch (const std::exception& e) {
    bug(std::string("Document::submit rejected an op that applies: ") + e.what());
  }
  std::string expect_b = must_apply(*ra, ot::transform(b, a, ot::Side::Left), "submit expectation");
  try {
    d.submit(b, 0, "b", 2);
  } catch (const std::exception& e) {
    bug(std::string("Document::submit rejected a concurrent op that applies: ") + e.what());
  }
  if (d.text() != expect_b) bug("Document::submit result differs from transform(b, a, Left)");
  if (d.rev() != 2) bug("Document revision is not 2 after two ops");
}

// Document::submit with random base revisions: a rejected op never changes text or revision.
void check_submit_random(const std::string& doc, const std::vector<ot::Op>& ops, FuzzedDataProvider& fdp) {
  plenary::drafting::Document d(doc, fdp.ConsumeIntegralInRange<std::int64_t>(0, 3),
                                fdp.ConsumeIntegralInRange<std::size_t>(1, 4));
  int n = fdp.ConsumeIntegralInRange<int>(0, 8);
  for (int i = 0; i < n && !ops.empty(); ++i) {
    const ot::Op& op = ops[fdp.ConsumeIntegralInRange<std::size_t>(0, ops.size() - 1)];
    std::int64_t base = fdp.ConsumeIntegralInRange<std::int64_t>(-2, d.rev() + 2);
    std::string before = d.text();
    std::int64_t rev = d.rev();
    std::size_t hist = d.history().size();
    try {
      d.submit(op, base, "op" + std::to_string(i), 7);
      if (d.rev() != rev + 1) bug("submit did not advance the revision by one");
      if (d.history().empty() || d.history().back().rev != d.rev()) bug("history does not end with the new revision");
    } catch (const plenary::drafting::SubmitError& e) {
      if (e.code != "bad_op" && e.code != "bad_revision") bug("SubmitError with an unknown code: " + e.code);
      if (d.text() != before) bug("a rejected submit changed the text (" + e.code + ": " + e.what() + ")");
      if (d.rev() != rev) bug("a rejected submit changed the revision");
      if (d.history().size() != hist) bug("a rejected submit changed the history");
    } catch (const std::exception& e) {
      bug(std::string("Document::submit threw something other than SubmitError: ") + e.what() +
          " (base " + std::to_string(base) + ", rev " + std::to_string(rev) + ")");
    }
    if (d.length() != ot::length_cp(d.text())) bug("Document length() disagrees with its text");
  }
}

// --- the byte-driven generator --------------------------------------------------------------

const char* const kPieces[] = {"a", "b", " ", "é", "中", "😀", "x", "\n", "ab", "Ω"};

std::string gen_text(FuzzedDataProvider& fdp, std::size_t max_cp) {
  std::string s;
  std::size_t n = fdp.ConsumeIntegralInRange<std::size_t>(0, max_cp);
  for (std::size_t i = 0; i < n; ++i) s += kPieces[fdp.ConsumeIntegralInRange<int>(0, 9)];
  return s;
}

// Builds a wire op against `doc` (length `len` cp): mostly fitting, sometimes overshooting.
json gen_op(FuzzedDataProvider& fdp, const std::string& doc, std::size_t len) {
  json op = json::array();
  std::size_t pos = 0;
  int parts = fdp.ConsumeIntegralInRange<int>(0, 6);
  for (int i = 0; i < parts; ++i) {
    std::size_t left = len - std::min(pos, len);
    switch (fdp.ConsumeIntegralInRange<int>(0, 6)) {
      case 0:
      case 1: {  // skip
        std::size_t k = fdp.ConsumeIntegralInRange<std::size_t>(0, left + 1);
        op.push_back(k);  // 0 and overshoot are allowed to reach parse / apply errors
        pos += k;
        break;
      }
      case 2:
      case 3:  // insert
        op.push_back(gen_text(fdp, 4));
        break;
      case 4: {  // plain delete
        std::size_t k = fdp.ConsumeIntegralInRange<std::size_t>(0, left + 1);
        op.push_back({{"d", k}});
        pos += k;
        break;
      }
      case 5: {  // invertible delete with the document's text (or a wrong one)
        std::size_t k = fdp.ConsumeIntegralInRange<std::size_t>(1, std::max<std::size_t>(left, 1));
        std::size_t b0 = ot::byte_offset(doc, std::min(pos, len));
        std::size_t b1 = ot::byte_offset(doc, std::min(pos + k, len));
        std::string t = doc.substr(b0, b1 - b0);
        if (t.empty() || fdp.ConsumeBool()) t = gen_text(fdp, 2);
        if (t.empty()) t = "z";
        op.push_back({{"d", t}});
        pos += ot::length_cp(t);
        break;
      }
      default:  // legacy insert
        op.push_back({{"i", gen_text(fdp, 2)}});
        break;
    }
  }
  return op;
}

std::optional<ot::Op> parse_op(const json& j) {
  try {
    return ot::parse(j);
  } catch (const ot::OpError&) {
    return std::nullopt;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string doc;
  json ja, jb;
  FuzzedDataProvider fdp(data, size);
  if (size > 0 && data[0] == '[') {
    json in;
    try {
      in = json::parse(data, data + size);
    } catch (const json::exception&) {  // input decoding only (incl. out_of_range 406)
      return 0;
    }
    if (!in.is_array() || in.size() < 3 || !in[0].is_string()) return 0;
    doc = in[0].get<std::string>();
    ja = in[1];
    jb = in[2];
    if (doc.size() > 4096) return 0;
  } else {
    doc = gen_text(fdp, 24);
    std::size_t len = ot::length_cp(doc);
    ja = gen_op(fdp, doc, len);
    jb = gen_op(fdp, doc, len);
  }
  if (!ot::valid_utf8(doc)) return 0;  // documents are valid UTF-8 by contract
  g_doc = &doc;
  g_a = &ja;
  g_b = &jb;
  auto a = parse_op(ja);
  auto b = parse_op(jb);
  std::vector<ot::Op> ops;
  if (a) {
    check_single(doc, *a);
    ops.push_back(*a);
  }
  if (b) {
    check_single(doc, *b);
    ops.push_back(*b);
  }
  if (a && b) {
    check_pair(doc, *a, *b, fdp.ConsumeIntegral<std::uint8_t>());
    // Transformed ops are also fair game for the random-base Document check.
    if (try_apply(doc, *a) && try_apply(doc, *b)) ops.push_back(ot::transform(*b, *a, ot::Side::Right));
  }
  check_submit_random(doc, ops, fdp);
  g_doc = nullptr;
  g_a = g_b = nullptr;
  return 0;
}
