// Shared pieces of the drafting benchmarks (bench_fanout, bench_load): a latency histogram
// that merges across threads and processes, a fast parser of the server's doc.ops frames, the
// author's text in 4 KiB blocks, and a Jupiter client state (one op in flight, later edits
// composed into a buffer, incoming ops transformed past both with plenary's OT library), so
// that every author's text stays equal to the server's once all ops are acknowledged.
#pragma once

#include "bench_common.hpp"

#include <cmath>
#include <optional>

#include "core/ot/text_op.hpp"

namespace bench {

namespace ot = plenary::ot;

// Latency histogram with 0.05 ms buckets up to 120 s.
struct Histogram {
  static constexpr double kBucketMs = 0.05;
  std::vector<std::uint64_t> b = std::vector<std::uint64_t>(static_cast<size_t>(120000 / kBucketMs) + 1);
  std::uint64_t n = 0;
  double max_ms = 0, sum_ms = 0;
  void add(double ms) {
    size_t i = std::min(b.size() - 1, static_cast<size_t>(std::max(0.0, ms) / kBucketMs));
    ++b[i];
    ++n;
    sum_ms += ms;
    max_ms = std::max(max_ms, ms);
  }
  double pct(double p) const {
    if (!n) return 0;
    std::uint64_t want = static_cast<std::uint64_t>(std::ceil(p / 100.0 * double(n)));
    if (want == 0) want = 1;
    std::uint64_t acc = 0;
    for (size_t i = 0; i < b.size(); ++i) {
      acc += b[i];
      if (acc >= want) return (double(i) + 0.5) * kBucketMs;
    }
    return max_ms;
  }
  void merge(const Histogram& o) {
    for (size_t i = 0; i < b.size(); ++i) b[i] += o.b[i];
    n += o.n;
    sum_ms += o.sum_ms;
    max_ms = std::max(max_ms, o.max_ms);
  }
  // The non-empty buckets as [[bucket, count], ...] plus n, sum and max (to send between
  // processes); add_json() merges such an object in.
  nlohmann::json to_json() const {
    nlohmann::json bk = nlohmann::json::array();
    for (size_t i = 0; i < b.size(); ++i)
      if (b[i]) bk.push_back({i, b[i]});
    return {{"n", n}, {"sum_ms", sum_ms}, {"max_ms", max_ms}, {"buckets", bk}};
  }
  void add_json(const nlohmann::json& j) {
    for (auto& e : j["buckets"]) {
      size_t i = std::min(b.size() - 1, e[0].get<size_t>());
      b[i] += e[1].get<std::uint64_t>();
    }
    n += j["n"].get<std::uint64_t>();
    sum_ms += j["sum_ms"].get<double>();
    max_ms = std::max(max_ms, j["max_ms"].get<double>());
  }
};

// --- A small parser for the server's doc.ops frames (the fan-out hot path) -----------------
// Frames look like {"type":"doc.ops","seq":N,"doc":D,"ops":[{"by":B,"op":[...],"opid":"..","rev":R},...]}.
// Handles what this benchmark's traffic contains (integers, strings without escapes, op
// arrays); anything else returns false and the caller falls back to nlohmann::json.
struct Entry {
  std::int64_t rev = 0;
  ot::Op op;
  std::string_view opid;
};

struct Scan {
  std::string_view s;
  size_t i = 0;
  bool ok = true;
  void ws() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r')) ++i;
  }
  bool eat(char c) {
    ws();
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
  std::string_view str() {
    ws();
    if (i >= s.size() || s[i] != '"') return ok = false, std::string_view{};
    size_t j = ++i;
    while (i < s.size() && s[i] != '"') {
      if (s[i] == '\\') return ok = false, std::string_view{};
      ++i;
    }
    if (i >= s.size()) return ok = false, std::string_view{};
    return s.substr(j, i++ - j);
  }
  std::int64_t num() {
    ws();
    std::int64_t v = 0;
    size_t j = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') v = v * 10 + (s[i++] - '0');
    if (i == j) ok = false;
    return v;
  }
  ot::Op op() {
    ot::Op o;
    if (!eat('[')) return ok = false, o;
    if (eat(']')) return o;
    do {
      ws();
      if (i >= s.size()) return ok = false, o;
      char c = s[i];
      if (c >= '0' && c <= '9') {
        o.push_back(ot::Component::skip(static_cast<size_t>(num())));
      } else if (c == '"') {
        o.push_back(ot::Component::insert(std::string(str())));
      } else if (c == '{') {
        ++i;
        if (str() != "d" || !eat(':')) return ok = false, o;
        ws();
        if (i < s.size() && s[i] == '"')
          o.push_back(ot::Component::del_text(std::string(str())));
        else
          o.push_back(ot::Component::del(static_cast<size_t>(num())));
        if (!eat('}')) return ok = false, o;
      } else {
        return ok = false, o;
      }
      if (!ok) return o;
    } while (eat(','));
    if (!eat(']')) ok = false;
    return o;
  }
};

inline bool parse_doc_ops(std::string_view frame, std::vector<Entry>& out) {
  auto k = frame.find("\"ops\":[");
  if (k == std::string_view::npos) return false;
  Scan sc{frame, k + 7};
  if (sc.eat(']')) return true;
  do {
    if (!sc.eat('{')) return false;
    Entry e;
    do {
      auto key = sc.str();
      if (!sc.ok || !sc.eat(':')) return false;
      if (key == "rev") e.rev = sc.num();
      else if (key == "op") e.op = sc.op();
      else if (key == "opid") e.opid = sc.str();
      else if (key == "by") sc.num();
      else return false;
      if (!sc.ok) return false;
    } while (sc.eat(','));
    if (!sc.eat('}')) return false;
    out.push_back(std::move(e));
  } while (sc.eat(','));
  return sc.eat(']');
}

// --- Authors -------------------------------------------------------------------------------

// The text of one author: ASCII (code points are bytes) in blocks of at most 4 KiB, so an
// insert moves at most a few KiB and allocates rarely (a rope or one big string was the load
// generator's bottleneck at 100+ authors).
class BlockText {
 public:
  explicit BlockText(const std::string& s = {}) {
    for (size_t i = 0; i < s.size(); i += kMax / 2) blocks_.push_back(s.substr(i, kMax / 2));
    if (blocks_.empty()) blocks_.emplace_back();
    size_ = s.size();
  }
  size_t size() const { return size_; }
  void insert(size_t pos, std::string_view t) {
    if (pos > size_) throw std::runtime_error("insert past the end of the text");
    auto [b, off] = find(pos, true);
    blocks_[b].insert(off, t);
    size_ += t.size();
    if (blocks_[b].size() > kMax) {
      std::string tail = blocks_[b].substr(blocks_[b].size() / 2);
      blocks_[b].resize(blocks_[b].size() / 2);
      blocks_.insert(blocks_.begin() + static_cast<long>(b) + 1, std::move(tail));
    }
  }
  void erase(size_t pos, size_t n) {
    if (pos + n > size_) throw std::runtime_error("delete past the end of the text");
    while (n > 0) {
      auto [b, off] = find(pos, false);
      size_t k = std::min(n, blocks_[b].size() - off);
      blocks_[b].erase(off, k);
      n -= k;
      size_ -= k;
      if (blocks_[b].empty() && blocks_.size() > 1) blocks_.erase(blocks_.begin() + static_cast<long>(b));
    }
  }
  std::string str() const {
    std::string out;
    out.reserve(size_);
    for (auto& b : blocks_) out += b;
    return out;
  }

