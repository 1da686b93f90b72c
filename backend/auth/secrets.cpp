#include "auth/secrets.hpp"

#include <sodium.h>

#include <cctype>
#include <cstdlib>
#include <stdexcept>

namespace plenary::auth {

namespace {
constexpr std::string_view kCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";  // 31 symbols, no 0 O 1 I L

bool light_profile() {
  const char* p = std::getenv("PLENARY_ARGON2_PROFILE");
  return p && std::string_view(p) == "min";
}
}  // namespace

void init() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::string hash_password(std::string_view password) {
  init();
  char out[crypto_pwhash_STRBYTES];
  unsigned long long ops = light_profile() ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  size_t mem = light_profile() ? crypto_pwhash_MEMLIMIT_MIN * 8 : crypto_pwhash_MEMLIMIT_INTERACTIVE;
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("out of memory hashing a password");
  return out;
}

bool verify_password(const std::string& stored_hash, std::string_view password) {
  init();
  return crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
}

std::string new_token() {
  init();
  unsigned char buf[32];
  randombytes_buf(buf, sizeof buf);
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, buf, sizeof buf, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

std::string new_access_code() {
  init();
  std::string code;
  for (int i = 0; i < 12; ++i) {
    if (i > 0 && i % 4 == 0) code += '-';
    code += kCodeAlphabet[randombytes_uniform(static_cast<uint32_t>(kCodeAlphabet.size()))];
  }
  return code;
}

std::string normalise_access_code(std::string_view code) {
  std::string plain;
  for (char c : code) {
    if (std::isalnum(static_cast<unsigned char>(c))) plain += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  std::string out;
  for (size_t i = 0; i < plain.size(); ++i) {
    if (i > 0 && i % 4 == 0) out += '-';
    out += plain[i];
  }
  return out;
}

std::string hash_secret(std::string_view secret) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

}  // namespace plenary::auth
