// Amendments over the wire: tabling, editing, the workflow's transitions, composites,
// co-sponsorship, the original-language rendering, listing, the voting order and the tabling
// deadline. Every rule is the core's (core/amendments/lifecycle.hpp); these handlers authorise,
// load the amendment inside the committed work, ask the core, save, record the event and push.
// Reading and changing an amendment happen in the same work, so they serialise in the Committer
// with everything else that changes amendments (the polls' state updates included).
#include <set>

#include "app/amendment_store.hpp"
#include "app/hub.hpp"
#include "core/ot/text_op.hpp"
#include "core/ot/utf8.hpp"
#include "protocol/errors.hpp"
#include "protocol/fields.hpp"
#include "store/events.hpp"

namespace plenary::app {

using namespace protocol;
using amendments::Actor;
using amendments::Kind;
using amendments::State;

namespace {

constexpr std::size_t kMaxText = 32 * 1024;
constexpr std::size_t kMaxJustification = 8 * 1024;

[[noreturn]] void work_fail(const std::string& code, const std::string& m) { throw store::WorkError(code, m); }
void refused(const amendments::Outcome& o) {
  if (o) throw store::WorkError(o->code, o->detail);
}

Kind kind_of(const json& m) {
  std::string k = string_of(m, "kind", 20);
  if (k == "modify") return Kind::modify;
  if (k == "insert") return Kind::insert;
  if (k == "delete") return Kind::del;
  fail("bad_message", "field 'kind' must be modify, insert or delete");
}

std::optional<std::int64_t> opt_rev_of(const json& m, const char* field) {
  auto it = m.find(field);
  if (it == m.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer() || it->get<std::int64_t>() < 0)
    fail("bad_message", std::string("field '") + field + "' must be a revision (an integer ≥ 0)");
  return it->get<std::int64_t>();
}

ot::Op op_of(const json& m) {
  auto it = m.find("op");
  if (it == m.end() || it->is_null()) fail("bad_message", "a modify amendment needs field 'op'");
  try {
    ot::Op op = ot::parse(*it);
    if (ot::is_noop(op)) fail("bad_op", "the op must insert or delete something");
    return op;
  } catch (const ot::OpError& e) {
    fail("bad_op", e.what());
  }
}

// The content fields of table/edit/composite into `r` (kind, clause, lang, base, op, text,
// justification). Fields that do not belong to the kind are refused.
void read_content(const json& m, amend::Record& r, std::optional<std::int64_t>& base) {
  r.a.kind = kind_of(m);
  r.clause = id_of(m, "clause");
  r.a.clause = std::to_string(r.clause);
  r.lang = lang_of(m, "lang");
  r.a.justification = string_of(m, "justification", kMaxJustification);
  if (!ot::valid_utf8(r.a.justification)) fail("bad_message", "field 'justification' is not valid UTF-8");
  base = opt_rev_of(m, "base_revision");
  bool has_op = m.contains("op") && !m["op"].is_null();
  bool has_text = m.contains("text") && !m["text"].is_null();
  auto before = m.find("before");
  bool has_before = before != m.end() && !before->is_null();
  if (has_before && !before->is_boolean()) fail("bad_message", "field 'before' must be true or false");
  if (has_before && r.a.kind != Kind::insert) fail("bad_message", "only an insert amendment goes 'before' its clause");
  r.a.before = has_before && before->get<bool>();
  r.a.op = {};
  r.a.text.clear();
  switch (r.a.kind) {
    case Kind::modify:
      if (has_text) fail("bad_message", "a modify amendment carries an 'op', not a 'text'");
      r.a.op = op_of(m);
      break;
    case Kind::insert:
      if (has_op || base) fail("bad_message", "an insert amendment carries a 'text', not an 'op'");
      r.a.text = string_of(m, "text", kMaxText);
      if (!ot::valid_utf8(r.a.text)) fail("bad_message", "field 'text' is not valid UTF-8");
      break;
    case Kind::del:
      if (has_op || has_text || base) fail("bad_message", "a delete amendment carries neither 'op' nor 'text'");
      break;
  }
}

// Inside the work: the base revision defaults to the clause's newest in the amendment's language.
void settle_base(store::Db& db, amend::Record& r, std::optional<std::int64_t> base) {
  if (r.a.kind != Kind::modify) {
    r.a.base_revision = 0;
    return;
  }
  if (base) {
    r.a.base_revision = static_cast<std::uint64_t>(*base);
  } else {
    std::int64_t doc = r.clause ? amend::doc_of(db, r.clause, r.lang) : 0;
    r.a.base_revision = doc ? static_cast<std::uint64_t>(amend::doc_rev(db, doc)) : 0;
  }
}

void require_phase(store::Db& db, std::int64_t declaration, std::initializer_list<const char*> phases) {
  auto& st = db.prepare("SELECT phase FROM declarations WHERE id=?");
  st.bind(1, declaration);
  std::string p = st.step() ? st.text(0) : "";
  st.reset();
  std::string names;
  for (const char* ph : phases) {
    if (p == ph) return;
    names += std::string(names.empty() ? "" : " or ") + ph;
  }
  work_fail("invalid_state", "the declaration is in phase '" + p + "'; this needs phase " + names);
}

void require_before_deadline(store::Db& db, std::int64_t declaration) {
  if (auto d = amend::deadline(db, declaration); d && amend::now_s() >= d->second)
    work_fail("deadline_passed", "the tabling deadline (" + d->first + ") has passed");
}

amend::Record load_or_fail(store::Db& db, std::int64_t id) {
  auto r = amend::load(db, id);
  if (!r) work_fail("not_found", "no such amendment");
  return std::move(*r);
}

bool is_delegate(const ConnState& c) { return c.has("delegate"); }

// What the strand needs to authorise a message about an existing amendment.
struct Head {
  std::int64_t declaration = 0, forum = 0, proposer = 0, organisation = 0;
  std::string state;
};
Head head_of(store::Db& db, std::int64_t id) {
  auto& st = db.prepare("SELECT declaration, forum, proposer, COALESCE(organisation,0), state FROM amendments WHERE id=?");
  st.bind(1, id);
  if (!st.step()) {
    st.reset();
    fail("not_found", "no such amendment");
  }
  Head h{st.int64(0), st.int64(1), st.int64(2), st.int64(3), st.text(4)};
  st.reset();
  return h;
}

json event_payload(const amend::Record& r) {
  return {{"declaration", r.declaration}, {"amendment", r.id}, {"state", std::string(amendments::to_string(r.a.state))},
          {"version", r.a.version}};
}

}  // namespace

void Hub::push_to_declaration(std::int64_t declaration, const std::string& type, const json& fields) {
  // Serialised once (for thousands of subscribers of the plenary's declaration), on the first
  // subscriber found; each gets its own seq spliced in.
  std::string body;
  for (auto& [id, c] : conns_) {
    auto it = c.declarations.find(declaration);
    if (it == c.declarations.end()) continue;
    if (body.empty()) {
      json m = fields;
      m["type"] = type;
      m["declaration"] = declaration;
      body = m.dump(-1, ' ', false, json::error_handler_t::replace);
    }
    push_raw(c, with_seq(++it->second, body));
  }
}

void Hub::push_amendment(std::int64_t declaration, const json& amendment) {
  if (amendment.value("state", "") == "draft") return;
  push_to_declaration(declaration, "amendment.updated", {{"amendment", amendment}});
}

void Hub::announce_amendment(std::int64_t amendment) {
  if (auto r = amend::load(reader_, amendment)) push_amendment(r->declaration, amend::to_wire(reader_, *r));
}

void Hub::commit_quiet(store::Committer::Work work, std::function<void(store::Outcome)> then) {
  in_flight_++;
  committer_.submit(std::move(work), [this, then = std::move(then)](store::Outcome o) mutable {
    boost::asio::post(strand_, [this, then = std::move(then), o = std::move(o)]() mutable {
      in_flight_--;
      then(std::move(o));
    });
  });
}

void Hub::on_amendment_table(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t declaration = id_of(m, "declaration");
  amend::Record r;
  std::optional<std::int64_t> base;
  read_content(m, r, base);
  auto org = opt_id_of(m, "organisation");
  bool draft = bool_of(m, "draft", false);
  require_accredited(c);
  auto info = amend::declaration_info(reader_, declaration);
  require_forum(c, info.forum);
  if (!is_delegate(c)) fail("not_allowed", "only delegates table amendments");
  if (c.organisation == 0) fail("not_allowed", "you table amendments on behalf of your organisation, and you have none");
  if (org && *org != c.organisation) fail("not_allowed", "you table amendments on behalf of your own organisation only");
  r.declaration = declaration;
  r.forum = info.forum;
  r.proposer = c.delegate;
  r.organisation = c.organisation;
  r.a.proposer = std::to_string(c.delegate);
  r.a.organisation = std::to_string(c.organisation);
  std::int64_t actor = c.delegate;
  commit(
      reply,
      [=](store::Db& db) mutable {
        if (draft) require_phase(db, declaration, {"drafting", "amendments"});
        else {
          require_phase(db, declaration, {"amendments"});
          require_before_deadline(db, declaration);
        }
        settle_base(db, r, base);
        amend::check_target(db, info, declaration, r);
        r.a.state = State::draft;
        if (!draft) refused(amendments::transition(r.a, State::tabled, Actor::proposer));
        else refused(amendments::check_content(r.a));
        amend::insert(db, r);
        store::record_event(db, info.forum, draft ? "amendment.drafted" : "amendment.tabled", actor, event_payload(r));
        return amend::to_wire(db, r);
      },
      [=, this](json a) {
        reply.ok({{"amendment", a}});
        push_amendment(declaration, a);
      });
}

void Hub::on_amendment_edit(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t id = id_of(m, "amendment");
  amend::Record edited;
  std::optional<std::int64_t> base;
  read_content(m, edited, base);
  require_accredited(c);
  auto h = head_of(reader_, id);
  require_forum(c, h.forum);
  if (h.proposer != c.delegate) fail("not_allowed", "only the proposer edits an amendment");
  auto info = amend::declaration_info(reader_, h.declaration);
  std::int64_t actor = c.delegate;
  commit(
      reply,
      [=](store::Db& db) mutable {
        amend::Record r = load_or_fail(db, id);
        if (r.a.state == State::tabled) require_before_deadline(db, r.declaration);
        edited.declaration = r.declaration;
        settle_base(db, edited, base);
        amend::check_target(db, info, r.declaration, edited);
        refused(amendments::edit(r.a, edited.a, Actor::proposer));
        r.clause = edited.clause;
        r.lang = edited.lang;
        store::record_event(db, r.forum, "amendment.edited", actor, event_payload(r));
        amend::save(db, r);
        return amend::to_wire(db, r);
      },
      [=, this](json a) {
        reply.ok({{"amendment", a}});
        push_amendment(h.declaration, a);
      });
}

void Hub::on_amendment_transition(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t id = id_of(m, "amendment");
  std::string to_name = string_of(m, "to", 20);
  std::string reason = opt_string_of(m, "reason", 2000).value_or("");
  auto to = amendments::state_from_string(to_name);
  if (!to) fail("bad_message", "field 'to' must be an amendment state");
  require_accredited(c);
  auto h = head_of(reader_, id);
  require_forum(c, h.forum);
  Actor actor;
  if (*to == State::tabled || *to == State::withdrawn) {
    if (h.proposer != c.delegate) fail("not_allowed", "only the proposer tables or withdraws an amendment");
    actor = Actor::proposer;
  } else if (*to == State::voting || *to == State::adopted || *to == State::rejected) {
    fail("not_allowed", "the amendment's poll moves it to " + to_name + " (poll.open, poll.close)");
  } else if (*to == State::composited) {
    fail("bad_message", "amendments are composited with amendment.composite");
  } else {
    require_role(c, {"organiser"});
    actor = Actor::organiser;
  }
  auto info = amend::declaration_info(reader_, h.declaration);
  std::int64_t who = c.delegate;
  commit(
      reply,
      [=](store::Db& db) {
        amend::Record r = load_or_fail(db, id);
        if (*to == State::tabled) {
          require_phase(db, r.declaration, {"amendments"});
          require_before_deadline(db, r.declaration);
          amend::check_target(db, info, r.declaration, r);
        }
        if (*to == State::scheduled && r.lang != info.original && r.a.kind != Kind::del &&
            r.orig_version != static_cast<std::int64_t>(r.a.version) && r.a.state == State::admissible)
          work_fail("invalid_state", "an amendment written in " + r.lang + " is scheduled once it has its text in the original language (" +
                                         info.original + "): amendment.translate");
        std::string from(amendments::to_string(r.a.state));
        if (*to == State::fallen && r.a.state == State::adopted) {
          if (r.conflict.is_null() || r.applied)
            work_fail("invalid_state", "an adopted amendment falls only when it conflicts with the text and was not applied");
          refused(amendments::fall_conflicting(r.a, actor, reason));
        } else {
          refused(amendments::transition(r.a, *to, actor, reason));
        }
        amend::save(db, r);
        json p = event_payload(r);
        p["from"] = from;
        if (!reason.empty()) p["reason"] = reason;
        store::record_event(db, r.forum, "amendment.transition", who, p);
        return amend::to_wire(db, r);
      },
      [=, this](json a) {
        reply.ok({{"amendment", a}});
        push_amendment(h.declaration, a);
      });
}

void Hub::on_amendment_composite(ConnState& c, const json& m, const Reply& reply) {
  auto it = m.find("amendments");
  if (it == m.end() || !it->is_array() || it->size() < 2 || it->size() > 100)
    fail("bad_message", "field 'amendments' must list 2 to 100 amendment ids");
  std::vector<std::int64_t> ids;
  for (auto& v : *it) {
    if (!v.is_number_integer() || v.get<std::int64_t>() <= 0) fail("bad_message", "field 'amendments' must hold amendment ids");
    ids.push_back(v.get<std::int64_t>());
  }
  if (std::set<std::int64_t>(ids.begin(), ids.end()).size() != ids.size()) fail("bad_message", "field 'amendments' names an amendment twice");
  amend::Record r;
  std::optional<std::int64_t> base;
  read_content(m, r, base);
  require_role(c, {"organiser"});
  auto h = head_of(reader_, ids[0]);
  require_forum(c, h.forum);
  auto info = amend::declaration_info(reader_, h.declaration);
  r.declaration = h.declaration;
  r.forum = info.forum;
  r.proposer = c.delegate;
  r.organisation = c.organisation;
  r.a.proposer = std::to_string(c.delegate);
  r.a.organisation = c.organisation ? std::to_string(c.organisation) : "";
  std::int64_t actor = c.delegate;
  commit(
      reply,
      [=](store::Db& db) mutable {
        std::vector<amend::Record> originals;
        for (auto id : ids) {
          originals.push_back(load_or_fail(db, id));
          if (originals.back().declaration != r.declaration) work_fail("bad_message", "a composite merges amendments of one declaration");
        }
        settle_base(db, r, base);
        amend::check_target(db, info, r.declaration, r);
        // Stored first so the core can name it; a refusal below rolls the whole work back.
        r.a.state = State::tabled;
        amend::insert(db, r);
        std::vector<amendments::Amendment*> ptrs;
        for (auto& o : originals) ptrs.push_back(&o.a);
        refused(amendments::make_composite(ptrs, r.a, Actor::organiser));
        amend::save(db, r);
        json changed = json::array();
        for (auto& o : originals) {
          amend::save(db, o);
          changed.push_back(amend::to_wire(db, o));
        }
        json p = event_payload(r);
        p["from"] = ids;
        store::record_event(db, r.forum, "amendment.composited", actor, p);
        return json{{"composite", amend::to_wire(db, r)}, {"originals", changed}};
      },
      [=, this](json out) {
        reply.ok({{"amendment", out["composite"]}});
        for (auto& o : out["originals"]) push_amendment(r.declaration, o);
        push_amendment(r.declaration, out["composite"]);
      });
}

namespace {
// The co-sponsor a message names: `network` (a network co-sponsoring as one) or the sender's
// organisation. Throws not_allowed when the sender may not speak for it.
std::string sponsor_key_of(store::Db& db, const ConnState& c, std::optional<std::int64_t> network) {
  if (!network) return std::to_string(c.organisation);
  auto& st = db.prepare("SELECT 1 FROM organisation_networks WHERE organisation=? AND network=?");
  st.bind(1, c.organisation).bind(2, *network);
  bool member = st.step();
  st.reset();
  if (!member) fail("not_allowed", "your organisation is not a member of that network");
  return amend::network_key(*network);
}

json sponsor_payload(const amend::Record& r, const std::string& key, std::int64_t by_org) {
  json p = event_payload(r);
  if (auto net = amend::network_of(key)) {
    p["network"] = *net;
    p["by_organisation"] = by_org;
  } else {
    p["organisation"] = std::stoll(key);
  }
  return p;
}

// The stored change of a co-sponsor's own support (confirm or withdraw): the sponsor must have
// been invited; `change` applies the core rule; the event names the sponsor and who acted.
store::Committer::Work support_work(std::int64_t id, std::string key, bool network, std::int64_t org,
                                    std::int64_t actor, std::string missing, std::string event,
                                    std::function<amendments::Outcome(amendments::Amendment&)> change) {
  return [=](store::Db& db) {
    amend::Record r = load_or_fail(db, id);
    if (!r.a.sponsors.count(key))
      work_fail("not_allowed", std::string(network ? "that network" : "your organisation") + missing);
    refused(change(r.a));
    amend::save(db, r);
    store::record_event(db, r.forum, event, actor, sponsor_payload(r, key, org));
    return amend::to_wire(db, r);
  };
}
}  // namespace

void Hub::on_amendment_sponsor_invite(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t id = id_of(m, "amendment");
  auto org = opt_id_of(m, "organisation");
  auto net = opt_id_of(m, "network");
  if (!org == !net) fail("bad_message", "give exactly one of 'organisation' or 'network'");
  require_accredited(c);
  auto h = head_of(reader_, id);
  require_forum(c, h.forum);
  if (h.proposer != c.delegate) fail("not_allowed", "only the proposer invites co-sponsors");
  std::int64_t actor = c.delegate;
  commit(
      reply,
      [=](store::Db& db) {
        auto& st = db.prepare(org ? "SELECT 1 FROM organisations WHERE id=? AND forum=?" : "SELECT 1 FROM networks WHERE id=? AND forum=?");
        st.bind(1, org ? *org : *net).bind(2, h.forum);
        bool ok = st.step();
        st.reset();
        if (!ok) work_fail("not_found", org ? "no such organisation in this forum" : "no such network in this forum");
        amend::Record r = load_or_fail(db, id);
        std::string key = org ? std::to_string(*org) : amend::network_key(*net);
        refused(amendments::invite_sponsor(r.a, key));
        amend::save(db, r);
        store::record_event(db, r.forum, "amendment.sponsor.invited", actor, sponsor_payload(r, key, 0));
        return amend::to_wire(db, r);
      },
      [=, this](json a) {
        reply.ok({{"amendment", a}});
        push_amendment(h.declaration, a);
      });
}

void Hub::on_amendment_sponsor_confirm(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t id = id_of(m, "amendment");
  auto vit = m.find("version");
  if (vit == m.end() || !vit->is_number_integer() || vit->get<std::int64_t>() < 1 || vit->get<std::int64_t>() > UINT32_MAX)
    fail("bad_message", "field 'version' (the amendment version you support, an integer ≥ 1) is required");
  auto version = static_cast<std::uint32_t>(vit->get<std::int64_t>());
  auto net = opt_id_of(m, "network");
  require_accredited(c);
  auto h = head_of(reader_, id);
  require_forum(c, h.forum);
  if (!is_delegate(c) || c.organisation == 0) fail("not_allowed", "a delegate of the invited organisation (or network) confirms its support");
  std::string key = sponsor_key_of(reader_, c, net);
  std::int64_t org = c.organisation, actor = c.delegate;
  commit(
      reply,
      support_work(id, key, net.has_value(), org, actor, " was not invited to co-sponsor this amendment",
                   "amendment.sponsor.confirmed",
                   [key, version](amendments::Amendment& a) { return amendments::confirm_support(a, key, version); }),
      [=, this](json a) {
        reply.ok({{"amendment", a}});
        push_amendment(h.declaration, a);
      });
}

void Hub::on_amendment_sponsor_withdraw(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t id = id_of(m, "amendment");
  auto net = opt_id_of(m, "network");
  require_accredited(c);
  auto h = head_of(reader_, id);
  require_forum(c, h.forum);
  if (!is_delegate(c) || c.organisation == 0) fail("not_allowed", "a delegate of a co-sponsoring organisation (or network) withdraws its support");
  std::string key = sponsor_key_of(reader_, c, net);
  std::int64_t org = c.organisation, actor = c.delegate;
  commit(
      reply,
      support_work(id, key, net.has_value(), org, actor, " does not co-sponsor this amendment",
                   "amendment.sponsor.withdrawn",
                   [key](amendments::Amendment& a) { return amendments::withdraw_support(a, key); }),
      [=, this](json a) {
        reply.ok({{"amendment", a}});
        push_amendment(h.declaration, a);
      });
}

void Hub::on_amendment_translate(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t id = id_of(m, "amendment");
  auto base = opt_rev_of(m, "base_revision");
  bool has_op = m.contains("op") && !m["op"].is_null();
  std::optional<ot::Op> op;
  if (has_op) op = op_of(m);
  auto text = opt_string_of(m, "text", kMaxText);
  if (text && (text->empty() || !ot::valid_utf8(*text))) fail("bad_message", "field 'text' must be non-empty UTF-8");
  require_accredited(c);
  auto h = head_of(reader_, id);
  require_forum(c, h.forum);
  auto info = amend::declaration_info(reader_, h.declaration);
  if (!c.has("translator") && !may_draft(c, info.workshop) && h.proposer != c.delegate)
    fail("not_allowed", "translators, the drafting committee and the proposer give an amendment's original-language text");
  std::int64_t actor = c.delegate;
  commit(
      reply,
      [=](store::Db& db) {
        amend::Record r = load_or_fail(db, id);
        if (r.lang == info.original) work_fail("bad_message", "this amendment is written in the original language already");
        if (r.a.state != State::draft && r.a.state != State::tabled && r.a.state != State::admissible &&
            !(r.a.state == State::adopted && !r.applied))
          work_fail("invalid_state", "the original-language text is given before the vote");
        amend::Record t = r;
        t.lang = info.original;
        switch (r.a.kind) {
          case Kind::modify: {
            if (!op || text) work_fail("bad_message", "a modify amendment's original-language text is an 'op'");
            t.a.op = *op;
            settle_base(db, t, base);
            amend::check_target(db, info, r.declaration, t);
            r.orig_base = static_cast<std::int64_t>(t.a.base_revision);
            r.orig_op = ot::to_json(*op).dump();
            r.orig_text.reset();
            break;
          }
          case Kind::insert:
            if (!text || op || base) work_fail("bad_message", "an insert amendment's original-language text is a 'text'");
            r.orig_text = *text;
            r.orig_op.reset();
            r.orig_base.reset();
            break;
          case Kind::del:
            work_fail("bad_message", "a delete amendment needs no translation");
        }
        r.orig_version = r.a.version;
        r.orig_by = actor;
        amend::save(db, r);
        store::record_event(db, r.forum, "amendment.translated", actor, event_payload(r));
        return amend::to_wire(db, r);
      },
      [=, this](json a) {
        reply.ok({{"amendment", a}});
        push_amendment(h.declaration, a);
      });
}

void Hub::on_amendment_list(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t declaration = id_of(m, "declaration");
  require_login(c);
  auto info = amend::declaration_info(reader_, declaration);
  require_forum(c, info.forum);
  std::vector<std::int64_t> ids;
  auto& st = reader_.prepare("SELECT id FROM amendments WHERE declaration=? AND (state<>'draft' OR proposer=?) ORDER BY number");
  st.bind(1, declaration).bind(2, c.delegate);
  while (st.step()) ids.push_back(st.int64(0));
  st.reset();
  json list = json::array();
  for (auto id : ids)
    if (auto r = amend::load(reader_, id)) list.push_back(amend::to_wire(reader_, *r));
  json order = json::array();
  auto& o = reader_.prepare("SELECT amendment FROM amendment_order WHERE declaration=? ORDER BY position");
  o.bind(1, declaration);
  while (o.step()) order.push_back(o.int64(0));
  o.reset();
  auto d = amend::deadline(reader_, declaration);
  reply.ok({{"amendments", list}, {"order", order}, {"deadline", d ? json(d->first) : json(nullptr)}});
}

void Hub::on_amendment_get(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t id = id_of(m, "amendment");
  require_login(c);
  auto h = head_of(reader_, id);
  require_forum(c, h.forum);
  if (h.state == "draft" && h.proposer != c.delegate) fail("not_found", "no such amendment");
  auto r = amend::load(reader_, id);
  if (!r) fail("not_found", "no such amendment");
  reply.ok({{"amendment", amend::to_wire(reader_, *r)}});
}

void Hub::on_amendment_order(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t declaration = id_of(m, "declaration");
  auto it = m.find("order");
  if (it == m.end() || !it->is_array() || it->size() > 1000) fail("bad_message", "field 'order' must be an array of amendment ids");
  std::vector<std::int64_t> ids;
  for (auto& v : *it) {
    if (!v.is_number_integer() || v.get<std::int64_t>() <= 0) fail("bad_message", "field 'order' must hold amendment ids");
    ids.push_back(v.get<std::int64_t>());
  }
  if (std::set<std::int64_t>(ids.begin(), ids.end()).size() != ids.size()) fail("bad_message", "field 'order' names an amendment twice");
  require_role(c, {"organiser"});
  auto info = amend::declaration_info(reader_, declaration);
  require_forum(c, info.forum);
  std::int64_t actor = c.delegate;
  commit(
      reply,
      [=](store::Db& db) {
        for (auto id : ids) {
          auto& st = db.prepare("SELECT state FROM amendments WHERE id=? AND declaration=?");
          st.bind(1, id).bind(2, declaration);
          if (!st.step()) {
            st.reset();
            work_fail("not_found", "amendment " + std::to_string(id) + " is not an amendment of this declaration");
          }
          std::string s = st.text(0);
          st.reset();
          if (s == "draft" || s == "withdrawn" || s == "ruled_out" || s == "composited")
            work_fail("invalid_state", "amendment " + std::to_string(id) + " is " + s + " and is not voted on");
        }
        db.prepare("DELETE FROM amendment_order WHERE declaration=?").bind(1, declaration).run();
        for (std::size_t i = 0; i < ids.size(); ++i)
          db.prepare("INSERT INTO amendment_order(declaration, position, amendment) VALUES(?,?,?)")
              .bind(1, declaration).bind(2, static_cast<std::int64_t>(i + 1)).bind(3, ids[i]).run();
        store::record_event(db, info.forum, "amendment.order", actor, {{"declaration", declaration}, {"order", ids}});
        return json();
      },
      [=, this](json) {
        reply.ok({{"declaration", declaration}, {"order", ids}});
        push_to_declaration(declaration, "amendment.order_changed", {{"order", ids}});
      });
}

void Hub::on_amendment_deadline(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t declaration = id_of(m, "declaration");
  auto it = m.find("deadline");
  if (it == m.end()) fail("bad_message", "field 'deadline' is required (an ISO-8601 date-time, or null for none)");
  std::optional<std::int64_t> when;
  if (!it->is_null()) {
    if (!it->is_string()) fail("bad_message", "field 'deadline' must be an ISO-8601 date-time or null");
    when = amend::parse_iso(it->get<std::string>());
    if (!when) fail("bad_message", "field 'deadline' must be an ISO-8601 date-time such as 2026-11-28T18:00:00Z");
  }
  require_role(c, {"organiser"});
  auto info = amend::declaration_info(reader_, declaration);
  require_forum(c, info.forum);
  std::int64_t actor = c.delegate;
  std::optional<std::string> iso;
  if (when) iso = amend::format_iso(*when);
  commit(
      reply,
      [=](store::Db& db) {
        db.prepare("INSERT OR REPLACE INTO amendment_deadlines(declaration, deadline, deadline_s) VALUES(?,?,?)")
            .bind(1, declaration).bind(2, iso).bind(3, when).run();
        store::record_event(db, info.forum, "amendment.deadline", actor,
                            {{"declaration", declaration}, {"deadline", iso ? json(*iso) : json(nullptr)}});
        return json();
      },
      [=, this](json) {
        json deadline = iso ? json(*iso) : json(nullptr);
        reply.ok({{"declaration", declaration}, {"deadline", deadline}});
        push_to_declaration(declaration, "amendment.deadline_changed", {{"deadline", deadline}});
      });
}

void Hub::on_amendment_resolve(ConnState& c, const json& m, const Reply& reply) {
  std::int64_t id = id_of(m, "amendment");
  auto base = opt_rev_of(m, "base_revision");
  if (!base) fail("bad_message", "field 'base_revision' is required");
  ot::Op op = op_of(m);
  require_role(c, {"organiser"});
  auto h = head_of(reader_, id);
  require_forum(c, h.forum);
  auto info = amend::declaration_info(reader_, h.declaration);
  std::int64_t actor = c.delegate;
  commit(
      reply,
      [=](store::Db& db) {
        amend::Record r = load_or_fail(db, id);
        if (r.a.state != State::adopted || r.applied || r.conflict.is_null())
          work_fail("invalid_state", "only an adopted amendment flagged as conflicting is resolved by hand");
        if (r.a.kind != Kind::modify) work_fail("invalid_state", "only a modify amendment is rebased by hand; declare this one fallen");
        amend::Record t = r;
        t.lang = info.original;
        t.a.op = op;
        t.a.base_revision = static_cast<std::uint64_t>(*base);
        amend::check_target(db, info, r.declaration, t);
        if (r.lang == info.original) {
          r.a.op = op;
          r.a.base_revision = static_cast<std::uint64_t>(*base);
        } else {
          r.orig_op = ot::to_json(op).dump();
          r.orig_base = *base;
          r.orig_version = r.a.version;
          r.orig_by = actor;
        }
        json old = r.conflict;
        r.conflict = nullptr;
        amend::save(db, r);
        json p = event_payload(r);
        p["conflict"] = old;
        p["base_revision"] = *base;
        store::record_event(db, r.forum, "amendment.resolved", actor, p);
        return json();
      },
      [=, this](json) {
        apply_amendment(id, [this, id, reply] {
          auto r = amend::load(reader_, id);
          if (!r) return reply.error("not_found", "no such amendment");
          reply.ok({{"amendment", amend::to_wire(reader_, *r)}});
        });
      });
}

}  // namespace plenary::app
