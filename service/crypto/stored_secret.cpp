#include "crypto/stored_secret.hpp"

#include <filesystem>

#include "crypto/files.hpp"

namespace sa::crypto {
namespace {

constexpr std::size_t kMinSecretChars = 32;  // the config's rule for secrets given by hand

bool is_base64url(std::string_view text) {
  return text.find_first_not_of(
             "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
         std::string_view::npos;
}

}  // namespace

Expected<StoredSecret, std::string> read_or_create_secret(const std::string& path, Random& random,
                                                          std::size_t bytes) {
  auto stored = load_pem_file(path);
  if (stored) {
    std::string value = std::move(stored).value();
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
    if (value.size() < kMinSecretChars || !is_base64url(value)) {
      return unexpected(path +
                        " does not hold a generated secret; delete it to generate a new one");
    }
    return StoredSecret{std::move(value), false};
  }
  if (stored.error() != FileStatus::NotFound) {
    return unexpected("cannot read " + path + " (" + std::string(to_string(stored.error())) + ")");
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) {
    return unexpected("cannot create " + fs::path(path).parent_path().string() + ": " +
                      ec.message());
  }
  std::string value = random_token(random, bytes);
  if (write_file_private(path, value + "\n") != FileStatus::Ok) {
    return unexpected("cannot write " + path);
  }
  return StoredSecret{std::move(value), true};
}

}  // namespace sa::crypto
