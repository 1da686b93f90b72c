#include "translate/pipeline.hpp"

#include "translate/apertium.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace plenary::translate {
namespace {

// How long a pipeline found dying may take to exit on its own before it is killed.
constexpr std::chrono::milliseconds kDyingGrace{1000};

std::string errno_text(int err) {
  char buf[256];
  // GNU strerror_r returns a char* that may or may not point into buf.
  return std::string(strerror_r(err, buf, sizeof buf));
}

std::string program_name(const std::vector<std::string>& argv) {
  const std::string& p = argv.front();
  const auto slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

std::string describe_status(const std::string& program, int status) {
  if (WIFEXITED(status)) return program + " exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return program + " was killed by signal " + std::to_string(WTERMSIG(status));
  return program + " ended";
}

void close_fd(int& fd) noexcept {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Spawn argv with stdin/stdout on the given descriptors. Returns the pid, or -errno.
pid_t spawn_stage(const std::vector<std::string>& argv, int in_fd, int out_fd, bool child_stderr) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  if (int rc = posix_spawn_file_actions_init(&actions); rc != 0) return -rc;
  if (int rc = posix_spawnattr_init(&attr); rc != 0) {
    posix_spawn_file_actions_destroy(&actions);
    return -rc;
  }
  int rc = posix_spawn_file_actions_adddup2(&actions, in_fd, 0);
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
  if (rc == 0 && !child_stderr) {
    rc = posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  }
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
  // Descriptors the rest of the server forgot to mark close-on-exec stay out of Apertium.
  if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&actions, 3);
#endif
  // Children start with default dispositions for signals a server typically ignores (SIGPIPE
  // above all: a stage must die when the next one is gone) and with nothing blocked.
  sigset_t defaults;
  sigset_t none;
  sigemptyset(&defaults);
  sigemptyset(&none);
  for (int sig : {SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD, SIGALRM, SIGUSR1, SIGUSR2,
                  SIGTTIN, SIGTTOU, SIGTSTP, SIGXFSZ}) {
    sigaddset(&defaults, sig);
  }
  if (rc == 0) rc = posix_spawnattr_setsigdefault(&attr, &defaults);
  if (rc == 0) rc = posix_spawnattr_setsigmask(&attr, &none);
  if (rc == 0) rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  pid_t pid = -1;
  if (rc == 0) {
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    rc = posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  }
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -rc;
}

}  // namespace

Pipeline::Pipeline(std::string name, std::vector<std::vector<std::string>> stages,
                   bool child_stderr)
    : name_(std::move(name)), stages_(std::move(stages)), child_stderr_(child_stderr) {}

Pipeline::~Pipeline() {
  std::lock_guard<std::timed_mutex> lock(run_mutex_);
  stop_locked(std::chrono::milliseconds(0));
}

std::vector<int> Pipeline::pids() const {
  std::lock_guard<std::mutex> lock(info_mutex_);
  std::vector<int> out;
  for (pid_t p : children_) {
    if (p > 0) out.push_back(static_cast<int>(p));
  }
  return out;
}

std::uint64_t Pipeline::starts() const {
  std::lock_guard<std::mutex> lock(info_mutex_);
  return starts_;
}

void Pipeline::lock_until(std::unique_lock<std::timed_mutex>& lock, Clock::time_point deadline) {
  if (!lock.try_lock_until(deadline)) {
    throw TranslateError(Failure::timeout, "Apertium pipeline " + name_ +
                                               " stayed busy with other requests until the deadline");
  }
}

void Pipeline::ensure_started(Clock::time_point deadline) {
  std::unique_lock<std::timed_mutex> lock(run_mutex_, std::defer_lock);
  lock_until(lock, deadline);
  if (to_child_ >= 0 && !alive_locked()) stop_locked(kDyingGrace);
  if (to_child_ < 0) start_locked();
}

