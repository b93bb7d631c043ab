#pragma once
// Text a VM printed, made safe for a terminal, a JSON document or a log line: ANSI escape
// sequences (colours, cursor moves, an unterminated "ESC [" as the real Pharo 8 image prints)
// are removed; every other control byte and every byte that is not valid UTF-8 is shown as
// \xNN, so nothing can rewrite a terminal line or break a JSON encoder, and what the bytes were
// stays readable. Raw bytes: docs/runtimes-and-builds.md, "Clean text".
#include <string>
#include <string_view>
#include <vector>

namespace pharoctl {

// One line: tab is kept, a trailing carriage return (CRLF) dropped, any other control byte
// (newline included) escaped.
std::string clean_line(std::string_view raw);

// clean_line appended to `out` (no temporary: the log sink's path).
void append_clean_line(std::string& out, std::string_view raw);

// Several lines: as clean_line for each, the newlines kept.
std::string clean_text(std::string_view raw);

// True when a cleaned line says something: not empty, not only blanks.
bool meaningful_line(std::string_view cleaned);

// The meaningful lines of `raw` (cleaned), in order.
std::vector<std::string> meaningful_lines(std::string_view raw);

}  // namespace pharoctl
