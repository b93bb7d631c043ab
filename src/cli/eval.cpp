// pharoctl eval NAME[@I] EXPR|-: one evaluation, the answer on stdout, exit 1 if it failed.
#include <cstdio>
#include <iostream>
#include <iterator>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/console_options.hpp"
#include "neoconsole/console_input.hpp"
#include "util/failure.hpp"

namespace pharoctl::cli {

Runner define_eval(CLI::App& cmd, const Globals& globals) {
  struct Options {
    ConsoleOptions console;
    std::string expression;
    std::string timeout = "30s";
  };
  auto o = std::make_shared<Options>();
  cmd.add_option("target", o->console.target, "NAME or NAME@I")->required();
  cmd.add_option("expression", o->expression, "Smalltalk to evaluate, or - to read it from stdin")->required();
  cmd.add_option("--timeout", o->timeout, "How long to wait for the answer (e.g. 30s)")->type_name("DURATION");
  add_console_options(cmd, o->console);
  return [&globals, o]() -> int {
    auto timeout = parse_timeout_option("--timeout", o->timeout);
    std::string expr = o->expression;
    if (expr == "-") expr.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    if (neoconsole::trim(expr).empty()) throw usage_error("eval: the expression is empty");
    ConsoleEndpoint ep = resolve_console(globals, o->console);
    neoconsole::ConsoleClient client(std::move(ep.dialer), ep.connect_timeout);
    // eval always evaluates: text that NeoConsole would take for one of its commands (`saveAll`
    // runs `save`) goes out wrapped so that it is evaluated instead.
    std::string text = neoconsole::as_evaluation(expr);
    auto deadline = neoconsole::Clock::now() + timeout;
    neoconsole::Answer answer = client.request(neoconsole::wire_form(neoconsole::InputKind::Eval, text), deadline,
                                                     /*resend_if_dropped=*/false);
    client.close();
    if (neoconsole::is_failure_answer(answer.text)) {
      std::fflush(stdout);
      std::fwrite(answer.text.data(), 1, answer.text.size(), stderr);
      return kExitFailed;
    }
    std::fwrite(answer.text.data(), 1, answer.text.size(), stdout);
    return kExitOk;
  };
}

}  // namespace pharoctl::cli
