// Live drafting of one text document: open (and resume), ops, close, cursors, and the fan-out
// of committed ops to subscribers in batches per tick.
#include <algorithm>
#include <chrono>
#include <unordered_map>
#include <vector>

#include "app/hub.hpp"
#include "core/drafting/phase.hpp"
#include "core/ot/text_op.hpp"
#include "protocol/errors.hpp"
#include "protocol/fields.hpp"

namespace plenary::app {

using namespace protocol;

namespace {
constexpr std::int64_t kMaxReplay = 5000;  // past this many missed ops a client gets the text instead

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
}  // namespace

const std::string& Hub::phase_of(std::int64_t declaration) {
  auto it = phases_.find(declaration);
  if (it != phases_.end()) return it->second;
  auto& st = reader_.prepare("SELECT phase FROM declarations WHERE id=?");
  st.bind(1, declaration);
  std::string p = st.step() ? st.text(0) : "";
  st.reset();
  return phases_[declaration] = p;
}

void Hub::on_doc_open(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t id = id_of(m, "doc");
  require_login(c);
  std::optional<std::int64_t> since;
  if (auto it = m.find("since"); it != m.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0) fail("bad_message", "field 'since' must be a revision (an integer ≥ 0)");
    since = it->get<std::int64_t>();
  }
  LiveDoc* live = docs_.get(reader_, id);
  if (!live) fail("not_found", "no such document");
  require_forum(c, live->forum);
  auto& d = *live->doc;
  std::int64_t rev = d.rev();
  if (since && *since > rev) fail("bad_revision", "revision " + std::to_string(*since) + " is ahead of the document");
  json out = {{"doc", id}, {"rev", rev}, {"lang", live->lang}, {"status", live->status}, {"clause", live->clause},
              {"confirmed_rev", live->confirmed_rev}};
  std::string ops_array;
  if (since && rev - *since <= kMaxReplay) {
    if (*since >= d.oldest_rev()) {
      ops_array = "[";
      for (std::int64_t r = *since + 1; r <= rev; ++r) {
        if (r > *since + 1) ops_array += ',';
        ops_array += d.entry(r)->wire;
      }
      ops_array += "]";
    } else {
      ops_array = Documents::ops_wire(reader_, id, *since, rev);
    }
  } else {
    out["text"] = d.text();
  }
  out["re"] = reply.re();
  auto send = [this, id, rev, out = std::move(out), ops_array = std::move(ops_array)](ConnState& cs) mutable {
    auto& sub = cs.docs[id];
    sub.sent_rev = rev;
    if (auto* l = docs_.all().count(id) ? docs_.all()[id].get() : nullptr) l->subscribers.insert(cs.conn->id());
    out["type"] = "ok";
    std::string frame = out.dump(-1, ' ', false, json::error_handler_t::replace);
    if (!ops_array.empty()) {
      frame.pop_back();
      frame += ",\"ops\":" + ops_array + "}";
    }
    push_raw(cs, std::make_shared<const std::string>(std::move(frame)));
    // Others' cursors, so a new subscriber sees who is where.
    dirty_cursors_.insert(id);
  };
  if (live->committed >= rev) {
    reply.emit([send = std::move(send)](ConnState& cs) mutable { send(cs); });
    return;
  }
  // Some ops are applied but not yet durable: answer once they are.
  commit(reply, [](store::Db&) { return json(); },
         [reply, send = std::move(send)](json) mutable {
           reply.emit([send = std::move(send)](ConnState& cs) mutable { send(cs); });
         });
}

void Hub::on_doc_close(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t id = id_of(m, "doc");
  if (!c.docs.erase(id)) fail("not_found", "this document is not open");
  if (auto it = docs_.all().find(id); it != docs_.all().end()) it->second->subscribers.erase(c.conn->id());
  if (auto it = cursors_.find(id); it != cursors_.end() && it->second.erase(c.conn->id())) dirty_cursors_.insert(id);
  reply.ok({{"doc", id}});
}

