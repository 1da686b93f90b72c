#include "app/throttle.hpp"

namespace plenary::app {

void Throttle::prune(std::deque<clock::time_point>& q, clock::time_point now) {
  while (!q.empty() && now - q.front() > window_) q.pop_front();
}

bool Throttle::blocked(const std::string& key) {
  auto it = failures_.find(key);
  if (it == failures_.end()) return false;
  prune(it->second, clock::now());
  if (it->second.empty()) {
    failures_.erase(it);
    return false;
  }
  return static_cast<int>(it->second.size()) >= max_;
}

void Throttle::failure(const std::string& key) {
  auto& q = failures_[key];
  prune(q, clock::now());
  q.push_back(clock::now());
  if (failures_.size() > 100000) failures_.clear();  // bounded memory under a flood
}

}  // namespace plenary::app
