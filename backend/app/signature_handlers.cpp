// Signatories over the wire: an adopted declaration is endorsed by organisations and networks
// through their delegates; the list grows live and organisers close (or reopen) it. The rules
// are the core's (core/signatures/endorsement.hpp); these handlers authorise on the strand, then
// re-check the list's state inside the committed work, store, record the event and push
// `signatures.updated` to the declaration's subscribers.
#include "app/amendment_store.hpp"
#include "app/hub.hpp"
#include "app/signature_store.hpp"
#include "protocol/errors.hpp"
#include "protocol/fields.hpp"
#include "store/events.hpp"

namespace plenary::app {

using namespace protocol;
using signatures::ListState;
using signatures::Signer;
using signatures::SignerKind;

namespace {

// The signer a message names: exactly one of `organisation` or `network`.
Signer signer_of(const json& m) {
  auto org = opt_id_of(m, "organisation");
  auto net = opt_id_of(m, "network");
  if (!org == !net) fail("bad_message", "give exactly one of 'organisation' or 'network'");
  return org ? Signer{SignerKind::organisation, *org} : Signer{SignerKind::network, *net};
}

void refuse(const signatures::Outcome& o) {
  if (o) fail(o->code, o->detail);
}
void refuse_in_work(const signatures::Outcome& o) {
  if (o) throw store::WorkError(o->code, o->detail);
}

// The list's state as the writer sees it now (the phase or the list may have moved since the
// strand's check).
ListState state_in_work(store::Db& db, std::int64_t declaration) {
  auto& st = db.prepare("SELECT phase FROM declarations WHERE id=?");
  st.bind(1, declaration);
  std::string phase = st.step() ? st.text(0) : "";
  st.reset();
  return signatures::list_state(phase, sign::stored_state(db, declaration));
}

json event_payload(std::int64_t declaration, const Signer& s) {
  return {{"declaration", declaration}, {"kind", signatures::to_string(s.kind)}, {"signer", s.id}};
}

}  // namespace

signatures::Person Hub::signing_person(const ConnState& c) {
  signatures::Person p;
  p.accredited = c.status == "accredited";
  p.delegate = c.has("delegate");
  p.organiser = c.has("organiser");
  p.organisation = c.organisation;
  if (c.organisation) p.networks = sign::networks_of(reader_, c.organisation);
  return p;
}

ListState Hub::signature_state(std::int64_t declaration, const std::string& phase) {
  return signatures::list_state(phase, sign::stored_state(reader_, declaration));
}

void Hub::push_signatures(std::int64_t declaration, const std::string& change, const json& signature,
                          const std::string& state, std::int64_t count) {
  for (auto& [id, c] : conns_) {
    auto it = c.declarations.find(declaration);
    if (it == c.declarations.end()) continue;
    json msg = {{"type", "signatures.updated"}, {"seq", ++it->second}, {"declaration", declaration},
                {"change", change}, {"state", state}, {"count", count}};
    if (!signature.is_null()) msg["signature"] = signature;
    push(c, std::move(msg));
  }
}

// What signature.add and signature.withdraw are about, read and checked as far as the strand can.
struct SignatureRequest {
  std::int64_t declaration = 0, forum = 0, actor = 0;
  Signer signer;
  std::string name;  // the signer's
  signatures::Person person;
  ListState state = ListState::not_open;
};

SignatureRequest Hub::signature_request(ConnState& c, const json& m) {
  SignatureRequest r;
  r.declaration = id_of(m, "declaration");
  r.signer = signer_of(m);
  require_accredited(c);
  auto info = amend::declaration_info(reader_, r.declaration);
  require_forum(c, info.forum);
  auto name = sign::signer_name(reader_, info.forum, r.signer);
  if (!name)
    fail("not_found", r.signer.kind == SignerKind::organisation ? "no such organisation in this forum" : "no such network in this forum");
  r.forum = info.forum;
  r.actor = c.delegate;
  r.name = *name;
  r.person = signing_person(c);
  r.state = signature_state(r.declaration, info.phase);
  return r;
}

void Hub::on_signature_add(ConnState& c, const json& m, const Reply& reply) {
  auto r = signature_request(c, m);
  refuse(signatures::may_sign(r.state, r.person, r.signer));
  std::int64_t declaration = r.declaration, actor = r.actor, forum = r.forum;
  Signer s = r.signer;
  std::string signer = r.name;
  commit(
      reply,
      [=](store::Db& db) {
        refuse_in_work(signatures::signable(state_in_work(db, declaration)));
        if (!sign::signature_json(db, declaration, s).is_null())
          throw store::WorkError("conflict", signer + " has already signed this declaration");
        // A declaration adopted before lists were stored gets its list with its first signature.
        db.prepare("INSERT OR IGNORE INTO signature_lists(declaration, state) VALUES(?, 'open')").bind(1, declaration).run();
        auto& mx = db.prepare("SELECT COALESCE(MAX(seq),0)+1 FROM signatures WHERE declaration=?");
        mx.bind(1, declaration);
        mx.step();
        std::int64_t seq = mx.int64(0);
        mx.reset();
        db.prepare("INSERT INTO signatures(declaration, signer_kind, signer, signed_by, seq) VALUES(?,?,?,?,?)")
            .bind(1, declaration).bind(2, signatures::to_string(s.kind)).bind(3, s.id).bind(4, actor).bind(5, seq).run();
        json payload = event_payload(declaration, s);
        payload["seq"] = seq;
        store::record_event(db, forum, "signature.added", actor, payload);
        return json{{"signature", sign::signature_json(db, declaration, s)}, {"count", sign::count(db, declaration)}};
      },
      [=, this](json out) {
        reply.ok({{"signature", out["signature"]}});
        push_signatures(declaration, "signed", out["signature"], "open", out["count"].get<std::int64_t>());
      });
}

void Hub::on_signature_withdraw(ConnState& c, const json& m, const Reply& reply) {
  auto r = signature_request(c, m);
  refuse(signatures::may_withdraw(r.state, r.person, r.signer));
  std::int64_t declaration = r.declaration, actor = r.actor, forum = r.forum;
  Signer s = r.signer;
  std::string signer = r.name;
  auto person = r.person;
  commit(
      reply,
      [=](store::Db& db) {
        refuse_in_work(signatures::may_withdraw(state_in_work(db, declaration), person, s));
        json sig = sign::signature_json(db, declaration, s);
        if (sig.is_null()) throw store::WorkError("not_found", signer + " has not signed this declaration");
        db.prepare("DELETE FROM signatures WHERE declaration=? AND signer_kind=? AND signer=?")
            .bind(1, declaration).bind(2, signatures::to_string(s.kind)).bind(3, s.id).run();
        json payload = event_payload(declaration, s);
        payload["seq"] = sig["seq"];
        payload["signed_by"] = sig["signed_by"];
        store::record_event(db, forum, "signature.withdrawn", actor, payload);
        return json{{"signature", sig}, {"count", sign::count(db, declaration)}};
      },
      [=, this](json out) {
        reply.ok({{"signature", out["signature"]}});
        push_signatures(declaration, "withdrawn", out["signature"], "open", out["count"].get<std::int64_t>());
      });
}

void Hub::on_signature_list(ConnState& c, const json& m, const Reply& reply) {
  auto [declaration, phase] = open_declaration(c, m);
  reply.ok({{"list", sign::list_json(reader_, declaration, phase)}});
}

void Hub::set_signature_list(ConnState& c, const json& m, const Reply& reply, bool close) {
  std::int64_t declaration = id_of(m, "declaration");
  require_accredited(c);
  auto info = amend::declaration_info(reader_, declaration);
  require_forum(c, info.forum);
  auto person = signing_person(c);
  auto rule = close ? signatures::may_close : signatures::may_reopen;
  refuse(rule(signature_state(declaration, info.phase), person));
  std::int64_t actor = c.delegate, forum = info.forum;
  std::string phase = info.phase;
  commit(
      reply,
      [=](store::Db& db) {
        refuse_in_work(rule(state_in_work(db, declaration), person));
        db.prepare("INSERT OR IGNORE INTO signature_lists(declaration, state) VALUES(?, 'open')").bind(1, declaration).run();
        if (close)
          db.prepare("UPDATE signature_lists SET state='closed', closed_at=strftime('%Y-%m-%dT%H:%M:%fZ','now'), closed_by=? "
                     "WHERE declaration=?").bind(1, actor).bind(2, declaration).run();
        else
          db.prepare("UPDATE signature_lists SET state='open', closed_at=NULL, closed_by=NULL WHERE declaration=?")
              .bind(1, declaration).run();
        store::record_event(db, forum, close ? "signature.list.closed" : "signature.list.reopened", actor,
                            {{"declaration", declaration}, {"signatures", sign::count(db, declaration)}});
        return sign::list_json(db, declaration, phase);
      },
      [=, this](json list) {
        reply.ok({{"list", list}});
        push_signatures(declaration, close ? "closed" : "reopened", nullptr, list["state"].get<std::string>(),
                        static_cast<std::int64_t>(list["signatures"].size()));
      });
}

void Hub::on_signature_close(ConnState& c, const json& m, const Reply& reply) { set_signature_list(c, m, reply, true); }
void Hub::on_signature_reopen(ConnState& c, const json& m, const Reply& reply) { set_signature_list(c, m, reply, false); }

}  // namespace plenary::app
