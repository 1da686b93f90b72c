// Declarations, clauses, phases and translation against the real server.
#include "common.hpp"

using namespace it;

namespace {

struct Drafting {
  ServerProcess srv;
  std::int64_t forum = 0, declaration = 0;
  std::unique_ptr<WsClient> drafter;
  explicit Drafting(std::vector<std::string> extra = {}) : srv(std::move(extra)) {
    forum = forum_of(srv);
    drafter = logged_in(srv, forum, demo::kDrafting);
    declaration = seeded_declaration(*drafter, forum);
  }
};

// Operative clause numbers in document order, and the preamble count.
std::vector<int> numbers(const json& decl) {
  std::vector<int> out;
  for (auto& c : decl["clauses"])
    if (c["kind"] == "clause") out.push_back(c["number"].get<int>());
  return out;
}

int number_of(const json& decl, std::int64_t clause) {
  for (auto& c : decl["clauses"])
    if (c["id"] == clause) return c["number"].is_null() ? 0 : c["number"].get<int>();
  return -1;
}

void expect_consecutive(const json& decl) {
  auto n = numbers(decl);
  for (std::size_t i = 0; i < n.size(); ++i) EXPECT_EQ(n[i], static_cast<int>(i + 1)) << decl["clauses"].dump();
}

}  // namespace

TEST(Drafting, SeededDeclaration) {
  Drafting t;
  json r = t.drafter->request({{"type", "declaration.get"}, {"declaration", t.declaration}});
  ASSERT_OK(r);
  auto& d = r["declaration"];
  EXPECT_EQ(d["phase"], "drafting");
  EXPECT_EQ(d["original"], "en");
  EXPECT_EQ(d["languages"], json::array({"en", "es", "fr"}));
  EXPECT_GE(numbers(d).size(), 12u);
  expect_consecutive(d);
  int preamble = 0;
  bool seen_clause = false;
  for (auto& c : d["clauses"]) {
    if (c["kind"] == "preamble") {
      ++preamble;
      EXPECT_TRUE(c["number"].is_null()) << c.dump();
      EXPECT_FALSE(seen_clause) << "preamble after an operative clause";
    } else {
      seen_clause = true;
    }
    EXPECT_EQ(c["docs"].size(), 3u) << c.dump();
  }
  EXPECT_GE(preamble, 1);
  EXPECT_GE(d["sections"].size(), 1u);
  // The first clause's English text is readable.
  auto doc = d["clauses"][0]["docs"]["en"];
  json o = t.drafter->request({{"type", "doc.open"}, {"doc", doc}});
  ASSERT_OK(o);
  EXPECT_EQ(o["lang"], "en");
  EXPECT_EQ(o["status"], "original");
  EXPECT_FALSE(o["text"].get<std::string>().empty());
  EXPECT_GE(o["rev"].get<int>(), 0);
}

