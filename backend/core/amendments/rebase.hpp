// Carrying an adopted amendment's op forward over the clause's later history, or refusing to.
//
// A modify amendment is an ot op made against revision R of a clause. When it is adopted the
// clause may have moved on (R+1 .. now). rebase() transforms the op past each later op, one at a
// time (never against a composed history), and stops with a Conflict instead of merging when a
// later op touched what the amendment is about:
//   - deleted_text_changed: it deleted text the amendment deletes or replaces;
//   - insert_inside_deleted: it inserted strictly inside a range the amendment deletes (an
//     insert exactly at either end of the range is outside it);
//   - context_deleted: it deleted a code point immediately before or after a point where the
//     amendment inserts.
// Concurrent inserts at the same point are no conflict: the amendment's text goes first
// (Side::Left, as the later op in Document::submit does).
// Invariant: a returned op applies to the current text; a Conflict's ranges are in code points
// of the text at `revision`, the one the conflicting op was applied to.
#pragma once
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/ot/text_op.hpp"

namespace plenary::amendments {

struct Range {
  std::size_t start = 0;  // code points, half-open [start, end)
  std::size_t end = 0;
  friend bool operator==(const Range&, const Range&) = default;
};

struct Conflict {
  std::string reason;          // deleted_text_changed | insert_inside_deleted | context_deleted
  std::string message;         // for people
  std::uint64_t revision = 0;  // the text the conflicting op applied to (base + its index)
  std::vector<Range> ranges;   // where the amendment and the later op collide, in that text
};

using RebaseResult = std::variant<ot::Op, Conflict>;

// `op` was made against revision `base_revision`; `history[i]` took the clause from revision
// base_revision + i to base_revision + i + 1. Throws ot::OpError if the ops do not fit together.
RebaseResult rebase(const ot::Op& op, std::uint64_t base_revision, const std::vector<ot::Op>& history);

nlohmann::json to_json(const Conflict& c);

}  // namespace plenary::amendments
