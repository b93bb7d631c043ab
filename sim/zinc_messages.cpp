// Zinc: ZnServer and the server it makes, the requests and responses of an onRequestRespond:
// block, ZnLogEvent, and NetNameResolver's addresses for bindingAddress:.
#include <fmt/format.h>

#include <cstdio>

#include "messages.hpp"

namespace sim {
namespace {

// Addresses as Zinc and NeoConsole take them: 4-byte ByteArrays (#[127 0 0 1]).
Value address(const std::string& dotted) {
  std::string print = "#[" + dotted + "]";
  for (char& ch : print)
    if (ch == '.') ch = ' ';
  Value v = make_object("ByteArray", print);
  v.obj->slots["address"] = Value::string(dotted);
  return v;
}

Answer name_resolver(const std::string& sel, const Args& a) {
  if (sel == "loopBackAddress" || sel == "localHostAddress") return address("127.0.0.1");
  if (sel == "addressForName:" || sel == "addressFromString:") {
    std::string name = string_arg(a[0], sel);
    if (name == "localhost") name = "127.0.0.1";
    int parts[4];
    char tail;
    if (std::sscanf(name.c_str(), "%d.%d.%d.%d%c", &parts[0], &parts[1], &parts[2], &parts[3], &tail) != 4)
      throw Unsupported("name resolution of " + name);
    return address(name);
  }
  return std::nullopt;
}

Value string_entity(const std::string& body, const std::string& type) {
  Value e = make_object("ZnStringEntity");
  e.obj->slots["body"] = Value::string(body);
  e.obj->slots["type"] = Value::string(type);
  return e;
}

Value response(const std::string& sel, const Value& arg) {
  Value resp = make_object("ZnResponse");
  resp.obj->slots["status"] = Value::integer(sel == "ok:" ? 200 : sel == "notFound:" ? 404 : 500);
  if (sel == "ok:")
    resp.obj->slots["entity"] = arg;
  else
    resp.obj->slots["entity"] = string_entity(
        (sel == "notFound:" ? "Not Found " : "Internal Server Error ") + display_string(arg) + "\r\n", "text/plain;charset=utf-8");
  return resp;
}

// The application's onRequestRespond: block as the VM's HTTP server calls it.
AppResponder responder_for(Evaluator& ev, const Value& block) {
  return [&ev, block](const std::string& method, const std::string& path) -> std::optional<AppResponse> {
    Value request = make_object("ZnRequest", fmt::format("a ZnRequest({} {})", method, path));
    request.obj->slots["method"] = Value::symbol(method);
    request.obj->slots["uri"] = Value::string(path);
    try {
      Value v = cull(ev, block, request);
      if (v.kind != Value::Kind::Object || v.obj->cls != "ZnResponse") return std::nullopt;
      AppResponse out;
      out.status = static_cast<int>(int_arg(v.obj->slots["status"], "status"));
      const Value& entity = v.obj->slots["entity"];
      if (entity.kind == Value::Kind::Object) {
        out.content_type = display_string(entity.obj->slots["type"]);
        out.body = display_string(entity.obj->slots["body"]);
      }
      return out;
    } catch (const std::exception&) {
      return AppResponse{500, "text/plain;charset=utf-8", "Internal Server Error\r\n"};
    }
  };
}

Answer server(Evaluator& ev, SimObject& o, const Value& r, const std::string& sel, Args& a) {
  int port = o.slots.count("port") ? port_arg(o.slots["port"]) : 8080;
  if (sel == "start") {
    AppResponder responder;
    if (o.slots.count("respond")) responder = responder_for(ev, o.slots["respond"]);
    // Zinc binds every interface unless bindingAddress: said otherwise (ZnServer>>bindingAddress).
    std::string bind = o.slots.count("bind") ? o.slots["bind"].text : "";
    o.print = ev.host().http_start(port, bind, o.slots.count("log") > 0, responder);
    return r;
  }
  if (sel == "onRequestRespond:" || sel == "delegate:") {
    if (sel == "onRequestRespond:" && a[0].kind == Value::Kind::Block) o.slots["respond"] = a[0];
    return r;
  }
  if (sel == "stop") {
    ev.host().http_stop(port);
    o.print = fmt::format("a ZnManagingMultiThreadedServer(stopped {})", port);
    return r;
  }
  if (sel == "logToTranscript") {
    o.slots["log"] = Value::boolean(true);
    return r;
  }
  if (sel == "bindingAddress:") {
    if (a[0].kind == Value::Kind::Nil)
      o.slots.erase("bind");
    else if (a[0].kind == Value::Kind::Object && a[0].obj->slots.count("address"))
      o.slots["bind"] = a[0].obj->slots["address"];
    else
      throw SmalltalkError("Error", "bindingAddress: expects a 4-byte ByteArray such as #[127 0 0 1]");
    return r;
  }
  if (sel == "port") return Value::integer(port);
  if (sel == "port:") {
    o.slots["port"] = a[0];
    return r;
  }
  if (sel == "isRunning") return Value::boolean(o.print.find("running") != std::string::npos);
  // Configuration the sim has no use for (delegate:, logLevel:, onRequestRespond:, ...): accepted.
  if (sel.find(':') != std::string::npos || sel == "register" || sel == "unregister" || sel == "debugMode") return r;
  return std::nullopt;
}

Answer zn_server_class(Evaluator& ev, const std::string& sel, const Args& a) {
  if (sel == "defaultOn:" || sel == "on:" || sel == "startDefaultOn:" || sel == "startOn:") {
    Value s = make_object("ZnManagingMultiThreadedServer");
    int port = port_arg(a[0]);
    s.obj->slots["port"] = Value::integer(port);
    s.obj->print = fmt::format("a ZnManagingMultiThreadedServer(stopped {})", port);
    if (sel.rfind("start", 0) == 0) s.obj->print = ev.host().http_start(port, "", false, nullptr);
    return s;
  }
  if (sel == "stopDefault" || sel == "default") return Value::nil();
  return std::nullopt;
}

}  // namespace

Answer zinc_class_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a) {
  const std::string& c = r.text;
  if (c == "NetNameResolver") return name_resolver(sel, a);
  if (c == "ZnServer") return zn_server_class(ev, sel, a);
  if (c == "ZnLogEvent" && (sel == "logToTranscript" || sel == "announcer")) return r;
  if (c == "ZnEntity" && (sel == "html:" || sel == "text:" || sel == "with:" || sel == "with:type:" || sel == "json:")) {
    std::string type = sel == "html:" ? "text/html;charset=utf-8"
                       : sel == "json:" ? "application/json"
                       : sel == "with:type:" ? display_string(a[1])
                                             : "text/plain;charset=utf-8";
    return string_entity(display_string(a[0]), type);
  }
  if (c == "ZnResponse" && (sel == "ok:" || sel == "notFound:" || sel == "serverError:")) return response(sel, a[0]);
  return std::nullopt;
}

Answer zinc_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a) {
  SimObject& o = *r.obj;
  if (o.cls == "ZnManagingMultiThreadedServer") return server(ev, o, r, sel, a);
  if (o.cls == "ZnRequest") {
    if (sel == "uri" || sel == "url") return o.slots["uri"];
    if (sel == "method") return o.slots["method"];
  }
  return std::nullopt;
}

}  // namespace sim
