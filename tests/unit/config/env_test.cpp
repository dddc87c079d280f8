#include "config/env.hpp"

#include <catch2/catch.hpp>

#include "config_test_support.hpp"

namespace sa::config {
namespace {

using test::fake_env;

TEST_CASE("a ${VAR} reference is replaced by the variable's value", "[config][env]") {
  const auto env = fake_env({{"HOME_DIR", "/srv"}, {"PORT", "8443"}, {"EMPTY", ""}});
  auto [text, expected] = GENERATE(table<std::string, std::string>({
      {"${HOME_DIR}", "/srv"},
      {"${HOME_DIR}/certs/${PORT}.pem", "/srv/certs/8443.pem"},
      {"prefix-${EMPTY}-suffix", "prefix--suffix"},
      {"no references at all", "no references at all"},
      {"a lone $ sign and $HOME_DIR stay", "a lone $ sign and $HOME_DIR stay"},
      {"$${HOME_DIR} is literal", "${HOME_DIR} is literal"},
      {"$$ and $$$${X}", "$$ and $$${X}"},  // only "$${" is an escape
  }));
  CAPTURE(text);
  const Substituted out = substitute_env(text, env);
  CHECK(out.problems.empty());
  CHECK(out.value == expected);
}

TEST_CASE("every unset variable in a value is reported by name", "[config][env]") {
  const Substituted out = substitute_env("${A}/${SET}/${B}", fake_env({{"SET", "x"}}));
  CHECK(out.problems == std::vector<std::string>{"environment variable A is not set",
                                                 "environment variable B is not set"});
}

TEST_CASE("a malformed reference is an error, not literal text", "[config][env]") {
  auto text = GENERATE(as<std::string>{}, "${", "abc ${NAME", "${}", "${1ABC}", "${A-B}");
  CAPTURE(text);
  CHECK_FALSE(substitute_env(text, fake_env({{"NAME", "x"}})).problems.empty());
}

TEST_CASE("process_env reads the real environment", "[config][env]") {
  const EnvLookup env = process_env();
  CHECK(env("PATH").has_value());
  CHECK_FALSE(env("SMART_AUTH_SURELY_UNSET_VARIABLE_42").has_value());
}

}  // namespace
}  // namespace sa::config
