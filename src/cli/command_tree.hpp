#pragma once
// Reading the command tree that CLI11 holds, for the documents generated from it (man page,
// completions) and the command line's suggestions: which commands are shown, each option's
// spellings, the positionals.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace pharoctl::tree {

// The commands a user sees (hidden ones, such as `man`, have no group).
std::vector<const CLI::App*> visible_commands(const CLI::App& root);
// Their names.
std::vector<std::string> visible_command_names(const CLI::App& root);
bool is_flag(const CLI::Option* o);
// Every spelling of an option: -q --quiet
std::vector<std::string> spellings(const CLI::Option* o);
// Every spelling of every named option `app` accepts, hidden ones too: its own and, through
// fallthrough, those of the commands above it (the globals).
std::vector<std::string> accepted_spellings(const CLI::App& app);
// The options with a name (not positionals, not hidden), --help included.
std::vector<const CLI::Option*> named_options(const CLI::App& app);
std::vector<const CLI::Option*> positionals(const CLI::App& app);
// Takes any number of values (a vector positional or a repeatable option).
bool takes_many(const CLI::Option* o);

}  // namespace pharoctl::tree
