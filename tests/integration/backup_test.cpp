// `plenary backup` while the server is under load (SQLite's online backup API), and a restore:
// a server started on the copy has everything acknowledged before the backup began, and its
// documents equal the replay of their history.
#include <atomic>
#include <filesystem>
#include <thread>

#include "common.hpp"
#include "core/ot/text_op.hpp"

using namespace it;
namespace fs = std::filesystem;

TEST(Backup, OnlineBackupUnderLoadRestores) {
  ServerProcess srv({"--max-msg-rate", "0"});
  std::int64_t forum = forum_of(srv);
  auto drafter = logged_in(srv, forum, demo::kDrafting);
  drafter->set_record(false);
  std::int64_t decl = seeded_declaration(*drafter, forum);
  json c = drafter->request({{"type", "clause.insert"}, {"declaration", decl}});
  ASSERT_OK(c);
  std::int64_t doc = c["docs"]["en"];

  std::mutex mu;
  std::vector<std::string> acked;
  std::atomic<bool> stop{false};
  std::thread load([&] {
    std::int64_t rev = 0;
    for (int i = 0; !stop && i < 20000; ++i) {
      std::string id = "<b" + std::to_string(i) + ">";
      json r = drafter->request({{"type", "doc.op"}, {"doc", doc}, {"rev", rev}, {"op", {id}}, {"opid", id}});
      if (code_of(r) != "ok") break;
      rev = r["rev"];
      std::lock_guard lock(mu);
      acked.push_back(id);
    }
  });
  std::this_thread::sleep_for(scaled(700ms));
  std::vector<std::string> before;
  {
    std::lock_guard lock(mu);
    before = acked;
  }
  std::string out = srv.dir() + "/backup.db";
  std::string printed = run_cli({"backup", "--db", srv.db(), "--out", out});
  EXPECT_NE(printed.find("backup"), std::string::npos);
  std::this_thread::sleep_for(scaled(200ms));
  stop = true;
  load.join();
  ASSERT_GT(before.size(), 10u) << "the load did not run";
  std::size_t total = acked.size();
  EXPECT_GT(total, before.size()) << "the load should have gone on during the backup";

  // Restore: a server on the copy (the seed is already in it: loading it again changes nothing).
  fs::path restored = fs::path(srv.dir()) / "restored.db";
  fs::copy_file(out, restored);
  ServerProcess copy({"--db", restored.string()});
  auto org = logged_in(copy, forum, demo::kOrganiser);
  json full = org->request({{"type", "doc.open"}, {"doc", doc}});
  ASSERT_OK(full);
  std::string text = full["text"];
  for (auto& id : before) EXPECT_NE(text.find(id), std::string::npos) << "op " << id << ", acknowledged before the backup, is missing";
  json hist = org->request({{"type", "doc.open"}, {"doc", doc}, {"since", 0}});
  ASSERT_OK(hist);
  std::string replay;
  for (auto& e : hist["ops"]) replay = plenary::ot::apply(replay, plenary::ot::parse(e["op"]));
  EXPECT_EQ(replay, text);
  EXPECT_GE(full["rev"].get<std::size_t>(), before.size());
  EXPECT_LE(full["rev"].get<std::size_t>(), total);
  // The copy is a working database: it takes new mutations.
  auto writer = logged_in(copy, forum, demo::kDrafting);
  ASSERT_OK(writer->request({{"type", "doc.op"}, {"doc", doc}, {"rev", full["rev"]}, {"op", {"after restore "}}, {"opid", "restore-1"}}));
}
