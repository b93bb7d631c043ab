#pragma once
// Smalltalk source fragments shared by every generated script (run scripts, build scripts), so
// that pharo-sim and real Pharo see one form of each.
#include <string>
#include <vector>

#include "service/service_config.hpp"

namespace pharoctl {

// 'text' with every ' doubled: a Smalltalk string literal.
std::string smalltalk_string(const std::string& text);

// #('a' 'b'): a literal array of strings.
std::string smalltalk_string_array(const std::vector<std::string>& items);

// Metacello new repository: '...'; baseline: '...'; load: #(...). (one statement, with period)
std::string render_metacello_load(const std::string& repository, const std::string& baseline,
                                  const std::vector<std::string>& groups);

// The NeoConsole commit every build and load-on-start script loads (svenvc/NeoConsole, tested by
// its CI on Pharo 7 to 13). Pinned: an unpinned load would make two builds of one key differ.
inline constexpr const char* kNeoConsoleCommit = "d281b91e636a146cb2daead1d8f34da253d825ed";
std::string neoconsole_repository();  // github://svenvc/NeoConsole:<commit>/src

// Loads NeoConsole unless the image already has it: a base image straight from files.pharo.org
// lacks it, a built image has it.
std::string render_ensure_neoconsole();

// The service's own baseline from [source], or "" when none is configured.
std::string render_source_load(const SourceConfig& source);

}  // namespace pharoctl
