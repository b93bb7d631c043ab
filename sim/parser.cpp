#include "parser.hpp"

#include "lexer.hpp"

namespace sim {
namespace {

class Parser {
 public:
  Parser(const std::string& source) : src_(source), toks_(tokenize(source)) {}

  NodePtr parse_top() {
    NodePtr seq = parse_sequence(Tok::End);
    expect(Tok::End, "End of statement list expected");
    return seq;
  }

 private:
  const Token& peek(size_t ahead = 0) const { return toks_[std::min(pos_ + ahead, toks_.size() - 1)]; }
  bool at(Tok k) const { return peek().kind == k; }
  Token next() { return toks_[pos_ < toks_.size() - 1 ? pos_++ : pos_]; }
  void expect(Tok k, const char* what) {
    if (!at(k)) throw SyntaxError(what, peek().line);
    next();
  }

  NodePtr make(Node::Kind k) {
    auto n = std::make_shared<Node>();
    n->kind = k;
    n->line = peek().line;
    return n;
  }

  bool at_binary_bar() const { return at(Tok::Bar); }

  // statements up to (not including) the closing token
  NodePtr parse_sequence(Tok closer) {
    NodePtr seq = make(Node::Kind::Sequence);
    if (at(Tok::Bar)) {
      next();
      while (at(Tok::Ident)) seq->temps.push_back(next().text);
      expect(Tok::Bar, "Vertical bar expected after temporaries");
    } else if (at(Tok::Binary) && peek().text == "||") {
      next();
    }
    while (!at(closer) && !at(Tok::End)) {
      size_t start = peek().pos;
      NodePtr stmt = parse_statement();
      size_t end = peek().pos;
      stmt->source = src_.substr(start, end - start);
      seq->args.push_back(stmt);
      if (at(Tok::Period)) {
        while (at(Tok::Period)) next();
        continue;
      }
      if (!at(closer)) {
        if (at(Tok::RParen) || at(Tok::RBracket) || at(Tok::RBrace)) throw SyntaxError("Unmatched " + peek().text, peek().line);
        throw SyntaxError("Period or end of statement expected", peek().line);
      }
    }
    return seq;
  }

  NodePtr parse_statement() {
    if (at(Tok::Caret)) {
      NodePtr r = make(Node::Kind::Return);
      next();
      r->receiver = parse_expression();
      return r;
    }
    return parse_expression();
  }

  NodePtr parse_expression() {
    if (at(Tok::Ident) && peek(1).kind == Tok::Assign) {
      NodePtr a = make(Node::Kind::Assign);
      a->name = next().text;
      next();
      a->receiver = parse_expression();
      return a;
    }
    NodePtr primary = parse_primary();
    NodePtr expr = parse_messages(primary);
    if (!at(Tok::Semicolon)) return expr;
    if (expr->kind != Node::Kind::Send) throw SyntaxError("Cascade without a message", peek().line);
    NodePtr cascade = make(Node::Kind::Cascade);
    cascade->receiver = expr->receiver;
    NodePtr placeholder = make(Node::Kind::CascadeReceiver);
    expr->receiver = placeholder;
    cascade->args.push_back(expr);
    while (at(Tok::Semicolon)) {
      next();
      NodePtr part = parse_messages(placeholder);
      if (part == placeholder) throw SyntaxError("Message expected after ;", peek().line);
      cascade->args.push_back(part);
    }
    return cascade;
  }

  NodePtr send(NodePtr receiver, std::string selector, std::vector<NodePtr> args, int line) {
    NodePtr n = std::make_shared<Node>();
    n->kind = Node::Kind::Send;
    n->line = line;
    n->receiver = std::move(receiver);
    n->name = std::move(selector);
    n->args = std::move(args);
    return n;
  }

  NodePtr parse_unaries(NodePtr recv) {
    while (at(Tok::Ident)) {
      Token t = next();
      recv = send(recv, t.text, {}, t.line);
    }
    return recv;
  }

