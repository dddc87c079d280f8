// Argon2id password hashes (RFC 9106) in the encoded form libargon2 writes and reads:
// "$argon2id$v=19$m=19456,t=2,p=1$<salt, base64>$<hash, base64>". Builds hashes for
// `smart-auth hash-password` and checks them for the builtin directory. Verifying is slow and
// memory-hungry by design: callers run it on worker threads of their own, never on an I/O thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "crypto/random.hpp"
#include "util/expected.hpp"

namespace sa::directory {

struct Argon2Params {
  std::uint32_t passes = 0;       // t_cost
  std::uint32_t memory_kib = 0;   // m_cost
  std::uint32_t parallelism = 0;  // lanes
};

// The OWASP Password Storage Cheat Sheet's minimum for argon2id (19 MiB, 2 passes, 1 lane):
// about 60 ms per hash on the 2-core development machine.
inline constexpr Argon2Params kDefaultArgon2Params{2, 19 * 1024, 1};
inline constexpr std::size_t kSaltBytes = 16;  // RFC 9106 §3.1: 128 bits recommended
inline constexpr std::size_t kHashBytes = 32;

// A new encoded hash with a random salt; the error is libargon2's message.
Expected<std::string, std::string> hash_password(std::string_view password,
                                                 const Argon2Params& params,
                                                 crypto::Random& random);
// The same with a given salt, for a hash that must be reproducible (the builtin directory's
// dummy hash for unknown usernames).
Expected<std::string, std::string> hash_password_with_salt(std::string_view password,
                                                           const Argon2Params& params,
                                                           std::span<const std::uint8_t> salt);

// The parameters of an encoded argon2id hash (version 19, bounded costs, a salt of at least
// 8 bytes and a hash of at least 16), or a phrase saying what is wrong. The phrase never quotes
// the hash.
Expected<Argon2Params, std::string> parse_argon2id(std::string_view encoded);

enum class PasswordCheck {
  match,
  mismatch,
  failed,  // libargon2 could not run (out of memory, undecodable hash): neither yes nor no
};
// Constant-time in the comparison (libargon2 compares the tags with a constant-time loop).
PasswordCheck verify_password(const std::string& encoded, std::string_view password);

}  // namespace sa::directory
