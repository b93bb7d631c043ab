#pragma once
// A parser for the Smalltalk the sim evaluates: statements, assignments, unary/binary/keyword
// sends with Smalltalk precedence, cascades, blocks, literals (numbers, strings, symbols,
// characters, literal arrays) and brace arrays. Unbalanced brackets or quotes and misplaced
// tokens raise SyntaxError, as the real compiler would refuse the whole doit.
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "number.hpp"

namespace sim {

struct SyntaxError : std::runtime_error {
  int line;
  SyntaxError(const std::string& what, int at_line) : std::runtime_error(what), line(at_line) {}
};

struct Node;
using NodePtr = std::shared_ptr<Node>;

struct Literal {
  enum class Kind { Nil, True, False, Number, String, Symbol, Character, Array } kind = Kind::Nil;
  Number number;
  std::string text;               // String, Symbol, Character
  std::vector<Literal> elements;  // Array
};

struct Node {
  enum class Kind {
    Literal,
    Variable,
    Assign,
    Send,
    Cascade,
    CascadeReceiver,  // placeholder for the receiver inside cascade parts
    Block,
    Return,
    BraceArray,
    Sequence,
  } kind;
  int line = 0;
  std::string source;  // the statement text (Sequence children only), for notes and errors
  Literal literal;
  std::string name;                 // Variable, Assign target, Send selector
  NodePtr receiver;                 // Send, Cascade, Assign value, Return value
  std::vector<NodePtr> args;        // Send arguments; Cascade parts; Block/Sequence/BraceArray statements
  std::vector<std::string> params;  // Block parameters
  std::vector<std::string> temps;   // Block/Sequence temporaries
};

// Parses a whole doit (a file's contents or a REPL input) into a Sequence.
NodePtr parse_doit(const std::string& source);

// Splits file-in text into chunks at lone '!' (the chunk format); plain scripts are one chunk.
std::vector<std::string> split_chunks(const std::string& text);

}  // namespace sim
