#include "core/report/participation.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace plenary::report {
namespace {

const std::string kUnknown = "unknown";

std::string attr(const Delegate& d, std::string_view dim) {
  const std::string* v = dim == "constituency" ? &d.constituency
                          : dim == "region"    ? &d.region
                          : dim == "gender"    ? &d.gender
                                               : &d.language;
  return v->empty() ? kUnknown : *v;
}

struct Acc {
  std::set<std::string> members, speakers, voters;
  std::int64_t speeches = 0, seconds = 0, tablings = 0, cosponsorships = 0, ballots = 0;
};

Row to_row(std::string dim, std::string group, const Acc& a) {
  Row r;
  r.dimension = std::move(dim);
  r.group = std::move(group);
  r.delegates = static_cast<std::int64_t>(a.members.size());
  r.speakers = static_cast<std::int64_t>(a.speakers.size());
  r.speeches = a.speeches;
  r.seconds = a.seconds;
  r.tablings = a.tablings;
  r.cosponsorships = a.cosponsorships;
  r.voters = static_cast<std::int64_t>(a.voters.size());
  r.ballots = a.ballots;
  return r;
}

std::vector<std::int64_t> values(const Row& r) {
  return {r.delegates, r.speakers, r.speeches, r.seconds, r.tablings, r.cosponsorships, r.voters, r.ballots};
}

}  // namespace

Report participation(const Activity& activity, std::int64_t k) {
  if (k < 1) throw std::invalid_argument("k must be at least 1");
  std::map<std::string, const Delegate*> by_id;
  for (const auto& d : activity.delegates)
    if (!by_id.emplace(d.id, &d).second) throw std::invalid_argument("delegate listed twice: " + d.id);
  for (const auto& s : activity.speeches)
    if (s.seconds < 0) throw std::invalid_argument("negative speech length");

  const Delegate unknown_delegate{};
  auto delegate = [&](const std::string& id) -> const Delegate& {
    auto it = by_id.find(id);
    return it == by_id.end() ? unknown_delegate : *it->second;
  };

  // Accumulate per (dimension, group) and for the total, in one pass per kind of record.
  std::map<std::string, std::map<std::string, Acc>> acc;
  Acc total;
  auto each = [&](const std::string& id, auto&& f) {
    const Delegate& d = delegate(id);
    f(total);
    for (auto dim : kDimensions) f(acc[std::string(dim)][attr(d, dim)]);
  };
  for (const auto& d : activity.delegates) each(d.id, [&](Acc& a) { a.members.insert(d.id); });
  for (const auto& s : activity.speeches)
    each(s.delegate, [&](Acc& a) {
      a.members.insert(s.delegate);
      a.speakers.insert(s.delegate);
      ++a.speeches;
      a.seconds += s.seconds;
    });
  for (const auto& id : activity.tablings) each(id, [&](Acc& a) { a.members.insert(id); ++a.tablings; });
  for (const auto& id : activity.cosponsorships) each(id, [&](Acc& a) { a.members.insert(id); ++a.cosponsorships; });
  for (const auto& id : activity.ballots)
    each(id, [&](Acc& a) {
      a.members.insert(id);
      a.voters.insert(id);
      ++a.ballots;
    });

  Report r;
  r.k = k;
  r.total = to_row("total", "all", total);
  r.total.suppressed = r.total.delegates < k;
  for (auto dim_view : kDimensions) {
    const std::string dim(dim_view);
    std::vector<Row> rows;
    for (const auto& [group, a] : acc[dim]) rows.push_back(to_row(dim, group, a));
    // Primary suppression: groups under k. Secondary: while the suppressed groups together hold
    // fewer than k delegates, also suppress the smallest group still shown.
    std::int64_t hidden = 0;
    bool any = false;
    for (auto& row : rows)
      if (row.delegates < k) {
        row.suppressed = true;
        hidden += row.delegates;
        any = true;
      }
    while (any && hidden < k) {
      Row* smallest = nullptr;
      for (auto& row : rows)
        if (!row.suppressed && (!smallest || row.delegates < smallest->delegates)) smallest = &row;
      if (!smallest) break;
      smallest->suppressed = true;
      hidden += smallest->delegates;
    }
    r.rows.insert(r.rows.end(), rows.begin(), rows.end());
  }
  return r;
}

namespace {
nlohmann::json row_json(const Row& row, bool with_dimension) {
  nlohmann::json j = nlohmann::json::object();
  if (with_dimension) j["group"] = row.group;
  j["suppressed"] = row.suppressed;
  const auto v = values(row);
  for (std::size_t i = 0; i < v.size(); ++i)
    j[std::string(kColumns[i])] = row.suppressed ? nlohmann::json("suppressed") : nlohmann::json(v[i]);
  return j;
}
}  // namespace

nlohmann::json to_json(const Report& r) {
  nlohmann::json dims = nlohmann::json::object();
  for (auto dim : kDimensions) dims[std::string(dim)] = nlohmann::json::array();
  for (const auto& row : r.rows) dims[row.dimension].push_back(row_json(row, true));
  nlohmann::json columns = nlohmann::json::array();
  for (auto c : kColumns) columns.push_back(std::string(c));
  return {{"k", r.k}, {"columns", columns}, {"total", row_json(r.total, false)}, {"dimensions", dims}};
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string to_csv(const Report& r) {
  std::string out = "dimension,group";
  for (auto c : kColumns) {
    out += ',';
    out += c;
  }
  out += "\r\n";
  auto line = [&](const Row& row) {
    out += csv_field(row.dimension) + "," + csv_field(row.group);
    for (auto v : values(row)) {
      out += ',';
      out += row.suppressed ? std::string("suppressed") : std::to_string(v);
    }
    out += "\r\n";
  };
  line(r.total);
  for (const auto& row : r.rows) line(row);
  return out;
}

}  // namespace plenary::report
