#include "render/yaml.hpp"

#include <gtest/gtest.h>

namespace pharoctl {
namespace {

using Json = nlohmann::ordered_json;

TEST(Yaml, NestedMapsAndLists) {
  Json j = {{"apiVersion", "v1"},
            {"metadata", {{"name", "shop"}, {"labels", {{"app", "shop"}}}}},
            {"ports", Json::array({{{"name", "http"}, {"port", 80}}, {{"name", "x"}, {"port", 81}}})},
            {"args", Json::array({"a", "b"})},
            {"empty", Json::object()}};
  EXPECT_EQ(to_yaml(j),
            "apiVersion: v1\n"
            "metadata:\n"
            "  name: shop\n"
            "  labels:\n"
            "    app: shop\n"
            "ports:\n"
            "- name: http\n"
            "  port: 80\n"
            "- name: x\n"
            "  port: 81\n"
            "args:\n"
            "- a\n"
            "- b\n"
            "empty: {}\n");
}

TEST(Yaml, QuotesWhatWouldReadBackAsAnotherType) {
  Json j = {{"a", "true"}, {"b", "8080"}, {"c", "Status OK"}, {"d", ""}, {"e", "no"}, {"f", "1.5"},
            {"g", "x: y"}, {"h", "-v"}, {"i", "a\"b\nc"}, {"j", true}, {"k", 3}};
  EXPECT_EQ(to_yaml(j),
            "a: \"true\"\nb: \"8080\"\nc: \"Status OK\"\nd: \"\"\ne: \"no\"\nf: \"1.5\"\ng: \"x: y\"\n"
            "h: \"-v\"\ni: \"a\\\"b\\nc\"\nj: true\nk: 3\n");
}

TEST(Yaml, ListOfListsAndMapInList) {
  Json j = Json::array({Json::array({"x"}), {{"k", Json::array({1, 2})}}});
  EXPECT_EQ(to_yaml(j), "- - x\n- k:\n  - 1\n  - 2\n");
}

}  // namespace
}  // namespace pharoctl
