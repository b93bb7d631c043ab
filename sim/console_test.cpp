#include "console.hpp"

#include <gtest/gtest.h>

#include "faults.hpp"
#include "metrics.hpp"

namespace sim {
namespace {

class FakeBackend : public ConsoleBackend {
 public:
  FakeBackend() : metrics_(MetricSource{"Pharo-13", std::chrono::steady_clock::now(), [] { return std::vector<std::string>{}; },
                                        [] { return std::vector<std::string>{"Idle Process"}; }},
                           faults_) {}
  std::vector<std::string> evaluated;
  int saves = 0;
  EvalOutcome evaluate(const std::string& source) override {
    evaluated.push_back(source);
    return {true, "'" + source + "'", {"self: x", "class: ByteString"}};
  }
  Metrics& metrics() override { return metrics_; }
  Faults& faults() override { return faults_; }
  void save_image() override { ++saves; }
  void halt() override {}
  void set_slow_start(double) override {}
  std::string add_method(const std::string& c, const std::string&) override { return "added to " + c; }
  std::string show(const std::string& w) override { return "show " + w; }

 private:
  Faults faults_;
  Metrics metrics_;
};

TEST(Console, PlainPrefixDispatch) {
  FakeBackend b;
  Console c(b);
  EXPECT_EQ(c.execute("saveX := 1").text, "Image saved.");
  EXPECT_EQ(b.saves, 1);
  EXPECT_TRUE(c.execute("quitting").close);
  EXPECT_EQ(c.execute("3 + 4\r").text, "'3 + 4'");
  EXPECT_EQ(c.execute("eval 1\r").text, "' 1'");
  EXPECT_EQ(c.execute("show Foo").text, "show Foo");
}

TEST(Console, MultiLineCommands) {
  EXPECT_TRUE(Console::is_multi_line("3 + 4"));
  EXPECT_TRUE(Console::is_multi_line("eval 3"));
  EXPECT_TRUE(Console::is_multi_line("add Foo"));
  EXPECT_FALSE(Console::is_multi_line("get"));
  EXPECT_FALSE(Console::is_multi_line("="));
  EXPECT_FALSE(Console::is_multi_line("!!"));
  EXPECT_FALSE(Console::is_multi_line("quit"));
  EXPECT_FALSE(Console::is_multi_line("sim.crash"));
}

TEST(Console, GetAndHistory) {
  FakeBackend b;
  Console c(b);
  EXPECT_EQ(c.execute("get system.version").text, "Pharo-13");
  EXPECT_EQ(c.execute("get process.count").text, "1");
  EXPECT_EQ(c.execute("get nothing.like.this").text.rfind("NotFound", 0), 0u);
  c.execute("1\r");
  c.execute("2\r");
  EXPECT_EQ(c.execute("history").text, "1: 1\n2: 2");
  EXPECT_EQ(c.execute("!!").text, "'2'");
  EXPECT_EQ(c.execute("describe").text, "self: x\nclass: ByteString\n");
}

}  // namespace
}  // namespace sim
