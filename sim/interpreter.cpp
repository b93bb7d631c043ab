#include "interpreter.hpp"

#include <fmt/format.h>

#include <cctype>
#include <functional>

#include "globals.hpp"

namespace sim {
namespace {

[[noreturn]] void dnu(const Value& r, const std::string& sel) {
  if (r.is_nil()) throw SmalltalkError("MessageNotUnderstood", "receiver of \"" + sel + "\" is nil");
  throw Unsupported(class_name_of(r) + ">>#" + sel + " is not simulated");
}

// The families that answer for classes and for simulated instances; each knows its own
// class names, so their order does not matter.
constexpr Family kClassSide[] = {number_class_messages,     string_class_messages, exception_class_messages,
                                 system_class_messages,     transcript_class_messages,
                                 neoconsole_class_messages, zinc_class_messages,   loading_class_messages};
constexpr Family kInstances[] = {exception_messages, system_messages, transcript_messages,
                                 neoconsole_messages, zinc_messages,  loading_messages};
constexpr Family kOthers[] = {object_messages, boolean_messages, nil_messages, character_messages};

}  // namespace

Interpreter::Interpreter(Host& host) : host_(host), workspace_(std::make_shared<Scope>()) {}

Value Interpreter::evaluate(const std::string& source) {
  NodePtr doit = parse_doit(source);
  auto scope = std::make_shared<Scope>();
  scope->parent = workspace_;
  for (const auto& t : doit->temps) scope->vars[t] = Value::nil();
  try {
    return eval_sequence(doit->args, scope);
  } catch (ReturnSignal& r) {
    return r.value;
  }
}

void Interpreter::run_script(const std::string& source, const std::string& file_name) {
  std::string text = source;
  if (text.rfind("#!", 0) == 0) {  // the st handler skips a shebang line
    size_t nl = text.find('\n');
    text = nl == std::string::npos ? "" : "\n" + text.substr(nl + 1);
  }
  for (const std::string& chunk : split_chunks(text)) {
    NodePtr doit = parse_doit(chunk);  // a syntax error refuses the whole chunk, as the compiler does
    auto scope = std::make_shared<Scope>();
    scope->parent = workspace_;
    for (const auto& t : doit->temps) scope->vars[t] = Value::nil();
    for (const NodePtr& stmt : doit->args) {
      try {
        eval(stmt, scope);
      } catch (ReturnSignal&) {
        break;
      } catch (const Unsupported& u) {
        std::string first = stmt->source.substr(0, stmt->source.find('\n'));
        if (first.size() > 80) first = first.substr(0, 77) + "...";
        host_.note(fmt::format("{}:{}: skipped, not simulated ({}): {}", file_name, stmt->line, u.what(), first));
      }
    }
  }
}

Value Interpreter::eval_sequence(const std::vector<NodePtr>& stmts, const std::shared_ptr<Scope>& scope) {
  Value last;
  for (const NodePtr& s : stmts) last = eval(s, scope);
  return last;
}

Value Interpreter::eval(const NodePtr& node, const std::shared_ptr<Scope>& scope) {
  switch (node->kind) {
    case Node::Kind::Literal: {
      std::function<Value(const Literal&)> conv = [&](const Literal& l) -> Value {
        switch (l.kind) {
          case Literal::Kind::Nil: return Value::nil();
          case Literal::Kind::True: return Value::boolean(true);
          case Literal::Kind::False: return Value::boolean(false);
          case Literal::Kind::Number: return Value::num(l.number);
          case Literal::Kind::String: return Value::string(l.text);
          case Literal::Kind::Symbol: return Value::symbol(l.text);
          case Literal::Kind::Character: return Value::character(l.text);
          case Literal::Kind::Array: {
            std::vector<Value> e;
            for (const auto& x : l.elements) e.push_back(conv(x));
            return Value::array(std::move(e));
          }
        }
        return Value::nil();
      };
      return conv(node->literal);
    }
    case Node::Kind::Variable: {
      if (Value* v = scope->find(node->name)) return *v;
      if (node->name == "self" || node->name == "super") return Value::nil();
      if (node->name == "thisContext") throw Unsupported("thisContext");
      if (std::isupper(static_cast<unsigned char>(node->name[0]))) return global_value(host_, node->name);
      // An undeclared lowercase name: the compiler declares it as a nil doit variable.
      return Value::nil();
    }
    case Node::Kind::Assign: {
      Value v = eval(node->receiver, scope);
      if (Value* slot = scope->find(node->name))
        *slot = v;
      else
        workspace_->vars[node->name] = v;  // auto-declared doit variable
      return v;
    }
    case Node::Kind::Return: throw ReturnSignal{eval(node->receiver, scope)};
    case Node::Kind::CascadeReceiver: return cascade_receiver_;
    case Node::Kind::Cascade: {
      Value saved = cascade_receiver_;
      Value recv = eval(node->receiver, scope);
      Value last;
      for (const NodePtr& part : node->args) {
        cascade_receiver_ = recv;
        last = eval(part, scope);
      }
      cascade_receiver_ = saved;
      return last;
    }
    case Node::Kind::Block: {
      Value b;
      b.kind = Value::Kind::Block;
      b.block = node;
      b.scope = scope;
      return b;
    }
    case Node::Kind::BraceArray: {
      std::vector<Value> e;
      for (const NodePtr& s : node->args) e.push_back(eval(s, scope));
      return Value::array(std::move(e));
    }
    case Node::Kind::Sequence: return eval_sequence(node->args, scope);
    case Node::Kind::Send: {
      Value recv = eval(node->receiver, scope);
      std::vector<Value> args;
      for (const NodePtr& a : node->args) args.push_back(eval(a, scope));
      return send(recv, node->name, args);
    }
  }
  return Value::nil();
}

Value Interpreter::call_block(const Value& block, std::vector<Value> args) {
  if (block.kind != Value::Kind::Block) {
    if (args.empty()) return block;  // non-blocks answer themselves to value
    throw Unsupported("value: sent to a non-block");
  }
  const NodePtr& b = block.block;
  if (args.size() != b->params.size())
    throw SmalltalkError("ArgumentsCountMismatch", fmt::format("This block accepts {} arguments, but was called with {}.", b->params.size(), args.size()));
  auto scope = std::make_shared<Scope>();
  scope->parent = block.scope;
  for (size_t i = 0; i < args.size(); ++i) scope->vars[b->params[i]] = args[i];
  for (const auto& t : b->temps) scope->vars[t] = Value::nil();
  return eval_sequence(b->args, scope);
}

// Every arithmetic error arises in a send (literals are parsed before, parse_doit turning theirs
// into SyntaxError): here it becomes the Smalltalk exception it is, so nothing above sees a
// NumberError.
Value Interpreter::send(const Value& r, const std::string& sel, Args& a) {
  try {
    return dispatch(r, sel, a);
  } catch (const NumberError& e) {
    throw SmalltalkError(e.smalltalk_class, e.smalltalk_class == e.what() ? "" : e.what());
  }
}

// A receiver's own family first, then Object's protocol; nil, booleans and characters, which
// have few messages of their own, ask Object's protocol first.
Value Interpreter::dispatch(const Value& r, const std::string& sel, Args& a) {
  auto own_then_object = [&](Family own, const std::string& cls) {
    if (Answer v = own(*this, r, sel, a)) return *v;
    if (Answer v = object_messages(*this, r, sel, a)) return *v;
    throw Unsupported(cls + ">>#" + sel + " is not simulated");
  };
  switch (r.kind) {
    case Value::Kind::Number: return own_then_object(number_messages, class_name_of(r));
    case Value::Kind::String:
    case Value::Kind::Symbol: return own_then_object(string_messages, class_name_of(r));
    case Value::Kind::Array: return own_then_object(array_messages, "Array");
    case Value::Kind::Block: return own_then_object(block_messages, "BlockClosure");
    case Value::Kind::Class: {
      if (sel == "name") return Value::string(r.text);
      for (Family f : kClassSide)
        if (Answer v = f(*this, r, sel, a)) return *v;
      if (sel == "new") return make_object(r.text);
      if (Answer v = object_messages(*this, r, sel, a)) return *v;
      throw Unsupported(r.text + " class>>#" + sel + " is not simulated");
    }
    case Value::Kind::Object: {
      for (Family f : kInstances)
        if (Answer v = f(*this, r, sel, a)) return *v;
      if (Answer v = object_messages(*this, r, sel, a)) return *v;
      throw Unsupported(r.obj->cls + ">>#" + sel + " is not simulated");
    }
    default: break;
  }
  for (Family f : kOthers)
    if (Answer v = f(*this, r, sel, a)) return *v;
  dnu(r, sel);
}

}  // namespace sim
