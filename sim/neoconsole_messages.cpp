// NeoConsole's servers and metrics (its transcript is in transcript_messages.cpp). The classes
// are nil until BaselineOfNeoConsole is loaded (globals.cpp), so these run only after a load.
#include "messages.hpp"

namespace sim {

Answer neoconsole_class_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a) {
  const std::string& c = r.text;
  if (c == "NeoConsoleTelnetServer") {
    if (sel == "startOn:") return make_object("NeoConsoleTelnetServer", ev.host().telnet_start(port_arg(a[0])));
    if (sel == "new") {
      Value s = make_object("NeoConsoleTelnetServer");
      s.obj->slots["port"] = Value::integer(4999);
      return s;
    }
  }
  if (c == "NeoConsoleMetricDelegate" && sel == "startOn:")
    return make_object("ZnManagingMultiThreadedServer", ev.host().metrics_start(port_arg(a[0])));
  if (c == "NeoConsoleMetric" && sel == "addNamed:description:reader:") {
    Value block = a[2];
    std::string name = string_arg(a[0], sel);
    ev.host().add_metric(name, string_arg(a[1], sel), [&ev, block] { return display_string(ev.call_block(block, {})); });
    return Value::nil();
  }
  return std::nullopt;
}

Answer neoconsole_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a) {
  SimObject& o = *r.obj;
  if (o.cls != "NeoConsoleTelnetServer") return std::nullopt;
  if (sel == "port:") {
    o.slots["port"] = a[0];
    return r;
  }
  if (sel == "start") {
    o.print = ev.host().telnet_start(port_arg(o.slots["port"]));
    return r;
  }
  if (sel == "stop") return r;
  return std::nullopt;
}

}  // namespace sim
