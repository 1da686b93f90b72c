// The OT text type (ot-text-unicode). See text_op.hpp.
#include "core/ot/text_op.hpp"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/ot/utf8.hpp"

namespace plenary::ot {
namespace {

using Kind = Component::Kind;
constexpr std::size_t kAll = std::numeric_limits<std::size_t>::max();

std::size_t sat_add(std::size_t a, std::size_t b) noexcept {
  return a > kAll - b ? kAll : a + b;
}

// A view of (part of) a component, as handed out by Taker.
struct Piece {
  Kind kind;
  std::size_t n;
  std::string_view text;
};

void push_piece(OpBuilder& out, const Piece& p) {
  switch (p.kind) {
    case Kind::Skip: out.skip(p.n); break;
    case Kind::Insert: out.insert(p.text, p.n); break;
    case Kind::Delete: out.del_text(p.text, p.n); break;
  }
}

// Reads an op front to back in pieces (ot-text-unicode's take/peek). Past its end an op is an
// endless skip. Offsets are tracked in code points and, for text, in bytes, so splitting a
// component never rescans from its start.
class Taker {
 public:
  explicit Taker(const Op& op) : op_(op) {}

  bool at_end() const noexcept { return idx_ == op_.size(); }
  bool next_is_insert() const noexcept { return !at_end() && op_[idx_].kind == Kind::Insert; }

  // Takes up to `n` code points of the next component (kAll: its whole remainder). A component
  // of kind `whole` is never split. At the end of the op, yields a skip of `n`.
  Piece take(std::size_t n, Kind whole) {
    if (at_end()) return Piece{Kind::Skip, n == kAll ? 0 : n, {}};
    const Component& c = op_[idx_];
    const std::size_t rest = c.n - off_cp_;
    const std::string_view text = std::string_view(c.text).substr(off_b_);
    if (n == kAll || rest <= n || (c.kind == whole && c.kind != Kind::Skip)) {
      ++idx_;
      off_cp_ = off_b_ = 0;
      return Piece{c.kind, rest, text};
    }
    off_cp_ += n;
    if (text.empty()) return Piece{c.kind, n, {}};
    const std::size_t b = advance_cp(text, 0, n);
    off_b_ += b;
    return Piece{c.kind, n, text.substr(0, b)};
  }

