#include "core/floor/speakers.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace plenary::floor {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Round-robin over groups: at each step the group heard least recently (never heard first;
// ties by the earliest queued request) gives its earliest request.
template <typename KeyFn>
std::vector<Queued> rotate(const std::vector<Queued>& queue, const std::vector<Speech>& spoken, KeyFn key) {
  std::map<std::string, std::int64_t> last;  // group -> step of its last turn
  std::int64_t step = 0;
  for (const auto& s : spoken) last[key(s.request)] = step++;
  std::vector<Queued> rest = queue, out;
  while (!rest.empty()) {
    std::size_t pick = 0;
    std::int64_t best = 0;
    for (std::size_t i = 0; i < rest.size(); ++i) {
      auto it = last.find(key(rest[i].request));
      const std::int64_t turn = it == last.end() ? -1 : it->second;
      if (i == 0 || turn < best) {  // strict: the earliest request wins a tie
        best = turn;
        pick = i;
      }
    }
    last[key(rest[pick].request)] = step++;
    out.push_back(std::move(rest[pick]));
    rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(pick));
  }
  return out;
}

}  // namespace

std::string_view to_string(Balance b) {
  switch (b) {
    case Balance::plain: return "plain";
    case Balance::alternate_gender: return "alternate_gender";
    case Balance::alternate_constituency: return "alternate_constituency";
    case Balance::first_time_first: return "first_time_first";
    case Balance::cap_per_organisation: return "cap_per_organisation";
  }
  return "plain";
}

std::optional<Balance> balance_from_string(std::string_view s) {
  for (Balance b : {Balance::plain, Balance::alternate_gender, Balance::alternate_constituency,
                    Balance::first_time_first, Balance::cap_per_organisation})
    if (to_string(b) == s) return b;
  return std::nullopt;
}

std::string_view gender_group(std::string_view gender) {
  const std::string g = lower(gender);
  if (g == "man" || g == "male" || g == "m" || g == "men") return "men";
  if (g.empty() || g == "unspecified" || g == "undisclosed" || g == "prefer_not_to_say" || g == "unknown")
    return "unspecified";
  return "women_and_non_binary";
}

std::vector<Queued> balanced_order(const std::vector<Queued>& queue, const std::vector<Speech>& spoken,
                                   Balance mode, int cap) {
  std::vector<Queued> points, ordinary;
  for (const auto& q : queue) (q.point_of_order ? points : ordinary).push_back(q);
  auto by_arrival = [](const Queued& a, const Queued& b) { return a.seq < b.seq; };
  std::sort(points.begin(), points.end(), by_arrival);
  std::sort(ordinary.begin(), ordinary.end(), by_arrival);
  std::vector<Speech> turns;  // points of order are not turns
  for (const auto& s : spoken)
    if (!s.point_of_order) turns.push_back(s);

  std::vector<Queued> body;
  switch (mode) {
    case Balance::plain: body = ordinary; break;
    case Balance::alternate_gender:
      body = rotate(ordinary, turns, [](const Request& r) { return std::string(gender_group(r.gender)); });
      break;
    case Balance::alternate_constituency:
      body = rotate(ordinary, turns, [](const Request& r) { return r.constituency; });
      break;
    case Balance::first_time_first: {
      auto heard = [&](const std::string& d) {
        return std::any_of(turns.begin(), turns.end(), [&](const Speech& s) { return s.request.delegate == d; });
      };
      std::vector<Queued> later;
      for (const auto& q : ordinary) (q.request.first_time && !heard(q.request.delegate) ? body : later).push_back(q);
      body.insert(body.end(), later.begin(), later.end());
      break;
    }
    case Balance::cap_per_organisation: {
      std::map<std::string, int> taken;
      for (const auto& s : turns) ++taken[s.request.organisation];
      std::vector<Queued> over;
      for (const auto& q : ordinary) {
        int& n = taken[q.request.organisation];
        if (n < cap) {
          ++n;
          body.push_back(q);
        } else {
          over.push_back(q);
        }
      }
      body.insert(body.end(), over.begin(), over.end());
      break;
    }
  }
  points.insert(points.end(), body.begin(), body.end());
  return points;
}

