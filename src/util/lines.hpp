#pragma once
// Splitting text into lines, one way for every reader of line-based text (metrics answers,
// credentials files, a VM's --version output).
#include <string_view>
#include <vector>

namespace pharoctl {

// Each line without its '\n' or a '\r' before it; a last line without '\n' counts, nothing
// after a final '\n' does ("a\nb" and "a\nb\n" are both {"a", "b"}; "" is {}). The views point
// into `text`.
std::vector<std::string_view> split_lines(std::string_view text);

}  // namespace pharoctl
