#pragma once
// Ctrl-C as a readable descriptor: while an InterruptPipe lives, SIGINT writes a byte into its
// pipe instead of ending the process, so the line editor and a client waiting for an answer can
// poll it next to their own descriptor and drop what they were doing.
namespace pharoctl::neoconsole {

class InterruptPipe {
 public:
  InterruptPipe();   // installs the SIGINT handler
  ~InterruptPipe();  // restores the previous one
  InterruptPipe(const InterruptPipe&) = delete;
  InterruptPipe& operator=(const InterruptPipe&) = delete;

  int fd() const { return read_fd_; }
  // True if Ctrl-C came since the last call; empties the pipe.
  bool take();

 private:
  int read_fd_ = -1;
  int write_fd_ = -1;
};

}  // namespace pharoctl::neoconsole
