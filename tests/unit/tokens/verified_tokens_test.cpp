#include "tokens/verified_tokens.hpp"

#include <catch2/catch.hpp>

namespace sa::tokens {
namespace {

TEST_CASE("verified tokens are remembered by their exact hash, in a bounded memory",
          "[tokens][inspector]") {
  const auto a = crypto::sha256("token-a");
  const auto b = crypto::sha256("token-b");
  SECTION("an exact hash only") {
    VerifiedTokens verified;
    CHECK_FALSE(verified.contains(a));
    verified.remember(a);
    CHECK(verified.contains(a));
    CHECK_FALSE(verified.contains(b));
    auto almost = a;
    almost[31] ^= 1;  // same slot, another token
    CHECK_FALSE(verified.contains(almost));
  }
  SECTION("a full memory forgets what another token displaces") {
    VerifiedTokens one_slot(1);
    one_slot.remember(a);
    one_slot.remember(b);
    CHECK(one_slot.contains(b));
    CHECK_FALSE(one_slot.contains(a));
  }
  SECTION("the empty slot is no token's") {
    VerifiedTokens verified;
    CHECK_FALSE(verified.contains(crypto::Sha256Digest{}));
  }
}

}  // namespace
}  // namespace sa::tokens
