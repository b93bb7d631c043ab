#include "neoconsole/stream.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include <gtest/gtest.h>

#include "process/launcher.hpp"

namespace pharoctl::neoconsole {
namespace {

TEST(Stream, ChildDiagnosticWaitsForTheChildsLastWords) {
  // The child (standing in for ssh) says its last words only once its stdin closes, and then
  // exits: the diagnostic asked for right after must wait for them.
  int in[2];
  ASSERT_EQ(::pipe2(in, O_CLOEXEC), 0);
  int err = ::memfd_create("stream-test-stderr", MFD_CLOEXEC);
  ASSERT_GE(err, 0);
  LaunchSpec spec;
  spec.argv = {"/bin/sh", "-c", "cat >/dev/null; echo 'debug1: first' >&2; echo 'ssh: connect to host web1 port 22: Connection refused' >&2"};
  spec.in = Stdio::from_fd(in[0]);
  spec.err = Stdio::from_fd(err);
  Child child = launch(spec);
  ::close(in[0]);
  Stream s(-1, child.pid, err);
  ::close(in[1]);
  EXPECT_EQ(s.child_diagnostic(), "ssh: connect to host web1 port 22: Connection refused");
  s.close();  // reaps the child
  EXPECT_EQ(::waitpid(child.pid, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

}  // namespace
}  // namespace pharoctl::neoconsole