SpeakersList SpeakersList::restore(ListState st) {
  SpeakersList l;
  l.set_balance(st.mode, st.cap);
  l.set_time_limit(st.limit);
  std::sort(st.queue.begin(), st.queue.end(), [](const Queued& a, const Queued& b) { return a.seq < b.seq; });
  for (std::size_t i = 0; i < st.queue.size(); ++i) {
    const auto& q = st.queue[i];
    if (q.seq == 0 || q.seq >= st.next_seq) throw std::invalid_argument("a queued request's seq must be in [1, next_seq)");
    if (i > 0 && st.queue[i - 1].seq == q.seq) throw std::invalid_argument("two queued requests share a seq");
    for (std::size_t j = 0; j < i; ++j)
      if (st.queue[j].point_of_order == q.point_of_order && st.queue[j].request.delegate == q.request.delegate)
        throw std::invalid_argument("a delegate has two requests of one kind queued");
  }
  std::int64_t t = 0;
  for (const auto& s : st.record) {
    if (s.ended < s.started || s.started < t) throw std::invalid_argument("the record is out of time order");
    t = s.ended;
  }
  if (st.current && st.current->started < t) throw std::invalid_argument("the current speech started before the last ended");
  l.queue_ = std::move(st.queue);
  l.record_ = std::move(st.record);
  l.current_ = std::move(st.current);
  l.next_seq_ = st.next_seq;
  return l;
}

ListState SpeakersList::state() const { return {queue_, record_, current_, mode_, cap_, limit_, next_seq_}; }

bool SpeakersList::request(const Request& r) {
  for (const auto& q : queue_)
    if (!q.point_of_order && q.request.delegate == r.delegate) return false;
  queue_.push_back({r, false, next_seq_++});
  return true;
}

bool SpeakersList::point_of_order(const Request& r) {
  for (const auto& q : queue_)
    if (q.point_of_order && q.request.delegate == r.delegate) return false;
  queue_.push_back({r, true, next_seq_++});
  return true;
}

bool SpeakersList::withdraw(std::string_view delegate) {
  const auto before = queue_.size();
  std::erase_if(queue_, [&](const Queued& q) { return q.request.delegate == delegate; });
  return queue_.size() != before;
}

void SpeakersList::set_balance(Balance mode, int cap) {
  if (cap < 1) throw std::invalid_argument("cap per organisation must be at least 1");
  mode_ = mode;
  cap_ = cap;
}

void SpeakersList::set_time_limit(std::int64_t seconds) {
  if (seconds < 0) throw std::invalid_argument("speaking-time limit must not be negative");
  limit_ = seconds;
}

std::vector<Speech> SpeakersList::heard() const {
  std::vector<Speech> h = record_;
  if (current_) h.push_back(*current_);
  return h;
}

std::vector<Queued> SpeakersList::order() const { return balanced_order(queue_, heard(), mode_, cap_); }

void SpeakersList::finish(std::int64_t now) {
  if (!current_) return;
  if (now < current_->started) throw std::invalid_argument("time went backwards");
  current_->ended = now;
  record_.push_back(std::move(*current_));
  current_.reset();
}

std::optional<Queued> SpeakersList::next(std::int64_t now) {
  if (current_ && now < current_->started) throw std::invalid_argument("time went backwards");
  if (!record_.empty() && now < record_.back().ended) throw std::invalid_argument("time went backwards");
  finish(now);
  auto ordered = order();
  if (ordered.empty()) return std::nullopt;
  const Queued q = ordered.front();
  std::erase_if(queue_, [&](const Queued& x) { return x.seq == q.seq; });
  current_ = Speech{q.request, q.point_of_order, now, now, limit_};
  return q;
}

std::optional<Queued> SpeakersList::skip() {
  auto ordered = order();
  if (ordered.empty()) return std::nullopt;
  const Queued q = ordered.front();
  std::erase_if(queue_, [&](const Queued& x) { return x.seq == q.seq; });
  skipped_.push_back(q);
  return q;
}

std::optional<std::int64_t> SpeakersList::remaining(std::int64_t now) const {
  if (!current_ || current_->limit == 0) return std::nullopt;
  return current_->limit - (now - current_->started);
}

namespace {
nlohmann::json request_json(const Request& r) {
  return {{"delegate", r.delegate},         {"organisation", r.organisation}, {"gender", r.gender},
          {"constituency", r.constituency}, {"first_time", r.first_time}};
}
}  // namespace

nlohmann::json to_json(const Queued& q) {
  nlohmann::json j = request_json(q.request);
  j["point_of_order"] = q.point_of_order;
  j["seq"] = q.seq;
  return j;
}

nlohmann::json to_json(const Speech& s) {
  nlohmann::json j = request_json(s.request);
  j["point_of_order"] = s.point_of_order;
  j["started"] = s.started;
  j["ended"] = s.ended;
  j["seconds"] = s.seconds();
  j["limit"] = s.limit;
  j["over_time"] = s.over_time();
  return j;
}

}  // namespace plenary::floor
