#include "neoconsole/console_input.hpp"

#include <gtest/gtest.h>

namespace pharoctl::neoconsole {
namespace {

TEST(ConsoleInput, IncompleteWhileBracketsOrQuotesAreOpen) {
  EXPECT_FALSE(is_incomplete("3 + 4"));
  EXPECT_TRUE(is_incomplete("#(1 2"));
  EXPECT_TRUE(is_incomplete("[ :x | x"));
  EXPECT_TRUE(is_incomplete("{ 1. 2"));
  EXPECT_TRUE(is_incomplete("'abc"));
  EXPECT_TRUE(is_incomplete("\"a comment"));
  EXPECT_FALSE(is_incomplete("'it''s' size"));
  EXPECT_TRUE(is_incomplete("'it''s"));
  EXPECT_FALSE(is_incomplete("$( asString"));
  EXPECT_FALSE(is_incomplete("$' asString , $\" asString"));
  EXPECT_FALSE(is_incomplete("'(' size"));
  EXPECT_FALSE(is_incomplete("\"(\" 3"));
  EXPECT_FALSE(is_incomplete("(1 + 2\n* 3)"));
  EXPECT_FALSE(is_incomplete("1 + 2)"));  // too many closers: the image reports it
}

TEST(ConsoleInput, ClassifiesLikeTheServerDispatches) {
  EXPECT_EQ(classify(""), InputKind::Empty);
  EXPECT_EQ(classify("   \n  "), InputKind::Empty);
  EXPECT_EQ(classify("3 + 4"), InputKind::Eval);
  EXPECT_EQ(classify("get system.status"), InputKind::Command);
  EXPECT_EQ(classify("getter := 3"), InputKind::Command);  // prefix match, as NeoConsole does
  EXPECT_EQ(classify("  help"), InputKind::Command);
  EXPECT_EQ(classify("!!"), InputKind::Command);
  EXPECT_EQ(classify("= "), InputKind::Command);
  EXPECT_EQ(classify("quit"), InputKind::Command);
  EXPECT_EQ(classify("eval 1"), InputKind::Eval);
  EXPECT_EQ(classify("add Foo\nbar ^1"), InputKind::Method);
  EXPECT_EQ(classify("Smalltalk version"), InputKind::Eval);
}

TEST(ConsoleInput, SaveAndHaltByPrefix) {
  EXPECT_EQ(destructive_command("save"), "save");
  EXPECT_EQ(destructive_command("  saveAll"), "save");
  EXPECT_EQ(destructive_command("halt"), "halt");
  EXPECT_EQ(destructive_command("haltOnce"), "halt");
  EXPECT_EQ(destructive_command("Smalltalk save"), std::nullopt);
  EXPECT_EQ(destructive_command("get save"), std::nullopt);
  EXPECT_EQ(destructive_command("Save"), std::nullopt);
}

TEST(ConsoleInput, WireForms) {
  EXPECT_EQ(wire_form(InputKind::Command, "  get  "), "get\n");
  EXPECT_EQ(wire_form(InputKind::Eval, "3 + 4"), "3 + 4\n\n");
  // An inner empty line would end the evaluation early on the server: dropped.
  EXPECT_EQ(wire_form(InputKind::Eval, "(1 +\n\n   2)"), "(1 +\n2)\n\n");
}

TEST(ConsoleInput, EvalNeverRunsACommand) {
  EXPECT_EQ(as_evaluation("3 + 4"), "3 + 4");
  EXPECT_EQ(as_evaluation("saveAll"), "[ saveAll ] value");
  EXPECT_EQ(as_evaluation("halt"), "[ halt ] value");
  EXPECT_EQ(classify(as_evaluation("history size")), InputKind::Eval);
  EXPECT_EQ(as_evaluation("eval"), "[ eval ] value");
}

TEST(ConsoleInput, FailureAnswers) {
  EXPECT_TRUE(is_failure_answer("a NeoConsoleEvalCommand(1/0) failed with ZeroDivide\n  ctx\n"));
  EXPECT_TRUE(is_failure_answer("eval failed with Error: boom\n"));
  EXPECT_FALSE(is_failure_answer("'x failed with y'\n"));
  EXPECT_FALSE(is_failure_answer("7\n"));
  EXPECT_FALSE(is_failure_answer(""));
}

}  // namespace
}  // namespace pharoctl::neoconsole
