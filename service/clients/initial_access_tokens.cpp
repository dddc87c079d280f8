#include "clients/initial_access_tokens.hpp"

#include <filesystem>

#include "crypto/files.hpp"
#include "crypto/hash.hpp"
#include "obs/log.hpp"

namespace sa::clients {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kGeneratedTokenBytes = 32;  // 256 bits, like client secrets
constexpr std::size_t kMinTokenChars = 32;        // the config's rule for given tokens

bool is_base64url(std::string_view text) {
  return text.find_first_not_of(
             "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
         std::string_view::npos;
}

// The token kept in `path`, created with a fresh random one when the file does not exist.
Expected<std::string, std::string> read_or_create(const fs::path& path, crypto::Random& random) {
  auto stored = crypto::load_pem_file(path.string());
  if (stored) {
    std::string token = std::move(stored).value();
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
    if (token.size() < kMinTokenChars || !is_base64url(token)) {
      return unexpected(path.string() +
                        " does not hold a generated token; delete it to generate a new one");
    }
    return token;
  }
  if (stored.error() != crypto::FileStatus::NotFound) {
    return unexpected("cannot read " + path.string() + " (" +
                      std::string(crypto::to_string(stored.error())) + ")");
  }
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return unexpected("cannot create " + path.parent_path().string() + ": " + ec.message());
  std::string token = crypto::random_token(random, kGeneratedTokenBytes);
  if (crypto::write_file_private(path.string(), token + "\n") != crypto::FileStatus::Ok) {
    return unexpected("cannot write " + path.string());
  }
  obs::log(obs::Level::info, "initial access token generated",
           {{"path", path.string()}, {"fingerprint", obs::fingerprint(token)}});
  return token;
}

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
    auto token = read_or_create(path, random);
    if (!token) return unexpected("registration.initial_access_tokens: " + token.error());
    tokens.add(*token, entry);
    tokens.generated_ = GeneratedToken{.token = *token,
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
