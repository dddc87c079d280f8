#include "clients/initial_access_tokens.hpp"

#include <filesystem>

#include "crypto/hash.hpp"
#include "crypto/stored_secret.hpp"
#include "obs/log.hpp"

namespace sa::clients {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kGeneratedTokenBytes = 32;  // 256 bits, like client secrets

}  // namespace

void InitialAccessTokens::add(std::string_view token, const config::InitialAccessToken& entry) {
  entries_.push_back(Entry{.hash = crypto::sha256_b64url(token),
                           .accepted = {.description = entry.description,
                                        .fingerprint = obs::fingerprint(token),
                                        .max_scope = entry.max_scope}});
}

Expected<InitialAccessTokens, std::string> InitialAccessTokens::load(
    const config::RegistrationSettings& settings, const std::string& data_dir,
    crypto::Random& random) {
  InitialAccessTokens tokens;
  for (const config::InitialAccessToken& entry : settings.initial_access_tokens) {
    if (!entry.generate) {
      tokens.add(entry.token, entry);
      continue;
    }
    // The config allows one generated entry, so one file.
    const fs::path path = fs::path(data_dir) / kGeneratedTokenFile;
    auto stored = crypto::read_or_create_secret(path.string(), random, kGeneratedTokenBytes);
    if (!stored) return unexpected("registration.initial_access_tokens: " + stored.error());
    const std::string& token = stored->value;
    if (stored->created) {
      obs::log(obs::Level::info, "initial access token generated",
               {{"path", path.string()}, {"fingerprint", obs::fingerprint(token)}});
    }
    tokens.add(token, entry);
    tokens.generated_ = GeneratedToken{.token = token,
                                       .path = fs::absolute(path).string(),
                                       .description = entry.description,
                                       .max_scope = entry.max_scope};
  }
  return tokens;
}

const AcceptedToken* InitialAccessTokens::match(std::string_view presented) const {
  // RFC 7591 §3 / RFC 6750: a bearer secret. Hash the presented token once and compare it with
  // every entry, never stopping early, so neither length nor content leaks through timing.
  const std::string hash = crypto::sha256_b64url(presented);
  const AcceptedToken* found = nullptr;
  for (const Entry& entry : entries_) {
    if (crypto::constant_time_equals(hash, entry.hash)) found = &entry.accepted;
  }
  return found;
}

}  // namespace sa::clients
