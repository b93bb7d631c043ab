#pragma once
// Quoting for /bin/sh: the one place that turns a string into a word sh reads back unchanged,
// for command lines we run through sh (ssh's remote command, $PHAROCTL_SSH) and for the shell
// scripts we generate (init.d scripts, git hooks, completions).
#include <string>
#include <string_view>
#include <vector>

namespace pharoctl {

// The word as it is when it is made of characters sh never interprets (letters, digits and
// @%+=:,./_-), else in single quotes. An empty word is ''.
std::string shell_quote(std::string_view word);

// Always in single quotes (a single quote inside becomes '\''): for values assigned in
// generated scripts, which read the same whatever they hold.
std::string shell_single_quote(std::string_view word);

// The words, each quoted, separated by spaces: a command line sh runs as that argv.
std::string shell_command_line(const std::vector<std::string>& words);

}  // namespace pharoctl
