// The Hub: the application behind every WebSocket. It owns the live state (connections, who
// is in which room, open documents, subscriptions) and runs every message handler on one
// strand, in order, so the domain needs no locks ("one writer per room").
// Invariants:
// - every client frame gets exactly one answer, and answers leave a connection in the order
//   its frames arrived (replies wait in per-connection slots);
// - a mutation is acknowledged and broadcast only after the Committer has committed it;
// - authorisation is checked in every handler before anything is read or written;
// - on a document subscription, ops and the acks of the client's own ops arrive in revision order.
#pragma once
#include <atomic>
#include <boost/asio.hpp>
#include <functional>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "app/connection.hpp"
#include "app/documents.hpp"
#include "app/throttle.hpp"
#include "core/signatures/endorsement.hpp"
#include "net/config.hpp"
#include "store/committer.hpp"
#include "store/db.hpp"

namespace plenary::translate { class Translator; }

namespace plenary::app {

using json = nlohmann::json;

struct DocSub {
  std::uint64_t seq = 0;
  std::int64_t sent_rev = 0;  // the client has every op up to here (pushed or acked)
};

struct ConnState;
struct ConnState {
  std::shared_ptr<Connection> conn;
  std::string lang = "en";
  // Identity, once logged in.
  std::int64_t delegate = 0, forum = 0;
  std::string session_hash;
  std::int64_t expires_at = 0;
  std::set<std::string> roles;
  std::string status;  // registered | accredited | rejected
  std::string name;
  std::int64_t organisation = 0;
  // Ordered replies.
  std::uint64_t next_slot = 0, first_unsent = 0;
  std::map<std::uint64_t, std::function<void(ConnState&)>> ready;
  // While a login/register/logout is pending, later frames wait so they see its outcome.
  bool busy = false;
  std::uint64_t barrier_slot = 0;
  std::deque<std::pair<nlohmann::json, std::string>> backlog;  // (message, parse error)
  // Subscriptions.
  std::map<std::int64_t, std::uint64_t> rooms;         // room → seq
  std::map<std::int64_t, DocSub> docs;                 // doc → subscription
  std::map<std::int64_t, std::uint64_t> declarations;  // declaration → seq
  std::uint64_t console_seq = 0;
  bool has(const char* role) const { return roles.count(role) > 0; }
};

class Hub;
struct SignatureRequest;  // signature_handlers.cpp

// The answer to one client message; call exactly one of ok/error/emit, on the Hub's strand.
class Reply {
public:
  Reply(Hub* hub, std::uint64_t conn, std::uint64_t slot, json re) : hub_(hub), conn_(conn), slot_(slot), re_(std::move(re)) {}
  void ok(json fields = json::object()) const;
  void error(const std::string& code, const std::string& message) const;
  // Sends via a custom emitter when this reply's turn comes (document acks).
  void emit(std::function<void(ConnState&)> fn) const;
  std::uint64_t conn() const { return conn_; }
  const json& re() const { return re_; }
private:
  Hub* hub_;
  std::uint64_t conn_, slot_;
  json re_;
};

class Hub {
public:
  Hub(boost::asio::io_context& ioc, const net::Config& config, store::Committer& committer);
  ~Hub();

  // Called by sessions from any thread.
  void connection_opened(std::shared_ptr<Connection> conn);
  void connection_closed(std::uint64_t id);
  void frame_received(std::uint64_t id, std::string text);
  void frame_rejected(std::uint64_t id, std::string code, std::string message);
  std::string health_json() const;
  std::string metrics_text();

  void start();
  void schedule_tick();
  void schedule_sweep();
  // Stops timers and waits (on the caller's thread) until pending commits have completed.
  void drain();

  // Internals used by Reply and handlers (strand only).
  void release(std::uint64_t conn, std::uint64_t slot, std::function<void(ConnState&)> fn);
  void push(ConnState& c, json msg);
  void push_raw(ConnState& c, std::shared_ptr<const std::string> frame);
  // One connection's copy of a message serialised once for many (`body`, a JSON object's text)
  // with that connection's own `seq` spliced in front.
  static std::shared_ptr<const std::string> with_seq(std::uint64_t seq, const std::string& body);
  ConnState* state(std::uint64_t conn);

private:
  using Handler = void (Hub::*)(ConnState&, const json&, const Reply&);
  void dispatch(ConnState& c, const std::string& type, const json& msg, const Reply& reply);
  void process(ConnState& c, json msg, const std::string& parse_error);
  // Runs work in the Committer; on success `then` runs on the strand, on failure the reply errs.
  void commit(const Reply& reply, store::Committer::Work work, std::function<void(json)> then,
              std::function<void()> on_fail = {});
  // A document whose in-memory state ran ahead of a failed commit: reload it, resync subscribers.
  void resync_doc(std::int64_t doc);
  // Runs fn on the worker pool (password hashing, translation), then `then` on the strand.
  void offload(std::function<json()> fn, std::function<void(json)> then);