  bool at_binary() const { return at(Tok::Binary) || at(Tok::Bar); }

  NodePtr parse_binaries(NodePtr recv) {
    while (at_binary()) {
      Token op = next();
      NodePtr arg = parse_unaries(parse_primary());
      recv = send(recv, op.text, {arg}, op.line);
    }
    return recv;
  }

  NodePtr parse_messages(NodePtr recv) {
    recv = parse_binaries(parse_unaries(recv));
    if (at(Tok::Keyword)) {
      std::string selector;
      std::vector<NodePtr> args;
      int line = peek().line;
      while (at(Tok::Keyword)) {
        selector += next().text;
        args.push_back(parse_binaries(parse_unaries(parse_primary())));
      }
      recv = send(recv, selector, args, line);
    }
    return recv;
  }

  Literal parse_literal_array_body() {
    Literal arr;
    arr.kind = Literal::Kind::Array;
    while (!at(Tok::RParen)) {
      if (at(Tok::End)) throw SyntaxError("Unmatched ( in literal array", peek().line);
      Token t = next();
      Literal e;
      switch (t.kind) {
        case Tok::Number: e.kind = Literal::Kind::Number; e.number = Number::parse_literal(t.text); break;
        case Tok::Binary:
          if (t.text == "-" && at(Tok::Number)) {
            e.kind = Literal::Kind::Number;
            e.number = Number::parse_literal("-" + next().text);
          } else {
            e.kind = Literal::Kind::Symbol;
            e.text = t.text;
          }
          break;
        case Tok::String: e.kind = Literal::Kind::String; e.text = t.text; break;
        case Tok::Symbol: e.kind = Literal::Kind::Symbol; e.text = t.text; break;
        case Tok::Char: e.kind = Literal::Kind::Character; e.text = t.text; break;
        case Tok::Ident:
          if (t.text == "nil") e.kind = Literal::Kind::Nil;
          else if (t.text == "true") e.kind = Literal::Kind::True;
          else if (t.text == "false") e.kind = Literal::Kind::False;
          else { e.kind = Literal::Kind::Symbol; e.text = t.text; }
          break;
        case Tok::Keyword: {
          e.kind = Literal::Kind::Symbol;
          e.text = t.text;
          while (at(Tok::Keyword)) e.text += next().text;
          break;
        }
        case Tok::LParen:
        case Tok::LitArrayOpen:
          e = parse_literal_array_body();
          break;
        default: throw SyntaxError("Literal expected in literal array", t.line);
      }
      arr.elements.push_back(e);
    }
    next();
    return arr;
  }

  NodePtr literal_node(Literal::Kind kind, std::string text = "") {
    NodePtr n = make(Node::Kind::Literal);
    n->literal.kind = kind;
    n->literal.text = std::move(text);
    return n;
  }

  NodePtr number_node(const std::string& text) {
    NodePtr n = literal_node(Literal::Kind::Number);
    n->literal.number = Number::parse_literal(text);
    return n;
  }

  NodePtr parse_primary() {
    Token t = peek();
    switch (t.kind) {
      case Tok::Ident: return parse_name(next());
      case Tok::Number: return number_node(next().text);
      case Tok::Binary:
        if (t.text == "-" && peek(1).kind == Tok::Number && peek(1).pos == t.pos + 1) {
          next();
          return number_node("-" + next().text);
        }
        throw SyntaxError("Variable or expression expected", t.line);
      case Tok::String: next(); return literal_node(Literal::Kind::String, t.text);
      case Tok::Symbol: next(); return literal_node(Literal::Kind::Symbol, t.text);
      case Tok::Char: next(); return literal_node(Literal::Kind::Character, t.text);
      case Tok::LitArrayOpen: {
        next();
        NodePtr n = make(Node::Kind::Literal);
        n->literal = parse_literal_array_body();
        return n;
      }
      case Tok::ByteArrayOpen: return parse_byte_array();
      case Tok::LParen: {
        next();
        NodePtr e = parse_expression();
        if (!at(Tok::RParen)) throw SyntaxError(at(Tok::End) ? "Unmatched (" : "Right parenthesis expected", peek().line);
        next();
        return e;
      }
      case Tok::LBracket: return parse_block();
      case Tok::LBrace: return parse_brace_array();
      case Tok::End: throw SyntaxError("Expression expected (unexpected end of input)", t.line);
      case Tok::RParen: throw SyntaxError("Unmatched )", t.line);
      case Tok::RBracket: throw SyntaxError("Unmatched ]", t.line);
      case Tok::RBrace: throw SyntaxError("Unmatched }", t.line);
      default: throw SyntaxError("Variable or expression expected", t.line);
    }
  }

