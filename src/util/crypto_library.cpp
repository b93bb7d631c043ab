#include "util/crypto_library.hpp"

#include "util/shared_library.hpp"

namespace pharoctl {

const CryptoLibrary& crypto_library() {
  static const CryptoLibrary api = [] {
    SharedLibrary lib("libcrypto.so.3", "libssl3");
    CryptoLibrary t{};
    lib.bind(t.md_ctx_new, "EVP_MD_CTX_new");
    lib.bind(t.md_ctx_free, "EVP_MD_CTX_free");
    lib.bind(t.sha256, "EVP_sha256");
    lib.bind(t.digest_init, "EVP_DigestInit_ex");
    lib.bind(t.digest_update, "EVP_DigestUpdate");
    lib.bind(t.digest_final, "EVP_DigestFinal_ex");
    lib.bind(t.encode_block, "EVP_EncodeBlock");
    return t;
  }();
  return api;
}

}  // namespace pharoctl
