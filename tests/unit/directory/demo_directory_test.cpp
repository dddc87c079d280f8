// The shipped config/demo-directory.yaml loads, and the demo logins the README lists work.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <future>

#include "directory/builtin_directory.hpp"

using namespace sa::directory;

namespace {

std::string source_dir() {
  const char* dir = std::getenv("SMART_AUTH_SOURCE_DIR");
  REQUIRE(dir != nullptr);
  return dir;
}

sa::Expected<User, DirectoryError> log_in(Directory& directory, std::string username,
                                          std::string password) {
  std::promise<sa::Expected<User, DirectoryError>> promise;
  directory.authenticate(std::move(username), std::move(password),
                         [&promise](auto result) { promise.set_value(std::move(result)); });
  return promise.get_future().get();
}

std::vector<Patient> patients_of(Directory& directory, const std::string& user_id) {
  std::vector<Patient> out;
  directory.find_patients(user_id, "", [&out](auto result) { out = std::move(result).value(); });
  return out;
}

}  // namespace

TEST_CASE("the demo directory's README logins work and see what the README says",
          "[directory][demo]") {
  auto loaded = BuiltinDirectory::load({source_dir() + "/config/demo-directory.yaml", 1});
  INFO((loaded ? "" : loaded.error()));
  REQUIRE(loaded);
  Directory& directory = **loaded;

  auto smith = log_in(directory, "dr.smith", "demo-doctor-1");
  REQUIRE(smith);
  CHECK(smith->fhir_user.starts_with("Practitioner/"));
  const std::size_t all = patients_of(directory, smith->id).size();
  CHECK(all >= 5);

  auto limited = log_in(directory, "dr.patel", "demo-doctor-2");
  REQUIRE(limited);
  const std::size_t some = patients_of(directory, limited->id).size();
  CHECK(some >= 1);
  CHECK(some < all);

  auto jones = log_in(directory, "pat.jones", "demo-patient-1");
  REQUIRE(jones);
  const auto own = own_patient_id(*jones);
  REQUIRE(own);
  const auto mine = patients_of(directory, jones->id);
  REQUIRE(mine.size() == 1);
  CHECK(mine[0].id == *own);

  CHECK_FALSE(log_in(directory, "dr.smith", "demo-patient-1"));
}
