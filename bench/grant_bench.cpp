// Times scopes::grant() on the largest inputs parse_scope_string allows (finding 2.2): 100
// requested query-filtered scopes against 100 ceiling scopes, in a few shapes. Not a test; run
// by hand:
//   g++ -std=c++20 -O2 -Iservice -o /tmp/grant_bench bench/grant_bench.cpp \
//       service/scopes/*.cpp service/util/strings.cpp && /tmp/grant_bench
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "scopes/grant.hpp"

using sa::scopes::Scope;

namespace {

std::vector<Scope> parsed(const std::string& text) {
  auto scopes = sa::scopes::parse_scope_string(text);
  if (!scopes) {
    std::fprintf(stderr, "%s\n", scopes.error().message().c_str());
    std::exit(1);
  }
  return *scopes;
}

std::string repeat(std::size_t n, const std::string& prefix, bool numbered) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) out += ' ';
    out += prefix + (numbered ? std::to_string(i) : "");
  }
  return out;
}

void run(const char* name, const std::string& requested, const std::string& ceiling) {
  const auto want = parsed(requested);
  const auto allowed = parsed(ceiling);
  constexpr int kRounds = 200;
  std::size_t granted = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRounds; ++i) granted += sa::scopes::grant(want, allowed).size();
  const double us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() /
      kRounds;
  std::printf("%-40s %zu x %zu -> %zu scopes: %.1f us per grant\n", name, want.size(),
              allowed.size(), granted / kRounds, us);
}

}  // namespace

int main() {
  run("query-filtered vs repeated wildcard", repeat(100, "system/Patient.r?a=", true),
      repeat(100, "system/*.rs", false));
  run("query-filtered vs query-filtered", repeat(100, "system/Patient.r?a=", true),
      repeat(100, "system/Patient.cruds?a=", true));
  run("wildcards vs typed, every pair granted", repeat(100, "system/*.rs?a=", true),
      "system/Patient.r system/Observation.r system/Encounter.r system/Condition.r " +
          repeat(96, "system/Patient.s?b=", true));
  return 0;
}