std::string Pipeline::request(std::string_view stream, Clock::time_point deadline) {
  std::unique_lock<std::timed_mutex> lock(run_mutex_, std::defer_lock);
  lock_until(lock, deadline);
  // Died while idle (killed, crashed): restart without counting it against this request.
  if (to_child_ >= 0 && !alive_locked()) stop_locked(kDyingGrace);

  std::string first_death;
  for (int attempt = 0;; ++attempt) {
    if (to_child_ < 0) start_locked();
    std::string answer;
    switch (exchange_locked(stream, deadline, answer)) {
      case Io::ok:
        return answer;
      case Io::timeout:
        stop_locked(std::chrono::milliseconds(0));
        throw TranslateError(Failure::timeout,
                             "Apertium pipeline " + name_ +
                                 " gave no answer before the deadline (stopped; it restarts on "
                                 "the next request)");
      case Io::died: {
        const std::string why = stop_locked(kDyingGrace);
        if (attempt == 0) {
          first_death = why;
          continue;
        }
        throw TranslateError(Failure::died, "Apertium pipeline " + name_ +
                                                " died twice in a row (" + first_death + "; then " +
                                                why + ")");
      }
    }
  }
}

void Pipeline::start_locked() {
  exits_.clear();
  int sock[2] = {-1, -1};
  int out[2] = {-1, -1};
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock) != 0 ||
      ::pipe2(out, O_CLOEXEC) != 0) {
    const int err = errno;
    close_fd(sock[0]);
    close_fd(sock[1]);
    throw TranslateError(Failure::cannot_start,
                         "cannot start Apertium pipeline " + name_ + ": " + errno_text(err));
  }
  ::shutdown(sock[0], SHUT_RD);  // we only write to stage 0 ...
  ::shutdown(sock[1], SHUT_WR);  // ... and it only reads from us
  ::fcntl(out[0], F_SETFL, ::fcntl(out[0], F_GETFL) | O_NONBLOCK);

  std::vector<pid_t> spawned;
  std::string error;
  int in_fd = sock[1];  // the next stage's stdin
  for (std::size_t i = 0; i < stages_.size(); ++i) {
    int next[2] = {-1, -1};
    int out_fd = out[1];
    if (i + 1 < stages_.size()) {
      if (::pipe2(next, O_CLOEXEC) != 0) {
        error = errno_text(errno);
        break;
      }
      out_fd = next[1];
    }
    const pid_t pid = spawn_stage(stages_[i], in_fd, out_fd, child_stderr_);
    close_fd(in_fd);
    if (out_fd != out[1]) ::close(out_fd);
    in_fd = next[0];
    if (pid < 0) {
      error = stages_[i].front() + ": " + errno_text(static_cast<int>(-pid));
      break;
    }
    spawned.push_back(pid);
  }
  close_fd(in_fd);
  close_fd(out[1]);  // only the last stage may hold the write end, so its death gives us EOF

  {
    std::lock_guard<std::mutex> lock(info_mutex_);
    children_ = spawned;
    if (error.empty()) ++starts_;
  }
  to_child_ = sock[0];
  from_child_ = out[0];
  if (!error.empty()) {
    stop_locked(std::chrono::milliseconds(0));
    throw TranslateError(Failure::cannot_start,
                         "cannot start Apertium pipeline " + name_ + ": " + error);
  }
}

void Pipeline::note_exit(std::size_t stage, int status) {
  // A stage killed by SIGPIPE died because the next one had gone: a consequence, not a cause.
  const bool failed = (WIFEXITED(status) && WEXITSTATUS(status) != 0) ||
                      (WIFSIGNALED(status) && WTERMSIG(status) != SIGPIPE);
  if (failed) exits_.push_back(describe_status(program_name(stages_[stage]), status));
}

bool Pipeline::reap(std::size_t stage) {
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(children_[stage], &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == 0) return false;
  if (r == children_[stage]) note_exit(stage, status);
  // else ECHILD: someone else reaped it (SIGCHLD set to SIG_IGN?); it is gone either way.
  std::lock_guard<std::mutex> lock(info_mutex_);
  children_[stage] = -1;
  return true;
}

bool Pipeline::alive_locked() {
  bool alive = true;
  for (std::size_t i = 0; i < children_.size(); ++i) {
    if (children_[i] <= 0 || reap(i)) alive = false;
  }
  return alive;
}

