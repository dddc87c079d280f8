// Injected randomness. Domain code asks a Random for bytes so tests can pin them; OpenSslRandom
// draws from RAND_bytes (small requests through a per-thread pool) and aborts rather than hand
// back weak bytes. random_token() turns bytes
// into a base64url string (RFC 4648 §5 alphabet: unreserved in URLs and forms).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace sa::crypto {

class Random {
 public:
  virtual ~Random() = default;
  virtual void fill(std::span<std::uint8_t> out) = 0;
};

class OpenSslRandom final : public Random {
 public:
  // Aborts the process if the CSPRNG fails: there is no safe way to continue issuing secrets.
  void fill(std::span<std::uint8_t> out) override;
};

// Deterministic bytes for tests: a counter starting at `seed`, wrapping at 256.
class FakeRandom final : public Random {
 public:
  explicit FakeRandom(std::uint8_t seed = 0) : next_(seed) {}
  void fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = next_++;
  }

 private:
  std::uint8_t next_;
};

// `bytes` random bytes as unpadded base64url (ceil(4 * bytes / 3) characters).
std::string random_token(Random& random, std::size_t bytes);

// kOrderedPrefixChars lowercase hex digits that sort in issue order (8 for the second of now_us,
// 6 for its microsecond), followed by random_token(random, bytes). For ids and tokens that key a
// SQLite b-tree: a random key dirties a random page per insert, an ordered one the same right-
// most page for a whole commit, which is most of what a token request costs the writer. The
// prefix is not secret and tells only when the value was made (no counter: nothing about how
// many others were made); the random part carries the unguessability and the uniqueness.
inline constexpr std::size_t kOrderedPrefixChars = 14;
std::string ordered_token(Random& random, std::int64_t now_us, std::size_t bytes);
// The length of ordered_token(random, now_us, bytes): the prefix, then ceil(4 * bytes / 3).
constexpr std::size_t ordered_token_chars(std::size_t bytes) {
  return kOrderedPrefixChars + (4 * bytes + 2) / 3;
}
// Whether `value` starts with an ordered_token prefix.
bool has_ordered_prefix(std::string_view value);

}  // namespace sa::crypto
