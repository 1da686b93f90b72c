#include "core/signatures/endorsement.hpp"

namespace plenary::signatures {

std::string_view to_string(ListState s) {
  switch (s) {
    case ListState::open: return "open";
    case ListState::closed: return "closed";
    default: return "not_open";
  }
}

bool signing_phase(std::string_view phase) { return phase == "adopted" || phase == "published"; }

ListState list_state(std::string_view phase, std::string_view stored) {
  if (!signing_phase(phase)) return ListState::not_open;
  return stored == "closed" ? ListState::closed : ListState::open;
}

std::string_view to_string(SignerKind k) { return k == SignerKind::network ? "network" : "organisation"; }

std::optional<SignerKind> signer_kind(std::string_view s) {
  if (s == "organisation") return SignerKind::organisation;
  if (s == "network") return SignerKind::network;
  return std::nullopt;
}

bool speaks_for(const Person& p, const Signer& s) {
  if (!p.accredited || !p.delegate || p.organisation == 0) return false;
  if (s.kind == SignerKind::organisation) return s.id == p.organisation;
  return p.networks.count(s.id) > 0;
}

Outcome signable(ListState list) {
  if (list == ListState::not_open)
    return Refusal{"invalid_state", "the declaration has not been adopted: signing opens at its adoption"};
  if (list == ListState::closed) return Refusal{"invalid_state", "the signature list is closed"};
  return std::nullopt;
}

namespace {
Outcome accredited(const Person& p) {
  if (!p.accredited) return Refusal{"not_accredited", "an organiser must accredit you first"};
  return std::nullopt;
}
Outcome authorised(const Person& p, const Signer& s) {
  if (speaks_for(p, s)) return std::nullopt;
  if (!p.delegate) return Refusal{"not_allowed", "only delegates sign for their organisation (observers do not sign)"};
  if (s.kind == SignerKind::organisation)
    return Refusal{"not_allowed", "you sign for your own organisation only"};
  return Refusal{"not_allowed", "your organisation is not a member of that network"};
}
}  // namespace

Outcome may_sign(ListState list, const Person& p, const Signer& s) {
  if (auto r = accredited(p)) return r;
  if (auto r = authorised(p, s)) return r;
  return signable(list);
}

Outcome may_withdraw(ListState list, const Person& p, const Signer& s) {
  if (auto r = accredited(p)) return r;
  if (!p.organiser)
    if (auto r = authorised(p, s)) return r;
  return signable(list);
}

Outcome may_close(ListState list, const Person& p) {
  if (auto r = accredited(p)) return r;
  if (!p.organiser) return Refusal{"not_allowed", "only organisers close the signature list"};
  if (list == ListState::not_open) return signable(list);
  if (list == ListState::closed) return Refusal{"invalid_state", "the signature list is already closed"};
  return std::nullopt;
}

Outcome may_reopen(ListState list, const Person& p) {
  if (auto r = accredited(p)) return r;
  if (!p.organiser) return Refusal{"not_allowed", "only organisers reopen the signature list"};
  if (list == ListState::not_open) return signable(list);
  if (list == ListState::open) return Refusal{"invalid_state", "the signature list is already open"};
  return std::nullopt;
}

}  // namespace plenary::signatures
