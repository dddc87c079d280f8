#include "keys/key_ring.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "crypto/jwk.hpp"
#include "crypto/jws.hpp"
#include "store/database.hpp"
#include "keys/sqlite_key_store.hpp"
#include "unit/store/store_test_support.hpp"

using namespace sa;
using store::test::TempDir;

namespace {

struct Fixture {
  TempDir dir;
  FakeClock clock{1'700'000'000};
  std::unique_ptr<store::Database> db;
  std::unique_ptr<keys::SqliteKeyStore> key_store;
  config::KeySettings settings;

  Fixture() { open(); }
  void open() {
    key_store.reset();
    db.reset();
    auto opened = store::Database::open(store::test::settings_in(dir));
    REQUIRE(opened.has_value());
    db = std::move(opened).value();
    key_store = std::make_unique<keys::SqliteKeyStore>(*db);
  }
};

std::vector<std::string> jwks_kids(const keys::KeySet& set) {
  rapidjson::Document doc;
  doc.Parse(set.jwks_json.c_str());
  std::vector<std::string> kids;
  for (const auto& k : doc["keys"].GetArray()) kids.emplace_back(k["kid"].GetString());
  return kids;
}

}  // namespace

TEST_CASE("first start creates one RS256 and one ES256 key whose kid is the thumbprint",
          "[keys]") {
  Fixture f;
  keys::KeyRing ring(*f.key_store, f.settings, f.clock);
  REQUIRE_FALSE(ring.load_or_create().has_value());
  auto set = ring.current();
  for (auto alg : {crypto::JwsAlg::RS256, crypto::JwsAlg::ES256}) {
    auto signer = set->signer(alg);
    REQUIRE(signer);
    REQUIRE(signer->kid == crypto::jwk_thumbprint(signer->key).value());  // RFC 7638
  }
  REQUIRE(jwks_kids(*set).size() == 2);
}

TEST_CASE("a second start loads the stored keys instead of generating new ones", "[keys]") {
  Fixture f;
  std::string rs_kid;
  {
    keys::KeyRing ring(*f.key_store, f.settings, f.clock);
    REQUIRE_FALSE(ring.load_or_create());
    rs_kid = ring.current()->signer(crypto::JwsAlg::RS256)->kid;
  }
  f.open();
  keys::KeyRing again(*f.key_store, f.settings, f.clock);
  REQUIRE_FALSE(again.load_or_create());
  REQUIRE(again.current()->signer(crypto::JwsAlg::RS256)->kid == rs_kid);
  REQUIRE(f.key_store->list_keys()->size() == 2);
}

TEST_CASE("a signature by the active key verifies with the published JWK", "[keys]") {
  Fixture f;
  keys::KeyRing ring(*f.key_store, f.settings, f.clock);
  REQUIRE_FALSE(ring.load_or_create());
  auto signer = ring.current()->signer(crypto::JwsAlg::ES256);
  auto jws = crypto::sign_compact(signer->key, {crypto::JwsAlg::ES256, signer->kid, "JWT"}, "{}");
  REQUIRE(jws.has_value());
  rapidjson::Document doc;
  doc.Parse(ring.current()->jwks_json.c_str());
  for (const auto& k : doc["keys"].GetArray()) {
    if (std::string(k["kid"].GetString()) != signer->kid) continue;
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    k.Accept(w);
    auto pub = crypto::public_key_from_jwk(buf.GetString());
    REQUIRE(pub.has_value());
    auto parsed = crypto::parse_compact(*jws);
    REQUIRE(crypto::verify(*parsed, *pub, crypto::JwsAlg::ES256) == crypto::JwsStatus::Ok);
  }
}

TEST_CASE("rotation signs with new keys and keeps retired keys published until they expire",
          "[keys][rotation]") {
  Fixture f;
  f.settings.retired_key_ttl_s = 600;
  keys::KeyRing ring(*f.key_store, f.settings, f.clock);
  REQUIRE_FALSE(ring.load_or_create());
  auto old_es = ring.current()->signer(crypto::JwsAlg::ES256)->kid;

  auto kids = ring.rotate();
  REQUIRE(kids.has_value());
  REQUIRE(kids->size() == 2);
  auto set = ring.current();
  REQUIRE(set->signer(crypto::JwsAlg::ES256)->kid != old_es);
  auto published = jwks_kids(*set);
  REQUIRE(published.size() == 4);
  REQUIRE(std::count(published.begin(), published.end(), old_es) == 1);

  f.clock.advance(601);
  REQUIRE_FALSE(ring.reload());
  published = jwks_kids(*ring.current());
  REQUIRE(published.size() == 2);
  REQUIRE(std::count(published.begin(), published.end(), old_es) == 0);
}

TEST_CASE("another process's rotation is picked up by reload", "[keys][rotation]") {
  Fixture f;
  keys::KeyRing serving(*f.key_store, f.settings, f.clock);
  REQUIRE_FALSE(serving.load_or_create());
  auto before = serving.current();
  keys::KeyRing cli(*f.key_store, f.settings, f.clock);
  REQUIRE_FALSE(cli.load_or_create());
  REQUIRE(cli.rotate().has_value());

  REQUIRE(serving.current() == before);  // nothing changes until reload
  REQUIRE_FALSE(serving.reload());
  REQUIRE(serving.current()->signer(crypto::JwsAlg::RS256)->kid ==
          cli.current()->signer(crypto::JwsAlg::RS256)->kid);
  // An unchanged store keeps the same snapshot.
  auto after = serving.current();
  REQUIRE_FALSE(serving.reload());
  REQUIRE(serving.current() == after);
}

TEST_CASE("a token signed before rotate() still verifies by its kid after it", "[keys][rotation]") {
  Fixture f;
  f.settings.retired_key_ttl_s = 600;
  keys::KeyRing ring(*f.key_store, f.settings, f.clock);
  REQUIRE_FALSE(ring.load_or_create());
  std::vector<std::pair<std::string, std::string>> signed_before;  // (kid, compact JWS)
  for (auto alg : {crypto::JwsAlg::RS256, crypto::JwsAlg::ES256}) {
    auto signer = ring.current()->signer(alg);
    auto jws = signer->signer->sign_compact({alg, signer->kid, "JWT"}, R"({"jti":"x"})");
    REQUIRE(jws.has_value());
    signed_before.emplace_back(signer->kid, *jws);
  }

  REQUIRE(ring.rotate().has_value());
  auto set = ring.current();
  for (const auto& [kid, jws] : signed_before) {
    REQUIRE(set->signer(crypto::parse_compact(jws)->header.alg)->kid != kid);  // retired
    auto verifier = set->verifier(kid);
    REQUIRE(verifier);
    REQUIRE(verifier->verify(*crypto::parse_compact(jws)) == crypto::JwsStatus::Ok);
    // The current key of the same alg does not accept it: the kid decides, not the alg.
    auto current = set->verifier(set->signer(verifier->alg())->kid);
    REQUIRE(current->verify(*crypto::parse_compact(jws)) == crypto::JwsStatus::BadSignature);
  }

  // Pruned with its JWKS entry once keys.retired_key_ttl_s has passed.
  f.clock.advance(601);
  REQUIRE_FALSE(ring.reload());
  for (const auto& [kid, jws] : signed_before) REQUIRE_FALSE(ring.current()->verifier(kid));
  REQUIRE(ring.current()->verifier("no-such-kid") == nullptr);
}
