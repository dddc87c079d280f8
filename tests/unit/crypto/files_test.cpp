#include "crypto/files.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

using namespace sa::crypto;
namespace fs = std::filesystem;

namespace {
// A fresh directory under the system temp dir, removed at scope exit.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "sa_crypto_XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() { fs::remove_all(path); }
};
}  // namespace

TEST_CASE("a private file is written with mode 0600 and reads back", "[files]") {
  TempDir dir;
  std::string path = (dir.path / "key.pem").string();
  REQUIRE(write_file_private(path, "-----BEGIN PRIVATE KEY-----\n") == FileStatus::Ok);
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(load_pem_file(path).value() == "-----BEGIN PRIVATE KEY-----\n");
}

TEST_CASE("rewriting a private file replaces it and leaves no temporary behind", "[files]") {
  TempDir dir;
  std::string path = (dir.path / "key.pem").string();
  REQUIRE(write_file_private(path, "old") == FileStatus::Ok);
  ::chmod(path.c_str(), 0644);
  REQUIRE(write_file_private(path, "new") == FileStatus::Ok);
  CHECK(load_pem_file(path).value() == "new");
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator{}) == 1);
}

TEST_CASE("writing into a missing directory fails cleanly", "[files]") {
  TempDir dir;
  CHECK(write_file_private((dir.path / "nope" / "key.pem").string(), "x") ==
        FileStatus::OpenFailed);
}

TEST_CASE("loading reports missing and oversized files", "[files]") {
  TempDir dir;
  CHECK(load_pem_file((dir.path / "absent.pem").string()).error() == FileStatus::NotFound);
  std::string big = (dir.path / "big.pem").string();
  REQUIRE(write_file_private(big, std::string(kMaxPemFileBytes + 1, 'a')) == FileStatus::Ok);
  CHECK(load_pem_file(big).error() == FileStatus::TooLarge);
}

#include "crypto/stored_secret.hpp"

TEST_CASE("a stored secret is made once, private, and read back on later calls", "[files]") {
  TempDir dir;
  const std::string path = (dir.path / "state" / "secret").string();
  FakeRandom first_random(1);
  auto first = read_or_create_secret(path, first_random, 32);
  REQUIRE(first);
  CHECK(first->created);
  CHECK(first->value.size() == 43);
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  FakeRandom other_random(7);
  auto again = read_or_create_secret(path, other_random, 32);
  REQUIRE(again);
  CHECK_FALSE(again->created);
  CHECK(again->value == first->value);
}

TEST_CASE("a stored-secret file that holds something else is an error naming it", "[files]") {
  TempDir dir;
  const std::string path = (dir.path / "secret").string();
  REQUIRE(write_file_private(path, "not a secret!\n") == FileStatus::Ok);
  FakeRandom random;
  auto read = read_or_create_secret(path, random, 32);
  REQUIRE_FALSE(read);
  CHECK_THAT(read.error(), Catch::Contains(path) && Catch::Contains("delete it"));
}
