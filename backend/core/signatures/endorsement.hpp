// Signatories of an adopted declaration: the signature list's states and who may sign,
// withdraw, close and reopen, as data and pure decisions (no I/O).
// Invariants: a list is open only while its declaration is adopted or published; a signature
// is made for an organisation by one of its accredited delegates, and for a network (which signs
// as one) by an accredited delegate of a member organisation; observers never sign; only
// organisers close or reopen a list. The shell stores one signature per signer and declaration.
#pragma once
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace plenary::signatures {

enum class ListState { not_open, open, closed };
std::string_view to_string(ListState s);

// Whether a declaration in this phase can be signed at all (adopted, published).
bool signing_phase(std::string_view phase);
// The list's state from its declaration's phase and the stored state ("" when no list is
// stored: a declaration adopted before lists were kept has an open list until one is stored).
ListState list_state(std::string_view phase, std::string_view stored);

enum class SignerKind { organisation, network };
std::string_view to_string(SignerKind k);
std::optional<SignerKind> signer_kind(std::string_view s);

struct Signer {
  SignerKind kind = SignerKind::organisation;
  std::int64_t id = 0;
};

// The person acting, as far as the rules need them.
struct Person {
  bool accredited = false;
  bool delegate = false;   // has the role `delegate` (observers do not)
  bool organiser = false;
  std::int64_t organisation = 0;          // 0: none
  std::set<std::int64_t> networks;        // the networks their organisation belongs to
};

struct Refusal {
  std::string code;    // a protocol error code
  std::string detail;  // why, for the message
};
using Outcome = std::optional<Refusal>;  // nullopt: allowed

// Whether `p` speaks for `s`: a delegate of the organisation, or of a member of the network.
bool speaks_for(const Person& p, const Signer& s);

// Whether signatures may be added or withdrawn now (invalid_state before adoption or when closed).
Outcome signable(ListState list);
Outcome may_sign(ListState list, const Person& p, const Signer& s);
// A signature is withdrawn while the list is open by whoever may sign for the signer, or by an
// organiser (a signature made in error).
Outcome may_withdraw(ListState list, const Person& p, const Signer& s);
Outcome may_close(ListState list, const Person& p);
Outcome may_reopen(ListState list, const Person& p);

}  // namespace plenary::signatures
