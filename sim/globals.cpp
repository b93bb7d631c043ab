#include "globals.hpp"

#include <set>

#include "messages.hpp"

namespace sim {
namespace {

const std::set<std::string>& neoconsole_classes() {
  static const std::set<std::string> names = {"NeoConsole", "NeoConsoleTelnetServer", "NeoConsoleMetricDelegate",
                                              "NeoConsoleTranscript", "NeoConsoleMetric", "NeoConsoleEnvironment"};
  return names;
}

// Classes the base image has and the sim models.
const std::set<std::string>& base_classes() {
  static const std::set<std::string> names = {
      "Smalltalk", "Transcript", "OSEnvironment", "ZnServer", "ZnLogEvent", "Metacello", "EpMonitor", "Error",
      "Exception", "ZeroDivide", "Warning", "Object", "SystemVersion", "Date", "Time", "DateAndTime", "Character",
      "String", "Float", "Integer", "SmallInteger", "Number", "FileStream", "CodeImporter", "Array", "Symbol",
      "UndefinedObject", "Boolean", "MessageNotUnderstood", "NotFound", "KeyNotFound", "ZnResponse", "ZnEntity",
      "Stdio", "NetNameResolver", "NonInteractiveTranscript"};
  return names;
}

}  // namespace

Value global_value(Host& host, const std::string& name) {
  if (neoconsole_classes().count(name)) {
    // Absent until BaselineOfNeoConsole is loaded: the compiler makes it an undeclared nil.
    return host.has_class(name) ? Value::klass(name) : Value::nil();
  }
  if (base_classes().count(name)) {
    if (name == "Transcript") return make_object("ThreadSafeTranscript", "a ThreadSafeTranscript");
    if (name == "Smalltalk") return make_object("SmalltalkImage", "Smalltalk");
    return Value::klass(name);
  }
  if (host.has_class(name)) return Value::klass(name);
  throw Unsupported("unknown global " + name);
}

bool is_known_class(Host& host, const std::string& name) { return base_classes().count(name) || host.has_class(name); }

}  // namespace sim
