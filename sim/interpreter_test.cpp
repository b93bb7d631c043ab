#include "interpreter.hpp"

#include <gtest/gtest.h>

namespace sim {
namespace {

// Records what the interpreter asks of the image.
class FakeHost : public Host {
 public:
  std::string transcript, installed, notes;
  std::vector<int> telnet, metrics, http;
  std::vector<MetacelloLoad> loads;
  bool neoconsole = false, epicea = true, saved = false;
  int quit_code = -1;

  void transcript_show(const std::string& t) override { transcript += t; }
  void transcript_install(const std::string& p) override { installed = p; }
  std::string telnet_start(int port) override { telnet.push_back(port); return "a NeoConsoleTelnetServer(running " + std::to_string(port) + ")"; }
  std::string metrics_start(int port) override { metrics.push_back(port); return "metrics"; }
  std::string http_start(int port, const std::string&, bool, AppResponder r) override {
    http.push_back(port);
    responder = std::move(r);
    return "http";
  }
  AppResponder responder;
  void http_stop(int) override {}
  void metacello_load(const MetacelloLoad& l) override {
    loads.push_back(l);
    if (l.baseline == "NeoConsole") neoconsole = true;
  }
  bool has_class(const std::string& n) override { return neoconsole && n.rfind("NeoConsole", 0) == 0; }
  std::string image_version() override { return "Pharo-13.0.0 (64 Bit)"; }
  std::optional<std::string> environment(const std::string& n) override {
    if (n == "PHAROCTL_HTTP_PORT") return "9090";
    return std::nullopt;
  }
  void set_epicea(bool e) override { epicea = e; }
  void snapshot(bool save, bool) override { saved = save; }
  void quit(int code) override { quit_code = code; }
  void file_in(const std::string&) override {}
  void set_debug_log_name(const std::string&) override {}
  void add_metric(const std::string&, const std::string&, std::function<std::string()>) override {}
  void note(const std::string& t) override { notes += t + "\n"; }
  void garbage_collect() override {}
};

class InterpreterTest : public ::testing::Test {
 protected:
  std::string eval(const std::string& s) { return print_string(interp.evaluate(s)); }
  FakeHost host;
  Interpreter interp{host};
};

TEST_F(InterpreterTest, BinaryOperatorsLeftToRightUnaryFirst) {
  EXPECT_EQ(eval("2 + 3 * 4"), "20");
  EXPECT_EQ(eval("2 + (3 * 4)"), "14");
  EXPECT_EQ(eval("2 + 3 factorial"), "8");
  EXPECT_EQ(eval("3 factorial factorial"), "720");
  EXPECT_EQ(eval("10 - 2 - 3"), "5");
  EXPECT_EQ(eval("3 max: 4 + 1"), "5");
  EXPECT_EQ(eval("2 raisedTo: 3 + 1"), "16");
  EXPECT_EQ(eval("-3 abs"), "3");
  EXPECT_EQ(eval("3 - -3"), "6");
  EXPECT_EQ(eval("7 \\\\ 3"), "1");
  EXPECT_EQ(eval("7 // 2"), "3");
  EXPECT_EQ(eval("16 sqrt"), "4.0");
  EXPECT_EQ(eval("1/2 + 0.5"), "1.0");
  EXPECT_EQ(eval("3 < 4"), "true");
}

TEST_F(InterpreterTest, LiteralsAndStrings) {
  EXPECT_EQ(eval("'it''s'"), "'it''s'");
  EXPECT_EQ(eval("'a' , 'b'"), "'ab'");
  EXPECT_EQ(eval("#foo"), "#foo");
  EXPECT_EQ(eval("#(1 $a 'b' #c (2 3))"), "#(1 $a 'b' #c #(2 3))");
  EXPECT_EQ(eval("{1+1. 'x' size}"), "#(2 1)");
  EXPECT_EQ(eval("'abc' reversed"), "'cba'");
  EXPECT_EQ(eval("'42' asInteger + 1"), "43");
  EXPECT_EQ(eval("Smalltalk version"), "'Pharo-13.0.0 (64 Bit)'");
  EXPECT_EQ(eval("nil"), "nil");
  EXPECT_EQ(eval("3 printString"), "'3'");
}

TEST_F(InterpreterTest, VariablesBlocksAndControl) {
  EXPECT_EQ(eval("| a | a := 3. a * a"), "9");
  EXPECT_EQ(eval("x := 5. x + 1"), "6");
  EXPECT_EQ(eval("x"), "5");  // doit variables persist, like a Playground
  EXPECT_EQ(eval("[:a :b | a + b] value: 1 value: 2"), "3");
  EXPECT_EQ(eval("3 > 2 ifTrue: ['y'] ifFalse: ['n']"), "'y'");
  EXPECT_EQ(eval("#(1 2 3) inject: 0 into: [:a :b | a + b]"), "6");
  EXPECT_EQ(eval("| s | s := 0. 1 to: 10 do: [:i | s := s + i]. s"), "55");
  EXPECT_EQ(eval("[1/0] on: ZeroDivide do: [:e | 'caught']"), "'caught'");
  EXPECT_EQ(eval("^ 1. 2"), "1");
}

TEST_F(InterpreterTest, FirstLastAndAtOfArraysAndStrings) {
  EXPECT_EQ(eval("#(1 2 3) first + #(1 2 3) last"), "4");
  EXPECT_EQ(eval("#(1 2 3) at: 2"), "2");
  EXPECT_EQ(eval("'abc' first"), "$a");
  EXPECT_EQ(eval("'abc' last"), "$c");
  EXPECT_EQ(eval("'abc' at: 2"), "$b");
  EXPECT_EQ(eval("['abc' at: 0] on: Error do: [:e | e messageText]"), "'Index out of bounds: 0'");
  EXPECT_EQ(eval("[#() first] on: Error do: [:e | e messageText]"), "'collection is empty'");
  EXPECT_EQ(eval("['' last] on: Error do: [:e | e messageText]"), "'collection is empty'");
}

TEST_F(InterpreterTest, ArithmeticErrorsAreSmalltalkExceptions) {
  EXPECT_EQ(eval("[1/0] on: ZeroDivide do: [:e | e messageText]"), "'ZeroDivide'");
  EXPECT_EQ(eval("[-1 factorial] on: Error do: [:e | 'caught']"), "'caught'");
  try {
    eval("-1 factorial");
    FAIL();
  } catch (const SmalltalkError& e) {
    EXPECT_EQ(e.smalltalk_class, "DomainError");
  }
}

TEST_F(InterpreterTest, ErrorsAndUnsupported) {
  EXPECT_THROW(eval("Error signal: 'boom'"), SmalltalkError);
  EXPECT_THROW(eval("Error new signal"), SmalltalkError);
  EXPECT_THROW(eval("1/0"), SmalltalkError);
  EXPECT_THROW(eval("nil foo"), SmalltalkError);
  EXPECT_THROW(eval("Foo bar"), Unsupported);
  EXPECT_THROW(eval("[ 1 + 2"), SyntaxError);
  EXPECT_THROW(eval("'open"), SyntaxError);
  EXPECT_THROW(eval("(1 + 2"), SyntaxError);
  EXPECT_THROW(eval("1 + 2)"), SyntaxError);
}

TEST_F(InterpreterTest, ClassicRunScriptCascade) {
  interp.run_script(
      "(Smalltalk hasClassNamed: #NeoConsoleTelnetServer) ifFalse: [\n"
      "  Metacello new\n    repository: 'github://svenvc/NeoConsole/src';\n    baseline: 'NeoConsole';\n    load ].\n"
      "(NeoConsoleTranscript onFileNamed: 'server-{1}.log') install.\n"
      "Transcript\n  cr;\n  show: 'Starting '; show: (NeoConsoleTelnetServer startOn: 42001); cr;\n"
      "  show: 'Starting '; show: (NeoConsoleMetricDelegate startOn: 42002); cr;\n  flush.\n"
      "(ZnServer defaultOn: (OSEnvironment current at: 'PHAROCTL_HTTP_PORT' ifAbsent: [ '8080' ]) asInteger)\n"
      "  logToTranscript; logLevel: 2; start.\n"
      "ZTimezone reloadAll.\n",
      "run.st");
  ASSERT_EQ(host.loads.size(), 1u);
  EXPECT_EQ(host.loads[0].repository, "github://svenvc/NeoConsole/src");
  EXPECT_EQ(host.installed, "server-{1}.log");
  EXPECT_EQ(host.telnet, std::vector<int>{42001});
  EXPECT_EQ(host.metrics, std::vector<int>{42002});
  EXPECT_EQ(host.http, std::vector<int>{9090});
  EXPECT_EQ(host.transcript, "\nStarting a NeoConsoleTelnetServer(running 42001)\nStarting metrics\n");
  EXPECT_NE(host.notes.find("run.st:14: skipped"), std::string::npos);
}

TEST_F(InterpreterTest, NonInteractiveTranscriptStdoutInstallsNoFile) {
  host.installed = "before";
  interp.run_script("NonInteractiveTranscript stdout install.\n", "run.st");
  EXPECT_EQ(host.installed, "");
}

TEST_F(InterpreterTest, GuardSkipsTheLoadWhenNeoConsoleIsPresent) {
  host.neoconsole = true;
  interp.run_script("(Smalltalk hasClassNamed: #NeoConsoleTelnetServer) ifFalse: [ Metacello new baseline: 'NeoConsole'; load ].", "x.st");
  EXPECT_TRUE(host.loads.empty());
}

TEST_F(InterpreterTest, MetacelloGroupsEpiceaAndSnapshot) {
  interp.run_script(
      "Metacello new repository: 'tonel:///src'; baseline: 'Shop'; load: #('default' 'tests').\n"
      "EpMonitor current disable.\nSmalltalk snapshot: true andQuit: true.\n",
      "build.st");
  ASSERT_EQ(host.loads.size(), 1u);
  EXPECT_EQ(host.loads[0].baseline, "Shop");
  EXPECT_EQ(host.loads[0].groups, (std::vector<std::string>{"default", "tests"}));
  EXPECT_FALSE(host.epicea);
  EXPECT_TRUE(host.saved);
}

TEST_F(InterpreterTest, OnRequestRespondAnswersThePage) {
  interp.run_script("(ZnServer on: 8081) onRequestRespond: [ :request | ZnResponse ok: (ZnEntity html: '<h1>hi</h1>') ]; start.", "app.st");
  ASSERT_TRUE(host.responder);
  auto answer = host.responder("GET", "/");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->content_type, "text/html;charset=utf-8");
  EXPECT_EQ(answer->body, "<h1>hi</h1>");
}

TEST_F(InterpreterTest, NeoConsoleAbsentIsNil) {
  EXPECT_THROW(interp.run_script("NeoConsoleTelnetServer startOn: 4999.", "x.st"), SmalltalkError);
}

TEST_F(InterpreterTest, TranscriptCascadeWritesInOrder) {
  eval("Transcript show: 'x'; cr; tab; space; print: 3; crShow: 'y'; showln: 'z'; flush");
  EXPECT_EQ(host.transcript, "x\n\t 3\nyz\n");
}

TEST_F(InterpreterTest, EnvironmentLookups) {
  EXPECT_EQ(eval("OSEnvironment current at: 'PHAROCTL_HTTP_PORT'"), "'9090'");
  EXPECT_EQ(eval("Smalltalk os environment at: 'PHAROCTL_HTTP_PORT' ifPresent: [:v | v size]"), "4");
  EXPECT_EQ(eval("OSEnvironment current at: 'NOPE' ifPresent: [:v | v] ifAbsent: ['none']"), "'none'");
  EXPECT_EQ(eval("OSEnvironment current getEnv: 'NOPE'"), "nil");
  EXPECT_THROW(eval("OSEnvironment current at: 'NOPE'"), SmalltalkError);
}

TEST_F(InterpreterTest, ExceptionsAnswerTheirTextAndReturnValues) {
  EXPECT_EQ(eval("[Error signal: 'boom'] on: Error do: [:e | e description]"), "'Error: boom'");
  EXPECT_EQ(eval("[Error signal: 'x'] on: ZeroDivide, Error do: [:e | e return: 7]"), "7");
  EXPECT_EQ(eval("[#(1) at: 3] on: Error do: [:e | e messageText]"), "'Index out of bounds: 3'");
  EXPECT_THROW(eval("[Error signal: 'x'] on: ZeroDivide do: [:e | 0]"), SmalltalkError);
}

TEST_F(InterpreterTest, SmalltalkGlobals) {
  EXPECT_EQ(eval("Smalltalk at: #Answer put: 42. Smalltalk at: #Answer"), "42");
  EXPECT_EQ(eval("Smalltalk at: #Nope ifAbsent: [0]"), "0");
  EXPECT_EQ(eval("Smalltalk hasClassNamed: #NeoConsoleTelnetServer"), "false");
  EXPECT_THROW(eval("Smalltalk at: #Nope"), SmalltalkError);
}

TEST_F(InterpreterTest, StringsAndNumbersPrint) {
  EXPECT_EQ(eval("'{1} and {2}' format: #(1 'two')"), "'1 and two'");
  EXPECT_EQ(eval("'a\nb' lines size"), "2");
  EXPECT_EQ(eval("255 printString: 16"), "'FF'");
  EXPECT_EQ(eval("5 printPaddedWith: $0 to: 3"), "'005'");
  EXPECT_EQ(eval("#size value: 'abcd'"), "4");
  EXPECT_EQ(eval("#(4 9 2) max"), "9");
}

TEST_F(InterpreterTest, MetacelloGithubRepository) {
  interp.run_script("Metacello new githubUser: 'u' project: 'p' commitish: 'main' path: 'src'; baseline: 'P'; load.", "b.st");
  ASSERT_EQ(host.loads.size(), 1u);
  EXPECT_EQ(host.loads[0].repository, "github://u/p:main/src");
}

}  // namespace
}  // namespace sim