void Hub::on_doc_op(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t id = id_of(m, "doc");
  auto rit = m.find("rev");
  if (rit == m.end() || !rit->is_number_integer() || rit->get<std::int64_t>() < 0)
    fail("bad_message", "field 'rev' (the base revision, an integer ≥ 0) is required");
  std::int64_t base = rit->get<std::int64_t>();
  std::string opid = string_of(m, "opid", 100);
  auto oit = m.find("op");
  if (oit == m.end()) fail("bad_message", "field 'op' is required");
  require_accredited(c);
  LiveDoc* live = docs_.get(reader_, id);
  if (!live) fail("not_found", "no such document");
  require_forum(c, live->forum);
  const std::string& phase = phase_of(live->declaration);
  bool original = live->lang == live->original_lang;
  if (original) {
    if (!may_draft(c, live->workshop)) fail("not_allowed", "only the drafting committee edits the original text");
    if (!drafting::original_editable(phase)) fail("invalid_state", "the text is edited live only in the drafting phase (now: " + phase + ")");
  } else {
    if (!c.has("translator") && !may_draft(c, live->workshop)) fail("not_allowed", "only translators and the drafting committee edit translations");
    if (!drafting::translation_editable(phase)) fail("invalid_state", "translations are frozen in phase " + phase);
  }
  submit_op(c, reply, id, base, *oit, opid, c.delegate);
}

void Hub::submit_op(ConnState& c, const Reply& reply, std::int64_t id, std::int64_t base, const json& op_json,
                    const std::string& opid, std::int64_t author) {
  LiveDoc* live = docs_.get(reader_, id);
  auto& d = *live->doc;
  // Resubmission of an op already applied (e.g. after a reconnect): acknowledge, never reapply.
  std::optional<std::int64_t> known = d.rev_of(opid);
  if (!known && base < live->loaded_rev) {
    if (auto r = Documents::stored_opid(reader_, id, opid)) known = r;
  }
  if (known) {
    std::int64_t r = *known;
    if (live->committed >= r) return reply.ok({{"rev", r}, {"duplicate", true}});
    commit(reply, [](store::Db&) { return json(); }, [reply, r](json) { reply.ok({{"rev", r}, {"duplicate", true}}); });
    return;
  }
  ot::Op op;
  try {
    op = ot::parse(op_json);
  } catch (const ot::OpError& e) {
    fail("bad_op", e.what());
  }
  if (ot::is_noop(op)) fail("bad_op", "an op must insert or delete something");
  const drafting::HistoryEntry* entry;
  try {
    entry = &d.submit(op, base, opid, author, c.conn->id());
  } catch (const drafting::SubmitError& e) {
    fail(e.code, e.what());
  }
  ops_++;
  std::int64_t rev = entry->rev;
  std::string op_text(entry->op_json());
  bool snapshot = rev - live->snapshot_rev >= Documents::kSnapshotEvery;
  std::string snap_text = snapshot ? d.text() : std::string();
  if (snapshot) live->snapshot_rev = rev;
  bool original = live->lang == live->original_lang;
  bool check_stale = original && !clauses_without_current_.count(live->clause);
  std::int64_t clause = live->clause;
  std::string lang = live->lang;
  commit(
      reply,
      [=, op_text = std::move(op_text), snap_text = std::move(snap_text), lang = std::move(lang)](store::Db& db) {
        static const std::string insert_op = "INSERT INTO doc_ops(doc, rev, op, opid, author, at) VALUES(?,?,?,?,?,?)";
        db.prepare(insert_op)
            .bind(1, id).bind(2, rev).bind(3, op_text).bind(4, opid).bind(5, author).bind(6, now_s()).run();
        if (snapshot) db.prepare("INSERT OR REPLACE INTO doc_snapshots(doc, rev, text) VALUES(?,?,?)").bind(1, id).bind(2, rev).bind(3, snap_text).run();
        if (check_stale)
          db.prepare("UPDATE docs SET status='stale' WHERE clause=? AND lang<>? AND status='current'").bind(1, clause).bind(2, lang).run();
        return json();
      },
      [this, reply, id, rev, check_stale](json) {
        LiveDoc* l = docs_.get(reader_, id);
        if (l->committed < rev && rev <= l->doc->rev()) l->committed = rev;
        dirty_docs_.insert(id);
        if (check_stale) mark_translations_stale(id);
        json re = reply.re();
        reply.emit([this, id, rev, re](ConnState& cs) {
          auto it = cs.docs.find(id);
          if (it != cs.docs.end()) {
            // Others' ops that precede this one go first, so the client sees revision order.
            flush_doc_sub(cs, id, it->second, rev - 1, false);
            if (it->second.sent_rev < rev) it->second.sent_rev = rev;
          }
          push_raw(cs, std::make_shared<const std::string>("{\"type\":\"ok\",\"re\":" + re.dump() +
                                                           ",\"rev\":" + std::to_string(rev) + "}"));
        });
           },
      [this, id] { resync_doc(id); });
  (void)c;
}

