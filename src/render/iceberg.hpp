#pragma once
// build.st's Iceberg set-up, as Pharo users' own build scripts do it: github:// and gitlab://
// repositories cloned over https (a server has no ssh key for them), and GITHUB_TOKEN /
// GITLAB_TOKEN from the VM's environment registered with Iceberg's credential store
// (IceCredentialStore current storeCredential: anIceTokenCredentials forHostname: host; older
// Iceberg without IceTokenCredentials: IcePlaintextCredentials with the token as password) so
// that private repositories load. The tokens never appear in the script; they live in the image's
// memory for the build only: the store's credentials file is switched off while they are
// there, and they are removed again before the image is saved. Images without Iceberg (a
// kernel image) skip both parts.
#include <string>

namespace pharoctl {

std::string render_iceberg_setup();
std::string render_iceberg_forget_credentials();

}  // namespace pharoctl
