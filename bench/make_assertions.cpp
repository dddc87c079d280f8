// Bench helper: makes a client key and many private_key_jwt client assertions (RFC 7523) fast.
// Not part of the service; built by bench/token.sh with `g++ -O2 ... -lcrypto -pthread`.
//   make_assertions keygen rsa|ec KEY.pem KID          -> prints {"keys":[public JWK]}
//   make_assertions sign KEY.pem RS384|ES384 KID CLIENT_ID AUD COUNT OUT [THREADS]
// Each assertion: header {alg,kid,typ:JWT}; claims iss = sub = CLIENT_ID, aud, exp = now + 300,
// and its own jti. One per line in OUT.
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

struct PkeyFree { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };
struct BnFree { void operator()(BIGNUM* p) const { BN_free(p); } };
struct CtxFree { void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); } };
struct SigFree { void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); } };
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Bn = std::unique_ptr<BIGNUM, BnFree>;

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "make_assertions: %s\n", what);
  std::exit(1);
}

std::string b64url(const unsigned char* data, std::size_t n) {
  static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((n + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < n; i += 3) {
    unsigned v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    out += abc[v >> 18]; out += abc[(v >> 12) & 63]; out += abc[(v >> 6) & 63]; out += abc[v & 63];
  }
  if (n - i == 1) {
    unsigned v = data[i] << 16;
    out += abc[v >> 18]; out += abc[(v >> 12) & 63];
  } else if (n - i == 2) {
    unsigned v = (data[i] << 16) | (data[i + 1] << 8);
    out += abc[v >> 18]; out += abc[(v >> 12) & 63]; out += abc[(v >> 6) & 63];
  }
  return out;
}
std::string b64url(const std::string& s) {
  return b64url(reinterpret_cast<const unsigned char*>(s.data()), s.size());
}

std::string bn_b64url(const BIGNUM* bn, int pad) {
  std::vector<unsigned char> buf(pad > 0 ? pad : BN_num_bytes(bn));
  if (BN_bn2binpad(bn, buf.data(), static_cast<int>(buf.size())) < 0) die("BN_bn2binpad");
  return b64url(buf.data(), buf.size());
}

Bn get_bn(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) die("EVP_PKEY_get_bn_param");
  return Bn(bn);
}

int keygen(const std::string& kind, const std::string& path, const std::string& kid) {
  Pkey key(kind == "rsa" ? EVP_RSA_gen(2048) : EVP_EC_gen("P-384"));
  if (!key) die("key generation failed");
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f || PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    die("cannot write the key");
  }
  std::fclose(f);
  if (kind == "rsa") {
    std::printf("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"%s\",\"use\":\"sig\",\"alg\":\"RS384\","
                "\"n\":\"%s\",\"e\":\"%s\"}]}\n",
                kid.c_str(), bn_b64url(get_bn(key.get(), OSSL_PKEY_PARAM_RSA_N).get(), 0).c_str(),
                bn_b64url(get_bn(key.get(), OSSL_PKEY_PARAM_RSA_E).get(), 0).c_str());
  } else {
    std::printf("{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-384\",\"kid\":\"%s\",\"use\":\"sig\","
                "\"alg\":\"ES384\",\"x\":\"%s\",\"y\":\"%s\"}]}\n",
                kid.c_str(),
                bn_b64url(get_bn(key.get(), OSSL_PKEY_PARAM_EC_PUB_X).get(), 48).c_str(),
                bn_b64url(get_bn(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y).get(), 48).c_str());
  }
  return 0;
}

std::string sign_one(EVP_PKEY* key, bool ec, const std::string& input) {
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha384(), nullptr, key) != 1) {
    die("EVP_DigestSignInit");
  }
  std::size_t len = 0;
  auto in = reinterpret_cast<const unsigned char*>(input.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &len, in, input.size()) != 1) die("EVP_DigestSign");
  std::vector<unsigned char> sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, in, input.size()) != 1) die("EVP_DigestSign");
  if (!ec) return b64url(sig.data(), len);
  // RFC 7518 §3.4: ECDSA signatures are the raw r || s, each 48 bytes for P-384, not DER.
  const unsigned char* p = sig.data();
  std::unique_ptr<ECDSA_SIG, SigFree> der(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)));
  if (!der) die("d2i_ECDSA_SIG");
  unsigned char raw[96];
  BN_bn2binpad(ECDSA_SIG_get0_r(der.get()), raw, 48);
  BN_bn2binpad(ECDSA_SIG_get0_s(der.get()), raw + 48, 48);
  return b64url(raw, sizeof raw);
}

int sign(int argc, char** argv) {
  if (argc < 9) die("usage: sign KEY.pem ALG KID CLIENT_ID AUD COUNT OUT [THREADS]");
  const std::string alg = argv[3], kid = argv[4], client = argv[5], aud = argv[6], out = argv[8];
  const long count = std::atol(argv[7]);
  const int threads = argc > 9 ? std::atoi(argv[9]) : 2;
  FILE* f = std::fopen(argv[2], "r");
  if (!f) die("cannot read the key");
  Pkey key(PEM_read_PrivateKey(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  if (!key) die("cannot parse the key");
  const bool ec = alg == "ES384";

  unsigned char run[6];
  RAND_bytes(run, sizeof run);
  const std::string prefix = b64url(run, sizeof run) + "-";
  const std::string header =
      b64url("{\"alg\":\"" + alg + "\",\"kid\":\"" + kid + "\",\"typ\":\"JWT\"}") + ".";
  const long exp = static_cast<long>(std::time(nullptr)) + 300;
  const std::string claims_head = "{\"iss\":\"" + client + "\",\"sub\":\"" + client +
                                  "\",\"aud\":\"" + aud + "\",\"exp\":" + std::to_string(exp) +
                                  ",\"jti\":\"" + prefix;

  std::vector<std::string> lines(count);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (long i = t; i < count; i += threads) {
        std::string input = header + b64url(claims_head + std::to_string(i) + "\"}");
        lines[i] = input + "." + sign_one(key.get(), ec, input);
      }
    });
  }
  for (auto& th : pool) th.join();
  std::ofstream o(out);
  for (const auto& l : lines) o << l << '\n';
  return o ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 5 && std::string(argv[1]) == "keygen") return keygen(argv[2], argv[3], argv[4]);
  if (argc >= 2 && std::string(argv[1]) == "sign") return sign(argc, argv);
  die("usage: keygen rsa|ec KEY.pem KID | sign KEY.pem ALG KID CLIENT_ID AUD COUNT OUT [THREADS]");
}
