#pragma once
// The tokens of Smalltalk source, for the parser. Comments are dropped; an unterminated string
// or comment, or a character Smalltalk has no use for, raises SyntaxError.
#include <string>
#include <vector>

#include "parser.hpp"

namespace sim {

enum class Tok { Ident, Keyword, Binary, Number, String, Symbol, Char, LitArrayOpen, ByteArrayOpen,
                 Assign, Caret, Period, Semicolon, LParen, RParen, LBracket, RBracket, LBrace, RBrace,
                 Colon, Bar, End };

struct Token {
  Tok kind;
  std::string text;
  int line;
  size_t pos;  // offset in the source
};

// The tokens of `source`, ending with one Tok::End.
std::vector<Token> tokenize(const std::string& source);

}  // namespace sim
