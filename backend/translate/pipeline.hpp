// One long-lived Apertium pipeline: the stages of a .mode file, each spawned with posix_spawnp
// and connected by pipes, talked to in null-flush mode (request bytes, NUL; answer bytes, NUL).
//
// What it keeps true:
//  - an answer counts only if it ends with the sentinel superblank sent after its request, so a
//    NUL that dying stages write at end of input is never taken for a translation;
//  - at most one request is in the pipeline at a time (a timed mutex; waiting for it counts
//    against the request's deadline), so answers cannot be mixed up;
//  - all descriptors we create are close-on-exec and children get default signal dispositions
//    and no inherited descriptors beyond 0-2, so pipelines started concurrently from different
//    threads cannot hold each other's pipe ends open (which would hide a death);
//  - writing and reading are interleaved with poll(), so a large text cannot deadlock on full
//    pipe buffers; writing to a dead pipeline gives EPIPE (MSG_NOSIGNAL), never SIGPIPE;
//  - a pipeline found dead (stage exited, EOF, EPIPE) is killed and reaped completely before it
//    is restarted; one that times out is killed so that the next request starts clean;
//  - the destructor kills and reaps every stage: no zombies, no orphans.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace plenary::translate {

class Pipeline {
public:
  using Clock = std::chrono::steady_clock;

  Pipeline(std::string name, std::vector<std::vector<std::string>> stages, bool child_stderr);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  const std::string& name() const noexcept { return name_; }

  // Send one request (stream format, no NUL in it) and return the answer up to its NUL.
  // Starts the pipeline if needed; restarts it and retries once if it turns out dead.
  // Throws TranslateError (cannot_start, died, timeout).
  std::string request(std::string_view stream, Clock::time_point deadline);

  // Start the pipeline if it is not running. Throws TranslateError (cannot_start, timeout).
  void ensure_started(Clock::time_point deadline);

  std::vector<int> pids() const;
  std::uint64_t starts() const;

private:
  enum class Io { ok, died, timeout };
  void lock_until(std::unique_lock<std::timed_mutex>& lock, Clock::time_point deadline);
  void start_locked();
  bool alive_locked();                     // reaps stages that have exited
  bool reap(std::size_t stage);            // without waiting; true once the stage is gone
  void note_exit(std::size_t stage, int status);
  // Close our ends, reap, kill what is left after `grace`; returns how the stages ended.
  std::string stop_locked(std::chrono::milliseconds grace);
  Io exchange_locked(std::string_view stream, Clock::time_point deadline, std::string& answer);

  const std::string name_;
  const std::vector<std::vector<std::string>> stages_;
  const bool child_stderr_;

  std::timed_mutex run_mutex_;  // one request at a time; guards the descriptors below
  int to_child_ = -1;           // our end of stage 0's stdin (a socket, for MSG_NOSIGNAL)
  int from_child_ = -1;         // read end of the last stage's stdout
  std::vector<pid_t> children_; // unreaped stages (-1 once reaped); also guarded by info_mutex_
  std::vector<std::string> exits_;  // stages of this instance that failed, for error messages
  std::uint64_t serial_ = 0;    // numbers requests for their end-of-answer sentinel

  mutable std::mutex info_mutex_;  // lets pids()/starts() read without waiting for a request
  std::uint64_t starts_ = 0;
};

}  // namespace plenary::translate
