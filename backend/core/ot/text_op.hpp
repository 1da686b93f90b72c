// The OT text type: operations in the ot-text-unicode format (ottypes family, as used by ShareDB).
//
// An op is a list of components walked over the document from its start: skip N code points,
// insert a string, or delete N code points (optionally carrying the deleted text, which makes
// the op invertible). Every position and length is in Unicode code points; text is UTF-8.
//
// Invariants of a well-formed Component (parse() and the factories enforce them):
//   Skip:   n > 0, text empty.
//   Insert: text non-empty valid UTF-8, n == length_cp(text).
//   Delete: n > 0; text empty (plain {"d":N}) or valid UTF-8 with n == length_cp(text).
// A *normalized* op (the canonical form) additionally has no two adjacent components of the
// same kind and no trailing skip. transform() and compose() return normalized ops.
//
// Pure functions, no I/O. Malformed input raises OpError, never undefined behaviour.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace plenary::ot {

// A malformed op, or an op that does not fit the document it is applied to.
class OpError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Which op wins a tie when both insert at the same place: the Left op's insert goes first.
enum class Side { Left, Right };

// Largest count accepted in a component (JavaScript's Number.MAX_SAFE_INTEGER, 2^53 - 1).
inline constexpr std::size_t kMaxCount = (std::size_t{1} << 53) - 1;

struct Component {
  enum class Kind : std::uint8_t { Skip, Insert, Delete };

  Kind kind = Kind::Skip;
  std::size_t n = 0;  // length in code points
  std::string text;   // Insert: the text. Delete: the deleted text if kept, else empty.

  // Factories check the invariants above and throw OpError.
  static Component skip(std::size_t n);
  static Component insert(std::string text);
  static Component del(std::size_t n);
  static Component del_text(std::string deleted);  // invertible delete

  bool is_skip() const noexcept { return kind == Kind::Skip; }
  bool is_insert() const noexcept { return kind == Kind::Insert; }
  bool is_delete() const noexcept { return kind == Kind::Delete; }
  // True for a delete that carries its deleted text (invertible form).
  bool has_deleted_text() const noexcept { return kind == Kind::Delete && !text.empty(); }

  friend bool operator==(const Component&, const Component&) = default;
};

// An op: its components in document order. A distinct type rather than an alias of
// std::vector, so that unqualified calls like transform(a, b, side) find only this
// namespace's functions (an alias would make argument-dependent lookup search std too).
class Op {
 public:
  using value_type = Component;
  using size_type = std::size_t;
  using iterator = std::vector<Component>::iterator;
  using const_iterator = std::vector<Component>::const_iterator;

  Op() = default;
  Op(std::initializer_list<Component> components) : c_(components) {}
  explicit Op(std::vector<Component> components) : c_(std::move(components)) {}

  iterator begin() noexcept { return c_.begin(); }
  iterator end() noexcept { return c_.end(); }
  const_iterator begin() const noexcept { return c_.begin(); }
  const_iterator end() const noexcept { return c_.end(); }
  std::size_t size() const noexcept { return c_.size(); }
  bool empty() const noexcept { return c_.empty(); }
  Component& operator[](std::size_t i) { return c_[i]; }
  const Component& operator[](std::size_t i) const { return c_[i]; }
  Component& back() { return c_.back(); }
  const Component& back() const { return c_.back(); }
  void push_back(const Component& c) { c_.push_back(c); }
  void push_back(Component&& c) { c_.push_back(std::move(c)); }
  void pop_back() { c_.pop_back(); }
  void reserve(std::size_t n) { c_.reserve(n); }
  const std::vector<Component>& components() const noexcept { return c_; }

  friend bool operator==(const Op&, const Op&) = default;

 private:
  std::vector<Component> c_;
};

// Appends components to an op, merging adjacent components of the same kind and dropping
// empty ones; finish() drops the trailing skip. Merging a delete that keeps its text with one
// that does not keeps only the count (as ot-text-unicode does). Inputs must already be valid
// UTF-8 with `n_cp` equal to their code point length; the builder does not re-check.
class OpBuilder {
 public:
  void skip(std::size_t n);
  void insert(std::string_view text, std::size_t n_cp);
  void insert(std::string_view text);
  void del(std::size_t n);
  void del_text(std::string_view deleted, std::size_t n_cp);
  void push(const Component& c);
  Op finish() &&;

