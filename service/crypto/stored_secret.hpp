// A random secret the server makes once and keeps in a 0600 file under data_dir so it survives
// restarts and can be shown to the operator at each start (the demo initial access token, the
// demo EHR API key). Reading checks the file still holds such a secret; nothing here logs.
#pragma once

#include <cstddef>
#include <string>

#include "crypto/random.hpp"
#include "util/expected.hpp"

namespace sa::crypto {

struct StoredSecret {
  std::string value;     // base64url, at least 32 characters
  bool created = false;  // made by this call (the caller may log that, never the value)
};

// The secret kept at `path`, or a new one of `bytes` random bytes written there (creating its
// directory) when the file does not exist. An error is one sentence naming the file.
Expected<StoredSecret, std::string> read_or_create_secret(const std::string& path, Random& random,
                                                          std::size_t bytes);

}  // namespace sa::crypto
