#include "render/smalltalk.hpp"

#include <fmt/format.h>

namespace pharoctl {

std::string smalltalk_string(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

std::string smalltalk_string_array(const std::vector<std::string>& items) {
  std::string out = "#(";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? " " : "") + smalltalk_string(items[i]);
  return out + ")";
}

std::string render_metacello_load(const std::string& repository, const std::string& baseline,
                                  const std::vector<std::string>& groups) {
  std::string load = groups.empty() ? "load" : "load: " + smalltalk_string_array(groups);
  return fmt::format("Metacello new\n  repository: {};\n  baseline: {};\n  {}.\n", smalltalk_string(repository),
                     smalltalk_string(baseline), load);
}

std::string neoconsole_repository() { return fmt::format("github://svenvc/NeoConsole:{}/src", kNeoConsoleCommit); }

std::string render_ensure_neoconsole() {
  return fmt::format(
      "\"NeoConsole pinned to one commit, so that two builds with one key load the same console.\"\n"
      "(Smalltalk hasClassNamed: #NeoConsoleTelnetServer) ifFalse: [\n"
      "  Metacello new\n"
      "    repository: {};\n"
      "    baseline: 'NeoConsole';\n"
      "    load ].\n",
      smalltalk_string(neoconsole_repository()));
}

std::string render_source_load(const SourceConfig& source) {
  if (source.repository.empty() || source.baseline.empty()) return "";
  return render_metacello_load(source.repository, source.baseline, source.groups);
}

}  // namespace pharoctl
