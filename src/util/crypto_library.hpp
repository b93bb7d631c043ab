#pragma once
// OpenSSL's libcrypto, opened on first use (util/shared_library.hpp): SHA-256 of large files
// (util/sha256.cpp, on the CPU's SHA extensions) and base64 (build/source_revision.cpp).
// Compiled against the header, not linked.
#include <openssl/evp.h>

namespace pharoctl {

struct CryptoLibrary {
  decltype(&::EVP_MD_CTX_new) md_ctx_new;
  decltype(&::EVP_MD_CTX_free) md_ctx_free;
  decltype(&::EVP_sha256) sha256;
  decltype(&::EVP_DigestInit_ex) digest_init;
  decltype(&::EVP_DigestUpdate) digest_update;
  decltype(&::EVP_DigestFinal_ex) digest_final;
  decltype(&::EVP_EncodeBlock) encode_block;
};

// Throws Failure(kExitFailed) naming libcrypto.so.3 and its Debian package when it cannot be loaded.
const CryptoLibrary& crypto_library();

}  // namespace pharoctl
