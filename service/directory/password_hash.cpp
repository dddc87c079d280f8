#include "directory/password_hash.hpp"

#include <argon2.h>

#include <array>
#include <charconv>
#include <vector>

namespace sa::directory {
namespace {

// Bounds on what a hash in a directory file may ask for, so a typo cannot make every login
// allocate gigabytes or spin for minutes.
constexpr std::uint32_t kMaxMemoryKib = 1024 * 1024;  // 1 GiB
constexpr std::uint32_t kMaxPasses = 16;
constexpr std::uint32_t kMaxParallelism = 16;

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

// Unpadded base64 of at least `min_bytes` bytes (libargon2 writes it without '=').
bool is_base64(std::string_view text, std::size_t min_bytes) {
  if (text.size() % 4 == 1 || text.size() * 3 / 4 < min_bytes) return false;
  for (char c : text) {
    if (!is_base64_char(c)) return false;
  }
  return true;
}

// Consumes `prefix` then decimal digits from `text`.
bool take_number(std::string_view& text, std::string_view prefix, std::uint32_t& out) {
  if (!text.starts_with(prefix)) return false;
  text.remove_prefix(prefix.size());
  const char* begin = text.data();
  auto [end, ec] = std::from_chars(begin, begin + text.size(), out);
  if (ec != std::errc() || end == begin) return false;
  text.remove_prefix(static_cast<std::size_t>(end - begin));
  return true;
}

}  // namespace

Expected<std::string, std::string> hash_password_with_salt(std::string_view password,
                                                           const Argon2Params& params,
                                                           std::span<const std::uint8_t> salt) {
  std::vector<char> encoded(argon2_encodedlen(params.passes, params.memory_kib, params.parallelism,
                                              static_cast<std::uint32_t>(salt.size()), kHashBytes,
                                              Argon2_id));
  const int rc = argon2id_hash_encoded(params.passes, params.memory_kib, params.parallelism,
                                       password.data(), password.size(), salt.data(), salt.size(),
                                       kHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) return unexpected(std::string(argon2_error_message(rc)));
  return std::string(encoded.data());
}

Expected<std::string, std::string> hash_password(std::string_view password,
                                                 const Argon2Params& params,
                                                 crypto::Random& random) {
  std::array<std::uint8_t, kSaltBytes> salt{};
  random.fill(salt);
  return hash_password_with_salt(password, params, salt);
}

Expected<Argon2Params, std::string> parse_argon2id(std::string_view encoded) {
  const auto bad = [](std::string what) { return unexpected(std::move(what)); };
  std::string_view rest = encoded;
  if (!rest.starts_with("$argon2id$")) {
    return bad(
        "expected an argon2id hash ($argon2id$v=19$m=...,t=...,p=...$salt$hash, as "
        "smart-auth hash-password prints)");
  }
  rest.remove_prefix(10);
  std::uint32_t version = 0;
  Argon2Params params;
  if (!take_number(rest, "v=", version) || version != ARGON2_VERSION_13) {
    return bad("expected argon2id version 19 (v=19)");
  }
  if (!take_number(rest, "$m=", params.memory_kib) || !take_number(rest, ",t=", params.passes) ||
      !take_number(rest, ",p=", params.parallelism) || !rest.starts_with('$')) {
    return bad("expected the parameters as $m=<KiB>,t=<passes>,p=<lanes>$");
  }
  if (params.parallelism < 1 || params.parallelism > kMaxParallelism) {
    return bad("expected p from 1 to " + std::to_string(kMaxParallelism));
  }
  if (params.passes < 1 || params.passes > kMaxPasses) {
    return bad("expected t from 1 to " + std::to_string(kMaxPasses));
  }
  // RFC 9106 §3.1: at least 8 KiB per lane.
  if (params.memory_kib < 8 * params.parallelism || params.memory_kib > kMaxMemoryKib) {
    return bad("expected m from 8*p to " + std::to_string(kMaxMemoryKib) + " KiB");
  }
  rest.remove_prefix(1);
  const std::size_t dollar = rest.find('$');
  if (dollar == std::string_view::npos || !is_base64(rest.substr(0, dollar), 8) ||
      !is_base64(rest.substr(dollar + 1), 16)) {
    return bad(
        "expected a base64 salt of at least 8 bytes and hash of at least 16 after the "
        "parameters");
  }
  return params;
}

PasswordCheck verify_password(const std::string& encoded, std::string_view password) {
  switch (argon2id_verify(encoded.c_str(), password.data(), password.size())) {
    case ARGON2_OK:
      return PasswordCheck::match;
    case ARGON2_VERIFY_MISMATCH:
      return PasswordCheck::mismatch;
    default:  // libargon2's codes are an open int set; everything else means it could not run
      return PasswordCheck::failed;
  }
}

}  // namespace sa::directory
