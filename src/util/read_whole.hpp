#pragma once
// Reading a file whole with open(2) and read(2): no iostreams, whose first use builds every facet
// of the classic std::locale (the supervisor's resident memory: docs/supervisor.md).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace pharoctl {

// The bytes of `path` from offset `from` on, at most `limit` of them; nullopt when it cannot be
// opened. A read error ends the text where it happened (what an ifstream gave).
std::optional<std::string> read_whole(const std::string& path, std::uint64_t from = 0,
                                      std::size_t limit = SIZE_MAX);

}  // namespace pharoctl
