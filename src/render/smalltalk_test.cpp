#include "render/smalltalk.hpp"

#include <gtest/gtest.h>

using namespace pharoctl;

TEST(Smalltalk, StringLiteralsDoubleQuotes) {
  EXPECT_EQ(smalltalk_string("it's"), "'it''s'");
  EXPECT_EQ(smalltalk_string(""), "''");
  EXPECT_EQ(smalltalk_string_array({"default", "a'b"}), "#('default' 'a''b')");
}

TEST(Smalltalk, MetacelloLoad) {
  EXPECT_EQ(render_metacello_load("github://acme/shop:main/src", "Shop", {"default"}),
            "Metacello new\n  repository: 'github://acme/shop:main/src';\n  baseline: 'Shop';\n  load: #('default').\n");
  EXPECT_EQ(render_metacello_load("tonel:///srv/x", "X", {}),
            "Metacello new\n  repository: 'tonel:///srv/x';\n  baseline: 'X';\n  load.\n");
}
