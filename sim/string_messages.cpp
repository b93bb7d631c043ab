// Strings, symbols and characters.

#include <cctype>

#include "messages.hpp"

namespace sim {
namespace {

// String>>format: with an array: {1}, {2}... replaced by the elements' displayString.
std::string smalltalk_format(const std::string& pattern, const Value& args) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{') {
      size_t close = pattern.find('}', i);
      if (close != std::string::npos && args.kind == Value::Kind::Array) {
        int idx = std::atoi(pattern.substr(i + 1, close - i - 1).c_str());
        if (idx >= 1 && static_cast<size_t>(idx) <= args.elems->size()) {
          out += display_string((*args.elems)[static_cast<size_t>(idx) - 1]);
          i = close;
          continue;
        }
      }
    }
    out += pattern[i];
  }
  return out;
}

// Pharo's asInteger picks the first run of digits (nil when there is none); asNumber reads
// a number literal, or falls back to the same.
Value leading_number(const std::string& s, bool as_number) {
  size_t i = 0;
  while (i < s.size() && !std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i == s.size()) return Value::nil();
  size_t j = i;
  while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
  if (as_number) {
    try {
      return Value::num(Number::parse_literal(s.substr(s.find_first_not_of(" \t"))));
    } catch (const std::exception&) {
    }
  }
  bool neg = i > 0 && s[i - 1] == '-';
  return Value::num(Number::parse_literal((neg ? "-" : "") + s.substr(i, j - i)));
}

Value lines_of(const std::string& s) {
  std::vector<Value> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t nl = s.find_first_of("\r\n", start);
    if (nl == std::string::npos) {
      if (start < s.size()) out.push_back(Value::string(s.substr(start)));
      break;
    }
    out.push_back(Value::string(s.substr(start, nl - start)));
    start = nl + ((s[nl] == '\r' && nl + 1 < s.size() && s[nl + 1] == '\n') ? 2 : 1);
  }
  return Value::array(std::move(out));
}

Answer converting(const Value& r, const std::string& sel) {
  const std::string& s = r.text;
  if (sel == "asString") return Value::string(s);
  if (sel == "asSymbol") return Value::symbol(s);
  if (sel == "asUppercase" || sel == "asLowercase") {
    std::string out = s;
    for (char& c : out)
      c = static_cast<char>(sel == "asUppercase" ? std::toupper(static_cast<unsigned char>(c))
                                                 : std::tolower(static_cast<unsigned char>(c)));
    return r.kind == Value::Kind::Symbol ? Value::symbol(out) : Value::string(out);
  }
  if (sel == "asInteger" || sel == "asNumber") return leading_number(s, sel == "asNumber");
  if (sel == "reversed" || sel == "reverse") return Value::string(std::string(s.rbegin(), s.rend()));
  if (sel == "trimBoth" || sel == "trimmed") {
    size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return Value::string("");
    size_t e = s.find_last_not_of(" \t\r\n");
    return Value::string(s.substr(b, e - b + 1));
  }
  if (sel == "asFileReference") return make_object("FileReference", "File @ " + s);
  if (sel == "lines") return lines_of(s);
  return std::nullopt;
}

Answer comparing(const std::string& s, const std::string& sel, const Args& a) {
  if (sel == "isEmpty" || sel == "isEmptyOrNil") return Value::boolean(s.empty());
  if (sel == "notEmpty" || sel == "isNotEmpty") return Value::boolean(!s.empty());
  if (sel == "includesSubstring:") return Value::boolean(s.find(string_arg(a[0], sel)) != std::string::npos);
  if (sel == "beginsWith:") return Value::boolean(s.rfind(string_arg(a[0], sel), 0) == 0);
  if (sel == "endsWith:") {
    std::string t = string_arg(a[0], sel);
    return Value::boolean(s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0);
  }
  if (sel == "<" || sel == ">" || sel == "<=" || sel == ">=") {
    std::string t = string_arg(a[0], sel);
    return Value::boolean(sel == "<" ? s < t : sel == ">" ? s > t : sel == "<=" ? s <= t : s >= t);
  }
  return std::nullopt;
}

Answer accessing(const std::string& s, const std::string& sel, const Args& a) {
  if (sel == ",") return Value::string(s + display_string(a[0]));
  if (sel == "size") return Value::integer(static_cast<int64_t>(s.size()));
  if (sel == "format:") return Value::string(smalltalk_format(s, a[0]));
  if (sel == "copyReplaceAll:with:") {
    std::string from = string_arg(a[0], sel), to = string_arg(a[1], sel), out = s;
    if (from.empty()) return Value::string(out);
    for (size_t p = out.find(from); p != std::string::npos; p = out.find(from, p + to.size()))
      out.replace(p, from.size(), to);
    return Value::string(out);
  }
  if (auto i = element_index(sel, a, s.size())) return Value::character(std::string(1, s[*i]));
  return std::nullopt;
}

}  // namespace

Answer string_messages(Evaluator& ev, const Value& r, const std::string& sel, Args& a) {
  if (Answer v = accessing(r.text, sel, a)) return v;
  if (Answer v = converting(r, sel)) return v;
  if (Answer v = comparing(r.text, sel, a)) return v;
  if (sel == "value:" && r.kind == Value::Kind::Symbol) {  // #selector value: receiver
    Args none;
    return ev.send(a[0], r.text, none);
  }
  return std::nullopt;
}

Answer character_messages(Evaluator&, const Value& r, const std::string& sel, Args&) {
  if (r.kind != Value::Kind::Character) return std::nullopt;
  auto c = static_cast<unsigned char>(r.text[0]);
  if (sel == "asString") return Value::string(r.text);
  if (sel == "asInteger" || sel == "value" || sel == "asciiValue") return Value::integer(c);
  if (sel == "asUppercase") return Value::character(std::string(1, static_cast<char>(std::toupper(c))));
  if (sel == "isVowel") return Value::boolean(std::string("aeiouAEIOU").find(r.text[0]) != std::string::npos);
  if (sel == "isDigit") return Value::boolean(std::isdigit(c) != 0);
  if (sel == "isLetter") return Value::boolean(std::isalpha(c) != 0);
  return std::nullopt;
}

Answer string_class_messages(Evaluator&, const Value& r, const std::string& sel, Args& a) {
  const std::string& c = r.text;
  if (c == "Character") {
    if (sel == "cr") return Value::character("\r");
    if (sel == "lf") return Value::character("\n");
    if (sel == "tab") return Value::character("\t");
    if (sel == "space") return Value::character(" ");
    if (sel == "value:") return Value::character(std::string(1, static_cast<char>(int_arg(a[0], sel))));
  }
  if (c == "String") {
    if (sel == "new") return Value::string("");
    if (sel == "cr") return Value::string("\r");
    if (sel == "lf") return Value::string("\n");
    if (sel == "crlf") return Value::string("\r\n");
    if (sel == "tab") return Value::string("\t");
    if (sel == "space") return Value::string(" ");
  }
  return std::nullopt;
}

}  // namespace sim
