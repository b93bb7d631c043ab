// The Transcript (Pharo's ThreadSafeTranscript), and what it can be replaced by: Pharo's own
// NonInteractiveTranscript on the VM's stdout or stderr, or NeoConsole's daily log files.
#include "messages.hpp"

namespace sim {
namespace {

Answer thread_safe_transcript(Host& host, const Value& r, const std::string& sel, const Args& a) {
  if (sel == "show:" || sel == "nextPutAll:" || sel == "<<" || sel == "display:" || sel == "print:") {
    host.transcript_show(sel == "print:" ? print_string(a[0]) : display_string(a[0]));
    return r;
  }
  std::optional<std::string> text;
  if (sel == "crShow:") text = "\n" + display_string(a[0]);
  else if (sel == "showln:" || sel == "traceCr:") text = display_string(a[0]) + "\n";
  else if (sel == "cr" || sel == "lf" || sel == "crlf") text = "\n";
  else if (sel == "tab") text = "\t";
  else if (sel == "space") text = " ";
  else if (sel == "flush" || sel == "endEntry" || sel == "clear") text = "";
  if (!text) return std::nullopt;
  if (!text->empty()) host.transcript_show(*text);
  return r;
}

}  // namespace

Answer transcript_class_messages(Evaluator&, const Value& r, const std::string& sel, Args& a) {
  const std::string& c = r.text;
  if (c == "NeoConsoleTranscript") {
    if (sel == "onFileNamed:") {
      Value t = make_object("NeoConsoleTranscript");
      t.obj->slots["file"] = Value::string(string_arg(a[0], sel));
      return t;
    }
    if (sel == "new") return make_object("NeoConsoleTranscript");
  }
  // Pharo's own transcript on the VM's stdout or stderr (what a container's log shows).
  if (c == "NonInteractiveTranscript" && (sel == "stdout" || sel == "stderr")) {
    Value t = make_object("NonInteractiveTranscript");
    t.obj->slots["stream"] = Value::string(sel);
    return t;
  }
  return std::nullopt;
}

Answer transcript_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a) {
  SimObject& o = *r.obj;
  const std::string& c = o.cls;
  if (c == "ThreadSafeTranscript") return thread_safe_transcript(ev.host(), r, sel, a);
  if (c == "NonInteractiveTranscript" && sel == "install") {
    ev.host().transcript_install("");  // no file: the VM's stdout
    return r;
  }
  if (c == "NeoConsoleTranscript") {
    if (sel == "install") {
      auto it = o.slots.find("file");
      ev.host().transcript_install(it == o.slots.end() ? "pharo-{1}.log" : it->second.text);
      return r;
    }
    if (sel == "fileName:" || sel == "onFileNamed:") {
      o.slots["file"] = Value::string(string_arg(a[0], sel));
      return r;
    }
  }
  return std::nullopt;
}

}  // namespace sim
