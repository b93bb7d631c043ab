#pragma once
// Evaluates parsed Smalltalk against the simulated image. Statement level: a script runs
// statement by statement; what the sim does not model is skipped with a note, real errors
// (Error signal, ZeroDivide, messages to nil...) propagate as SmalltalkError.
#include <memory>
#include <string>

#include "host.hpp"
#include "parser.hpp"
#include "value.hpp"

namespace sim {

class Interpreter {
 public:
  explicit Interpreter(Host& host);

  // Evaluates a doit (REPL input, eval argument) and answers its value. Throws SyntaxError,
  // SmalltalkError, Unsupported, NumberError.
  Value evaluate(const std::string& source);

  // Runs a script file's text statement by statement (st handler, file-ins): Unsupported
  // statements are skipped with a note; SmalltalkError and SyntaxError propagate.
  void run_script(const std::string& source, const std::string& file_name);

 private:
  Value eval(const NodePtr& node, const std::shared_ptr<Scope>& scope);
  Value eval_sequence(const std::vector<NodePtr>& stmts, const std::shared_ptr<Scope>& scope);
  Value send(const Value& receiver, const std::string& selector, std::vector<Value>& args, const NodePtr& node,
             const std::shared_ptr<Scope>& scope);
  Value call_block(const Value& block, std::vector<Value> args);
  Value global(const std::string& name);

  Value send_number(const Value& r, const std::string& sel, std::vector<Value>& a);
  Value send_string(const Value& r, const std::string& sel, std::vector<Value>& a);
  Value send_array(const Value& r, const std::string& sel, std::vector<Value>& a);
  Value send_block(const Value& r, const std::string& sel, std::vector<Value>& a);
  Value send_class(const Value& r, const std::string& sel, std::vector<Value>& a);
  Value send_object(const Value& r, const std::string& sel, std::vector<Value>& a);
  bool send_common(const Value& r, const std::string& sel, std::vector<Value>& a, Value& out);

  Host& host_;
  std::shared_ptr<Scope> workspace_;  // doit variables persist across REPL inputs, like a Playground
  Value cascade_receiver_;
};

}  // namespace sim
