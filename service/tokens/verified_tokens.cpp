#include "tokens/verified_tokens.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace sa::tokens {

VerifiedTokens::VerifiedTokens(std::size_t slots) : slots_(std::max<std::size_t>(slots, 1)) {}

std::size_t VerifiedTokens::slot_of(const crypto::Sha256Digest& token_hash) const {
  // The digest is uniformly distributed: its first bytes pick the slot.
  std::uint64_t index = 0;
  std::memcpy(&index, token_hash.data(), sizeof index);
  return static_cast<std::size_t>(index % slots_.size());
}

bool VerifiedTokens::contains(const crypto::Sha256Digest& token_hash) const {
  const std::size_t slot = slot_of(token_hash);
  std::lock_guard lock(mu_);
  return slots_[slot].used && slots_[slot].token_hash == token_hash;
}

void VerifiedTokens::remember(const crypto::Sha256Digest& token_hash) {
  const std::size_t slot = slot_of(token_hash);
  std::lock_guard lock(mu_);
  slots_[slot] = Slot{token_hash, true};
}

}  // namespace sa::tokens
