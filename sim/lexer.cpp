#include "lexer.hpp"

#include <cctype>

namespace sim {
namespace {

bool is_binary_char(char c) {
  switch (c) {
    case '+': case '-': case '*': case '/': case '\\': case '<': case '>': case '=': case '~':
    case '@': case '%': case '&': case '?': case ',': case '|':
      return true;
    default:
      return false;
  }
}

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool is_letter(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

class Lexer {
 public:
  explicit Lexer(const std::string& s) : s_(s) {}

  std::vector<Token> run() {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '\n') ++line_;
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i_;
        continue;
      }
      start_ = i_;
      if (c == '"') skip_comment();
      else if (c == '\'') string_literal();
      else if (is_letter(c)) word();
      else if (is_digit(c)) number();
      else if (c == '$') character();
      else if (c == '#') hash();
      else if (!punctuation(c)) throw SyntaxError(std::string("Unknown character '") + c + "'", line_);
    }
    out_.push_back({Tok::End, "", line_, s_.size()});
    return std::move(out_);
  }

 private:
  void push(Tok k, std::string text) { out_.push_back({k, std::move(text), line_, start_}); }
  void push_at(Tok k, std::string text, int line) { out_.push_back({k, std::move(text), line, start_}); }
  void skip_digits() {
    while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
  }

  void skip_comment() {
    int start_line = line_;
    ++i_;
    while (i_ < s_.size() && s_[i_] != '"') {
      if (s_[i_] == '\n') ++line_;
      ++i_;
    }
    if (i_ >= s_.size()) throw SyntaxError("Unmatched comment quote", start_line);
    ++i_;
  }

  // A quoted text from the quote at i_ ('' stands for one quote); line_of_start_ is its line.
  std::string quoted() {
    line_of_start_ = line_;
    std::string text;
    ++i_;
    while (true) {
      if (i_ >= s_.size()) throw SyntaxError("Unmatched string quote", line_of_start_);
      if (s_[i_] == '\'') {
        if (i_ + 1 < s_.size() && s_[i_ + 1] == '\'') {
          text += '\'';
          i_ += 2;
          continue;
        }
        ++i_;
        return text;
      }
      if (s_[i_] == '\n') ++line_;
      text += s_[i_++];
    }
  }

  void string_literal() {
    std::string text = quoted();
    push_at(Tok::String, std::move(text), line_of_start_);
  }

  void word() {
    while (i_ < s_.size() && is_word_char(s_[i_])) ++i_;
    if (i_ < s_.size() && s_[i_] == ':' && (i_ + 1 >= s_.size() || s_[i_ + 1] != '=')) {
      ++i_;
      push(Tok::Keyword, s_.substr(start_, i_ - start_));
    } else {
      push(Tok::Ident, s_.substr(start_, i_ - start_));
    }
  }

  void number() {
    skip_digits();
    if (i_ < s_.size() && s_[i_] == 'r') {  // radix
      ++i_;
      while (i_ < s_.size() && std::isalnum(static_cast<unsigned char>(s_[i_])) && !std::islower(static_cast<unsigned char>(s_[i_]))) ++i_;
    } else {
      if (i_ + 1 < s_.size() && s_[i_] == '.' && is_digit(s_[i_ + 1])) {
        ++i_;
        skip_digits();
      }
      if (i_ + 1 < s_.size() && s_[i_] == 'e' &&
          (is_digit(s_[i_ + 1]) || (s_[i_ + 1] == '-' && i_ + 2 < s_.size() && is_digit(s_[i_ + 2])))) {
        i_ += 2;
        skip_digits();
      }
    }
    push(Tok::Number, s_.substr(start_, i_ - start_));
  }

  void character() {
    if (i_ + 1 >= s_.size()) throw SyntaxError("Character expected", line_);
    push(Tok::Char, std::string(1, s_[i_ + 1]));
    if (s_[i_ + 1] == '\n') ++line_;
    i_ += 2;
  }

  // #( #[ #'quoted' #symbol #with:keywords: #+
  void hash() {
    ++i_;
    char c = i_ < s_.size() ? s_[i_] : '\0';
    if (c == '(' || c == '[') {
      ++i_;
      push(c == '(' ? Tok::LitArrayOpen : Tok::ByteArrayOpen, c == '(' ? "#(" : "#[");
      return;
    }
    if (c == '\'') {
      std::string text = quoted();
      push_at(Tok::Symbol, std::move(text), line_of_start_);
      return;
    }
    size_t b = i_;
    if (is_letter(c)) {
      while (i_ < s_.size() && (is_word_char(s_[i_]) || s_[i_] == ':')) ++i_;
    } else {
      while (i_ < s_.size() && is_binary_char(s_[i_])) ++i_;
    }
    if (i_ == b) throw SyntaxError("Literal expected after #", line_);
    push(Tok::Symbol, s_.substr(b, i_ - b));
  }

  bool punctuation(char c) {
    if (c == ':' && i_ + 1 < s_.size() && s_[i_ + 1] == '=') {
      i_ += 2;
      push(Tok::Assign, ":=");
      return true;
    }
    static const std::string singles = "_^.;()[]{}:|";
    static const Tok kinds[] = {Tok::Assign, Tok::Caret,    Tok::Period,   Tok::Semicolon, Tok::LParen, Tok::RParen,
                                Tok::LBracket, Tok::RBracket, Tok::LBrace, Tok::RBrace,    Tok::Colon,  Tok::Bar};
    // A lone bar is a Tok::Bar (temporaries, block parameters, or the binary operator |).
    if (size_t k = singles.find(c); k != std::string::npos) {
      ++i_;
      push(kinds[k], c == '_' ? ":=" : std::string(1, c));
      return true;
    }
    if (!is_binary_char(c)) return false;
    while (i_ < s_.size() && is_binary_char(s_[i_]) && s_[i_] != '|') {
      // '-' directly followed by a digit after another operator char starts a negative literal
      if (i_ > start_ && s_[i_] == '-') break;
      ++i_;
    }
    push(Tok::Binary, s_.substr(start_, i_ - start_));
    return true;
  }

  const std::string& s_;
  std::vector<Token> out_;
  size_t i_ = 0;
  size_t start_ = 0;
  int line_ = 1;
  int line_of_start_ = 1;
};

}  // namespace

std::vector<Token> tokenize(const std::string& source) { return Lexer(source).run(); }

}  // namespace sim
