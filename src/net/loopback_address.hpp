#pragma once
// 127.0.0.1:port as a socket address: what every connect or bind of ours to loopback (health
// probes, the port checks, NeoConsole) is made with.
#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdint>

namespace pharoctl {

inline sockaddr_in loopback_address(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

}  // namespace pharoctl
