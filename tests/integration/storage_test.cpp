// Storage failures: the database's files stop growing under the running server, so SQLite's
// writes fail for real in the kernel. Writes past a file size limit (RLIMIT_FSIZE, set on the
// server from outside with prlimit) fail with EFBIG, an I/O error; a full filesystem (a small
// tmpfs, where mounting one is allowed) fails with ENOSPC. Either way clients get a clear error
// (`unavailable` for the I/O error, `storage_full` for the full disk), the server stays up and
// keeps serving reads, nothing acknowledged is lost, and once the limit is lifted or space is
// freed, mutations work again.
#include <sys/mount.h>
#include <sys/resource.h>

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <fstream>

#include "common.hpp"

using namespace it;
namespace fs = std::filesystem;

namespace {

struct Drafting {
  std::unique_ptr<WsClient> ws;
  std::int64_t doc = 0, rev = 0;
  std::vector<std::string> acked;  // tokens of acknowledged ops
  int n = 0;
};

Drafting open_drafting(ServerProcess& srv) {
  std::int64_t forum = forum_of(srv);
  auto org = logged_in(srv, forum, demo::kOrganiser);
  Drafting d;
  d.ws = logged_in(srv, forum, demo::kDrafting);
  json decl = org->request({{"type", "declaration.create"}, {"forum", forum}, {"title", {{"en", "Storage"}}},
                            {"languages", {"en"}}, {"original", "en"}});
  if (code_of(decl) != "ok") throw std::runtime_error(decl.dump());
  json c = d.ws->request({{"type", "clause.insert"}, {"declaration", decl["declaration"]["id"]}});
  if (code_of(c) != "ok") throw std::runtime_error(c.dump());
  d.doc = c["docs"]["en"];
  return d;
}

// Sends one op of about 8 KiB; returns the reply's code ("ok" or the error code).
std::string op(Drafting& d, const std::string& tag) {
  std::string token = "<" + tag + "-" + std::to_string(d.n++) + ">";
  json r = d.ws->request({{"type", "doc.op"}, {"doc", d.doc}, {"rev", d.rev}, {"op", {token + std::string(8000, 'x') + "\n"}},
                          {"opid", token}});
  std::string code = code_of(r);
  if (code == "ok") {
    d.rev = r["rev"];
    d.acked.push_back(token);
  } else {
    EXPECT_FALSE(r.value("message", "").empty()) << "an error without a message: " << r.dump();
    // The server reloaded the document from storage: read the revision again.
    json o = d.ws->request({{"type", "doc.open"}, {"doc", d.doc}});
    if (code_of(o) == "ok") d.rev = o["rev"];
  }
  return code;
}

// Writes ops until one fails (bounded); returns the failing code.
std::string until_failure(Drafting& d, int max_ops) {
  for (int i = 0; i < max_ops; ++i) {
    std::string code = op(d, "fill");
    if (code != "ok") return code;
  }
  return "ok";
}

void expect_acked_present(ServerProcess& srv, Drafting& d) {
  WsClient c;
  c.connect(srv.port());
  json r = login_code(c, forum_of(srv), demo::kOrganiser);
  ASSERT_OK(r);
  json o = c.request({{"type", "doc.open"}, {"doc", d.doc}});
  ASSERT_OK(o);
  std::string text = o["text"];
  for (auto& t : d.acked) {
    auto at = text.find(t);
    EXPECT_NE(at, std::string::npos) << "acknowledged op " << t << " is lost";
    if (at != std::string::npos) {
      EXPECT_EQ(text.find(t, at + 1), std::string::npos) << "op " << t << " is there twice";
    }
  }
}

// The server's process: the one whose command line names the server's temporary directory.
pid_t server_pid(const ServerProcess& srv) {
  for (auto& e : fs::directory_iterator("/proc")) {
    std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "cmdline", std::ios::binary);
    std::string cmd((std::istreambuf_iterator<char>(in)), {});
    if (cmd.find(srv.dir()) != std::string::npos && cmd.find("serve") != std::string::npos) return std::stoi(name);
  }
  throw std::runtime_error("the server's process was not found");
}

void set_fsize(pid_t pid, rlim_t soft) {
  rlimit lim{soft, RLIM_INFINITY};
  ASSERT_EQ(prlimit(pid, RLIMIT_FSIZE, &lim, nullptr), 0) << "prlimit: " << std::strerror(errno);
}

// Writes until storage refuses (with `code`), checks the server is up and still reads, frees
// the storage with `free_space`, then checks writing works again and nothing acknowledged is
// lost, before and after a restart.
void expect_refused_then_recovers(ServerProcess& srv, Drafting& d, const std::string& code,
                                  const std::function<void()>& free_space) {
  EXPECT_EQ(until_failure(d, 1500), code) << "the mutation should fail once storage cannot grow";
  EXPECT_EQ(http_get(srv.port(), "/healthz").status, 200);
  EXPECT_OK(d.ws->request({{"type", "declaration.list"}, {"forum", forum_of(srv)}}));
  EXPECT_NE(op(d, "during"), "ok");
  free_space();
  std::string after;
  for (int i = 0; i < 3 && after != "ok"; ++i) after = op(d, "after");
  EXPECT_EQ(after, "ok") << "writing does not resume once storage is back";
  expect_acked_present(srv, d);
  EXPECT_EQ(srv.terminate(), 0);
  srv.start();
  expect_acked_present(srv, d);
}

}  // namespace

TEST(Storage, IoErrorsGiveAClearErrorAndLoseNothing) {
  ServerProcess srv({"--max-msg-rate", "0"});
  Drafting d = open_drafting(srv);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(op(d, "before"), "ok");
  // No file of the server may grow from now on.
  set_fsize(server_pid(srv), static_cast<rlim_t>(fs::file_size(srv.db())));
  expect_refused_then_recovers(srv, d, "unavailable", [&] { set_fsize(server_pid(srv), RLIM_INFINITY); });
}

TEST(Storage, FullDiskGivesStorageFullAndRecovers) {
  fs::path mnt = fs::temp_directory_path() / ("plenary-full-" + std::to_string(getpid()));
  fs::create_directories(mnt);
  if (mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=12m") != 0) {
    fs::remove(mnt);
    GTEST_SKIP() << "cannot mount a tmpfs here (" << std::strerror(errno)
                 << "): the full-disk case needs root; the I/O error case above runs everywhere";
  }
  struct Unmount {
    fs::path p;
    ~Unmount() {
      umount2(p.c_str(), MNT_DETACH);
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } unmount{mnt};
  std::string db = (mnt / "plenary.db").string();
  ServerProcess srv({"--max-msg-rate", "0", "--db", db});
  Drafting d = open_drafting(srv);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(op(d, "before"), "ok");
  // Fill the filesystem, leaving nothing.
  fs::path filler = mnt / "filler";
  {
    std::ofstream f(filler, std::ios::binary);
    std::string block(64 * 1024, 'f');
    while (f.write(block.data(), static_cast<std::streamsize>(block.size()))) {}
  }
  expect_refused_then_recovers(srv, d, "storage_full", [&] { fs::remove(filler); });
}
