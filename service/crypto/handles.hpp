// RAII owners for the OpenSSL objects crypto/ uses: every EVP_PKEY, context, BIO, certificate
// and bignum lives in a unique_ptr whose deleter is the matching *_free. No reference-counted
// sharing here; callers that need a second owner call EVP_PKEY_up_ref explicitly.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace sa::crypto {

template <auto FreeFn>
struct OpenSslDeleter {
  template <class T>
  void operator()(T* p) const noexcept {
    FreeFn(p);
  }
};

template <class T, auto FreeFn>
using OpenSslPtr = std::unique_ptr<T, OpenSslDeleter<FreeFn>>;

using PKey = OpenSslPtr<EVP_PKEY, EVP_PKEY_free>;
using PKeyCtx = OpenSslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using MdCtx = OpenSslPtr<EVP_MD_CTX, EVP_MD_CTX_free>;
using Md = OpenSslPtr<EVP_MD, EVP_MD_free>;  // a fetched digest (EVP_MD_fetch)
using Bio = OpenSslPtr<BIO, BIO_free_all>;
using BigNum = OpenSslPtr<BIGNUM, BN_free>;
using EcdsaSig = OpenSslPtr<ECDSA_SIG, ECDSA_SIG_free>;
using ParamBuilder = OpenSslPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using Params = OpenSslPtr<OSSL_PARAM, OSSL_PARAM_free>;
// Named Cert/CertName rather than X509/X509Name so they never shadow OpenSSL's own type names.
using Cert = OpenSslPtr<X509, X509_free>;
using CertName = OpenSslPtr<X509_NAME, X509_NAME_free>;
using CertExtension = OpenSslPtr<X509_EXTENSION, X509_EXTENSION_free>;
using GeneralNames = OpenSslPtr<GENERAL_NAMES, GENERAL_NAMES_free>;
using Asn1Integer = OpenSslPtr<ASN1_INTEGER, ASN1_INTEGER_free>;
using CertStore = OpenSslPtr<X509_STORE, X509_STORE_free>;
using CertStoreCtx = OpenSslPtr<X509_STORE_CTX, X509_STORE_CTX_free>;

// Memory OpenSSL allocated for us (i2d_* output); OPENSSL_free is a macro, hence the wrapper.
struct OpenSslBytesDeleter {
  void operator()(unsigned char* p) const noexcept { OPENSSL_free(p); }
};
using OpenSslBytes = std::unique_ptr<unsigned char, OpenSslBytesDeleter>;

// A second owner of the same key (EVP_PKEY is internally reference counted).
inline PKey share_key(const PKey& key) {
  if (!key || EVP_PKEY_up_ref(key.get()) != 1) return PKey{};
  return PKey{key.get()};
}

}  // namespace sa::crypto
