#include "runtime/vm_probe.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>

namespace pharoctl {
namespace {

TEST(VmProbe, OldCogVmOutput) {
  EXPECT_EQ(generation_from_version_output(
                "5.0-202004241321  Fri Apr 24 13:21:07 UTC 2020 gcc 12 [Production Spur 64-bit VM]\n"
                "CoInterpreter VMMaker.oscog-eem.2760 uuid: 1234 Apr 24 2020\n"
                "StackToRegisterMappingCogit VMMaker.oscog-eem.2760 uuid: 1234 Apr 24 2020\n"),
            VmGeneration::Old);
}

TEST(VmProbe, NewPharoVmOutput) {
  EXPECT_EQ(generation_from_version_output("Pharo 10.3.1 built on Jan 15 2025 10:00:00 Compiler: 12.2.0\n"
                                           "Built from: v10.3.1 - Commit: 0000000\n"),
            VmGeneration::New);
  EXPECT_EQ(generation_from_version_output("Pharo VM version: 9.0.21\n"), VmGeneration::New);
}

TEST(VmProbe, UnknownOutput) {
  EXPECT_EQ(generation_from_version_output(""), std::nullopt);
  EXPECT_EQ(generation_from_version_output("unknown option: --version\nUsage: squeak\n"), std::nullopt);
  EXPECT_EQ(generation_from_version_output("Pharo 2.0\n"), std::nullopt);
  EXPECT_EQ(generation_from_version_output("hello\n"), std::nullopt);
}

TEST(VmProbe, GenerationForVersion) {
  EXPECT_EQ(generation_for_version("70"), VmGeneration::Old);
  EXPECT_EQ(generation_for_version("80"), VmGeneration::Old);
  EXPECT_EQ(generation_for_version("90"), VmGeneration::New);
  EXPECT_EQ(generation_for_version("130"), VmGeneration::New);
  EXPECT_EQ(generation_for_version("sim"), std::nullopt);
  EXPECT_EQ(generation_for_version(""), std::nullopt);
}

TEST(VmProbe, AsksTheVmAndFallsBackToDashVersion) {
  std::string dir = ::testing::TempDir();
  std::string vm = dir + "/vm_probe_test_vm.sh";
  // A VM that refuses --version like a Cog VM with a different option set, but answers -version.
  FILE* f = std::fopen(vm.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("#!/bin/sh\nif [ \"$1\" = -version ]; then echo '5.0-2020 [Production Spur 64-bit VM]'; exit 0; fi\n"
             "echo \"unknown option: $1\" >&2; exit 1\n", f);
  std::fclose(f);
  ::chmod(vm.c_str(), 0755);
  VmProbe p = probe_vm(vm, dir);
  EXPECT_EQ(p.generation, VmGeneration::Old);
  EXPECT_EQ(p.how, "vm -version");
  EXPECT_EQ(p.version_line, "5.0-2020 [Production Spur 64-bit VM]");
  std::remove(vm.c_str());
}

}  // namespace
}  // namespace pharoctl
