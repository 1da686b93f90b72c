// Language versions: the original's changes since a translation was confirmed, confirming it,
// machine pre-translation, and marking translations stale when their original changes.
#include "app/hub.hpp"
#include "app/translation.hpp"
#include "core/drafting/phase.hpp"
#include "core/drafting/word_diff.hpp"
#include "core/ot/text_op.hpp"
#include "core/ot/utf8.hpp"
#include "auth/secrets.hpp"
#include "protocol/errors.hpp"
#include "protocol/fields.hpp"
#include "store/events.hpp"

namespace plenary::app {

using namespace protocol;

namespace {
std::int64_t original_doc_of(store::Db& db, std::int64_t clause, const std::string& lang) {
  auto& st = db.prepare("SELECT id FROM docs WHERE clause=? AND lang=?");
  st.bind(1, clause).bind(2, lang);
  std::int64_t id = st.step() ? st.int64(0) : 0;
  st.reset();
  return id;
}
}  // namespace

void Hub::broadcast_doc_status(std::int64_t id) {
  auto it = docs_.all().find(id);
  if (it == docs_.all().end()) return;
  auto& live = *it->second;
  for (auto conn : live.subscribers) {
    auto* c = state(conn);
    if (!c) continue;
    auto sit = c->docs.find(id);
    if (sit == c->docs.end()) continue;
    push(*c, {{"type", "doc.status"}, {"seq", ++sit->second.seq}, {"doc", id}, {"status", live.status},
              {"confirmed_rev", live.confirmed_rev}});
  }
}

void Hub::mark_translations_stale(std::int64_t original_doc) {
  LiveDoc* orig = docs_.get(reader_, original_doc);
  if (!orig) return;
  clauses_without_current_.insert(orig->clause);
  std::vector<std::int64_t> changed;
  auto& st = reader_.prepare("SELECT id FROM docs WHERE clause=? AND lang<>?");
  st.bind(1, orig->clause).bind(2, orig->lang);
  while (st.step()) changed.push_back(st.int64(0));
  st.reset();
  bool any = false;
  for (auto id : changed) {
    auto it = docs_.all().find(id);
    if (it == docs_.all().end() || it->second->status != "current") continue;
    it->second->status = "stale";
    broadcast_doc_status(id);
    any = true;
  }
  if (any) broadcast_declaration(orig->declaration);
  else {
    // Statuses of documents not in memory changed in storage; subscribers of the declaration
    // learn it from the refreshed declaration.
    for (auto& [cid, c] : conns_)
      if (c.declarations.count(orig->declaration)) {
        broadcast_declaration(orig->declaration);
        break;
      }
  }
}

void Hub::on_translation_diff(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t id = id_of(m, "doc");
  require_accredited(c);
  LiveDoc* live = docs_.get(reader_, id);
  if (!live) fail("not_found", "no such document");
  require_forum(c, live->forum);
  if (!c.has("translator") && !c.has("drafting")) fail("not_allowed", "only translators and the drafting committee compare versions");
  if (live->lang == live->original_lang) fail("bad_message", "this document is the original, not a translation");
  std::int64_t orig_id = original_doc_of(reader_, live->clause, live->original_lang);
  LiveDoc* orig = docs_.get(reader_, orig_id);
  if (!orig) fail("not_found", "the original of this translation is missing");
  std::int64_t rev = orig->committed;
  std::string before = Documents::text_at(reader_, orig_id, live->confirmed_rev);
  std::string after = Documents::text_at(reader_, orig_id, rev);
  json diff = json::array();
  for (auto& p : drafting::word_diff(before, after)) diff.push_back({{"op", drafting::kind_name(p.kind)}, {"text", p.text}});
  reply.ok({{"doc", id}, {"original", orig_id}, {"confirmed_rev", live->confirmed_rev}, {"rev", rev},
            {"before", before}, {"after", after}, {"diff", diff}, {"status", live->status}});
}

void Hub::on_translation_confirm(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t id = id_of(m, "doc");
  require_role(c, {"translator"});
  LiveDoc* live = docs_.get(reader_, id);
  if (!live) fail("not_found", "no such document");
  require_forum(c, live->forum);
  if (live->lang == live->original_lang) fail("bad_message", "this document is the original, not a translation");
  std::int64_t orig_id = original_doc_of(reader_, live->clause, live->original_lang);
  LiveDoc* orig = docs_.get(reader_, orig_id);
  std::int64_t against = orig->committed;
  std::int64_t actor = c.delegate, forum = live->forum, clause = live->clause;
  commit(
      reply,
      [=](store::Db& db) {
        db.prepare("UPDATE docs SET status='current', confirmed_rev=? WHERE id=?").bind(1, against).bind(2, id).run();
        store::record_event(db, forum, "translation.confirmed", actor, json{{"doc", id}, {"against", against}});
        return json();
      },
      [=, this](json) {
        LiveDoc* l = docs_.get(reader_, id);
        l->status = "current";
        l->confirmed_rev = against;
        clauses_without_current_.erase(clause);
        reply.ok({{"doc", id}, {"status", "current"}, {"confirmed_rev", against}});
        broadcast_doc_status(id);
        broadcast_declaration(l->declaration);
      });
}

void Hub::on_translation_machine(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t id = id_of(m, "doc");
  require_accredited(c);
  LiveDoc* live = docs_.get(reader_, id);
  if (!live) fail("not_found", "no such document");
  require_forum(c, live->forum);
  if (!c.has("translator") && !may_draft(c, live->workshop))
    fail("not_allowed", "only translators and the drafting committee request machine translation");
  if (live->lang == live->original_lang) fail("bad_message", "this document is the original, not a translation");
  if (!drafting::translation_editable(phase_of(live->declaration)))
    fail("invalid_state", "translations are frozen in phase " + phase_of(live->declaration));
  std::int64_t orig_id = original_doc_of(reader_, live->clause, live->original_lang);
  LiveDoc* orig = docs_.get(reader_, orig_id);
  std::int64_t against = orig->committed;
  std::string source = Documents::text_at(reader_, orig_id, against);
  std::string from = live->original_lang, to = live->lang;
  translate::Translator* tr = translator_.get();
  std::int64_t actor = c.delegate;
  std::uint64_t conn = c.conn->id();
  // Translation runs on the worker pool: edits keep flowing meanwhile.
  offload([tr, source, from, to] { return translate_text(tr, source, from, to); },
          [=, this](json result) {
            if (result.contains("__error")) return reply.error("translation_unavailable", result["__error"].get<std::string>());
            if (!result.contains("text"))
              return reply.error(result.value("code", "translation_unavailable"), result.value("message", "translation failed"));
            auto* cs = state(conn);
            if (!cs) return;
            LiveDoc* l = docs_.get(reader_, id);
            std::int64_t rev = l->doc->rev();
            std::size_t len = l->doc->length();
            json op = json::array();
            if (len > 0) op.push_back({{"d", len}});
            std::string text = result["text"].get<std::string>();
            if (!text.empty()) op.push_back(text);
            std::string opid = "machine:" + auth::new_token();
            // The replacement goes through the normal op path (durable, broadcast, deduplicated),
            // then the status is recorded.
            std::int64_t forum = l->forum;
            try {
              if (len == 0 && text.empty()) {
                // Nothing to replace; record the status only.
              } else {
                // Apply now; the commit below carries both the op and the status change.
                ot::Op parsed = ot::parse(op);
                const auto& e = l->doc->submit(parsed, rev, opid, actor, 0);  // origin 0: every subscriber, the requester too, gets the op
                ops_++;
                std::int64_t new_rev = e.rev;
                std::string op_text = ot::to_json(e.op).dump();
                commit(
                    reply,
                    [=](store::Db& db) {
                      db.prepare("INSERT INTO doc_ops(doc, rev, op, opid, author, at) VALUES(?,?,?,?,?,strftime('%s','now'))")
                          .bind(1, id).bind(2, new_rev).bind(3, op_text).bind(4, opid).bind(5, actor).run();
                      db.prepare("UPDATE docs SET status='machine', confirmed_rev=? WHERE id=?").bind(1, against).bind(2, id).run();
                      store::record_event(db, forum, "translation.machine", actor, json{{"doc", id}, {"against", against}, {"from", from}, {"to", to}});
                      return json();
                    },
                    [=, this](json) {
                      LiveDoc* l2 = docs_.get(reader_, id);
                      if (l2->committed < new_rev) l2->committed = new_rev;
                      l2->status = "machine";
                      l2->confirmed_rev = against;
                      dirty_docs_.insert(id);
                      reply.ok({{"rev", new_rev}, {"status", "machine"}, {"unknown", result.value("unknown", json::array())}});
                      broadcast_doc_status(id);
                      broadcast_declaration(l2->declaration);
                    });
                return;
              }
            } catch (const std::exception& e) {
              return reply.error("bad_op", e.what());
            }
            reply.ok({{"rev", rev}, {"status", l->status}});
          });
}

}  // namespace plenary::app
