// The speakers' list of a session: requests to speak, points of order, the current speaker and
// a record of who spoke and for how long.
//
// The calling order is never stored: order() computes it from the queued requests, the record
// of who has spoken and the balancing mode, so switching the mode live reorders the queue at
// once and switching back restores it. Points of order always come first, in arrival order, and
// take no part in balancing (nor count as turns).
// Balancing modes:
//   plain                   arrival order;
//   alternate_gender        round-robin over gender groups (women and non-binary / men /
//                           unspecified) by who spoke least recently: the two main groups
//                           alternate while both are queued;
//   alternate_constituency  round-robin over constituencies, least recently heard first;
//   first_time_first        requests flagged first-time, from delegates not yet heard on this
//                           list, before the rest (each part in arrival order);
//   cap_per_organisation    at most `cap` turns per organisation (counting turns already taken);
//                           requests beyond the cap go after everyone else.
// Ties always fall back to arrival order, so order() is deterministic.
// No clock inside: every time is an integer (seconds) passed in by the caller.
// Invariants: a delegate has at most one ordinary request and one point of order queued; the
// record only grows; times never go backwards (std::invalid_argument otherwise).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace plenary::floor {

struct Request {
  std::string delegate;
  std::string organisation;
  std::string gender;  // as declared by the delegate; see gender_group()
  std::string constituency;
  bool first_time = false;
};

struct Queued {
  Request request;
  bool point_of_order = false;
  std::uint64_t seq = 0;  // arrival order
};

struct Speech {
  Request request;
  bool point_of_order = false;
  std::int64_t started = 0;
  std::int64_t ended = 0;
  std::int64_t limit = 0;  // the speaking-time limit in force (0 = none)
  std::int64_t seconds() const noexcept { return ended - started; }
  bool over_time() const noexcept { return limit > 0 && seconds() > limit; }
};

enum class Balance { plain, alternate_gender, alternate_constituency, first_time_first, cap_per_organisation };
std::string_view to_string(Balance b);
std::optional<Balance> balance_from_string(std::string_view s);

// "men" for man/male/m, "unspecified" for an empty or undisclosed gender, otherwise
// "women_and_non_binary" (woman, female, non-binary, ...). Case-insensitive.
std::string_view gender_group(std::string_view gender);

// The calling order of `queue` given `spoken` (oldest first). Pure.
std::vector<Queued> balanced_order(const std::vector<Queued>& queue, const std::vector<Speech>& spoken,
                                   Balance mode, int cap);

class SpeakersList;

// Everything a SpeakersList holds, to store it and rebuild it after a restart.
struct ListState {
  std::vector<Queued> queue;    // queued requests (any order; seq gives arrival)
  std::vector<Speech> record;   // finished speeches, oldest first
  std::optional<Speech> current;
  Balance mode = Balance::plain;
  int cap = 1;
  std::int64_t limit = 0;
  std::uint64_t next_seq = 1;
};

class SpeakersList {
 public:
  // Rebuilds a list from a stored state. Throws std::invalid_argument if the state breaks an
  // invariant (two requests of one kind for a delegate, a seq not below next_seq or repeated,
  // cap < 1, a negative limit, a record out of time order).
  static SpeakersList restore(ListState state);
  ListState state() const;
  const std::vector<Queued>& queued() const noexcept { return queue_; }  // arrival order
  int cap() const noexcept { return cap_; }

  // Both return false (and change nothing) if the delegate already has such a request queued.
  bool request(const Request& r);
  bool point_of_order(const Request& r);
  // Removes the delegate's queued requests (ordinary and point of order). False if none.
  bool withdraw(std::string_view delegate);

  void set_balance(Balance mode, int cap = 1);  // cap used by cap_per_organisation (>= 1)
  Balance balance() const noexcept { return mode_; }
  void set_time_limit(std::int64_t seconds);    // 0 = no limit; applies from the next speaker
  std::int64_t time_limit() const noexcept { return limit_; }

  std::vector<Queued> order() const;

  // Ends the current speech at `now` (if any), gives the floor to the first in order() and
  // returns them; nullopt (and nobody speaking) if the queue is empty.
  std::optional<Queued> next(std::int64_t now);
  // Removes the first in order() without giving them the floor (called but not there).
  std::optional<Queued> skip();
  // Ends the current speech at `now` without calling the next speaker.
  void finish(std::int64_t now);

  const std::optional<Speech>& current() const noexcept { return current_; }  // ended unset
  // Seconds left for the current speaker (negative when over), nullopt if no limit or nobody.
  std::optional<std::int64_t> remaining(std::int64_t now) const;
  const std::vector<Speech>& record() const noexcept { return record_; }
  const std::vector<Queued>& skipped() const noexcept { return skipped_; }

 private:
  std::vector<Speech> heard() const;  // record plus the current speech, for balancing

  std::vector<Queued> queue_;
  std::vector<Speech> record_;
  std::vector<Queued> skipped_;
  std::optional<Speech> current_;
  Balance mode_ = Balance::plain;
  int cap_ = 1;
  std::int64_t limit_ = 0;
  std::uint64_t next_seq_ = 1;
};

nlohmann::json to_json(const Queued& q);
nlohmann::json to_json(const Speech& s);

}  // namespace plenary::floor