 private:
  const Op& op_;
  std::size_t idx_ = 0;
  std::size_t off_cp_ = 0;  // code points of op_[idx_] already taken
  std::size_t off_b_ = 0;   // bytes of op_[idx_].text already taken
};

[[noreturn]] void fail(std::size_t index, const char* reason) {
  throw OpError("component " + std::to_string(index) + ": " + reason);
}

std::size_t parse_count(const nlohmann::json& v, std::size_t index, const char* what) {
  if (v.is_number_unsigned()) {
    const auto n = v.get<std::uint64_t>();
    if (n == 0) fail(index, what);
    if (n > kMaxCount) fail(index, "count too large");
    return static_cast<std::size_t>(n);
  }
  // Signed integers here are negative or zero (nlohmann stores non-negatives as unsigned),
  // floats are not integers, and nothing else is a number.
  fail(index, what);
}

std::string parse_text(const nlohmann::json& v, std::size_t index, const char* what) {
  const auto& s = v.get_ref<const std::string&>();
  if (s.empty()) fail(index, what);
  if (!valid_utf8(s)) fail(index, "invalid UTF-8");
  return s;
}

}  // namespace

// --- Component -------------------------------------------------------------------------------

Component Component::skip(std::size_t n) {
  if (n == 0 || n > kMaxCount) throw OpError("skip must be a positive count");
  return Component{Kind::Skip, n, {}};
}

Component Component::insert(std::string text) {
  if (text.empty()) throw OpError("insert must not be empty");
  if (!valid_utf8(text)) throw OpError("insert is not valid UTF-8");
  const std::size_t n = length_cp(text);
  return Component{Kind::Insert, n, std::move(text)};
}

Component Component::del(std::size_t n) {
  if (n == 0 || n > kMaxCount) throw OpError("delete must be a positive count");
  return Component{Kind::Delete, n, {}};
}

Component Component::del_text(std::string deleted) {
  if (deleted.empty()) throw OpError("delete must not be empty");
  if (!valid_utf8(deleted)) throw OpError("deleted text is not valid UTF-8");
  const std::size_t n = length_cp(deleted);
  return Component{Kind::Delete, n, std::move(deleted)};
}

// --- OpBuilder -------------------------------------------------------------------------------

void OpBuilder::skip(std::size_t n) {
  if (n == 0) return;
  if (!op_.empty() && op_.back().kind == Kind::Skip) {
    op_.back().n += n;
  } else {
    op_.push_back(Component{Kind::Skip, n, {}});
  }
}

void OpBuilder::insert(std::string_view text, std::size_t n_cp) {
  if (text.empty()) return;
  if (!op_.empty() && op_.back().kind == Kind::Insert) {
    op_.back().text.append(text);
    op_.back().n += n_cp;
  } else {
    op_.push_back(Component{Kind::Insert, n_cp, std::string(text)});
  }
}

void OpBuilder::insert(std::string_view text) { insert(text, length_cp(text)); }

void OpBuilder::del(std::size_t n) { del_text({}, n); }

void OpBuilder::del_text(std::string_view deleted, std::size_t n_cp) {
  if (n_cp == 0) return;
  if (!op_.empty() && op_.back().kind == Kind::Delete) {
    Component& last = op_.back();
    if (!last.text.empty() && !deleted.empty()) {
      last.text.append(deleted);
    } else {
      last.text.clear();  // one side lacks the text: the merged delete cannot keep it
    }
    last.n += n_cp;
  } else {
    op_.push_back(Component{Kind::Delete, n_cp, std::string(deleted)});
  }
}

void OpBuilder::push(const Component& c) {
  switch (c.kind) {
    case Kind::Skip: skip(c.n); break;
    case Kind::Insert: insert(c.text, c.n); break;
    case Kind::Delete: del_text(c.text, c.n); break;
  }
}

Op OpBuilder::finish() && {
  if (!op_.empty() && op_.back().kind == Kind::Skip) op_.pop_back();
  return std::move(op_);
}

// --- Wire format -----------------------------------------------------------------------------

Op parse(const nlohmann::json& j) {
  if (!j.is_array()) throw OpError("op must be an array");
  Op op;
  op.reserve(j.size());
  std::size_t index = 0;
  for (const auto& c : j) {
    if (c.is_number()) {
      op.push_back(Component{Kind::Skip, parse_count(c, index, "skip must be a positive integer"), {}});
    } else if (c.is_string()) {
      std::string text = parse_text(c, index, "insert must not be empty");
      const std::size_t n = length_cp(text);
      op.push_back(Component{Kind::Insert, n, std::move(text)});
    } else if (c.is_object() && c.size() == 1 && c.contains("d")) {
      const auto& d = c["d"];
      if (d.is_string()) {
        std::string text = parse_text(d, index, "delete must not be empty");
        const std::size_t n = length_cp(text);
        op.push_back(Component{Kind::Delete, n, std::move(text)});
      } else if (d.is_number()) {
        op.push_back(Component{Kind::Delete, parse_count(d, index, "delete must be a positive integer"), {}});
      } else {
        fail(index, "delete must be a count or a string");
      }
    } else if (c.is_object() && c.size() == 1 && c.contains("i")) {
      const auto& i = c["i"];
      if (!i.is_string()) fail(index, "insert must be a string");
      std::string text = parse_text(i, index, "insert must not be empty");
      const std::size_t n = length_cp(text);
      op.push_back(Component{Kind::Insert, n, std::move(text)});
    } else {
      fail(index, "unknown component");
    }
    ++index;
  }
  return op;
}

nlohmann::json to_json(const Op& op) {
  nlohmann::json j = nlohmann::json::array();
  for (const Component& c : op) {
    switch (c.kind) {
      case Kind::Skip: j.push_back(c.n); break;
      case Kind::Insert: j.push_back(c.text); break;
      case Kind::Delete:
        if (c.text.empty()) {
          j.push_back({{"d", c.n}});
        } else {
          j.push_back({{"d", c.text}});
        }
        break;
    }
  }
  return j;
}

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t run = 0;  // start of the pending run of bytes copied as they are
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

void append_json(std::string& out, const Op& op) {
  out += '[';
  bool first = true;
  for (const Component& c : op) {
    if (!first) out += ',';
    first = false;
    switch (c.kind) {
      case Kind::Skip: out += std::to_string(c.n); break;
      case Kind::Insert: append_json_string(out, c.text); break;
      case Kind::Delete:
        out += "{\"d\":";
        if (c.text.empty()) {
          out += std::to_string(c.n);
        } else {
          append_json_string(out, c.text);
        }
        out += '}';
        break;
    }
  }
  out += ']';
}

void check(const Op& op) {
  for (std::size_t i = 0; i < op.size(); ++i) {
    const Component& c = op[i];
    if (c.n == 0 || c.n > kMaxCount) fail(i, "empty or oversized component");
    switch (c.kind) {
      case Kind::Skip:
        if (!c.text.empty()) fail(i, "skip carries text");
        break;
      case Kind::Insert:
      case Kind::Delete:
        if (c.kind == Kind::Insert && c.text.empty()) fail(i, "insert must not be empty");
        if (!c.text.empty() && length_cp(c.text) != c.n) fail(i, "length does not match text");
        break;
      default: fail(i, "unknown component kind");
    }
  }
}

// --- Algebra ---------------------------------------------------------------------------------

Op normalize(Op op) {
  OpBuilder out;
  for (const Component& c : op) out.push(c);
  return std::move(out).finish();
}

std::string ApplyFn::operator()(std::string_view text, const Op& op) const {
  std::size_t inserted = 0;
  for (const Component& c : op) {
    if (c.kind == Kind::Insert) inserted += c.text.size();
  }
  std::string out;
  out.reserve(text.size() + inserted);
  std::size_t b = 0;  // byte offset in `text` of the walk
  for (const Component& c : op) {
    switch (c.kind) {
      case Kind::Skip: {
        const std::size_t e = advance_cp(text, b, c.n);
        if (e == std::string_view::npos) throw OpError("op skips past the end of the document");
        out.append(text.substr(b, e - b));
        b = e;
        break;
      }
      case Kind::Insert: out.append(c.text); break;
      case Kind::Delete: {
        const std::size_t e = advance_cp(text, b, c.n);
        if (e == std::string_view::npos) throw OpError("op deletes past the end of the document");
        if (!c.text.empty() && text.substr(b, e - b) != c.text) {
          throw OpError("deleted text does not match the document");
        }
        b = e;
        break;
      }
    }
  }
  out.append(text.substr(b));
  return out;
}

Op transform(const Op& op, const Op& other, Side side) {
  check(op);
  check(other);
  OpBuilder out;
  Taker take(op);
  for (const Component& c2 : other) {
    switch (c2.kind) {
      case Kind::Skip: {
        // Keep op's components over the skipped range; its inserts there come along whole.
        std::size_t len = c2.n;
        while (len > 0) {
          const Piece c1 = take.take(len, Kind::Insert);
          push_piece(out, c1);
          if (c1.kind != Kind::Insert) len -= c1.n;
        }
        break;
      }
      case Kind::Insert:
        // Tie: op's insert at this very place goes first when op is on the left. Taking every
        // adjacent insert equals taking one insert of the normalized op.
        if (side == Side::Left) {
          while (take.next_is_insert()) push_piece(out, take.take(kAll, Kind::Insert));
        }
        out.skip(c2.n);
        break;
      case Kind::Delete: {
        // The range is gone: op's skips and deletes over it vanish, its inserts stay.
        std::size_t len = c2.n;
        while (len > 0) {
          const Piece c1 = take.take(len, Kind::Insert);
          if (c1.kind == Kind::Insert) {
            push_piece(out, c1);
          } else {
            len -= c1.n;
          }
        }
        break;
      }
    }
  }
  while (!take.at_end()) push_piece(out, take.take(kAll, Kind::Insert));
  return std::move(out).finish();
}

Op compose(const Op& a, const Op& b) {
  check(a);
  check(b);
  OpBuilder out;
  Taker take(a);
  for (const Component& c2 : b) {
    switch (c2.kind) {
      case Kind::Skip: {
        // b keeps a's result over this range; a's deletes here do not occupy any of it.
        std::size_t len = c2.n;
        while (len > 0) {
          const Piece c1 = take.take(len, Kind::Delete);
          push_piece(out, c1);
          if (c1.kind != Kind::Delete) len -= c1.n;
        }
        break;
      }
      case Kind::Insert: out.push(c2); break;
      case Kind::Delete: {
        // b deletes a's result over this range: a's inserts cancel, a's skipped (original)
        // text becomes deleted, a's own deletes pass through.
        const std::string_view deleted = c2.text;
        std::size_t off = 0;    // code points of c2 handled
        std::size_t off_b = 0;  // bytes of c2.text handled
        while (off < c2.n) {
          const Piece c1 = take.take(c2.n - off, Kind::Delete);
          switch (c1.kind) {
            case Kind::Skip:
              if (deleted.empty()) {
                out.del(c1.n);
              } else {
                const std::size_t e = advance_cp(deleted, off_b, c1.n);
                out.del_text(deleted.substr(off_b, e - off_b), c1.n);
                off_b = e;
              }
              off += c1.n;
              break;
            case Kind::Insert:
              if (!deleted.empty()) off_b = advance_cp(deleted, off_b, c1.n);
              off += c1.n;
              break;
            case Kind::Delete: push_piece(out, c1); break;
          }
        }
        break;
      }
    }
  }
  while (!take.at_end()) push_piece(out, take.take(kAll, Kind::Delete));
  return std::move(out).finish();
}

std::size_t transform_position(std::size_t cursor, const Op& op, bool is_own_op) {
  if (is_own_op) {
    // Teleport to the end of the op's last insert or delete (trailing skips do not count).
    std::size_t pos = 0, end = 0;
    for (const Component& c : op) {
      if (c.kind != Kind::Delete) pos = sat_add(pos, c.n);
      if (c.kind != Kind::Skip) end = pos;
    }
    return end;
  }
  std::size_t pos = 0;  // position in the new document
  for (std::size_t i = 0; i < op.size() && cursor > pos; ++i) {
    const Component& c = op[i];
    switch (c.kind) {
      case Kind::Skip: pos = sat_add(pos, c.n); break;
      case Kind::Insert:
        pos = sat_add(pos, c.n);
        cursor = sat_add(cursor, c.n);
        break;
      case Kind::Delete: cursor -= std::min(c.n, cursor - pos); break;
    }
  }
  return cursor;
}

bool is_noop(const Op& op) noexcept {
  return std::all_of(op.begin(), op.end(), [](const Component& c) { return c.kind == Kind::Skip; });
}

std::size_t base_length_min(const Op& op) noexcept {
  std::size_t len = 0;
  for (const Component& c : op) {
    if (c.kind != Kind::Insert) len = sat_add(len, c.n);
  }
  return len;
}

std::size_t target_length(const Op& op, std::size_t base_length) noexcept {
  std::size_t len = base_length;
  for (const Component& c : op) {
    if (c.kind == Kind::Insert) len = sat_add(len, c.n);
    if (c.kind == Kind::Delete) len -= std::min(len, c.n);
  }
  return len;
}

Op from_patch(std::size_t pos, std::size_t del, std::string_view ins) {
  if (!valid_utf8(ins)) throw OpError("patch insert is not valid UTF-8");
  if (pos > kMaxCount || del > kMaxCount) throw OpError("patch count too large");
  OpBuilder out;
  out.skip(pos);
  out.del(del);
  out.insert(ins);
  return std::move(out).finish();
}

// --- Invertibility ---------------------------------------------------------------------------

bool is_invertible(const Op& op) noexcept {
  return std::none_of(op.begin(), op.end(), [](const Component& c) {
    return c.kind == Kind::Delete && c.text.empty();
  });
}

Op make_invertible(const Op& op, std::string_view doc) {
  Op out;
  out.reserve(op.size());
  std::size_t b = 0;
  for (const Component& c : op) {
    if (c.kind == Kind::Insert) {
      out.push_back(c);
      continue;
    }
    const std::size_t e = advance_cp(doc, b, c.n);
    if (e == std::string_view::npos) throw OpError("op reaches past the end of the document");
    if (c.kind == Kind::Delete) {
      const std::string_view deleted = doc.substr(b, e - b);
      if (!c.text.empty() && deleted != c.text) {
        throw OpError("deleted text does not match the document");
      }
      out.push_back(Component{Kind::Delete, c.n, std::string(deleted)});
    } else {
      out.push_back(c);
    }
    b = e;
  }
  return out;
}

Op invert(const Op& op) {
  Op out;
  out.reserve(op.size());
  for (const Component& c : op) {
    switch (c.kind) {
      case Kind::Skip: out.push_back(c); break;
      case Kind::Insert: out.push_back(Component{Kind::Delete, c.n, c.text}); break;
      case Kind::Delete:
        if (c.text.empty()) throw OpError("op is not invertible: a delete lacks its text");
        out.push_back(Component{Kind::Insert, c.n, c.text});
        break;
    }
  }
  return out;
}

}  // namespace plenary::ot
