// Group commit: one thread owns the writing SQLite connection and runs queued mutations in
// batches, one transaction per batch, each mutation inside its own savepoint.
// Invariants: mutations commit in the order submitted; a mutation's completion runs only after
// the transaction holding it has committed (or failed), and completions run in submission
// order; a failing mutation rolls back alone and does not fail its batch; stop() drains the
// queue, so everything submitted before stop() is committed before the thread ends.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <atomic>

#include "store/db.hpp"

namespace plenary::store {

struct Outcome {
  bool ok = true;
  nlohmann::json value;     // what the work returned
  bool constraint = false;  // failed on a UNIQUE/CHECK constraint
  std::string error;        // why it failed
  std::string code;         // protocol error code to report when it failed
};

// Thrown by work to fail with a protocol error code, rolling back its savepoint.
struct WorkError : std::runtime_error {
  WorkError(std::string c, const std::string& m) : std::runtime_error(m), code(std::move(c)) {}
  std::string code;
};

class Committer {
public:
  using Work = std::function<nlohmann::json(Db&)>;
  using Done = std::function<void(Outcome)>;

  explicit Committer(const std::string& path);
  ~Committer();

  void submit(Work work, Done done);
  void stop();

  std::uint64_t commits() const { return commits_; }
  std::uint64_t mutations() const { return mutations_; }
  // Histogram of commit latencies in microseconds (upper bounds), for /metrics.
  static constexpr std::uint64_t kBuckets[] = {500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000};
  std::uint64_t bucket(size_t i) const { return hist_[i]; }
  std::uint64_t latency_sum_us() const { return latency_sum_; }
  size_t queue_depth();

private:
  struct Item { Work work; Done done; };
  void run();

  Db db_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  std::thread thread_;
  std::atomic<std::uint64_t> commits_{0}, mutations_{0}, latency_sum_{0};
  std::atomic<std::uint64_t> hist_[std::size(kBuckets) + 1] = {};
};

}  // namespace plenary::store