TEST(Drafting, InsertMoveDeleteRenumber) {
  Drafting t;
  auto watcher = logged_in(t.srv, t.forum, demo::kDelegate);
  json w = watcher->request({{"type", "declaration.get"}, {"declaration", t.declaration}, {"subscribe", true}});
  ASSERT_OK(w);
  auto before = numbers(w["declaration"]);
  auto last = w["declaration"]["clauses"].back()["id"];

  json ins = t.drafter->request({{"type", "clause.insert"}, {"declaration", t.declaration}, {"after", last},
                                 {"text", "States shall guarantee access to justice."}});
  ASSERT_OK(ins);
  auto clause = ins["clause"].get<std::int64_t>();
  ASSERT_TRUE(ins["docs"].is_object());
  for (auto lang : {"en", "es", "fr"}) EXPECT_TRUE(ins["docs"][lang].is_number_integer()) << ins.dump();
  auto changed = watcher->wait_push("declaration.changed", 5s);
  ASSERT_TRUE(changed) << "subscriber got no declaration.changed";
  EXPECT_EQ(number_of((*changed)["declaration"], clause), static_cast<int>(before.size()) + 1);

  json o = t.drafter->request({{"type", "doc.open"}, {"doc", ins["docs"]["en"]}});
  ASSERT_OK(o);
  EXPECT_EQ(o["text"], "States shall guarantee access to justice.");
  json oes = t.drafter->request({{"type", "doc.open"}, {"doc", ins["docs"]["es"]}});
  ASSERT_OK(oes);
  EXPECT_EQ(oes["text"], "");
  EXPECT_EQ(oes["status"], "stale");

  json g = t.drafter->request({{"type", "declaration.get"}, {"declaration", t.declaration}});
  ASSERT_OK(g);
  std::int64_t first_op = 0;
  for (auto& c : g["declaration"]["clauses"])
    if (c["kind"] == "clause") {
      first_op = c["id"];
      break;
    }
  json mv = t.drafter->request({{"type", "clause.move"}, {"clause", clause}, {"after", first_op}});
  ASSERT_OK(mv);
  EXPECT_EQ(number_of(mv["declaration"], clause), 2);
  EXPECT_EQ(number_of(mv["declaration"], first_op), 1);
  expect_consecutive(mv["declaration"]);
  EXPECT_EQ(numbers(mv["declaration"]).size(), before.size() + 1);

  // Moved first (before the preamble): number 1.
  json mv0 = t.drafter->request({{"type", "clause.move"}, {"clause", clause}, {"after", nullptr}});
  ASSERT_OK(mv0);
  EXPECT_EQ(mv0["declaration"]["clauses"][0]["id"], clause);
  EXPECT_EQ(number_of(mv0["declaration"], clause), 1);
  EXPECT_EQ(number_of(mv0["declaration"], first_op), 2);
  expect_consecutive(mv0["declaration"]);

  json del = t.drafter->request({{"type", "clause.delete"}, {"clause", clause}});
  ASSERT_OK(del);
  EXPECT_EQ(number_of(del["declaration"], clause), -1);
  EXPECT_EQ(numbers(del["declaration"]).size(), before.size());
  EXPECT_EQ(number_of(del["declaration"], first_op), 1);
  expect_consecutive(del["declaration"]);
  EXPECT_ERR(t.drafter->request({{"type", "clause.delete"}, {"clause", clause}}), "not_found");
  EXPECT_ERR(t.drafter->request({{"type", "clause.move"}, {"clause", first_op}, {"after", 999999}}), "not_found");

  // A preamble paragraph inserted first has no number.
  json pre = t.drafter->request({{"type", "clause.insert"}, {"declaration", t.declaration}, {"after", nullptr},
                                 {"kind", "preamble"}, {"text", "Recalling the forum's charter,"}});
  ASSERT_OK(pre);
  json g2 = t.drafter->request({{"type", "declaration.get"}, {"declaration", t.declaration}});
  EXPECT_EQ(g2["declaration"]["clauses"][0]["id"], pre["clause"]);
  EXPECT_EQ(number_of(g2["declaration"], pre["clause"]), 0);
  expect_consecutive(g2["declaration"]);

  // A plain delegate may not.
  EXPECT_ERR(watcher->request({{"type", "clause.insert"}, {"declaration", t.declaration}, {"text", "No."}}), "not_allowed");
  EXPECT_ERR(watcher->request({{"type", "clause.delete"}, {"clause", first_op}}), "not_allowed");
  EXPECT_ERR(watcher->request({{"type", "doc.op"}, {"doc", ins["docs"]["en"]}, {"rev", 0}, {"op", json::array({"x"})}, {"opid", "w1"}}),
             "not_allowed");
  EXPECT_ERR(t.drafter->request({{"type", "declaration.get"}, {"declaration", 999999}}), "not_found");
}

TEST(Drafting, InsertWithoutAfterGoesLast) {
  Drafting t;
  json g = t.drafter->request({{"type", "declaration.get"}, {"declaration", t.declaration}});
  ASSERT_OK(g);
  auto before = numbers(g["declaration"]);
  json ins = t.drafter->request({{"type", "clause.insert"}, {"declaration", t.declaration}, {"text", "Goes last."}});
  ASSERT_OK(ins);
  json g2 = t.drafter->request({{"type", "declaration.get"}, {"declaration", t.declaration}});
  ASSERT_OK(g2);
  EXPECT_EQ(g2["declaration"]["clauses"].back()["id"], ins["clause"]);
  EXPECT_EQ(number_of(g2["declaration"], ins["clause"]), static_cast<int>(before.size()) + 1);
  json sec = t.drafter->request({{"type", "section.insert"}, {"declaration", t.declaration}, {"title", {{"en", "Last"}}}});
  ASSERT_OK(sec);
  json g3 = t.drafter->request({{"type", "declaration.get"}, {"declaration", t.declaration}});
  EXPECT_EQ(g3["declaration"]["sections"].back()["id"], sec["section"]["id"]);
}

