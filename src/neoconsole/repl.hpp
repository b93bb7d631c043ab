#pragma once
// The interactive loop of `pharoctl repl`: reads complete inputs (continuing while brackets or
// quotes are open), asks before anything that would run `save` or `halt`, sends, prints.
#include <string>

namespace pharoctl::neoconsole {

class ConsoleClient;
class LineEditor;

// `name` is what the prompt shows ("shop", "shop@1"). Returns the exit code.
int run_repl(ConsoleClient& client, LineEditor& editor, const std::string& name);

// The prompts: "shop> " and, while an input continues, dots of the same width: "....> ".
std::string main_prompt(const std::string& name);
std::string continuation_prompt(const std::string& name);

}  // namespace pharoctl::neoconsole