  // Authorisation helpers: each throws protocol::Error.
  void require_login(const ConnState& c) const;
  void require_accredited(const ConnState& c) const;
  void require_role(const ConnState& c, std::initializer_list<const char*> roles) const;
  void require_forum(const ConnState& c, std::int64_t forum) const;
  // The reading half of declaration.get and signature.list: the logged-in reader of the
  // declaration's forum, subscribed when the message asks. Returns the id and its phase.
  std::pair<std::int64_t, std::string> open_declaration(ConnState& c, const json& m);

  // Session (session_handlers.cpp)
  void on_hello(ConnState&, const json&, const Reply&);
  void on_login(ConnState&, const json&, const Reply&);
  void on_register(ConnState&, const json&, const Reply&);
  void on_logout(ConnState&, const json&, const Reply&);
  void start_session(const Reply& reply, std::int64_t delegate, std::int64_t forum, std::string event_type);
  void attach_identity(ConnState& c, std::int64_t delegate, const std::string& session_hash, std::int64_t expires);
  void expire_sessions();
  void close_delegate(std::int64_t delegate, const std::string& reason);

  // Forum (forum_handlers.cpp)
  void on_forum_list(ConnState&, const json&, const Reply&);
  void on_forum_get(ConnState&, const json&, const Reply&);
  void on_room_join(ConnState&, const json&, const Reply&);
  void on_room_leave(ConnState&, const json&, const Reply&);
  void on_delegate_list(ConnState&, const json&, const Reply&);
  void on_delegate_accredit(ConnState&, const json&, const Reply&);
  void on_delegate_reject(ConnState&, const json&, const Reply&);
  void on_delegate_roles(ConnState&, const json&, const Reply&);
  void on_access_code_create(ConnState&, const json&, const Reply&);
  void on_session_revoke(ConnState&, const json&, const Reply&);
  void leave_room(ConnState& c, std::int64_t room);
  // Presence: joins and leaves are recorded per room and pushed once per tick (flush_presence).
  struct RoomPresence;  // who is in a room and the changes not yet pushed (forum_handlers.cpp)
  RoomPresence& room_presence(std::int64_t room);
  void flush_presence();
  std::map<std::int64_t, std::shared_ptr<RoomPresence>> presence_;
  std::set<std::int64_t> dirty_presence_;
  void notify_accreditation(std::int64_t forum, std::int64_t delegate);
  void refresh_identity(std::int64_t delegate);
  // The forum of a delegate an organiser acts on; throws unless the caller organises it.
  std::int64_t organised_forum_of(const ConnState& c, std::int64_t delegate);
  // Commits an organiser's change to one delegate (`write` records its own event), then
  // refreshes the delegate's live identity, runs `after`, replies with the delegate and
  // tells the forum's organisers.
  void commit_delegate_change(const Reply& reply, std::int64_t forum, std::int64_t delegate,
                              std::function<void(store::Db&)> write,
                              std::function<void()> after = {});

  // Drafting (drafting_handlers.cpp, doc_handlers.cpp)
  void on_declaration_create(ConnState&, const json&, const Reply&);
  void on_declaration_list(ConnState&, const json&, const Reply&);
  void on_declaration_get(ConnState&, const json&, const Reply&);
  void on_declaration_unsubscribe(ConnState&, const json&, const Reply&);
  void on_declaration_phase(ConnState&, const json&, const Reply&);
  void on_section_insert(ConnState&, const json&, const Reply&);
  void on_clause_insert(ConnState&, const json&, const Reply&);
  void on_clause_move(ConnState&, const json&, const Reply&);
  void on_clause_delete(ConnState&, const json&, const Reply&);
  void on_doc_open(ConnState&, const json&, const Reply&);
  void on_doc_op(ConnState&, const json&, const Reply&);
  void on_doc_close(ConnState&, const json&, const Reply&);
  void on_doc_cursor(ConnState&, const json&, const Reply&);
  void on_translation_diff(ConnState&, const json&, const Reply&);
  void on_translation_confirm(ConnState&, const json&, const Reply&);
  void on_translation_machine(ConnState&, const json&, const Reply&);
  void flush_docs();
  void flush_doc_sub(ConnState& c, std::int64_t doc, DocSub& sub, std::int64_t upto, bool stop_at_own);
  void broadcast_declaration(std::int64_t declaration);
  void broadcast_doc_status(std::int64_t doc);
  void broadcast_cursors(std::int64_t doc);
  json declaration_json(std::int64_t declaration);
  void mark_translations_stale(std::int64_t original_doc);
  void submit_op(ConnState& c, const Reply& reply, std::int64_t doc, std::int64_t base, const json& op,
                 const std::string& opid, std::int64_t author);

