#include "cli/suggest.hpp"

#include <algorithm>

namespace pharoctl {

size_t edit_distance(const std::string& a, const std::string& b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

std::vector<std::string> nearest_words(const std::string& typed, const std::vector<std::string>& candidates) {
  if (typed.empty()) return {};
  const size_t limit = std::clamp<size_t>(typed.size() / 3, 1, 3);
  std::vector<std::pair<size_t, std::string>> close;
  for (const std::string& c : candidates) {
    size_t dist = edit_distance(typed, c);
    bool prefix = typed.size() >= 2 && c.compare(0, typed.size(), typed) == 0;
    if (dist <= limit || prefix) close.emplace_back(prefix ? 0 : dist, c);
  }
  std::stable_sort(close.begin(), close.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (const auto& [dist, word] : close) {
    // Only the best tier: `stat` names start and status, not every word two edits away.
    if (!out.empty() && dist > close.front().first) break;
    out.push_back(word);
  }
  return out;
}

std::string did_you_mean(const std::string& typed, const std::vector<std::string>& candidates) {
  std::vector<std::string> near = nearest_words(typed, candidates);
  if (near.empty()) return "";
  std::string list;
  for (size_t i = 0; i < near.size(); ++i) {
    if (i > 0) list += i + 1 == near.size() ? " or " : ", ";
    list += "'" + near[i] + "'";
  }
  return " (did you mean " + list + "?)";
}

}  // namespace pharoctl