 private:
  static constexpr size_t kMax = 4096;
  // Block and offset of position pos; at a block boundary, inserts go to the end of the
  // earlier block, deletes to the start of the later one.
  std::pair<size_t, size_t> find(size_t pos, bool for_insert) const {
    for (size_t b = 0; b < blocks_.size(); ++b) {
      size_t n = blocks_[b].size();
      if (pos < n || (for_insert && pos == n)) return {b, pos};
      pos -= n;
    }
    return {blocks_.size() - 1, blocks_.back().size()};
  }
  std::vector<std::string> blocks_;
  size_t size_ = 0;
};
using Rope = BlockText;

// Applies an op to the text (this benchmark's text is ASCII, so code points are bytes).
inline void apply_rope(Rope& r, const ot::Op& op) {
  size_t pos = 0;
  for (const auto& c : op) {
    if (c.is_skip()) {
      pos += c.n;
    } else if (c.is_insert()) {
      r.insert(pos, c.text);
      pos += c.n;
    } else {
      r.erase(pos, c.n);
    }
  }
  if (pos > r.size()) throw std::runtime_error("op reaches past the end of the text");
}

// One author's view of a document under Jupiter OT: text, the revision it is at, the op in
// flight (sent, not acknowledged) and the buffer (local edits made since, composed into one).
struct Jupiter {
  Rope text;
  std::int64_t rev = 0;
  std::optional<ot::Op> inflight, buffer;

  bool busy() const { return inflight.has_value() || buffer.has_value(); }

  // Applies a local edit. Returns true when it became the op in flight (to send now); false
  // when it went into the buffer (`composed` set when it was composed with earlier edits).
  bool edit(ot::Op op, bool* composed = nullptr) {
    apply_rope(text, op);
    if (!inflight) {
      inflight = std::move(op);
      return true;
    }
    if (buffer) {
      buffer = ot::compose(*buffer, op);
      if (composed) *composed = true;
    } else {
      buffer = std::move(op);
    }
    return false;
  }

  // The ack of the op in flight, at revision r. Returns true when the buffer became the op in
  // flight (to send now). False (and nothing changes) if no op was in flight.
  bool ack(std::int64_t r) {
    if (!inflight) return false;
    rev = r;
    inflight.reset();
    if (!buffer) return false;
    inflight = std::move(*buffer);
    buffer.reset();
    return true;
  }

  // Another author's op at revision r: transformed past the op in flight and the buffer, then
  // applied. Returns false on a revision gap (r != rev + 1); the op is applied regardless.
  bool remote(std::int64_t r, ot::Op o) {
    bool in_order = r == rev + 1;
    if (inflight) {
      ot::Op o2 = ot::transform(o, *inflight, ot::Side::Right);
      inflight = ot::transform(*inflight, o, ot::Side::Left);
      o = std::move(o2);
    }
    if (buffer) {
      ot::Op o2 = ot::transform(o, *buffer, ot::Side::Right);
      buffer = ot::transform(*buffer, o, ot::Side::Left);
      o = std::move(o2);
    }
    apply_rope(text, o);
    rev = r;
    return in_order;
  }
};

}  // namespace bench
