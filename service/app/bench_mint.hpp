// `smart-auth bench-mint`: for the benchmarks only (bench/, issue 8 "Speed"). Writes N
// authorization codes, or N refresh tokens each in its own grant, through the real stores into
// the configured database, and the plain codes or tokens, one per line, to a 0600 file, so code
// exchange and refresh can be measured with one fresh credential per request. Codes carry a fixed
// PKCE verifier (kBenchCodeVerifier) and may live far longer than authorize.code_lifetime_s:
// never run it against a production database. Run it with the server stopped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "config/config.hpp"

namespace sa::app {

// RFC 7636 §4.1: 43-128 unreserved characters. The codes store its S256 challenge.
inline constexpr std::string_view kBenchCodeVerifier =
    "smart-auth-bench-mint-fixed-pkce-verifier-not-for-production";
inline constexpr std::string_view kBenchDefaultScope =
    "launch/patient openid fhirUser offline_access patient/*.rs";
// The demo directory's patient user (config/demo-directory.yaml) that every credential is for.
inline constexpr std::string_view kBenchUserId = "pat-jones";
inline constexpr std::string_view kBenchFhirUser = "Patient/1001";
inline constexpr std::string_view kBenchUserName = "Emily Jones";
inline constexpr std::string_view kBenchPatient = "1001";

struct BenchMintOptions {
  std::string client_id;
  std::uint64_t codes = 0;  // exactly one of codes and refresh is non-zero
  std::uint64_t refresh = 0;
  std::string scope{kBenchDefaultScope};
  std::uint32_t code_lifetime_s = 3'600;
  std::string out;
};

// Exit code: 0 written, 1 a runtime failure (unknown client, grant type not registered, store or
// file error), each with a sentence on stderr naming the flag or the client.
int bench_mint(const config::Config& config, const BenchMintOptions& options);

}  // namespace sa::app
