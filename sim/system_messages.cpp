// The system's globals: Smalltalk (the image: version, quit, snapshot, globals), the OS
// environment, SystemVersion, the clock (Date, Time, DateAndTime) and Stdio's streams.
#include <ctime>

#include "clock_text.hpp"
#include "globals.hpp"
#include "messages.hpp"

namespace sim {
namespace {

Answer smalltalk_globals(Evaluator& ev, const std::string& sel, Args& a) {
  if (sel == "hasClassNamed:" || sel == "includesKey:") return Value::boolean(is_known_class(ev.host(), string_arg(a[0], sel)));
  if (sel == "at:" || sel == "at:ifAbsent:" || sel == "classNamed:") {
    std::string n = string_arg(a[0], sel);
    if (Value* v = ev.workspace().find("Smalltalk:" + n)) return *v;
    if (is_known_class(ev.host(), n)) return global_value(ev.host(), n);
    if (sel == "at:ifAbsent:") return ev.call_block(a[1], {});
    if (sel == "classNamed:") return Value::nil();
    throw SmalltalkError("KeyNotFound", "key #" + n + " not found in SystemDictionary");
  }
  if (sel == "at:put:") {
    ev.workspace().vars["Smalltalk:" + string_arg(a[0], sel)] = a[1];
    return a[1];
  }
  return std::nullopt;
}

Answer smalltalk_image(Evaluator& ev, const Value& r, const std::string& sel, Args& a) {
  Host& host = ev.host();
  if (sel == "version") return Value::string(host.image_version());
  if (sel == "quit" || sel == "exitSuccess" || sel == "exitFailure") {
    host.quit(sel == "exitFailure" ? 1 : 0);
    return Value::nil();
  }
  if (sel == "snapshot:andQuit:") {
    host.snapshot(a[0].is_true(), a[1].is_true());
    return Value::boolean(false);
  }
  if (sel == "saveSession" || sel == "snapshot") {
    host.snapshot(true, false);
    return r;
  }
  if (sel == "garbageCollect") {
    host.garbage_collect();
    return Value::integer(0);
  }
  if (sel == "logFileName:") {
    host.set_debug_log_name(string_arg(a[0], sel));
    return r;
  }
  if (sel == "os") return make_object("UnixPlatform", "an UnixPlatform");
  if (sel == "image") return r;
  return smalltalk_globals(ev, sel, a);
}

// OSEnvironment current at: / at:ifAbsent: / getEnv: / at:ifPresent:[ifAbsent:] / includesKey:.
Answer environment(Evaluator& ev, const std::string& sel, Args& a) {
  if (sel != "at:" && sel != "at:ifAbsent:" && sel != "getEnv:" && sel != "at:ifPresent:" &&
      sel != "at:ifPresent:ifAbsent:" && sel != "includesKey:")
    return std::nullopt;
  auto v = ev.host().environment(string_arg(a[0], sel));
  if (sel == "includesKey:") return Value::boolean(v.has_value());
  if (v) {
    if (sel == "at:ifPresent:" || sel == "at:ifPresent:ifAbsent:") return cull(ev, a[1], Value::string(*v));
    return Value::string(*v);
  }
  if (sel == "getEnv:" || sel == "at:ifPresent:") return Value::nil();
  if (sel == "at:ifAbsent:") return ev.call_block(a[1], {});
  if (sel == "at:ifPresent:ifAbsent:") return ev.call_block(a[2], {});
  throw SmalltalkError("KeyNotFound", "key '" + a[0].text + "' not found in UnixEnvironment");
}

Answer stdio_stream(Evaluator& ev, SimObject& o, const Value& r, const std::string& sel, Args& a) {
  int fd = o.slots["fd"].text == "2" ? 2 : 1;
  if (sel == "nextPutAll:" || sel == "<<" || sel == "print:" || sel == "show:") {
    ev.host().stdio_write(fd, sel == "print:" ? print_string(a[0]) : display_string(a[0]));
    return r;
  }
  if (sel == "lf" || sel == "cr" || sel == "crlf") {
    ev.host().stdio_write(fd, "\n");
    return r;
  }
  if (sel == "space") {
    ev.host().stdio_write(fd, " ");
    return r;
  }
  if (sel == "flush") return r;
  return std::nullopt;
}

}  // namespace

Answer system_class_messages(Evaluator& ev, const Value& r, const std::string& sel, Args&) {
  const std::string& c = r.text;
  if (c == "OSEnvironment" && sel == "current") return make_object("UnixEnvironment", "an UnixEnvironment");
  if (c == "SystemVersion" && sel == "current") return make_object("SystemVersion", ev.host().image_version());
  if (c == "Date" && sel == "today") return make_object("Date", clock_text::date_text(std::time(nullptr)));
  if (c == "Time" && sel == "now") return make_object("Time", clock_text::time_text(std::time(nullptr)));
  if (c == "DateAndTime" && sel == "now") return make_object("DateAndTime", clock_text::iso_timestamp());
  if (c == "Stdio" && (sel == "stdout" || sel == "stderr")) {
    Value s = make_object("StdioStream", "a StdioStream");
    s.obj->slots["fd"] = Value::string(sel == "stdout" ? "1" : "2");
    return s;
  }
  return std::nullopt;
}

Answer system_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a) {
  SimObject& o = *r.obj;
  const std::string& c = o.cls;
  if (c == "SmalltalkImage") return smalltalk_image(ev, r, sel, a);
  if (c == "UnixPlatform" && sel == "environment") return make_object("UnixEnvironment", "an UnixEnvironment");
  if (c == "UnixEnvironment") return environment(ev, sel, a);
  if (c == "StdioStream") return stdio_stream(ev, o, r, sel, a);
  if (c == "SystemVersion" && (sel == "asString" || sel == "printString")) return Value::string(o.print);
  return std::nullopt;
}

}  // namespace sim
