// Passwords, session tokens and badge access codes.
// Invariants: passwords are stored only as Argon2id hashes (libsodium's crypto_pwhash_str);
// tokens and access codes are random (libsodium's CSPRNG) and stored only as SHA-256 hashes,
// so a copy of the database lets no one log in. Comparisons of secrets are constant-time.
#pragma once
#include <string>
#include <string_view>

namespace plenary::auth {

void init();  // sodium_init; safe to call more than once

// Argon2id with libsodium's interactive limits (or a lighter profile for tests via
// PLENARY_ARGON2_PROFILE=min). Slow on purpose: call it off the network threads.
std::string hash_password(std::string_view password);
bool verify_password(const std::string& stored_hash, std::string_view password);

std::string new_token();                    // 256 random bits, base64url
std::string new_access_code();              // e.g. "K7QM-3XTA-9PRE": 60 bits, no 0/O/1/I/L
std::string normalise_access_code(std::string_view code);  // upper case, dashes re-inserted
std::string hash_secret(std::string_view secret);          // SHA-256, hex

}  // namespace plenary::auth
