#pragma once
// A reader for STON (Smalltalk Object Notation, the format of smalltalkCI's .smalltalk.ston and
// of Tonel's .properties): maps { key : value, ... }, lists [ a, b ], Class { ... } objects,
// 'strings' (and "strings"), #symbols and #'quoted symbols', numbers, true, false, nil, and
// comments (/* ... */, // to the end of the line). What pharoctl needs of it, read strictly:
// anything else is an error naming file, line and column.
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace pharoctl {

struct StonValue {
  enum class Kind { Nil, Boolean, Number, String, Symbol, List, Map };
  Kind kind = Kind::Nil;
  std::string text;        // String, Symbol (without #), Number (as written), Boolean ("true"/"false")
  std::string class_name;  // "SCIMetacelloLoadSpec" for Class { ... } / Class [ ... ]; "" for plain ones
  std::vector<StonValue> items;                            // List
  std::vector<std::pair<StonValue, StonValue>> entries;    // Map, in file order

  bool is_text() const { return kind == Kind::String || kind == Kind::Symbol; }
  // The value of the map entry whose key is the symbol or string `key`; nullptr if none.
  const StonValue* find(const std::string& key) const;
};

// Throws Failure(kExitUsage): "FILE:LINE:COL: what is wrong".
StonValue parse_ston(const std::string& text, const std::string& file);

}  // namespace pharoctl
