#include "tokens/grant_store.hpp"

#include <algorithm>

#include "crypto/hash.hpp"
#include "crypto/random.hpp"

namespace sa::tokens {

std::string_view to_string(RefreshKind kind) {
  // The spelling of grants.refresh_kind (its CHECK constraint lists the same three).
  switch (kind) {
    case RefreshKind::none:
      return "none";
    case RefreshKind::offline:
      return "offline";
    case RefreshKind::online:
      return "online";
  }
  return "none";  // unreachable: every enumerator is handled above
}

std::optional<RefreshKind> parse_refresh_kind(std::string_view text) {
  for (RefreshKind kind : {RefreshKind::none, RefreshKind::offline, RefreshKind::online}) {
    if (to_string(kind) == text) return kind;
  }
  return std::nullopt;
}

std::int64_t grant_expiry_covering(std::int64_t refresh_expires, std::int64_t now) {
  return refresh_expires + std::max<std::int64_t>(0, refresh_expires - now) / 8;
}

std::string refresh_token_key(std::string_view token) {
  // Only the exact shape this server issues gets the prefixed key: any other string is looked up
  // by its hash alone, which matches no prefixed row.
  if (token.size() == crypto::ordered_token_chars(kRefreshTokenBytes) &&
      crypto::has_ordered_prefix(token)) {
    return std::string(token.substr(0, crypto::kOrderedPrefixChars)) + crypto::sha256_b64url(token);
  }
  return crypto::sha256_b64url(token);
}

}  // namespace sa::tokens
