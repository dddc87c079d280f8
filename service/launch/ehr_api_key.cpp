#include "launch/ehr_api_key.hpp"

#include <filesystem>

#include "crypto/hash.hpp"
#include "crypto/stored_secret.hpp"
#include "obs/log.hpp"

namespace sa::launch {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kGeneratedKeyBytes = 32;  // 256 bits

}  // namespace

Expected<EhrApiKey, std::string> EhrApiKey::load(const config::LaunchSettings& settings,
                                                 const std::string& data_dir,
                                                 crypto::Random& random) {
  EhrApiKey key;
  if (!settings.generate_ehr_api_key) {
    if (!settings.ehr_api_key.empty()) key.hash_ = crypto::sha256_b64url(settings.ehr_api_key);
    return key;
  }
  const fs::path path = fs::path(data_dir) / kGeneratedKeyFile;
  // The same steps as the generated initial access token (clients/initial_access_tokens.cpp).
  auto stored = crypto::read_or_create_secret(path.string(), random, kGeneratedKeyBytes);
  if (!stored) return unexpected("launch.generate_ehr_api_key: " + stored.error());
  if (stored->created) {
    obs::log(obs::Level::info, "EHR API key generated",
             {{"path", path.string()}, {"fingerprint", obs::fingerprint(stored->value)}});
  }
  key.hash_ = crypto::sha256_b64url(stored->value);
  key.generated_ = GeneratedKey{.key = stored->value, .path = fs::absolute(path).string()};
  return key;
}

bool EhrApiKey::matches(std::string_view presented) const {
  if (hash_.empty()) return false;
  return crypto::constant_time_equals(crypto::sha256_b64url(presented), hash_);
}

}  // namespace sa::launch