std::string Pipeline::stop_locked(std::chrono::milliseconds grace) {
  close_fd(to_child_);
  close_fd(from_child_);
  // With our ends closed every stage reads EOF and exits; a dying pipeline gets `grace` to do
  // so, which lets us report how the stage that broke it ended. The rest are killed.
  const auto until = Clock::now() + grace;
  for (;;) {
    bool all_gone = true;
    for (std::size_t i = 0; i < children_.size(); ++i) {
      if (children_[i] > 0 && !reap(i)) all_gone = false;
    }
    if (all_gone || Clock::now() >= until) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  for (std::size_t i = 0; i < children_.size(); ++i) {
    if (children_[i] <= 0) continue;
    ::kill(children_[i], SIGKILL);
    int status = 0;
    while (::waitpid(children_[i], &status, 0) < 0 && errno == EINTR) {
    }
    std::lock_guard<std::mutex> lock(info_mutex_);
    children_[i] = -1;
  }
  {
    std::lock_guard<std::mutex> lock(info_mutex_);
    children_.clear();
  }
  if (exits_.empty()) return "the pipeline closed its output";
  std::string why;
  for (const auto& e : exits_) why += (why.empty() ? "" : ", ") + e;
  return why;
}

Pipeline::Io Pipeline::exchange_locked(std::string_view stream, Clock::time_point deadline,
                                       std::string& answer) {
  // A superblank that names this request goes last: stages copy superblanks through in order,
  // so an answer that ends with it is complete and ours. Without it, the NUL came from stages
  // flushing at end of input (each Apertium tool writes a NUL at EOF when a stage before it
  // died), and the "answer" is empty or partial.
  const std::string sentinel = "[<plenary " + std::to_string(++serial_) + ">]";
  std::string payload;
  payload.reserve(stream.size() + sentinel.size() + 1);
  payload.append(stream);
  payload.append(sentinel);
  payload.push_back('\0');

  std::size_t sent = 0;
  char buf[65536];
  for (;;) {
    const auto now = Clock::now();
    if (now >= deadline) return Io::timeout;
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
    const int wait_ms = static_cast<int>(std::min<long long>(left, INT_MAX));

    pollfd fds[2];
    nfds_t n = 0;
    int wi = -1;
    if (sent < payload.size()) {
      wi = static_cast<int>(n);
      fds[n++] = pollfd{to_child_, POLLOUT, 0};
    }
    const nfds_t ri = n;
    fds[n++] = pollfd{from_child_, POLLIN, 0};

    const int ready = ::poll(fds, n, wait_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return Io::died;
    }
    if (ready == 0) continue;  // the deadline check above ends the loop

    if (wi >= 0 && fds[wi].revents != 0) {
      if ((fds[wi].revents & POLLOUT) != 0) {
        const ssize_t w = ::send(to_child_, payload.data() + sent, payload.size() - sent,
                                 MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w > 0) {
          sent += static_cast<std::size_t>(w);
        } else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
          return Io::died;  // EPIPE / ECONNRESET: stage 0 is gone
        }
      } else {
        return Io::died;  // POLLERR / POLLHUP without POLLOUT
      }
    }
    if (fds[ri].revents != 0) {
      const ssize_t r = ::read(from_child_, buf, sizeof buf);
      if (r == 0) return Io::died;  // EOF: the last stage is gone
      if (r < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
        return Io::died;
      }
      const auto* nul = static_cast<const char*>(std::memchr(buf, '\0', static_cast<std::size_t>(r)));
      if (nul == nullptr) {
        answer.append(buf, static_cast<std::size_t>(r));
        continue;
      }
      answer.append(buf, static_cast<std::size_t>(nul - buf));
      const auto at = answer.rfind(sentinel);
      if (at == std::string::npos) return Io::died;
      answer.erase(at, sentinel.size());
      if (nul + 1 != buf + r || sent < payload.size()) {
        // Bytes after the answer's NUL, or an answer before the whole request was written:
        // the pipeline is out of step with us. Keep this answer, restart for the next one.
        stop_locked(std::chrono::milliseconds(0));
      }
      return Io::ok;
    }
  }
}

}  // namespace plenary::translate
