#pragma once
// Sizes as service.toml writes them: "512KB", "100MB", "2GB" (powers of 1024; "KiB", "MiB",
// "GiB" and a bare "B" are taken too).
#include <cstdint>
#include <string>

namespace pharoctl {

// False when `text` is not a size.
bool parse_byte_size(const std::string& text, std::uint64_t& bytes);
// The shortest exact form: 104857600 -> "100MB", 1000 -> "1000B".
std::string format_byte_size(std::uint64_t bytes);

}  // namespace pharoctl