void Hub::resync_doc(std::int64_t id) {
  auto it = docs_.all().find(id);
  if (it == docs_.all().end()) return;
  auto subscribers = it->second->subscribers;
  docs_.forget(id);
  LiveDoc* live = docs_.get(reader_, id);
  if (!live) return;
  live->subscribers = subscribers;
  for (auto conn : subscribers) {
    auto* c = state(conn);
    if (!c) continue;
    auto sit = c->docs.find(id);
    if (sit == c->docs.end()) continue;
    sit->second.sent_rev = live->committed;
    push(*c, {{"type", "doc.reset"}, {"seq", ++sit->second.seq}, {"doc", id}, {"rev", live->committed},
              {"text", live->doc->text()}, {"reason", "storage"}});
  }
}

void Hub::flush_doc_sub(ConnState& c, std::int64_t id, DocSub& sub, std::int64_t upto, bool stop_at_own) {
  LiveDoc* live = docs_.get(reader_, id);
  if (!live) return;
  auto& d = *live->doc;
  if (upto > live->committed) upto = live->committed;
  if (sub.sent_rev >= upto) return;
  if (sub.sent_rev < d.oldest_rev()) {
    // Too far behind the in-memory history: send the text instead of the ops.
    json reset = {{"type", "doc.reset"}, {"seq", ++sub.seq}, {"doc", id}, {"rev", upto},
                  {"text", Documents::text_at(reader_, id, upto)}, {"reason", "behind"}};
    sub.sent_rev = upto;
    push(c, reset);
    return;
  }
  std::string ops;
  std::int64_t r = sub.sent_rev + 1;
  std::uint64_t me = c.conn->id();
  for (; r <= upto; ++r) {
    const auto* e = d.entry(r);
    if (e->origin == me) {
      if (stop_at_own) break;  // its ack has not gone out yet; the ack flushes what precedes it
      continue;
    }
    if (!ops.empty()) ops += ',';
    ops += e->wire;
  }
  sub.sent_rev = r - 1;
  if (ops.empty()) return;
  auto frame = std::make_shared<std::string>();
  frame->reserve(ops.size() + 64);
  *frame += "{\"type\":\"doc.ops\",\"seq\":" + std::to_string(++sub.seq) + ",\"doc\":" + std::to_string(id) + ",\"ops\":[";
  *frame += ops;
  *frame += "]}";
  push_raw(c, std::move(frame));
}

