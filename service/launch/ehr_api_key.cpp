#include "launch/ehr_api_key.hpp"

#include <filesystem>

#include "crypto/files.hpp"
#include "crypto/hash.hpp"
#include "obs/log.hpp"

namespace sa::launch {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kGeneratedKeyBytes = 32;  // 256 bits
constexpr std::size_t kMinKeyChars = 32;        // the config's rule for a given key

bool is_base64url(std::string_view text) {
  return text.find_first_not_of(
             "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
         std::string_view::npos;
}

// The key kept in `path`, created with a fresh random one when the file does not exist. The same
// steps as the generated initial access token (clients/initial_access_tokens.cpp).
Expected<std::string, std::string> read_or_create(const fs::path& path, crypto::Random& random) {
  auto stored = crypto::load_pem_file(path.string());
  if (stored) {
    std::string key = std::move(stored).value();
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
    if (key.size() < kMinKeyChars || !is_base64url(key)) {
      return unexpected(path.string() +
                        " does not hold a generated key; delete it to generate a new one");
    }
    return key;
  }
  if (stored.error() != crypto::FileStatus::NotFound) {
    return unexpected("cannot read " + path.string() + " (" +
                      std::string(crypto::to_string(stored.error())) + ")");
  }
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return unexpected("cannot create " + path.parent_path().string() + ": " + ec.message());
  std::string key = crypto::random_token(random, kGeneratedKeyBytes);
  if (crypto::write_file_private(path.string(), key + "\n") != crypto::FileStatus::Ok) {
    return unexpected("cannot write " + path.string());
  }
  obs::log(obs::Level::info, "EHR API key generated",
           {{"path", path.string()}, {"fingerprint", obs::fingerprint(key)}});
  return key;
}

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
  auto generated = read_or_create(path, random);
  if (!generated) return unexpected("launch.generate_ehr_api_key: " + generated.error());
  key.hash_ = crypto::sha256_b64url(*generated);
  key.generated_ = GeneratedKey{.key = *generated, .path = fs::absolute(path).string()};
  return key;
}

bool EhrApiKey::matches(std::string_view presented) const {
  if (hash_.empty()) return false;
  return crypto::constant_time_equals(crypto::sha256_b64url(presented), hash_);
}

}  // namespace sa::launch
