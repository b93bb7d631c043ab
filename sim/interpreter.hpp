#pragma once
// Evaluates parsed Smalltalk against the simulated image. Statement level: a script runs
// statement by statement; what the sim does not model is skipped with a note, real errors
// (Error signal, ZeroDivide, messages to nil...) propagate as SmalltalkError. The messages
// themselves are answered by the families of messages.hpp.
#include <memory>
#include <string>

#include "host.hpp"
#include "messages.hpp"
#include "parser.hpp"
#include "value.hpp"

namespace sim {

class Interpreter : public Evaluator {
 public:
  explicit Interpreter(Host& host);

  // Evaluates a doit (REPL input, eval argument) and answers its value. Throws SyntaxError,
  // SmalltalkError, Unsupported (a NumberError is a SmalltalkError by then: see send).
  Value evaluate(const std::string& source);

  // Runs a script file's text statement by statement (st handler, file-ins): Unsupported
  // statements are skipped with a note; SmalltalkError and SyntaxError propagate.
  void run_script(const std::string& source, const std::string& file_name);

  // Evaluator
  Host& host() override { return host_; }
  Value call_block(const Value& block, std::vector<Value> args) override;
  Value send(const Value& receiver, const std::string& selector, Args& args) override;
  Scope& workspace() override { return *workspace_; }

 private:
  Value eval(const NodePtr& node, const std::shared_ptr<Scope>& scope);
  Value eval_sequence(const std::vector<NodePtr>& stmts, const std::shared_ptr<Scope>& scope);
  Value dispatch(const Value& receiver, const std::string& selector, Args& args);

  Host& host_;
  std::shared_ptr<Scope> workspace_;  // doit variables persist across REPL inputs, like a Playground
  Value cascade_receiver_;
};

}  // namespace sim
