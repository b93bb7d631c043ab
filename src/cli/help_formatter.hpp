#pragma once
// How --help looks: a command's help ends with the global options it also accepts (they work
// before and after the command), value placeholders say what goes there (PORT, DIR, DURATION),
// and the option list carries no CLI11 bookkeeping ("Excludes: ...").
#include <memory>

#include <CLI/CLI.hpp>

namespace pharoctl {

std::shared_ptr<CLI::FormatterBase> make_help_formatter();

// The label after an option's name: its type name, or nothing for a flag.
std::string value_label(const CLI::Option* option);

}  // namespace pharoctl