void Hub::flush_docs() {
  for (auto id : dirty_docs_) {
    auto it = docs_.all().find(id);
    if (it == docs_.all().end()) continue;
    LiveDoc& live = *it->second;
    const auto& d = *live.doc;
    const std::int64_t upto = live.committed;
    auto subs = live.subscribers;
    // The ops after the earliest revision a subscriber is at, serialised once: a subscriber at
    // revision `from` gets the tail of `body` that starts at at[from - first]. Those with their
    // own ops in its range (an ack still waiting for an earlier reply) go the long way.
    std::int64_t first = upto;
    for (auto conn : subs) {
      auto* c = state(conn);
      if (!c) continue;
      auto sit = c->docs.find(id);
      if (sit == c->docs.end()) continue;
      std::int64_t from = sit->second.sent_rev;
      if (from < upto && from >= d.oldest_rev()) first = std::min(first, from);
    }
    std::string body;
    std::vector<std::size_t> at;
    std::unordered_map<std::uint64_t, std::int64_t> last_own;  // origin → its newest op in the range
    if (first < upto) {
      at.reserve(static_cast<std::size_t>(upto - first));
      for (std::int64_t r = first + 1; r <= upto; ++r) {
        const auto* e = d.entry(r);
        at.push_back(body.size());
        body += e->wire;
        body += ',';
        last_own[e->origin] = r;
      }
    }
    const std::string doc_s = std::to_string(id);
    for (auto conn : subs) {
      auto* c = state(conn);
      if (!c) continue;
      auto sit = c->docs.find(id);
      if (sit == c->docs.end()) continue;
      DocSub& sub = sit->second;
      std::int64_t from = sub.sent_rev;
      if (from >= upto) continue;
      auto own = last_own.find(conn);
      if (from < first || (own != last_own.end() && own->second > from)) {
        flush_doc_sub(*c, id, sub, upto, true);
        continue;
      }
      const std::size_t off = at[static_cast<std::size_t>(from - first)];
      std::string frame;
      frame.reserve(body.size() - off + 64);
      frame += "{\"type\":\"doc.ops\",\"seq\":";
      frame += std::to_string(++sub.seq);
      frame += ",\"doc\":";
      frame += doc_s;
      frame += ",\"ops\":[";
      frame.append(body, off, body.size() - off - 1);  // without the trailing comma
      frame += "]}";
      sub.sent_rev = upto;
      push_raw(*c, std::make_shared<const std::string>(std::move(frame)));
    }
  }
  dirty_docs_.clear();
  for (auto id : dirty_cursors_) broadcast_cursors(id);
  dirty_cursors_.clear();
}

void Hub::on_doc_cursor(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t id = id_of(m, "doc");
  auto num = [&](const char* f) {
    auto it = m.find(f);
    if (it == m.end() || !it->is_number_integer() || it->get<std::int64_t>() < 0)
      fail("bad_message", std::string("field '") + f + "' must be a position (an integer ≥ 0)");
    return it->get<std::int64_t>();
  };
  std::int64_t rev = num("rev"), anchor = num("anchor"), head = num("head");
  auto sit = c.docs.find(id);
  if (sit == c.docs.end()) fail("not_found", "open the document before sending a cursor");
  LiveDoc* live = docs_.get(reader_, id);
  auto& d = *live->doc;
  if (rev > live->committed) fail("bad_revision", "cursor revision is ahead of the document");
  // Bring the positions to the current committed revision (others' ops only: the client's
  // own pending ops are already in its coordinates).
  std::size_t a = static_cast<std::size_t>(anchor), h = static_cast<std::size_t>(head);
  if (rev >= d.oldest_rev()) {
    for (std::int64_t r = rev + 1; r <= live->committed; ++r) {
      const auto* e = d.entry(r);
      if (e->origin == c.conn->id()) continue;
      a = ot::transform_position(a, e->op);
      h = ot::transform_position(h, e->op);
    }
  }
  cursors_[id][c.conn->id()] = {{"delegate", c.delegate}, {"name", c.name}, {"anchor", a}, {"head", h},
                                {"rev", live->committed}};
  dirty_cursors_.insert(id);
  reply.ok();
}

void Hub::broadcast_cursors(std::int64_t id) {
  auto it = docs_.all().find(id);
  if (it == docs_.all().end()) return;
  auto& live = *it->second;
  auto& cur = cursors_[id];
  for (auto conn : live.subscribers) {
    auto* c = state(conn);
    if (!c) continue;
    auto sit = c->docs.find(id);
    if (sit == c->docs.end()) continue;
    json list = json::array();
    for (auto& [other, cj] : cur) {
      if (other == conn) continue;
      json x = cj;
      // Transform from the cursor's revision to what this subscriber has seen.
      std::size_t a = x["anchor"].get<std::size_t>(), h = x["head"].get<std::size_t>();
      for (std::int64_t r = x["rev"].get<std::int64_t>() + 1; r <= sit->second.sent_rev; ++r) {
        const auto* e = live.doc->entry(r);
        if (!e) break;
        a = ot::transform_position(a, e->op);
        h = ot::transform_position(h, e->op);
      }
      x["anchor"] = a;
      x["head"] = h;
      x["rev"] = sit->second.sent_rev;
      list.push_back(x);
    }
    push(*c, {{"type", "doc.cursors"}, {"seq", ++sit->second.seq}, {"doc", id}, {"cursors", list}});
  }
}

}  // namespace plenary::app
