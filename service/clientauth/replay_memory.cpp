#include "clientauth/replay_memory.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <string>

#include "crypto/hash.hpp"

namespace sa::clientauth {
namespace {

std::uint32_t to_seconds(std::int64_t t) {
  return static_cast<std::uint32_t>(
      std::clamp<std::int64_t>(t, 0, std::numeric_limits<std::uint32_t>::max()));
}

}  // namespace

ReplayMemory::ReplayMemory() : keys_(kMinSlots, 0), last_(kMinSlots, 0) {}

std::uint64_t ReplayMemory::fingerprint(std::string_view client_id, std::string_view jti_hash) {
  std::string input;
  input.reserve(client_id.size() + 1 + jti_hash.size());
  input.append(client_id).push_back('\0');  // client ids hold no NUL: the split is unambiguous
  input.append(jti_hash);
  const crypto::Sha256Digest digest = crypto::sha256(input);
  std::uint64_t key = 0;
  std::memcpy(&key, digest.data(), sizeof key);
  return key == 0 ? 1 : key;
}

std::size_t ReplayMemory::find(std::uint64_t key) const {
  const std::size_t mask = keys_.size() - 1;
  std::size_t i = static_cast<std::size_t>(key) & mask;
  while (keys_[i] != 0 && keys_[i] != key) i = (i + 1) & mask;  // linear probing
  return i;
}

void ReplayMemory::place(std::uint64_t key, std::uint32_t last) {
  const std::size_t i = find(key);
  if (keys_[i] == 0) {
    keys_[i] = key;
    ++used_;
  }
  last_[i] = last;
}

void ReplayMemory::rebuild(std::int64_t now, std::size_t extra) {
  const std::uint32_t today = to_seconds(now);
  std::size_t live = extra;
  for (std::size_t i = 0; i < keys_.size(); ++i) live += keys_[i] != 0 && last_[i] >= today;
  std::vector<std::uint64_t> keys(std::max(kMinSlots, std::bit_ceil(live * 2)), 0);
  std::vector<std::uint32_t> last(keys.size(), 0);
  keys.swap(keys_);
  last.swap(last_);
  used_ = 0;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] != 0 && last[i] >= today) place(keys[i], last[i]);
  }
}

bool ReplayMemory::claim(std::uint64_t key, std::int64_t last_acceptable_at, std::int64_t now) {
  key = key == 0 ? 1 : key;
  std::lock_guard lock(mu_);
  std::size_t i = find(key);
  if (keys_[i] == key) {
    // At its last second the assertion that carried it is still acceptable: it still blocks.
    if (static_cast<std::int64_t>(last_[i]) >= now) return false;
    last_[i] = to_seconds(last_acceptable_at);
    return true;
  }
  if ((used_ + 1) * 4 > keys_.size() * 3) {  // at most 3/4 full: probes stay short
    rebuild(now, 1);
    i = find(key);
  }
  keys_[i] = key;
  last_[i] = to_seconds(last_acceptable_at);
  ++used_;
  return true;
}

void ReplayMemory::restore(std::uint64_t key, std::int64_t last_acceptable_at, std::int64_t now) {
  key = key == 0 ? 1 : key;
  std::lock_guard lock(mu_);
  if (last_acceptable_at < now) return;
  const std::size_t i = find(key);
  if (keys_[i] == key) {
    last_[i] = std::max(last_[i], to_seconds(last_acceptable_at));
    return;
  }
  if ((used_ + 1) * 4 > keys_.size() * 3) rebuild(now, 1);
  place(key, to_seconds(last_acceptable_at));
}

std::size_t ReplayMemory::entries() const {
  std::lock_guard lock(mu_);
  return used_;
}

std::size_t ReplayMemory::slots() const {
  std::lock_guard lock(mu_);
  return keys_.size();
}

}  // namespace sa::clientauth
