#pragma once
// Release identifiers: the UTC time of the deploy and a short build key,
// "20261123T101407Z-3f9a2c1b"; the second and later releases made within one second carry a
// sequence number, "20261123T101407Z-5e0b11aa-2", counted across keys. Text order is NOT
// release order ("-10" sorts before "-2", and keys differ): order releases with
// release_id_less, which compares (time, sequence).
#include <chrono>
#include <string>

namespace pharoctl {

inline constexpr std::size_t kShortKeyLength = 8;

// "YYYYMMDDTHHMMSSZ-<first 8 characters of key>"; `attempt` > 1 appends "-<attempt>": the
// attempt-th release made within that second (whatever its key).
std::string make_release_id(std::chrono::system_clock::time_point when, const std::string& build_key,
                            int attempt = 1);

// True for names make_release_id can produce (and nothing else: temp and trash entries of the
// releases directory start with '.', so they never qualify).
bool is_release_id(const std::string& name);

// The order releases were made in: by time, then by sequence number (none = 1), then by text.
bool release_id_less(const std::string& a, const std::string& b);
// The time part "YYYYMMDDTHHMMSSZ" and the sequence number (1 when absent) of a release id.
std::string release_id_time(const std::string& id);
int release_id_sequence(const std::string& id);

// "2026-11-23T10:14:07Z"
std::string format_utc_iso(std::chrono::system_clock::time_point when);

}  // namespace pharoctl
