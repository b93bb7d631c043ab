#pragma once
// Credentials for private repositories (GITHUB_TOKEN, Metacello user and password): taken from
// the environment, else from $PHARO_HOME/credentials (KEY=VALUE lines, mode 0600 or stricter),
// and handed to the building VM through its environment only. They are never written to
// service.toml, build.st, manifests or logs, and error messages name keys, never values.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pharoctl {

class Home;

inline const std::vector<std::string>& credential_keys() {
  static const std::vector<std::string> keys{"GITHUB_TOKEN", "GITLAB_TOKEN", "METACELLO_USERNAME", "METACELLO_PASSWORD"};
  return keys;
}

// Key -> value for the VM's environment. Throws Failure(kExitUsage) when the file is readable by
// group or others, or has a line that is not KEY=VALUE with a known key (naming file and line).
std::map<std::string, std::string> load_credentials(const Home& home);

// The parsing alone; `file` names the source in messages.
std::map<std::string, std::string> parse_credentials(const std::string& text, const std::string& file);

}  // namespace pharoctl