  // nil, true, false or a variable.
  NodePtr parse_name(const Token& t) {
    NodePtr n = make(Node::Kind::Literal);
    n->line = t.line;
    if (t.text == "nil") n->literal.kind = Literal::Kind::Nil;
    else if (t.text == "true") n->literal.kind = Literal::Kind::True;
    else if (t.text == "false") n->literal.kind = Literal::Kind::False;
    else {
      n->kind = Node::Kind::Variable;
      n->name = t.text;
    }
    return n;
  }

  NodePtr parse_byte_array() {
    next();
    NodePtr n = literal_node(Literal::Kind::Array);
    while (at(Tok::Number)) {
      Literal e;
      e.kind = Literal::Kind::Number;
      e.number = Number::parse_literal(next().text);
      n->literal.elements.push_back(e);
    }
    expect(Tok::RBracket, "Unmatched #[");
    return n;
  }

  NodePtr parse_block() {
    int line = next().line;
    NodePtr b = make(Node::Kind::Block);
    b->line = line;
    while (at(Tok::Colon)) {
      next();
      if (!at(Tok::Ident)) throw SyntaxError("Block parameter name expected", peek().line);
      b->params.push_back(next().text);
    }
    if (!b->params.empty()) {
      if (at(Tok::Bar)) next();
      else if (at(Tok::Binary) && peek().text == "||") { toks_[pos_].text = "|"; toks_[pos_].kind = Tok::Bar; }
      else if (!at(Tok::RBracket)) throw SyntaxError("Vertical bar expected after block parameters", peek().line);
    }
    NodePtr body = parse_sequence(Tok::RBracket);
    if (!at(Tok::RBracket)) throw SyntaxError("Unmatched [", line);
    next();
    b->temps = body->temps;
    b->args = body->args;
    return b;
  }

  NodePtr parse_brace_array() {
    int line = next().line;
    NodePtr b = make(Node::Kind::BraceArray);
    NodePtr body = parse_sequence(Tok::RBrace);
    if (!at(Tok::RBrace)) throw SyntaxError("Unmatched {", line);
    next();
    b->args = body->args;
    return b;
  }

  const std::string& src_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
};

}  // namespace

NodePtr parse_doit(const std::string& source) {
  try {
    return Parser(source).parse_top();
  } catch (const NumberError& e) {
    throw SyntaxError(e.what(), 1);
  }
}

std::vector<std::string> split_chunks(const std::string& text) {
  // Chunk format: '!' ends a chunk, '!!' is a literal '!'. Only used when a lone '!' ends a line.
  bool chunked = false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '!' && (i + 1 == text.size() || text[i + 1] == '\n' || text[i + 1] == '\r') && (i == 0 || text[i - 1] != '!')) {
      chunked = true;
      break;
    }
  }
  if (!chunked) return {text};
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '!') {
      if (i + 1 < text.size() && text[i + 1] == '!') { cur += '!'; ++i; continue; }
      out.push_back(cur);
      cur.clear();
      continue;
    }
    cur += text[i];
  }
  if (cur.find_first_not_of(" \t\r\n") != std::string::npos) out.push_back(cur);
  return out;
}

}  // namespace sim
