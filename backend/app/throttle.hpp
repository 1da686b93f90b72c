// Throttling of login and access-code guessing: after too many failures for one key (a remote
// address, or a forum and e-mail) within a window, further attempts are refused until it passes.
#pragma once
#include <chrono>
#include <deque>
#include <string>
#include <unordered_map>

namespace plenary::app {

class Throttle {
public:
  Throttle(int max_failures = 10, std::chrono::seconds window = std::chrono::seconds(300))
      : max_(max_failures), window_(window) {}
  bool blocked(const std::string& key);
  void failure(const std::string& key);
  void success(const std::string& key) { failures_.erase(key); }
private:
  using clock = std::chrono::steady_clock;
  void prune(std::deque<clock::time_point>& q, clock::time_point now);
  int max_;
  std::chrono::seconds window_;
  std::unordered_map<std::string, std::deque<clock::time_point>> failures_;
};

}  // namespace plenary::app
