// A bounded memory of tokens whose signature this server has already checked, so that
// introspecting an unrecorded (client_credentials) token costs one signature verification, not
// one per call: resource servers introspect the same token on every request it carries. Keyed
// by the SHA-256 of the whole token, so only that exact token matches; direct-mapped, so a full
// memory forgets an entry when another token lands in its slot. It remembers nothing but "this
// signature verified": expiry, revocation and the key's presence in the ring are checked on
// every call by the inspector. Thread-safe.
#pragma once

#include <cstddef>
#include <mutex>
#include <vector>

#include "crypto/hash.hpp"

namespace sa::tokens {

class VerifiedTokens {
 public:
  // 4,096 slots of 40 bytes: 160 KiB.
  static constexpr std::size_t kDefaultSlots = 4'096;
  explicit VerifiedTokens(std::size_t slots = kDefaultSlots);

  bool contains(const crypto::Sha256Digest& token_hash) const;
  void remember(const crypto::Sha256Digest& token_hash);

 private:
  struct Slot {
    crypto::Sha256Digest token_hash{};
    bool used = false;
  };
  std::size_t slot_of(const crypto::Sha256Digest& token_hash) const;

  mutable std::mutex mu_;
  std::vector<Slot> slots_;
};

}  // namespace sa::tokens
