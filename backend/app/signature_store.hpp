// Signature lists and signatures in storage (tables signature_lists, signatures): opening a
// list at adoption, reading a list's state, the wire form of a signature and of a list. Plain
// functions over a store::Db, so the same code runs in the Committer's work and on the strand.
// Invariants: nothing here caches state; a signature's `seq` is one more than the highest of its
// declaration, so signing order survives withdrawals; the primary key (declaration, kind, signer)
// keeps one signature per organisation or network and declaration even against racing writers.
#pragma once
#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "core/signatures/endorsement.hpp"
#include "store/db.hpp"

namespace plenary::app::sign {

using json = nlohmann::json;

// Opens the signature list of a declaration that has just been adopted, inside the work that
// adopts it (records `signature.list.opened`); does nothing if it already has a list.
void open_list(store::Db& db, std::int64_t forum, std::int64_t declaration, std::int64_t actor);

// The stored state of the list ("open", "closed"; "" when none is stored).
std::string stored_state(store::Db& db, std::int64_t declaration);

// The name of an organisation or network of the forum; nullopt when there is none.
std::optional<std::string> signer_name(store::Db& db, std::int64_t forum, const signatures::Signer& s);

// The networks an organisation belongs to.
std::set<std::int64_t> networks_of(store::Db& db, std::int64_t organisation);

// The wire object of one signature ({kind, id, name, country, signed_by, signed_by_name, seq,
// at}), or null when the signer has not signed.
json signature_json(store::Db& db, std::int64_t declaration, const signatures::Signer& s);

// The wire object of a list ({declaration, state, opened_at, closed_at, closed_by, signatures}
// with signatures in signing order), given the declaration's phase.
json list_json(store::Db& db, std::int64_t declaration, const std::string& phase);

// The number of signatures of a declaration.
std::int64_t count(store::Db& db, std::int64_t declaration);

}  // namespace plenary::app::sign
