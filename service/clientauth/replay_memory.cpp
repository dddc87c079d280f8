#include "clientauth/replay_memory.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>

#include "crypto/hash.hpp"

namespace sa::clientauth {
namespace {

// The top 48 bits of a fingerprint, never 0 (an empty slot).
std::uint64_t tag_of(std::uint64_t key) {
  const std::uint64_t tag = key >> 16;
  return tag == 0 ? 1 : tag;
}

}  // namespace

ReplayMemory::ReplayMemory() : slots_(kMinSlots, 0) {}

std::uint64_t ReplayMemory::fingerprint(std::string_view client_id, std::string_view jti_hash) {
  std::string input;
  input.reserve(client_id.size() + 1 + jti_hash.size());
  input.append(client_id).push_back('\0');  // client ids hold no NUL: the split is unambiguous
  input.append(jti_hash);
  const crypto::Sha256Digest digest = crypto::sha256(input);
  std::uint64_t key = 0;
  std::memcpy(&key, digest.data(), sizeof key);
  return key;
}

std::uint64_t ReplayMemory::slot_of(std::uint64_t tag, std::int64_t last) const {
  // locate() keeps now < base_ + 2^15 and the config keeps a last second within 4,800 s
  // of now, so the offset fits below 2^16. Only a last second before the base (the clock went
  // back) is clamped, up to the base: it blocks longer, never shorter.
  const std::int64_t offset = std::clamp<std::int64_t>(last - base_, 0, kLastMask);
  return tag << 16 | static_cast<std::uint64_t>(offset);
}

std::size_t ReplayMemory::find(std::uint64_t tag) const {
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = static_cast<std::size_t>(tag) & mask;
  while (slots_[i] != 0 && slots_[i] >> 16 != tag) i = (i + 1) & mask;  // linear probing
  return i;
}

void ReplayMemory::rebuild(std::int64_t now, std::size_t extra) {
  std::size_t live = extra;
  for (std::uint64_t slot : slots_) live += slot != 0 && last_of(slot) >= now;
  std::vector<std::uint64_t> old(std::max(kMinSlots, std::bit_ceil(live * 2)), 0);
  old.swap(slots_);
  const std::int64_t old_base = base_;
  // Never back: after the clock went back, entries keep their last seconds (a new one before the
  // base blocks until the base, longer than asked).
  base_ = std::max(now, base_);
  used_ = 0;
  for (std::uint64_t slot : old) {
    const std::int64_t last = old_base + static_cast<std::int64_t>(slot & kLastMask);
    if (slot == 0 || last < now) continue;
    slots_[find(slot >> 16)] = slot_of(slot >> 16, last);
    ++used_;
  }
}

std::size_t ReplayMemory::locate(std::uint64_t tag, std::int64_t now) {
  if (now - base_ >= kRebaseAfter) rebuild(now, 0);
  return find(tag);
}

void ReplayMemory::store(std::size_t i, std::uint64_t tag, std::int64_t last, std::int64_t now) {
  if (slots_[i] != 0) {
    slots_[i] = slot_of(tag, last);
    return;
  }
  if ((used_ + 1) * 4 > slots_.size() * 3) {  // at most 3/4 full: probes stay short
    rebuild(now, 1);
    i = find(tag);
  }
  slots_[i] = slot_of(tag, last);
  ++used_;
}

bool ReplayMemory::claim(std::uint64_t key, std::int64_t last_acceptable_at, std::int64_t now) {
  const std::uint64_t tag = tag_of(key);
  std::lock_guard lock(mu_);
  const std::size_t i = locate(tag, now);
  // At its last second the assertion that carried it is still acceptable: it still blocks.
  if (slots_[i] != 0 && last_of(slots_[i]) >= now) return false;
  store(i, tag, last_acceptable_at, now);
  return true;
}

void ReplayMemory::restore(std::uint64_t key, std::int64_t last_acceptable_at, std::int64_t now) {
  if (last_acceptable_at < now) return;
  const std::uint64_t tag = tag_of(key);
  std::lock_guard lock(mu_);
  const std::size_t i = locate(tag, now);
  if (slots_[i] == 0 || last_of(slots_[i]) < last_acceptable_at) {
    store(i, tag, last_acceptable_at, now);
  }
}

std::size_t ReplayMemory::entries() const {
  std::lock_guard lock(mu_);
  return used_;
}

std::size_t ReplayMemory::slots() const {
  std::lock_guard lock(mu_);
  return slots_.size();
}

}  // namespace sa::clientauth
