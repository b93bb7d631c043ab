#include "util/crypto_library.hpp"

namespace pharoctl {

const CryptoLibrary& crypto_library() {
  return load_library<CryptoLibrary>("libcrypto.so.3", "libssl3", [](const SharedLibrary& lib, CryptoLibrary& t) {
    PHAROCTL_CRYPTO_FUNCTIONS(PHAROCTL_BIND_FUNCTION)
  });
}

}  // namespace pharoctl
