#include "core/amendments/rebase.hpp"

#include <algorithm>
#include <optional>

#include <nlohmann/json.hpp>

namespace plenary::amendments {
namespace {

// What an op does, in coordinates of the text it applies to.
struct Footprint {
  std::vector<Range> deleted;          // ranges it deletes
  std::vector<std::size_t> inserts;    // points where it inserts
};

Footprint footprint(const ot::Op& op) {
  Footprint f;
  std::size_t pos = 0;
  for (const auto& c : op) {
    if (c.is_skip()) {
      pos += c.n;
    } else if (c.is_delete()) {
      if (!f.deleted.empty() && f.deleted.back().end == pos) f.deleted.back().end += c.n;
      else f.deleted.push_back({pos, pos + c.n});
      pos += c.n;
    } else {
      if (f.inserts.empty() || f.inserts.back() != pos) f.inserts.push_back(pos);
    }
  }
  return f;
}

bool overlap(Range a, Range b, Range& out) {
  const std::size_t s = std::max(a.start, b.start), e = std::min(a.end, b.end);
  if (s >= e) return false;
  out = {s, e};
  return true;
}

std::optional<Conflict> check(const Footprint& mine, const Footprint& theirs) {
  Conflict c;
  for (const auto& m : mine.deleted)
    for (const auto& t : theirs.deleted) {
      Range o;
      if (overlap(m, t, o)) c.ranges.push_back(o);
    }
  if (!c.ranges.empty()) {
    c.reason = "deleted_text_changed";
    c.message = "a later edit deleted or changed text this amendment deletes or replaces";
    return c;
  }
  for (const auto& m : mine.deleted)
    for (std::size_t p : theirs.inserts)
      if (m.start < p && p < m.end) c.ranges.push_back(m);
  if (!c.ranges.empty()) {
    c.reason = "insert_inside_deleted";
    c.message = "a later edit inserted text inside a passage this amendment deletes";
    return c;
  }
  for (std::size_t p : mine.inserts) {
    // The immediate context: the code point before the insertion point and the one after it.
    const Range before = {p == 0 ? 0 : p - 1, p};
    const Range after = {p, p + 1};
    for (const auto& t : theirs.deleted) {
      Range o;
      if (before.end > before.start && overlap(before, t, o)) c.ranges.push_back(o);
      if (overlap(after, t, o)) c.ranges.push_back(o);
    }
  }
  if (!c.ranges.empty()) {
    c.reason = "context_deleted";
    c.message = "a later edit deleted the text right next to where this amendment inserts";
    return c;
  }
  return std::nullopt;
}

}  // namespace

RebaseResult rebase(const ot::Op& op, std::uint64_t base_revision, const std::vector<ot::Op>& history) {
  ot::Op current = ot::normalize(op);
  for (std::size_t i = 0; i < history.size(); ++i) {
    const ot::Op later = ot::normalize(history[i]);
    if (auto conflict = check(footprint(current), footprint(later))) {
      conflict->revision = base_revision + i;
      return *conflict;
    }
    current = ot::transform(current, later, ot::Side::Left);
  }
  return current;
}

nlohmann::json to_json(const Conflict& c) {
  nlohmann::json ranges = nlohmann::json::array();
  for (const auto& r : c.ranges) ranges.push_back({{"start", r.start}, {"end", r.end}});
  return {{"reason", c.reason}, {"message", c.message}, {"revision", c.revision}, {"ranges", ranges}};
}

}  // namespace plenary::amendments