  // Amendments and declaration versions (amendment_*.cpp, version_handlers.cpp)
  // Applies an amendment whose poll adopted it (state already `adopted` in storage): rebases
  // its op onto the clause's current text and submits it, or flags it conflicting. Called by
  // the polls code on the strand after the result is committed.
  void apply_adopted_amendment(std::int64_t amendment);
  void on_amendment_table(ConnState&, const json&, const Reply&);
  void on_amendment_edit(ConnState&, const json&, const Reply&);
  void on_amendment_transition(ConnState&, const json&, const Reply&);
  void on_amendment_composite(ConnState&, const json&, const Reply&);
  void on_amendment_sponsor_invite(ConnState&, const json&, const Reply&);
  void on_amendment_sponsor_confirm(ConnState&, const json&, const Reply&);
  void on_amendment_sponsor_withdraw(ConnState&, const json&, const Reply&);
  void on_amendment_translate(ConnState&, const json&, const Reply&);
  void on_amendment_list(ConnState&, const json&, const Reply&);
  void on_amendment_get(ConnState&, const json&, const Reply&);
  void on_amendment_order(ConnState&, const json&, const Reply&);
  void on_amendment_deadline(ConnState&, const json&, const Reply&);
  void on_amendment_resolve(ConnState&, const json&, const Reply&);
  void on_declaration_versions(ConnState&, const json&, const Reply&);
  void on_declaration_version(ConnState&, const json&, const Reply&);
  void on_declaration_compare(ConnState&, const json&, const Reply&);
  // Pushes `type` with `fields`, the declaration's id and each subscriber's next seq to the
  // declaration's subscribers (declaration.get with subscribe).
  void push_to_declaration(std::int64_t declaration, const std::string& type, const json& fields);
  // Pushes amendment.updated to the declaration's subscribers (drafts stay private).
  void push_amendment(std::int64_t declaration, const json& amendment);
  // Pushes an amendment's stored state to its declaration's subscribers (after a poll moved it).
  void announce_amendment(std::int64_t amendment);
  // apply_adopted_amendment, then `done` on the strand once the outcome is committed.
  void apply_amendment(std::int64_t amendment, std::function<void()> done);
  // A commit with no client reply (server-initiated changes); `then` gets the outcome.
  void commit_quiet(store::Committer::Work work, std::function<void(store::Outcome)> then);
  // -- end amendments

  // Polls and ballots (poll_*.cpp)
  struct LivePoll;  // a poll's settings, roll and ballot box in memory (poll_handlers.cpp)
  void on_poll_create(ConnState&, const json&, const Reply&);
  void on_poll_open(ConnState&, const json&, const Reply&);
  void on_poll_close(ConnState&, const json&, const Reply&);
  void on_poll_publish(ConnState&, const json&, const Reply&);
  void on_poll_get(ConnState&, const json&, const Reply&);
  void on_poll_list(ConnState&, const json&, const Reply&);
  void on_ballot_cast(ConnState&, const json&, const Reply&);
  void on_proxy_grant(ConnState&, const json&, const Reply&);
  void on_poll_missing(ConnState&, const json&, const Reply&);
  // The live poll, rebuilt from storage on first use (throws not_found).
  std::shared_ptr<LivePoll> live_poll(std::int64_t poll);
  bool may_manage_polls(const ConnState& c, std::int64_t room);
  // The poll `id` for a manager's action: checks accreditation, forum and the right to manage
  // polls in its room (not_allowed: "only organisers and the room's workshop moderator <action>").
  std::shared_ptr<LivePoll> managed_poll(ConnState& c, std::int64_t id, const std::string& action);
  json poll_json(const LivePoll& p, const ConnState* viewer);  // viewer null: the public view
  void push_to_room(std::int64_t room, const json& msg);
  // How long a push that goes to every connection of `room` must wait after the previous one so
  // that it costs at most `frames_per_second` sends a second (and never less than `floor_ms`).
  std::int64_t paced_ms(std::int64_t room, std::int64_t floor_ms, std::size_t frames_per_second) const;
  // push_to_room to at most `limit` connections with ids after `after`; returns the last one
  // reached when some remain, else 0.
  std::uint64_t push_to_room_from(std::int64_t room, const json& msg, std::uint64_t after, std::size_t limit);
  void mark_poll_count(std::int64_t poll);
  void schedule_poll_counts(std::int64_t ms);
  void flush_poll_counts();
  std::map<std::int64_t, std::shared_ptr<LivePoll>> polls_;
  std::set<std::int64_t> dirty_poll_counts_;
  std::unique_ptr<boost::asio::steady_timer> poll_timer_;
  // -- end polls

