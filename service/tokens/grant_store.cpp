#include "tokens/grant_store.hpp"

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

}  // namespace sa::tokens
