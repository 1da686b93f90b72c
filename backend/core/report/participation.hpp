// The participation report: who spoke, amended and voted, by constituency, region, gender and
// language, so organisers can see afterwards whether the floor was shared.
//
// Input is plain records (speeches with their length, tablings, co-sponsorships, ballots cast,
// each naming a delegate) and the delegates' attributes. Ballots are counted as participation
// only: the report never says how anyone voted.
// Invariant (small-group protection): no published row describes fewer than k delegates.
// A group with fewer than k delegates is suppressed; if the suppressed groups of a dimension
// together hold fewer than k delegates, the next smallest groups are suppressed too, so no
// suppressed group can be recovered by subtracting the others from the total. A suppressed row
// shows "suppressed" in place of every number. Empty attributes and delegates missing from the
// list are grouped as "unknown".
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace plenary::report {

struct Delegate {
  std::string id;
  std::string constituency;
  std::string region;
  std::string gender;
  std::string language;
};

struct SpeechRecord {
  std::string delegate;
  std::int64_t seconds = 0;
};

struct Activity {
  std::vector<Delegate> delegates;
  std::vector<SpeechRecord> speeches;
  std::vector<std::string> tablings;        // the delegate who tabled, one entry per amendment
  std::vector<std::string> cosponsorships;  // the delegate who confirmed, one per co-sponsorship
  std::vector<std::string> ballots;         // the delegate who cast, one per ballot
};

inline constexpr std::string_view kDimensions[] = {"constituency", "region", "gender", "language"};
inline constexpr std::string_view kColumns[] = {"delegates", "speakers", "speeches", "seconds",
                                                "tablings",  "cosponsorships", "voters", "ballots"};

struct Row {
  std::string dimension;  // one of kDimensions, or "total"
  std::string group;      // the attribute value ("all" for the total)
  bool suppressed = false;
  std::int64_t delegates = 0;       // group size
  std::int64_t speakers = 0;        // distinct delegates who spoke
  std::int64_t speeches = 0;
  std::int64_t seconds = 0;
  std::int64_t tablings = 0;
  std::int64_t cosponsorships = 0;
  std::int64_t voters = 0;          // distinct delegates who cast a ballot
  std::int64_t ballots = 0;
};

struct Report {
  std::int64_t k = 0;
  Row total;
  std::vector<Row> rows;  // by dimension (kDimensions order), then group name
};

// Throws std::invalid_argument if k < 1, a speech is negative, or a delegate id repeats.
Report participation(const Activity& activity, std::int64_t k);

nlohmann::json to_json(const Report& r);
// RFC 4180: a header row, CRLF after every record, fields quoted when they contain a comma,
// a double quote, CR or LF, with inner quotes doubled.
std::string to_csv(const Report& r);
std::string csv_field(std::string_view s);

}  // namespace plenary::report