  // The floor and the participation report (floor_*.cpp, report_*.cpp)
  void on_agenda_set(ConnState&, const json&, const Reply&);
  void on_agenda_get(ConnState&, const json&, const Reply&);
  void on_agenda_current(ConnState&, const json&, const Reply&);
  void on_speakers_get(ConnState&, const json&, const Reply&);
  void on_speakers_request(ConnState&, const json&, const Reply&);
  void on_speakers_withdraw(ConnState&, const json&, const Reply&);
  void on_speakers_next(ConnState&, const json&, const Reply&);
  void on_speakers_skip(ConnState&, const json&, const Reply&);
  void on_speakers_finish(ConnState&, const json&, const Reply&);
  void on_speakers_balance(ConnState&, const json&, const Reply&);
  void on_speakers_limit(ConnState&, const json&, const Reply&);
  void on_report_participation(ConnState&, const json&, const Reply&);
  struct FloorRoom;  // a room's live speakers' list (floor_handlers.cpp)
  std::int64_t floor_room_forum(std::int64_t room);           // 0 when there is no such room
  void require_room_reader(const ConnState& c, std::int64_t room);
  void require_floor_chair(const ConnState& c, std::int64_t room);  // organiser or the room's moderator
  FloorRoom& floor_room(std::int64_t room);                   // loads from storage on first use
  json agenda_json(std::int64_t room);
  json speakers_json(std::int64_t room);
  void floor_push(std::int64_t room, const json& fields);    // to every connection in the room
  // Commits the room's list as it now is (plus `event`), then acks with it and pushes it.
  void floor_commit(const Reply& reply, std::int64_t room, const std::string& event, std::int64_t actor,
                    json payload, bool speech_ended);
  void schedule_floor_timer();
  void on_floor_timer();
  std::map<std::int64_t, std::shared_ptr<FloorRoom>> floor_;
  std::unique_ptr<boost::asio::steady_timer> floor_timer_;
  // -- end floor

  // Signatories (signature_handlers.cpp)
  void on_signature_add(ConnState&, const json&, const Reply&);
  void on_signature_withdraw(ConnState&, const json&, const Reply&);
  void on_signature_list(ConnState&, const json&, const Reply&);
  void on_signature_close(ConnState&, const json&, const Reply&);
  void on_signature_reopen(ConnState&, const json&, const Reply&);
  void set_signature_list(ConnState& c, const json& m, const Reply& reply, bool close);
  // The declaration, signer and person of signature.add/withdraw, authorised as far as the
  // strand can (accredited, same forum, the signer exists); the rule is the caller's.
  SignatureRequest signature_request(ConnState& c, const json& m);
  signatures::Person signing_person(const ConnState& c);
  signatures::ListState signature_state(std::int64_t declaration, const std::string& phase);
  // Pushes signatures.updated to the declaration's subscribers (`seq` counts with declaration.changed).
  void push_signatures(std::int64_t declaration, const std::string& change, const json& signature,
                       const std::string& state, std::int64_t count);
  // -- end signatories

  json delegate_json(std::int64_t delegate, bool with_email);
  bool may_draft(const ConnState& c, std::int64_t workshop);
  const std::string& phase_of(std::int64_t declaration);

  boost::asio::io_context& ioc_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  const net::Config& config_;
  store::Committer& committer_;
  store::Db reader_;
  boost::asio::thread_pool workers_{2};
  boost::asio::steady_timer tick_, sweep_;
  std::unordered_map<std::uint64_t, ConnState> conns_;
  std::map<std::int64_t, std::map<std::int64_t, int>> rooms_;  // room → delegate → connections in it
  std::map<std::int64_t, std::set<std::uint64_t>> room_conns_;  // room → connections
  Documents docs_;
  std::set<std::int64_t> dirty_docs_;
  std::map<std::int64_t, std::map<std::uint64_t, json>> cursors_;  // doc → conn → cursor
  std::set<std::int64_t> dirty_cursors_;
  Throttle login_throttle_;
  std::unique_ptr<translate::Translator> translator_;
  std::atomic<int> in_flight_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> connections_{0}, messages_in_{0}, messages_out_{0}, ops_{0}, errors_{0};
  std::map<std::string, Handler> handlers_;
  std::map<std::int64_t, std::string> phases_;          // declaration → phase (cache)
  std::set<std::int64_t> clauses_without_current_;      // clauses known to have no `current` translation

  // Work handed to the strand from other threads (sessions' frames, commit completions), in
  // the order it was handed over; one post drains everything queued by then.
  void to_strand(std::function<void()> fn);
  void drain_inbox();
  std::mutex inbox_mu_;
  std::vector<std::function<void()>> inbox_;
};

}  // namespace plenary::app
