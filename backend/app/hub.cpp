#include "app/hub.hpp"
#include "app/prometheus.hpp"

#include <chrono>
#include <cmath>
#include <cstring>
#include <future>
#include <sqlite3.h>
#include <sstream>

#include "app/log.hpp"

#include "protocol/errors.hpp"
#include "app/translation.hpp"
#include "app/translator_impl.hpp"

namespace plenary::app {

using protocol::fail;

// ---- Reply -------------------------------------------------------------------------------

namespace {
// The type and arrival time of each message awaiting its reply, by (connection, slot), for the
// log. Strand only, like the replies.
struct Pending {
  std::string type;
  std::chrono::steady_clock::time_point start;
};
std::map<std::pair<std::uint64_t, std::uint64_t>, Pending>& pending_requests() {
  static std::map<std::pair<std::uint64_t, std::uint64_t>, Pending> p;
  return p;
}

// Logged: every error, the session and organiser actions, and anything slower than a second.
void log_outcome(Hub* hub, std::uint64_t conn, std::uint64_t slot, const char* code) {
  static const std::set<std::string> kLogged = {"login", "register", "logout", "session.revoke", "delegate.accredit",
                                                "delegate.reject", "delegate.roles", "access_code.create", "declaration.phase",
                                                "poll.open", "poll.close", "poll.publish"};
  Pending p;
  if (auto it = pending_requests().find({conn, slot}); it != pending_requests().end()) {
    p = std::move(it->second);
    pending_requests().erase(it);
  }
  bool is_error = std::strcmp(code, "ok") != 0;
  double ms = p.type.empty() ? 0 : std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - p.start).count();
  if (!is_error && ms < 1000 && !kLogged.count(p.type)) return;
  json f = {{"conn", conn}, {"type", p.type}, {"code", code}, {"ms", std::round(ms * 10) / 10}};
  if (auto* c = hub->state(conn)) {
    f["remote"] = c->conn->remote();
    if (c->delegate) f["delegate"] = c->delegate;
  }
  if (is_error && std::strcmp(code, "internal") == 0) log::error("request", std::move(f));
  else if (is_error || ms >= 1000) log::warn("request", std::move(f));
  else log::info("request", std::move(f));
}
}  // namespace

void Reply::ok(json fields) const {
  log_outcome(hub_, conn_, slot_, "ok");
  fields["type"] = "ok";
  fields["re"] = re_;
  auto frame = std::make_shared<const std::string>(fields.dump(-1, ' ', false, json::error_handler_t::replace));
  hub_->release(conn_, slot_, [hub = hub_, frame](ConnState& c) { hub->push_raw(c, frame); });
}

void Reply::error(const std::string& code, const std::string& message) const {
  log_outcome(hub_, conn_, slot_, code.c_str());
  json e = {{"type", "error"}, {"re", re_}, {"code", code}, {"message", message}};
  auto frame = std::make_shared<const std::string>(e.dump(-1, ' ', false, json::error_handler_t::replace));
  hub_->release(conn_, slot_, [hub = hub_, frame](ConnState& c) { hub->push_raw(c, frame); });
}

void Reply::emit(std::function<void(ConnState&)> fn) const { hub_->release(conn_, slot_, std::move(fn)); }

// ---- Hub ---------------------------------------------------------------------------------

