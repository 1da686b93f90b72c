// Group commit, migrations, access codes and the static-file and Origin rules of the shell.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <future>
#include <vector>

#include "auth/secrets.hpp"
#include "net/config.hpp"
#include "net/http_session.hpp"
#include "net/static_files.hpp"
#include "store/committer.hpp"
#include "store/migrations.hpp"

using namespace plenary;
namespace fs = std::filesystem;

namespace {
std::string temp_db(const char* name) {
  auto dir = fs::temp_directory_path() / ("plenary-unit-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto p = (dir / name).string();
  fs::remove(p);
  fs::remove(p + "-wal");
  fs::remove(p + "-shm");
  return p;
}
}  // namespace

TEST(Migrations, ApplyOnceAndRecordTheVersion) {
  auto path = temp_db("migrate.db");
  store::Db db(path);
  EXPECT_EQ(store::migrate(db), store::latest_schema_version());
  EXPECT_EQ(store::migrate(db), store::latest_schema_version());
  auto& st = db.prepare("PRAGMA user_version");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.int64(0), store::latest_schema_version());
  st.reset();
  auto& wal = db.prepare("PRAGMA journal_mode");
  ASSERT_TRUE(wal.step());
  EXPECT_EQ(wal.text(0), "wal");
  wal.reset();
}

TEST(Committer, CommitsInOrderAndIsolatesAFailingMutation) {
  auto path = temp_db("commit.db");
  {
    store::Db db(path);
    db.exec("CREATE TABLE t(x INTEGER PRIMARY KEY)");
  }
  store::Committer c(path);
  std::vector<std::promise<store::Outcome>> results(100);
  for (int i = 0; i < 100; ++i) {
    int x = i == 50 ? 49 : i;  // the 51st repeats a key: a constraint failure
    c.submit([x](store::Db& db) {
      db.prepare("INSERT INTO t(x) VALUES(?)").bind(1, x).run();
      return nlohmann::json(x);
    }, [&results, i](store::Outcome o) { results[static_cast<size_t>(i)].set_value(std::move(o)); });
  }
  for (int i = 0; i < 100; ++i) {
    auto o = results[static_cast<size_t>(i)].get_future().get();
    if (i == 50) {
      EXPECT_FALSE(o.ok);
      EXPECT_TRUE(o.constraint);
      EXPECT_EQ(o.code, "conflict");
    } else {
      EXPECT_TRUE(o.ok) << o.error;
    }
  }
  c.stop();
  store::Db db(path);
  auto& st = db.prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.int64(0), 99);
  st.reset();
  EXPECT_GE(c.mutations(), 100u);
  EXPECT_LE(c.commits(), 100u);
}

TEST(Committer, StopDrainsTheQueue) {
  auto path = temp_db("drain.db");
  {
    store::Db db(path);
    db.exec("CREATE TABLE t(x INTEGER)");
  }
  {
    store::Committer c(path);
    for (int i = 0; i < 1000; ++i)
      c.submit([i](store::Db& db) { db.prepare("INSERT INTO t(x) VALUES(?)").bind(1, i).run(); return nullptr; }, {});
    c.stop();
  }
  store::Db db(path);
  auto& st = db.prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.int64(0), 1000);
  st.reset();
}

TEST(Secrets, PasswordsAndCodes) {
  auto h = auth::hash_password("correct horse");
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(auth::verify_password(h, "correct horse"));
  EXPECT_FALSE(auth::verify_password(h, "wrong horse"));
  auto code = auth::new_access_code();
  EXPECT_EQ(code.size(), 14u);
  EXPECT_EQ(auth::normalise_access_code("  " + std::string(code).erase(4, 1)), code);
  EXPECT_NE(auth::new_token(), auth::new_token());
  EXPECT_EQ(auth::hash_secret("x").size(), 64u);
}

TEST(StaticFiles, StaysInsideTheFolder) {
  auto dir = fs::temp_directory_path() / ("plenary-web-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "index.html") << "<!doctype html>";
  EXPECT_TRUE(net::resolve_static(dir.string(), "/").has_value());
  EXPECT_TRUE(net::resolve_static(dir.string(), "/index.html?x=1").has_value());
  EXPECT_FALSE(net::resolve_static(dir.string(), "/../etc/passwd").has_value());
  EXPECT_FALSE(net::resolve_static(dir.string(), "/missing.js").has_value());
  EXPECT_EQ(net::mime_type("a/app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(net::mime_type("index.html"), "text/html; charset=utf-8");
}

TEST(Origin, SameOriginByDefaultAllowlistWhenGiven) {
  net::Config cfg;
  EXPECT_TRUE(net::origin_allowed(cfg, "", "127.0.0.1:8080"));
  EXPECT_TRUE(net::origin_allowed(cfg, "http://127.0.0.1:8080", "127.0.0.1:8080"));
  EXPECT_FALSE(net::origin_allowed(cfg, "http://evil.example", "127.0.0.1:8080"));
  cfg.allowed_origins = {"https://forum.example.org"};
  EXPECT_TRUE(net::origin_allowed(cfg, "https://forum.example.org", "127.0.0.1:8080"));
  EXPECT_FALSE(net::origin_allowed(cfg, "http://127.0.0.1:8080", "127.0.0.1:8080"));
}

TEST(Origin, OverTlsTheSameHostMustBeHttps) {
  net::Config cfg;
  // Plain, behind a TLS-terminating proxy: the page's origin is https of the same host.
  EXPECT_TRUE(net::origin_allowed(cfg, "https://forum.example.org", "forum.example.org"));
  cfg.tls_cert = "server.crt";
  cfg.tls_key = "server.key";
  EXPECT_TRUE(net::origin_allowed(cfg, "https://forum.example.org", "forum.example.org"));
  EXPECT_FALSE(net::origin_allowed(cfg, "http://forum.example.org", "forum.example.org"));
  EXPECT_FALSE(net::origin_allowed(cfg, "https://evil.example", "forum.example.org"));
  EXPECT_TRUE(net::origin_allowed(cfg, "", "forum.example.org"));
  cfg.allowed_origins = {"https://forum.example.org"};
  EXPECT_TRUE(net::origin_allowed(cfg, "https://forum.example.org", "127.0.0.1:8443"));
  EXPECT_FALSE(net::origin_allowed(cfg, "https://127.0.0.1:8443", "127.0.0.1:8443"));
}
