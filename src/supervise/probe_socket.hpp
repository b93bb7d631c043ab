#pragma once
// How a health probe's TCP socket ends and what it may count as a connection. A probe closes
// abortively (SO_LINGER 0: an RST, no FIN), so neither end is left in TIME_WAIT: otherwise a
// 100 ms probe interval leaves ~600 TIME_WAIT sockets per service, and one whose local port is
// the VM's own port keeps the VM from binding it again (SO_REUSEADDR does not help there).
#include "util/unique_fd.hpp"

namespace pharoctl {

// Closes `fd` with an RST instead of the orderly FIN handshake; a no-op when it is not open.
void close_abortively(UniqueFd& fd);

// True when a connected TCP socket's local and peer addresses are the same: probing a port
// nobody listens on that lies in the ephemeral range can "connect" to itself (TCP simultaneous
// open). Such a connection is no answer from a VM, and it occupies the VM's port.
bool connected_to_itself(int fd);

// True when something accepts TCP connections on 127.0.0.1:`port` now (a connect on loopback is
// answered within the call). Closed abortively; a connection to itself does not count.
bool accepts_connections(int port);

}  // namespace pharoctl
