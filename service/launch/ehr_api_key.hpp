// The EHR's key for POST /auth/launch (launch.ehr_api_key), resolved once at start and held only
// as a SHA-256 hash. With launch.generate_ehr_api_key a random key is made on first start and
// kept in <data_dir>/ehr_api_key (0600), like the demo initial access token
// (clients/initial_access_tokens.hpp), so it survives restarts and can be printed at each start.
// No key configured: every presented key is refused.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "crypto/random.hpp"
#include "util/expected.hpp"

namespace sa::launch {

// The generated key: shown to the operator on the terminal at start, never logged.
struct GeneratedKey {
  std::string key;
  std::string path;  // where it is kept
};

inline constexpr std::string_view kGeneratedKeyFile = "ehr_api_key";

class EhrApiKey {
 public:
  EhrApiKey() = default;  // no key: matches() is always false

  // Reads the generated key's file, or creates it (and data_dir) on first start. An error is one
  // sentence naming the file.
  static Expected<EhrApiKey, std::string> load(const config::LaunchSettings& settings,
                                               const std::string& data_dir, crypto::Random& random);

  // Whether `presented` is the key: SHA-256 hashes compared in constant time, so timing says
  // nothing about the key (CONTRACT "EHR launch-context API"; RFC 6750 §5.2).
  [[nodiscard]] bool matches(std::string_view presented) const;
  [[nodiscard]] bool configured() const { return !hash_.empty(); }
  [[nodiscard]] const std::optional<GeneratedKey>& generated() const { return generated_; }

 private:
  std::string hash_;  // base64url SHA-256 of the key; empty = no key
  std::optional<GeneratedKey> generated_;
};

}  // namespace sa::launch