 private:
  Op op_;
};

// --- Wire format -----------------------------------------------------------------------------

// Validates JSON and builds an op (not normalized: adjacent/trailing skips are kept). Accepts
// N (skip), "text" (insert), {"i":"text"} (legacy insert), {"d":N} and {"d":"text"} (delete).
// Throws OpError with a short reason for anything else.
Op parse(const nlohmann::json& j);

// The JSON form: N, "text", {"d":N} or {"d":"text"}. Canonical when `op` is normalized.
nlohmann::json to_json(const Op& op);

// Appends the JSON text of `op` to `out`, exactly as to_json(op).dump() writes it, without
// building the JSON value (the server serialises every op it applies once, on this path).
void append_json(std::string& out, const Op& op);

// Appends `s` (valid UTF-8) as a JSON string, escaped as nlohmann::json's dump() escapes it.
void append_json_string(std::string& out, std::string_view s);

// Checks a programmatically built op against the component invariants (throws OpError).
// Counts code points but does not re-validate UTF-8 (parse and the factories already did).
void check(const Op& op);

// --- Algebra ---------------------------------------------------------------------------------

// The canonical form: adjacent same-kind components merged, empty ones and trailing skip dropped.
Op normalize(Op op);

// Applies `op` to `text` in one linear pass and returns the new text. Throws OpError if the op
// reaches past the end of `text` or an invertible delete's text differs from the document.
// `text` must be valid UTF-8. For repeated edits of one document prefer TextDoc (text_doc.hpp).
//
// `apply` is a function object, not a function: an unqualified call apply(some_std_string, op)
// would otherwise also find std::apply by argument-dependent lookup, which wins overload
// resolution for non-const or rvalue arguments. A variable suppresses that lookup.
struct ApplyFn {
  std::string operator()(std::string_view text, const Op& op) const;
};
inline constexpr ApplyFn apply{};

// Transforms `op` so it applies after `other` (both made against the same document).
// `side` breaks insert ties: Side::Left puts op's insert before other's.
// TP1: apply(apply(d, a), transform(b, a, Right)) == apply(apply(d, b), transform(a, b, Left)).
Op transform(const Op& op, const Op& other, Side side);

// One op with the effect of `a` followed by `b` (b made against the result of a).
Op compose(const Op& a, const Op& b);

// Where a cursor at code point `cursor` ends up after `op`, with ot-text-unicode's
// transformPosition semantics: an insert exactly at the cursor leaves it before the insert, a
// cursor inside a deleted range moves to the deletion point. With `is_own_op` (the cursor's
// owner made `op`), the cursor moves to the end of the op's last edit, as ot-text does.
std::size_t transform_position(std::size_t cursor, const Op& op, bool is_own_op = false);

// True if applying `op` changes nothing (no insert or delete component).
bool is_noop(const Op& op) noexcept;

// The minimum document length (code points) `op` needs: all skips and deletes.
std::size_t base_length_min(const Op& op) noexcept;

// The document length after applying `op` to a document of `base_length` code points.
std::size_t target_length(const Op& op, std::size_t base_length) noexcept;

// The op of a trace patch [pos, deleteCount, insertString]: skip pos, delete, then insert.
// Throws OpError if `ins` is not valid UTF-8.
Op from_patch(std::size_t pos, std::size_t del, std::string_view ins);

// --- Invertibility ---------------------------------------------------------------------------

// True if every delete carries its text.
bool is_invertible(const Op& op) noexcept;

// `op` with the deleted text of each plain delete filled in from `doc` (the document `op`
// applies to). Throws OpError if the op does not fit `doc`.
Op make_invertible(const Op& op, std::string_view doc);

// The op that undoes `op` (inserts become deletes and back). Throws OpError if not invertible.
Op invert(const Op& op);

}  // namespace plenary::ot
