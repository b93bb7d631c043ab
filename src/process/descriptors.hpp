#pragma once
// Descriptors a process did not open itself: whatever the shell, systemd or a test harness
// left open when it started us must not live on in a supervisor that runs for months, nor
// reach a VM.
namespace pharoctl {

// Closes every descriptor from 3 up: for the start of a process that has opened nothing yet.
void close_descriptors_from_3();

// Marks every descriptor from 3 up close-on-exec: for a child between fork and exec (only
// async-signal-safe calls), so that exactly 0, 1 and 2 reach the program it runs.
void close_descriptors_from_3_on_exec();

// Closes every descriptor from `first` up but `keep` (async-signal-safe).
void close_descriptors_from_except(int first, int keep);

}  // namespace pharoctl
