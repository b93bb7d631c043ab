// Loading code into the image: Metacello's builder, file-ins (FileStream, CodeImporter,
// FileReference) and Epicea's monitor, which loads usually switch off.
#include <fmt/format.h>

#include "messages.hpp"

namespace sim {
namespace {

Answer metacello(Evaluator& ev, SimObject& o, const Value& r, const std::string& sel, Args& a) {
  auto slot = [&](const char* key) { return o.slots.count(key) ? o.slots[key].text : std::string(); };
  if (sel == "repository:" || sel == "baseline:" || sel == "configuration:") {
    o.slots[sel.substr(0, sel.size() - 1)] = Value::string(string_arg(a[0], sel));
    return r;
  }
  if (sel == "githubUser:project:commitish:path:") {
    o.slots["repository"] = Value::string(fmt::format("github://{}/{}:{}/{}", display_string(a[0]), display_string(a[1]),
                                                      display_string(a[2]), display_string(a[3])));
    return r;
  }
  if (sel == "load" || sel == "load:") {
    MetacelloLoad load;
    load.repository = slot("repository");
    load.baseline = slot("baseline");
    load.configuration = slot("configuration");
    if (sel == "load:") {
      if (a[0].kind == Value::Kind::Array)
        for (const Value& g : *a[0].elems) load.groups.push_back(display_string(g));
      else
        load.groups.push_back(display_string(a[0]));
    }
    ev.host().metacello_load(load);
    return r;
  }
  // version:, onConflict..., onUpgrade..., ignoreImage, onWarningLog, silently...: accepted.
  return r;
}

}  // namespace

Answer loading_class_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a) {
  const std::string& c = r.text;
  if (c == "Metacello" && sel == "new") return make_object("Metacello", "a Metacello");
  if (c == "EpMonitor") {
    if (sel == "current") return make_object("EpMonitor");
    if (sel == "disableDuring:") {
      ev.host().set_epicea(false);
      Value v = ev.call_block(a[0], {});
      ev.host().set_epicea(true);
      return v;
    }
  }
  if ((c == "FileStream" && sel == "fileIn:") || (c == "CodeImporter" && sel == "evaluateFileNamed:")) {
    ev.host().file_in(string_arg(a[0], sel));
    return Value::nil();
  }
  return std::nullopt;
}

Answer loading_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a) {
  SimObject& o = *r.obj;
  if (o.cls == "Metacello") return metacello(ev, o, r, sel, a);
  if (o.cls == "EpMonitor" && (sel == "disable" || sel == "enable")) {
    ev.host().set_epicea(sel == "enable");
    return r;
  }
  if (o.cls == "FileReference" && sel == "fileIn") {
    ev.host().file_in(o.print.substr(7));  // "File @ path"
    return r;
  }
  return std::nullopt;
}

}  // namespace sim
