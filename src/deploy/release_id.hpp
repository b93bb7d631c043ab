#pragma once
// Release identifiers: the UTC time of the deploy and a short build key,
// "20261123T101407Z-3f9a2c1b". Lexical order is time order, so the releases directory sorts
// itself; the key says at a glance which build a release carries.
#include <chrono>
#include <string>

namespace pharoctl {

inline constexpr std::size_t kShortKeyLength = 8;

// "YYYYMMDDTHHMMSSZ-<first 8 characters of key>"; `attempt` > 1 appends "-<attempt>", for the
// rare second deploy of one build within one second.
std::string make_release_id(std::chrono::system_clock::time_point when, const std::string& build_key,
                            int attempt = 1);

// True for names make_release_id can produce (and nothing else: temp and trash entries of the
// releases directory start with '.', so they never qualify).
bool is_release_id(const std::string& name);

// "2026-11-23T10:14:07Z"
std::string format_utc_iso(std::chrono::system_clock::time_point when);

}  // namespace pharoctl
