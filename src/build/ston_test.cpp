#include "build/ston.hpp"

#include <gtest/gtest.h>

#include "util/failure.hpp"

namespace pharoctl {
namespace {

TEST(Ston, ReadsSmalltalkCiSpec) {
  StonValue v = parse_ston(R"(SmalltalkCISpec {
  // a comment
  #loading : [
    SCIMetacelloLoadSpec {
      #baseline : 'My\'Project', /* inline */
      #load : [ 'default', "Tests" ],
      #platforms : [ #squeak, #pharo ],
      #onWarningLog : true,
      #timeout : -1.5e3,
      #nothing : nil,
      #'odd key' : #'odd value'
    }
  ],
  #testing : { #coverage : { #categories : [ 'A-*' ] } }
})",
                           "x.ston");
  EXPECT_EQ(v.kind, StonValue::Kind::Map);
  EXPECT_EQ(v.class_name, "SmalltalkCISpec");
  const StonValue* loading = v.find("loading");
  ASSERT_NE(loading, nullptr);
  ASSERT_EQ(loading->items.size(), 1u);
  const StonValue& spec = loading->items[0];
  EXPECT_EQ(spec.class_name, "SCIMetacelloLoadSpec");
  EXPECT_EQ(spec.find("baseline")->text, "My'Project");
  EXPECT_EQ(spec.find("load")->items[1].text, "Tests");
  EXPECT_EQ(spec.find("platforms")->items[1].kind, StonValue::Kind::Symbol);
  EXPECT_EQ(spec.find("platforms")->items[1].text, "pharo");
  EXPECT_EQ(spec.find("onWarningLog")->kind, StonValue::Kind::Boolean);
  EXPECT_EQ(spec.find("timeout")->text, "-1.5e3");
  EXPECT_EQ(spec.find("nothing")->kind, StonValue::Kind::Nil);
  EXPECT_EQ(spec.find("odd key")->text, "odd value");
  EXPECT_EQ(v.find("testing")->find("coverage")->find("categories")->items[0].text, "A-*");
}

TEST(Ston, StringEscapes) {
  EXPECT_EQ(parse_ston(R"('a\'b\\c\n\u00e9')", "x").text, "a'b\\c\n\xc3\xa9");
}

TEST(Ston, ErrorsNameFileLineAndColumn) {
  auto message = [](const std::string& text) {
    try {
      parse_ston(text, "p/.smalltalk.ston");
    } catch (const Failure& f) {
      EXPECT_EQ(f.exit_code(), kExitUsage);
      return std::string(f.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("SmalltalkCISpec {\n  #loading : [ 'a' 'b' ]\n}").substr(0, 24), "p/.smalltalk.ston:2:20: ");
  EXPECT_NE(message("{ #a : 'open").find("closing quote"), std::string::npos);
  EXPECT_NE(message("{ #a : 1 } extra").find("after the value"), std::string::npos);
  EXPECT_NE(message("{ #a : @1 }").find("references"), std::string::npos);
  EXPECT_NE(message("").find("end of the file"), std::string::npos);
  EXPECT_NE(message("{ #a 1 }").find("expected ':'"), std::string::npos);
}

}  // namespace
}  // namespace pharoctl
