#include "support/jose_check.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <memory>
#include <stdexcept>
#include <vector>

namespace sa::test {
namespace {

template <class T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Ctx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using Bn = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using Sig = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>>;

const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const EVP_MD* digest_for(const std::string& alg) {
  if (alg == "RS256" || alg == "ES256") return EVP_sha256();
  if (alg == "RS384" || alg == "ES384") return EVP_sha384();
  return nullptr;
}

Key key_from_jwk(const rapidjson::Value& jwk) {
  std::string kty = jwk["kty"].GetString();
  std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>> bld(
      OSSL_PARAM_BLD_new());
  std::vector<Bn> keep;
  std::string point;
  const char* type = nullptr;
  if (kty == "RSA") {
    auto n = unb64url(jwk["n"].GetString()), e = unb64url(jwk["e"].GetString());
    if (!n || !e) return nullptr;
    keep.emplace_back(BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), n->size(), nullptr));
    keep.emplace_back(BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), e->size(), nullptr));
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, keep[0].get());
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, keep[1].get());
    type = "RSA";
  } else if (kty == "EC") {
    std::string crv = jwk["crv"].GetString();
    auto x = unb64url(jwk["x"].GetString()), y = unb64url(jwk["y"].GetString());
    if (!x || !y) return nullptr;
    point = std::string(1, '\x04') + *x + *y;  // SEC 1 uncompressed point
    OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                    crv == "P-256" ? "prime256v1" : "secp384r1", 0);
    OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
    type = "EC";
  } else {
    return nullptr;
  }
  std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>> params(
      OSSL_PARAM_BLD_to_param(bld.get()));
  std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* pkey = nullptr;
  if (EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  return Key(pkey);
}

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError()) throw std::runtime_error("bad JSON: " + text);
  return doc;
}

}  // namespace

namespace {
std::string encode64(const std::string& bytes, const std::string& alphabet, bool pad) {
  std::string out;
  int val = 0, bits = -6;
  for (unsigned char c : bytes) {
    val = (val << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out.push_back(alphabet[(val >> bits) & 0x3F]);
      bits -= 6;
    }
  }
  if (bits > -6) out.push_back(alphabet[((val << 8) >> (bits + 8)) & 0x3F]);
  while (pad && out.size() % 4) out.push_back('=');
  return out;
}
}  // namespace

std::string b64url(const std::string& bytes) { return encode64(bytes, kAlphabet, false); }

std::string b64(const std::string& bytes) {
  return encode64(bytes, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", true);
}

std::optional<std::string> unb64url(const std::string& text) {
  std::string out;
  int val = 0, bits = -8;
  for (char c : text) {
    auto pos = kAlphabet.find(c);
    if (pos == std::string::npos) return std::nullopt;
    val = (val << 6) + static_cast<int>(pos);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

std::string jws_part_json(const std::string& compact, int part) {
  auto first = compact.find('.');
  auto second = compact.find('.', first + 1);
  std::string piece = part == 0 ? compact.substr(0, first)
                                : compact.substr(first + 1, second - first - 1);
  return unb64url(piece).value_or("");
}

std::optional<std::string> find_jwk_for(const std::string& compact, const std::string& jwks_json) {
  auto header = parse(jws_part_json(compact, 0));
  if (!header.HasMember("kid")) return std::nullopt;
  std::string kid = header["kid"].GetString();
  auto jwks = parse(jwks_json);
  for (const auto& k : jwks["keys"].GetArray()) {
    if (k.HasMember("kid") && kid == k["kid"].GetString()) {
      rapidjson::StringBuffer buf;
      rapidjson::Writer<rapidjson::StringBuffer> w(buf);
      k.Accept(w);
      return std::string(buf.GetString(), buf.GetSize());
    }
  }
  return std::nullopt;
}

std::string verify_jws_with_jwk(const std::string& compact, const std::string& jwk_json) {
  auto last = compact.rfind('.');
  if (last == std::string::npos) return "not a compact JWS";
  std::string signing_input = compact.substr(0, last);
  auto sig = unb64url(compact.substr(last + 1));
  if (!sig) return "bad signature encoding";
  auto header = parse(jws_part_json(compact, 0));
  std::string alg = header["alg"].GetString();
  const EVP_MD* md = digest_for(alg);
  if (!md) return "unsupported alg " + alg;
  auto jwk = parse(jwk_json);
  Key key = key_from_jwk(jwk);
  if (!key) return "cannot import JWK";
  std::string der = *sig;
  if (alg[0] == 'E') {
    // RFC 7518 §3.4: JOSE carries r||s; OpenSSL verifies DER.
    std::size_t half = sig->size() / 2;
    Sig s(ECDSA_SIG_new());
    ECDSA_SIG_set0(s.get(),
                   BN_bin2bn(reinterpret_cast<const unsigned char*>(sig->data()), half, nullptr),
                   BN_bin2bn(reinterpret_cast<const unsigned char*>(sig->data() + half), half, nullptr));
    unsigned char* out = nullptr;
    int len = i2d_ECDSA_SIG(s.get(), &out);
    der.assign(reinterpret_cast<char*>(out), len);
    OPENSSL_free(out);
  }
  Ctx ctx(EVP_MD_CTX_new());
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key.get()) != 1) return "verify init";
  int ok = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                            reinterpret_cast<const unsigned char*>(signing_input.data()),
                            signing_input.size());
  return ok == 1 ? "" : "signature does not verify";
}

std::string sign_jws_with_pem(const std::string& private_pem, const std::string& alg,
                              const std::string& header_json, const std::string& payload_json) {
  std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>> bio(
      BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size())));
  Key key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) throw std::runtime_error("cannot read private key");
  std::string input = b64url(header_json) + "." + b64url(payload_json);
  Ctx ctx(EVP_MD_CTX_new());
  EVP_DigestSignInit(ctx.get(), nullptr, digest_for(alg), nullptr, key.get());
  std::size_t len = 0;
  EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                 input.size());
  std::string sig(len, '\0');
  EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                 reinterpret_cast<const unsigned char*>(input.data()), input.size());
  sig.resize(len);
  if (alg[0] == 'E') {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(sig.data());
    Sig s(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size())));
    std::size_t width = alg == "ES256" ? 32 : 48;
    std::string raw(2 * width, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(s.get()), reinterpret_cast<unsigned char*>(raw.data()), width);
    BN_bn2binpad(ECDSA_SIG_get0_s(s.get()), reinterpret_cast<unsigned char*>(raw.data() + width),
                 width);
    sig = raw;
  }
  return input + "." + b64url(sig);
}

}  // namespace sa::test
