#pragma once
// "Did you mean": the known word nearest to a mistyped one, as git and kubectl suggest.
#include <string>
#include <vector>

namespace pharoctl {

// Edit distance with transpositions (Damerau-Levenshtein, optimal string alignment): `statsu`
// is one edit from `status`.
size_t edit_distance(const std::string& a, const std::string& b);

// The candidates close enough to `typed` to be worth naming, nearest first: within a third of
// the word's length in edits (at least 1, at most 3), or starting with what was typed. Empty when
// nothing is close: a wild guess helps less than the list of commands.
std::vector<std::string> nearest_words(const std::string& typed, const std::vector<std::string>& candidates);

// " (did you mean 'status'?)" / " (did you mean 'start' or 'status'?)", or "" when none is near.
std::string did_you_mean(const std::string& typed, const std::vector<std::string>& candidates);

}  // namespace pharoctl
