// The initial access tokens of RFC 7591 §3 (registration.initial_access_tokens), resolved once at
// start: each becomes a SHA-256 hash, its description and an 8-character fingerprint for the
// audit log, and the cap (max_scope) it gives a client registered with it. An entry with
// `generate: true` gets a random token on first start, kept in <data_dir>/initial_access_token
// (0600) like the generated CA, so the demo token stays the same and can be printed at every
// start. This unit decides nothing about registration itself (registration_endpoint.cpp does).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "crypto/random.hpp"
#include "util/expected.hpp"

namespace sa::clients {

struct AcceptedToken {
  std::string description;
  std::string fingerprint;  // first 8 characters of base64url(SHA-256(token)), for logs
  std::string max_scope;    // space-separated cap for a client registered with the token
};

// The token of a `generate: true` entry: shown to the operator at start, never logged.
struct GeneratedToken {
  std::string token;
  std::string path;  // where it is kept
  std::string description;
  std::string max_scope;
};

inline constexpr std::string_view kGeneratedTokenFile = "initial_access_token";

class InitialAccessTokens {
 public:
  InitialAccessTokens() = default;  // no tokens: every presented token is refused

  // Reads the generated token's file, or creates it (and data_dir) on first start. An error is
  // one sentence naming the file.
  static Expected<InitialAccessTokens, std::string> load(
      const config::RegistrationSettings& settings, const std::string& data_dir,
      crypto::Random& random);

  // The entry whose token is `presented`, or nullptr. Compares SHA-256 hashes with
  // constant_time_equals against every entry, so timing says nothing about any token.
  [[nodiscard]] const AcceptedToken* match(std::string_view presented) const;

  [[nodiscard]] const std::optional<GeneratedToken>& generated() const { return generated_; }

 private:
  struct Entry {
    std::string hash;  // base64url SHA-256 of the token
    AcceptedToken accepted;
  };
  void add(std::string_view token, const config::InitialAccessToken& entry);

  std::vector<Entry> entries_;
  std::optional<GeneratedToken> generated_;
};

}  // namespace sa::clients
