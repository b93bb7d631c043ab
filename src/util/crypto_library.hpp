#pragma once
// OpenSSL's libcrypto, opened on first use (util/shared_library.hpp): SHA-256 of large files
// (util/sha256.cpp, on the CPU's SHA extensions) and base64 (build/source_revision.cpp).
// Compiled against the header, not linked.
#include <openssl/evp.h>

#include "util/shared_library.hpp"

#define PHAROCTL_CRYPTO_FUNCTIONS(F)                                                              \
  F(EVP_MD_CTX_new) F(EVP_MD_CTX_free) F(EVP_sha256) F(EVP_DigestInit_ex) F(EVP_DigestUpdate) \
  F(EVP_DigestFinal_ex) F(EVP_EncodeBlock)

namespace pharoctl {

struct CryptoLibrary {
  PHAROCTL_CRYPTO_FUNCTIONS(PHAROCTL_DECLARE_FUNCTION)
};

// Throws Failure(kExitFailed) naming libcrypto.so.3 and its Debian package when it cannot be loaded.
const CryptoLibrary& crypto_library();

}  // namespace pharoctl
