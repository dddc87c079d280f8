// The EHR API key (launch.ehr_api_key / generate_ehr_api_key): matched by hash in constant time,
// and the generated demo key kept private in data_dir across starts.
#include "launch/ehr_api_key.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "unit/store/store_test_support.hpp"

namespace sa::launch {
namespace {

config::LaunchSettings given(std::string key) {
  config::LaunchSettings s;
  s.ehr_api_key = std::move(key);
  return s;
}

TEST_CASE("a configured EHR API key matches itself and nothing else", "[launch][key]") {
  store::test::TempDir dir;
  crypto::FakeRandom random;
  const std::string key(40, 'k');
  auto loaded = EhrApiKey::load(given(key), dir.file("data"), random);
  REQUIRE(loaded);
  CHECK(loaded->configured());
  CHECK(loaded->matches(key));
  CHECK_FALSE(loaded->matches(key + "k"));
  CHECK_FALSE(loaded->matches(std::string(40, 'j')));
  CHECK_FALSE(loaded->matches(""));
  CHECK_FALSE(loaded->generated());
  CHECK_FALSE(std::filesystem::exists(dir.file("data")));  // nothing generated, nothing written
}

TEST_CASE("without a key every presented key is refused", "[launch][key]") {
  store::test::TempDir dir;
  crypto::FakeRandom random;
  auto loaded = EhrApiKey::load(config::LaunchSettings{}, dir.file("data"), random);
  REQUIRE(loaded);
  CHECK_FALSE(loaded->configured());
  CHECK_FALSE(loaded->matches(""));
  CHECK_FALSE(loaded->matches(std::string(40, 'k')));
}

TEST_CASE("a generated EHR API key is created once, kept private in data_dir and reused",
          "[launch][key]") {
  store::test::TempDir dir;
  const std::string data_dir = dir.file("data");
  config::LaunchSettings settings;
  settings.generate_ehr_api_key = true;
  crypto::FakeRandom first_random(1);
  auto first = EhrApiKey::load(settings, data_dir, first_random);
  REQUIRE(first);
  REQUIRE(first->generated());
  const GeneratedKey generated = *first->generated();
  CHECK(generated.key.size() >= 43);  // 256 bits, base64url
  CHECK(first->matches(generated.key));

  const std::string path = data_dir + "/ehr_api_key";
  CHECK(std::filesystem::equivalent(generated.path, path));
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  crypto::FakeRandom other_random(99);
  auto again = EhrApiKey::load(settings, data_dir, other_random);
  REQUIRE(again);
  CHECK(again->generated()->key == generated.key);
  CHECK(again->matches(generated.key));
}

TEST_CASE("a damaged generated-key file stops start-up naming the file", "[launch][key]") {
  store::test::TempDir dir;
  std::filesystem::create_directories(dir.file("data"));
  std::ofstream(dir.file("data/ehr_api_key")) << "short\n";
  config::LaunchSettings settings;
  settings.generate_ehr_api_key = true;
  crypto::FakeRandom random;
  auto loaded = EhrApiKey::load(settings, dir.file("data"), random);
  REQUIRE_FALSE(loaded);
  CHECK_THAT(loaded.error(), Catch::Contains("ehr_api_key") && Catch::Contains("delete it"));
}

}  // namespace
}  // namespace sa::launch