TEST(Drafting, PhaseGatesEditing) {
  Drafting t;
  auto org = logged_in(t.srv, t.forum, demo::kOrganiser);
  json ins = t.drafter->request({{"type", "clause.insert"}, {"declaration", t.declaration}, {"text", "Phase test."}});
  ASSERT_OK(ins);
  auto doc = ins["docs"]["en"];
  json o = t.drafter->request({{"type", "doc.open"}, {"doc", doc}});
  ASSERT_OK(o);
  auto rev = o["rev"].get<std::int64_t>();

  EXPECT_ERR(t.drafter->request({{"type", "declaration.phase"}, {"declaration", t.declaration}, {"phase", "amendments"}}),
             "not_allowed");
  json p = org->request({{"type", "declaration.phase"}, {"declaration", t.declaration}, {"phase", "amendments"}});
  ASSERT_OK(p);
  EXPECT_EQ(p["declaration"]["phase"], "amendments");
  EXPECT_ERR(t.drafter->request({{"type", "doc.op"}, {"doc", doc}, {"rev", rev}, {"op", json::array({"X "})}, {"opid", "ph-1"}}),
             "invalid_state");
  EXPECT_ERR(t.drafter->request({{"type", "clause.insert"}, {"declaration", t.declaration}, {"text", "Late."}}),
             "invalid_state");
  EXPECT_ERR(org->request({{"type", "declaration.phase"}, {"declaration", t.declaration}, {"phase", "published"}}),
             "invalid_state");
  EXPECT_ERR(org->request({{"type", "declaration.phase"}, {"declaration", t.declaration}, {"phase", "nonsense"}}),
             "bad_message");
  json back = org->request({{"type", "declaration.phase"}, {"declaration", t.declaration}, {"phase", "drafting"}});
  ASSERT_OK(back);
  EXPECT_EQ(back["declaration"]["phase"], "drafting");
  json ok = t.drafter->request({{"type", "doc.op"}, {"doc", doc}, {"rev", rev}, {"op", json::array({"X "})}, {"opid", "ph-2"}});
  ASSERT_OK(ok);
  EXPECT_EQ(ok["rev"], rev + 1);
  json o2 = t.drafter->request({{"type", "doc.open"}, {"doc", doc}});
  EXPECT_EQ(o2["text"], "X Phase test.");
}

TEST(Translation, ConfirmStaleDiffMachine) {
  Drafting t;
  auto tr = logged_in(t.srv, t.forum, demo::kTranslator);
  json ins = t.drafter->request({{"type", "clause.insert"}, {"declaration", t.declaration},
                                 {"text", "The workers have rights."}});
  ASSERT_OK(ins);
  auto clause = ins["clause"].get<std::int64_t>();
  auto en = ins["docs"]["en"].get<std::int64_t>(), es = ins["docs"]["es"].get<std::int64_t>();

  json oes = tr->request({{"type", "doc.open"}, {"doc", es}});
  ASSERT_OK(oes);
  json op = tr->request({{"type", "doc.op"}, {"doc", es}, {"rev", oes["rev"]}, {"op", json::array({"Los trabajadores tienen derechos."})},
                         {"opid", "tr-1"}});
  ASSERT_OK(op);
  // Only translators confirm.
  EXPECT_ERR(t.drafter->request({{"type", "translation.confirm"}, {"doc", es}}), "not_allowed");
  json cf = tr->request({{"type", "translation.confirm"}, {"doc", es}});
  ASSERT_OK(cf);
  EXPECT_EQ(cf["status"], "current");
  json oen = t.drafter->request({{"type", "doc.open"}, {"doc", en}});
  ASSERT_OK(oen);
  EXPECT_EQ(cf["confirmed_rev"], oen["rev"]);
  auto st1 = tr->wait_push("doc.status", 5s);
  ASSERT_TRUE(st1) << "no doc.status push after confirm";
  EXPECT_EQ((*st1)["status"], "current");
  json g = t.drafter->request({{"type", "declaration.get"}, {"declaration", t.declaration}});
  for (auto& c : g["declaration"]["clauses"]) {
    if (c["id"] == clause) {
      EXPECT_EQ(c["status"]["es"], "current") << c.dump();
    }
  }

  // An edit of the original makes the translation stale.
  std::string etext = oen["text"];
  json e = t.drafter->request({{"type", "doc.op"}, {"doc", en}, {"rev", oen["rev"]},
                               {"op", {static_cast<int>(etext.size()) - 1, " and duties"}}, {"opid", "en-1"}});
  ASSERT_OK(e);
  auto st = tr->wait_push("doc.status", 5s);
  ASSERT_TRUE(st) << "the es subscriber got no doc.status push";
  EXPECT_EQ((*st)["doc"], es);
  EXPECT_EQ((*st)["status"], "stale");
  json g2 = t.drafter->request({{"type", "declaration.get"}, {"declaration", t.declaration}});
  bool found = false;
  for (auto& c : g2["declaration"]["clauses"])
    if (c["id"] == clause) {
      found = true;
      EXPECT_EQ(c["status"]["es"], "stale") << c.dump();
      EXPECT_EQ(c["status"]["en"], "original") << c.dump();
    }
  EXPECT_TRUE(found);

  json diff = tr->request({{"type", "translation.diff"}, {"doc", es}});
  ASSERT_OK(diff);
  EXPECT_EQ(diff["original"], en);
  EXPECT_EQ(diff["before"], "The workers have rights.");
  EXPECT_EQ(diff["after"], "The workers have rights and duties.");
  EXPECT_EQ(diff["rev"], e["rev"]);
  bool has_insert = false;
  std::string rebuilt_after;
  for (auto& p : diff["diff"]) {
    if (p["op"] == "insert") {
      has_insert = true;
      EXPECT_NE(p["text"].get<std::string>().find("duties"), std::string::npos) << diff["diff"].dump();
    }
    if (p["op"] != "delete") rebuilt_after += p["text"].get<std::string>();
  }
  EXPECT_TRUE(has_insert) << diff["diff"].dump();
  EXPECT_EQ(rebuilt_after, "The workers have rights and duties.");
  EXPECT_ERR(tr->request({{"type", "translation.diff"}, {"doc", en}}), "bad_message");

  // Machine translation replaces the Spanish text.
  json fr_before = t.drafter->request({{"type", "doc.open"}, {"doc", ins["docs"]["fr"]}});
  json mt = tr->request({{"type", "translation.machine"}, {"doc", es}}, 60s);
  ASSERT_OK(mt);
  EXPECT_EQ(mt["status"], "machine");
  json after = t.drafter->request({{"type", "doc.open"}, {"doc", es}});
  ASSERT_OK(after);
  EXPECT_EQ(after["status"], "machine");
  EXPECT_EQ(after["rev"], mt["rev"]);
  std::string text = after["text"];
  EXPECT_NE(text, "Los trabajadores tienen derechos.");
  EXPECT_NE(text, "The workers have rights and duties.");
  EXPECT_NE(text.find("derechos"), std::string::npos) << text;
  EXPECT_NE(text.find("deberes"), std::string::npos) << text;
  (void)fr_before;
}