Hub::Hub(boost::asio::io_context& ioc, const net::Config& config, store::Committer& committer)
    : ioc_(ioc),
      strand_(boost::asio::make_strand(ioc)),
      config_(config),
      committer_(committer),
      reader_(config.db, store::Db::Mode::ReadOnly),
      tick_(strand_),
      sweep_(strand_),
      translator_(make_translator()) {
  handlers_ = {
      {"hello", &Hub::on_hello},
      {"login", &Hub::on_login},
      {"register", &Hub::on_register},
      {"logout", &Hub::on_logout},
      {"forum.list", &Hub::on_forum_list},
      {"forum.get", &Hub::on_forum_get},
      {"room.join", &Hub::on_room_join},
      {"room.leave", &Hub::on_room_leave},
      {"delegate.list", &Hub::on_delegate_list},
      {"delegate.accredit", &Hub::on_delegate_accredit},
      {"delegate.reject", &Hub::on_delegate_reject},
      {"delegate.roles", &Hub::on_delegate_roles},
      {"access_code.create", &Hub::on_access_code_create},
      {"session.revoke", &Hub::on_session_revoke},
      {"declaration.create", &Hub::on_declaration_create},
      {"declaration.list", &Hub::on_declaration_list},
      {"declaration.get", &Hub::on_declaration_get},
      {"declaration.unsubscribe", &Hub::on_declaration_unsubscribe},
      {"declaration.phase", &Hub::on_declaration_phase},
      {"section.insert", &Hub::on_section_insert},
      {"clause.insert", &Hub::on_clause_insert},
      {"clause.move", &Hub::on_clause_move},
      {"clause.delete", &Hub::on_clause_delete},
      {"doc.open", &Hub::on_doc_open},
      {"doc.op", &Hub::on_doc_op},
      {"doc.close", &Hub::on_doc_close},
      {"doc.cursor", &Hub::on_doc_cursor},
      {"translation.diff", &Hub::on_translation_diff},
      {"translation.confirm", &Hub::on_translation_confirm},
      {"translation.machine", &Hub::on_translation_machine},
      // Amendments and versions (amendment_handlers.cpp, version_handlers.cpp)
      {"amendment.table", &Hub::on_amendment_table},
      {"amendment.edit", &Hub::on_amendment_edit},
      {"amendment.transition", &Hub::on_amendment_transition},
      {"amendment.composite", &Hub::on_amendment_composite},
      {"amendment.sponsor.invite", &Hub::on_amendment_sponsor_invite},
      {"amendment.sponsor.confirm", &Hub::on_amendment_sponsor_confirm},
      {"amendment.sponsor.withdraw", &Hub::on_amendment_sponsor_withdraw},
      {"amendment.translate", &Hub::on_amendment_translate},
      {"amendment.list", &Hub::on_amendment_list},
      {"amendment.get", &Hub::on_amendment_get},
      {"amendment.order", &Hub::on_amendment_order},
      {"amendment.deadline", &Hub::on_amendment_deadline},
      {"amendment.resolve", &Hub::on_amendment_resolve},
      {"declaration.versions", &Hub::on_declaration_versions},
      {"declaration.version", &Hub::on_declaration_version},
      {"declaration.compare", &Hub::on_declaration_compare},
      // -- end amendments
      // Polls and ballots (poll_handlers.cpp)
      {"poll.create", &Hub::on_poll_create},
      {"poll.open", &Hub::on_poll_open},
      {"poll.close", &Hub::on_poll_close},
      {"poll.publish", &Hub::on_poll_publish},
      {"poll.get", &Hub::on_poll_get},
      {"poll.list", &Hub::on_poll_list},
      {"ballot.cast", &Hub::on_ballot_cast},
      {"proxy.grant", &Hub::on_proxy_grant},
      {"poll.missing", &Hub::on_poll_missing},
      // -- end polls
      // The floor and the participation report (floor_handlers.cpp, report_handlers.cpp)
      {"agenda.set", &Hub::on_agenda_set},
      {"agenda.get", &Hub::on_agenda_get},
      {"agenda.current", &Hub::on_agenda_current},
      {"speakers.get", &Hub::on_speakers_get},
      {"speakers.request", &Hub::on_speakers_request},
      {"speakers.withdraw", &Hub::on_speakers_withdraw},
      {"speakers.next", &Hub::on_speakers_next},
      {"speakers.skip", &Hub::on_speakers_skip},
      {"speakers.finish", &Hub::on_speakers_finish},
      {"speakers.balance", &Hub::on_speakers_balance},
      {"speakers.limit", &Hub::on_speakers_limit},
      {"report.participation", &Hub::on_report_participation},
      // -- end floor
      // Signatories (signature_handlers.cpp)
      {"signature.add", &Hub::on_signature_add},
      {"signature.withdraw", &Hub::on_signature_withdraw},
      {"signature.list", &Hub::on_signature_list},
      {"signature.close", &Hub::on_signature_close},
      {"signature.reopen", &Hub::on_signature_reopen},
      // -- end signatories
  };
}

Hub::~Hub() { workers_.join(); }

void Hub::start() {
  boost::asio::post(strand_, [this] {
    schedule_tick();
    schedule_sweep();
  });
}

void Hub::schedule_tick() {
  tick_.expires_after(std::chrono::milliseconds(config_.tick_ms));
  tick_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopping_) return;
    flush_docs();
    flush_presence();
    schedule_tick();
  });
}

void Hub::schedule_sweep() {
  sweep_.expires_after(std::chrono::seconds(15));
  sweep_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopping_) return;
    expire_sessions();
    schedule_sweep();
  });
}

