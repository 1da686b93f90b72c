#include "publish/pandoc.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

extern char** environ;

namespace plenary::publish_shell {

namespace fs = std::filesystem;

std::string pandoc_path() {
  if (const char* p = std::getenv("PLENARY_PANDOC"); p && *p) return access(p, X_OK) == 0 ? p : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::stringstream ss(dirs);
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    if (dir.empty()) continue;
    std::string cand = dir + "/pandoc";
    if (access(cand.c_str(), X_OK) == 0) return cand;
  }
  return "";
}

namespace {
std::string epoch_of(const std::string& date) {
  std::tm tm{};
  if (date.size() != 10 || !strptime(date.c_str(), "%Y-%m-%d", &tm)) return "0";
  return std::to_string(timegm(&tm));
}

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "plenary-export.XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data())) throw std::runtime_error("cannot create a temporary folder");
    path = buf.data();
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};
}  // namespace

std::string html_to_office(const std::string& html, const std::string& to, const std::string& date,
                           std::chrono::milliseconds limit) {
  if (to != "docx" && to != "odt") throw std::runtime_error("unknown office format " + to);
  std::string bin = pandoc_path();
  if (bin.empty()) throw ConverterMissing("pandoc is not installed");
  TempDir dir;
  std::string in = dir.path + "/in.html", out = dir.path + "/out." + to, err = dir.path + "/err.txt";
  {
    std::ofstream f(in, std::ios::binary);
    f << html;
    if (!f) throw std::runtime_error("cannot write the temporary input");
  }
  std::vector<std::string> args = {bin, "-f", "html", "-t", to, "-o", out, in};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // The environment: ours, with SOURCE_DATE_EPOCH set for reproducible zip entries.
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e)
    if (std::string_view(*e).rfind("SOURCE_DATE_EPOCH=", 0) != 0) env.emplace_back(*e);
  env.push_back("SOURCE_DATE_EPOCH=" + epoch_of(date));
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw ConverterMissing("pandoc could not be started");

  auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  for (;;) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) throw std::runtime_error("waitpid failed");
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      throw std::runtime_error("pandoc took longer than " + std::to_string(limit.count()) + " ms");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::ifstream e(err);
    std::string msg((std::istreambuf_iterator<char>(e)), {});
    if (msg.size() > 300) msg.resize(300);
    throw std::runtime_error("pandoc failed: " + msg);
  }
  std::ifstream f(out, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(f)), {});
  if (bytes.empty()) throw std::runtime_error("pandoc wrote nothing");
  return bytes;
}

}  // namespace plenary::publish_shell
