#include "store/committer.hpp"

#include <sqlite3.h>

#include <chrono>
#include <vector>

namespace plenary::store {

namespace {
// The disk (or the database's size limit) is full: answered storage_full, not unavailable.
bool full(const DbError& e) { return (e.code() & 0xff) == SQLITE_FULL; }
}  // namespace

Committer::Committer(const std::string& path) : db_(path) {
  thread_ = std::thread([this] { run(); });
}

Committer::~Committer() { stop(); }

void Committer::submit(Work work, Done done) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(Item{std::move(work), std::move(done)});
  }
  cv_.notify_one();
}

void Committer::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

size_t Committer::queue_depth() {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void Committer::run() {
  constexpr size_t kMaxBatch = 8192;
  std::vector<Item> batch;
  std::vector<Outcome> outcomes;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    auto start = std::chrono::steady_clock::now();
    outcomes.assign(batch.size(), Outcome{});
    bool committed = false;
    std::string commit_error, commit_code = "unavailable";
    try {
      Tx tx(db_);
      for (size_t i = 0; i < batch.size(); ++i) {
        Savepoint sp(db_);
        try {
          outcomes[i].value = batch[i].work(db_);
          sp.release();
        } catch (const WorkError& e) {
          outcomes[i] = Outcome{false, nullptr, false, e.what(), e.code};
        } catch (const DbError& e) {
          outcomes[i] = Outcome{false, nullptr, e.constraint(), e.what(),
                                e.constraint() ? "conflict" : full(e) ? "storage_full" : "unavailable"};
        } catch (const std::exception& e) {
          outcomes[i] = Outcome{false, nullptr, false, e.what(), "internal"};
        }
      }
      tx.commit();
      committed = true;
    } catch (const DbError& e) {
      commit_error = e.what();
      if (full(e)) commit_code = "storage_full";
    } catch (const std::exception& e) {
      commit_error = e.what();
    }
    if (!committed) {
      for (auto& o : outcomes) o = Outcome{false, nullptr, false, "storage failed: " + commit_error, commit_code};
    }
    auto us = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count());
    size_t b = 0;
    while (b < std::size(kBuckets) && us > kBuckets[b]) ++b;
    hist_[b]++;
    latency_sum_ += us;
    commits_++;
    mutations_ += batch.size();
    for (size_t i = 0; i < batch.size(); ++i) {
      if (batch[i].done) batch[i].done(std::move(outcomes[i]));
    }
    batch.clear();
  }
}

}  // namespace plenary::store