void Hub::drain() {
  stopping_ = true;
  boost::asio::post(strand_, [this] {
    tick_.cancel();
    sweep_.cancel();
  });
  // Pending commits finish and their acknowledgements are queued before the caller stops I/O.
  for (int i = 0; i < 500 && in_flight_ > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::promise<void> flushed;
  boost::asio::post(strand_, [this, &flushed] {
    flush_docs();
    flushed.set_value();
  });
  flushed.get_future().wait_for(std::chrono::seconds(2));
}

ConnState* Hub::state(std::uint64_t conn) {
  auto it = conns_.find(conn);
  return it == conns_.end() ? nullptr : &it->second;
}

void Hub::to_strand(std::function<void()> fn) {
  bool post;
  {
    std::lock_guard lock(inbox_mu_);
    post = inbox_.empty();  // else a drain is already posted and will take this one too
    inbox_.push_back(std::move(fn));
  }
  if (post) boost::asio::post(strand_, [this] { drain_inbox(); });
}

void Hub::drain_inbox() {
  // The two vectors trade places, so both keep their capacity (no regrowth per batch).
  thread_local std::vector<std::function<void()>> batch;
  {
    std::lock_guard lock(inbox_mu_);
    batch.swap(inbox_);
  }
  for (auto& fn : batch) {
    try {
      fn();
    } catch (const std::exception&) {
      errors_++;  // handlers answer their own errors; nothing escapes to stop the strand
    }
  }
  batch.clear();
}

void Hub::connection_opened(std::shared_ptr<Connection> conn) {
  connections_++;
  to_strand([this, conn = std::move(conn)]() mutable {
    auto id = conn->id();
    log::info("connection.open", {{"conn", id}, {"remote", conn->remote()}});
    conns_[id].conn = std::move(conn);
  });
}

void Hub::connection_closed(std::uint64_t id) {
  connections_--;
  to_strand([this, id] {
    auto* c = state(id);
    if (!c) return;
    json f = {{"conn", id}};
    if (c->delegate) f["delegate"] = c->delegate;
    log::info("connection.close", std::move(f));
    auto rooms = c->rooms;
    for (auto& [room, seq] : rooms) leave_room(*c, room);
    for (auto& [doc, sub] : c->docs) {
      if (auto it = docs_.all().find(doc); it != docs_.all().end()) it->second->subscribers.erase(id);
      auto cit = cursors_.find(doc);
      if (cit != cursors_.end() && cit->second.erase(id)) dirty_cursors_.insert(doc);
    }
    conns_.erase(id);
  });
}

void Hub::frame_rejected(std::uint64_t id, std::string code, std::string message) {
  messages_in_++;
  to_strand([this, id, code = std::move(code), message = std::move(message)] {
    auto* c = state(id);
    if (!c) return;
    errors_++;
    Reply(this, id, c->next_slot++, nullptr).error(code, message);
  });
}

void Hub::frame_received(std::uint64_t id, std::string text) {
  messages_in_++;
  // Parse off the strand: sessions run on their own strands, in parallel.
  json msg;
  std::string parse_error;
  try {
    msg = json::parse(text);
  } catch (const json::exception& e) {  // parse errors and number overflows alike
    parse_error = e.what();
  }
  to_strand([this, id, msg = std::move(msg), parse_error = std::move(parse_error)]() mutable {
    auto* c = state(id);
    if (!c) return;
    if (c->busy) {
      c->backlog.emplace_back(std::move(msg), std::move(parse_error));
      return;
    }
    process(*c, std::move(msg), parse_error);
  });
}

void Hub::process(ConnState& c, json msg, const std::string& parse_error) {
  std::uint64_t id = c.conn->id();
  std::uint64_t slot = c.next_slot++;
  json re = nullptr;
  if (msg.is_object()) {
    auto it = msg.find("id");
    if (it != msg.end() && (it->is_string() || it->is_number_integer())) re = *it;
  }
  Reply reply(this, id, slot, re);
  if (msg.is_object())
    if (auto t = msg.find("type"); t != msg.end() && t->is_string())
      pending_requests()[{id, slot}] = Pending{t->get<std::string>(), std::chrono::steady_clock::now()};
  if (!parse_error.empty()) {
    errors_++;
    return reply.error("bad_json", "the frame is not valid JSON: " + parse_error);
  }
  if (!msg.is_object()) return reply.error("bad_message", "a message must be a JSON object");
  if (re.is_null()) return reply.error("bad_message", "field 'id' (a string or integer) is required");
  auto t = msg.find("type");
  if (t == msg.end() || !t->is_string()) return reply.error("bad_message", "field 'type' (a string) is required");
  const std::string& type = t->get_ref<const std::string&>();
  if (type == "login" || type == "register" || type == "logout" || type == "hello") {
    c.busy = true;
    c.barrier_slot = slot;
  }
  try {
    dispatch(c, type, msg, reply);
  } catch (const protocol::Error& e) {
    errors_++;
    reply.error(e.code(), e.what());
  } catch (const store::DbError& e) {
    errors_++;
    reply.error((e.code() & 0xff) == SQLITE_FULL ? "storage_full" : "unavailable", std::string("storage error: ") + e.what());
  } catch (const std::exception& e) {
    errors_++;
    reply.error("internal", e.what());
  }
}

void Hub::dispatch(ConnState& c, const std::string& type, const json& msg, const Reply& reply) {
  auto it = handlers_.find(type);
  if (it == handlers_.end()) fail("unknown_type", "unknown message type '" + type + "'");
  (this->*(it->second))(c, msg, reply);
}

void Hub::release(std::uint64_t conn, std::uint64_t slot, std::function<void(ConnState&)> fn) {
  auto* c = state(conn);
  if (!c) return;
  if (slot != c->first_unsent) {
    c->ready[slot] = std::move(fn);  // an earlier reply is still pending: wait for it
    return;
  }
  // Its turn (the usual case): send it, then every reply that was waiting for it.
  for (auto f = std::move(fn);;) {
    std::uint64_t done = c->first_unsent++;
    f(*c);
    c = state(conn);
    if (!c) return;
    if (c->busy && done == c->barrier_slot) {
      c->busy = false;
      while (!c->busy && !c->backlog.empty()) {
        auto [m, err] = std::move(c->backlog.front());
        c->backlog.pop_front();
        process(*c, std::move(m), err);
        c = state(conn);
        if (!c) return;
      }
    }
    if (c->ready.empty() || c->ready.begin()->first != c->first_unsent) return;
    f = std::move(c->ready.begin()->second);
    c->ready.erase(c->ready.begin());
  }
}

void Hub::push(ConnState& c, json msg) {
  push_raw(c, std::make_shared<const std::string>(msg.dump(-1, ' ', false, json::error_handler_t::replace)));
}

std::shared_ptr<const std::string> Hub::with_seq(std::uint64_t seq, const std::string& body) {
  auto frame = std::make_shared<std::string>();
  frame->reserve(body.size() + 24);
  frame->append("{\"seq\":").append(std::to_string(seq)).append(body.size() > 2 ? "," : "");
  frame->append(body, 1);
  return frame;
}

void Hub::push_raw(ConnState& c, std::shared_ptr<const std::string> frame) {
  messages_out_++;
  c.conn->send(std::move(frame));
}

void Hub::commit(const Reply& reply, store::Committer::Work work, std::function<void(json)> then,
                 std::function<void()> on_fail) {
  in_flight_++;
  committer_.submit(std::move(work), [this, reply, then = std::move(then), on_fail = std::move(on_fail)](store::Outcome o) mutable {
    // The Committer calls this for each mutation of a batch in turn; the batch reaches the
    // strand in one drain.
    to_strand([this, reply, then = std::move(then), on_fail = std::move(on_fail), o = std::move(o)]() mutable {
      in_flight_--;
      if (!o.ok) {
        errors_++;
        if (o.code == "unavailable" || o.code == "storage_full" || o.code == "internal")
          log::error("commit.failed", {{"conn", reply.conn()}, {"code", o.code}, {"error", o.error}});
        if (on_fail) on_fail();
        std::string code = o.code.empty() ? "unavailable" : o.code;
        return reply.error(code, o.error);
      }
      try {
        then(std::move(o.value));
      } catch (const protocol::Error& e) {
        reply.error(e.code(), e.what());
      } catch (const std::exception& e) {
        reply.error("internal", e.what());
      }
    });
  });
}

void Hub::offload(std::function<json()> fn, std::function<void(json)> then) {
  in_flight_++;
  boost::asio::post(workers_, [this, fn = std::move(fn), then = std::move(then)]() mutable {
    json result;
    try {
      result = fn();
    } catch (const std::exception& e) {
      result = {{"__error", e.what()}};
    }
    boost::asio::post(strand_, [this, then = std::move(then), result = std::move(result)]() mutable {
      in_flight_--;
      then(std::move(result));
    });
  });
}

void Hub::require_login(const ConnState& c) const {
  if (c.delegate == 0) fail("unauthenticated", "log in first");
}
void Hub::require_accredited(const ConnState& c) const {
  require_login(c);
  if (c.status != "accredited")
    fail("not_accredited", "your registration is " + c.status + "; an organiser must accredit you first");
}
void Hub::require_role(const ConnState& c, std::initializer_list<const char*> roles) const {
  require_accredited(c);
  for (const char* r : roles)
    if (c.has(r)) return;
  std::string names;
  for (const char* r : roles) names += std::string(names.empty() ? "" : " or ") + r;
  fail("not_allowed", "this needs the role " + names);
}
void Hub::require_forum(const ConnState& c, std::int64_t forum) const {
  if (c.forum != forum) fail("not_allowed", "you are logged in to another forum");
}

std::string Hub::health_json() const {
  json h = {{"status", stopping_ ? "stopping" : "ok"}, {"connections", connections_.load()}};
  return h.dump();
}

std::string Hub::metrics_text() {
  std::ostringstream o;
  auto metric = [&](const char* name, const char* type, const char* help, auto value) {
    prometheus_metric(o, name, type, help, value);
  };
  metric("plenary_connections", "gauge", "Open WebSocket connections.", connections_.load());
  metric("plenary_messages_in_total", "counter", "Client frames received.", messages_in_.load());
  metric("plenary_messages_out_total", "counter", "Frames sent to clients.", messages_out_.load());
  metric("plenary_errors_total", "counter", "Error replies sent.", errors_.load());
  metric("plenary_ops_total", "counter", "Text operations applied.", ops_.load());
  metric("plenary_commit_queue_depth", "gauge", "Mutations waiting for the group commit.", committer_.queue_depth());
  o << "# HELP plenary_commit_seconds Group commit latency.\n# TYPE plenary_commit_seconds histogram\n";
  std::uint64_t cum = 0;
  for (size_t i = 0; i < std::size(store::Committer::kBuckets); ++i) {
    cum += committer_.bucket(i);
    o << "plenary_commit_seconds_bucket{le=\"" << store::Committer::kBuckets[i] / 1e6 << "\"} " << cum << '\n';
  }
  cum += committer_.bucket(std::size(store::Committer::kBuckets));
  o << "plenary_commit_seconds_bucket{le=\"+Inf\"} " << cum << '\n';
  o << "plenary_commit_seconds_sum " << committer_.latency_sum_us() / 1e6 << '\n';
  o << "plenary_commit_seconds_count " << committer_.commits() << '\n';
  metric("plenary_mutations_total", "counter", "Mutations committed.", committer_.mutations());
  // The hub's own state is read on its strand (bounded wait: a stuck hub leaves these out).
  auto snap = std::make_shared<std::promise<json>>();
  auto ready = snap->get_future();
  boost::asio::post(strand_, [this, snap] {
    json s;
    std::size_t members = 0;
    for (auto& [room, conns] : room_conns_) members += conns.size();
    s["rooms"] = room_conns_.size();
    s["members"] = members;
    s["docs"] = docs_.all().size();
    s["pending"] = dirty_docs_.size();
    try {
      auto count = [this](const char* sql) {
        auto& st = reader_.prepare(sql);
        std::int64_t n = st.step() ? st.int64(0) : 0;
        st.reset();
        return n;
      };
      s["ballots"] = count("SELECT count(*) FROM poll_voted");
      s["open_polls"] = count("SELECT count(*) FROM polls WHERE state='open'");
    } catch (const std::exception&) {}
    snap->set_value(std::move(s));
  });
  if (ready.wait_for(std::chrono::seconds(2)) == std::future_status::ready) {
    json s = ready.get();
    metric("plenary_rooms", "gauge", "Rooms with at least one connection in them.", s["rooms"].get<std::size_t>());
    metric("plenary_room_members", "gauge", "Connections in rooms (one per room joined).", s["members"].get<std::size_t>());
    metric("plenary_docs_open", "gauge", "Documents held in memory.", s["docs"].get<std::size_t>());
    metric("plenary_fanout_pending_docs", "gauge", "Documents with ops waiting for the next fan-out tick.", s["pending"].get<std::size_t>());
    if (s.contains("ballots")) {
      metric("plenary_ballots_total", "counter", "Ballots stored (voting units that have voted).", s["ballots"].get<std::int64_t>());
      metric("plenary_polls_open", "gauge", "Polls open now.", s["open_polls"].get<std::int64_t>());
    }
  }
  return o.str();
}

}  // namespace plenary::app