TEST(Translation, UnavailablePairAndServerKeepsWorking) {
  Drafting t;
  auto org = logged_in(t.srv, t.forum, demo::kOrganiser);
  auto tr = logged_in(t.srv, t.forum, demo::kTranslator);
  json dc = org->request({{"type", "declaration.create"}, {"forum", t.forum}, {"title", {{"en", "Arabic test"}}},
                          {"languages", {"en", "ar"}}, {"original", "en"}});
  ASSERT_OK(dc);
  auto decl = dc["declaration"]["id"];
  EXPECT_EQ(dc["declaration"]["phase"], "drafting");
  EXPECT_ERR(t.drafter->request({{"type", "declaration.create"}, {"forum", t.forum}, {"title", {{"en", "No"}}},
                                 {"languages", json::array({"en"})}, {"original", "en"}}),
             "not_allowed");
  json ins = t.drafter->request({{"type", "clause.insert"}, {"declaration", decl}, {"text", "The workers have rights."}});
  ASSERT_OK(ins);
  EXPECT_EQ(ins["docs"].size(), 2u);
  auto ar = ins["docs"]["ar"];
  json mt = tr->request({{"type", "translation.machine"}, {"doc", ar}}, 60s);
  EXPECT_ERR(mt, "translation_unavailable");
  json o = tr->request({{"type", "doc.open"}, {"doc", ar}});
  ASSERT_OK(o);
  EXPECT_EQ(o["text"], "");
  EXPECT_EQ(o["status"], "stale");
  // Still works: reads, edits and a working pair.
  EXPECT_OK(tr->request({{"type", "forum.list"}}));
  EXPECT_OK(tr->request({{"type", "doc.op"}, {"doc", ar}, {"rev", o["rev"]}, {"op", json::array({"للعمال حقوق."})}, {"opid", "ar-1"}}));
  json ins2 = t.drafter->request({{"type", "clause.insert"}, {"declaration", t.declaration}, {"text", "The workers have rights."}});
  ASSERT_OK(ins2);
  json mt2 = tr->request({{"type", "translation.machine"}, {"doc", ins2["docs"]["es"]}}, 60s);
  EXPECT_OK(mt2);
  WsClient fresh;
  fresh.connect(t.srv.port());
  EXPECT_OK(fresh.request({{"type", "hello"}, {"protocol", 1}}));
}
