#include "vm_options.hpp"

#include <gtest/gtest.h>

namespace sim {
namespace {

VmIdentity vm(Generation g) {
  VmIdentity id;
  id.generation = g;
  id.exe = "/rt/pharo-vm/pharo";
  return id;
}

TEST(VmOptions, NewVmSplitsOptionsImageAndArguments) {
  auto c = parse_vm_options({"--headless", "--logLevel", "4", "x.image", "st", "--quit", "a.st"}, vm(Generation::New));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->image, "x.image");
  EXPECT_EQ(c->image_args, (std::vector<std::string>{"st", "--quit", "a.st"}));
  EXPECT_FALSE(parse_vm_options({"--nodisplay", "x.image"}, vm(Generation::New)));
  EXPECT_TRUE(parse_vm_options({"--vm-display-null", "x.image"}, vm(Generation::New)));
  EXPECT_TRUE(parse_vm_options({"--version"}, vm(Generation::New))->print_version);
}

TEST(VmOptions, OldVmTakesItsOwnSet) {
  for (const char* flag : {"--nodisplay", "-vm-display-null", "--vm-display-null", "--headless", "-nodisplay"})
    EXPECT_TRUE(parse_vm_options({flag, "x.image"}, vm(Generation::Old))) << flag;
  EXPECT_FALSE(parse_vm_options({"--bogus", "x.image"}, vm(Generation::Old)));
  EXPECT_TRUE(parse_vm_options({"-version"}, vm(Generation::Old))->print_version);
  auto c = parse_vm_options({"-memory", "512m", "x.image", "eval", "1"}, vm(Generation::Old));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->image, "x.image");
}

TEST(VmOptions, DoubleDashUsesTheDefaultImage) {
  auto c = parse_vm_options({"--headless", "--", "eval", "1"}, vm(Generation::New));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->image, "");
  EXPECT_EQ(c->image_args, (std::vector<std::string>{"eval", "1"}));
}

}  // namespace
}  // namespace sim
