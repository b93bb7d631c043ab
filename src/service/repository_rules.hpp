#pragma once
// Metacello repository strings, checked per scheme (shared/specs/pharo-vm.md section 3):
//   github://OWNER/REPO[:REF][/PATH]   gitlab://[HOST:]OWNER/REPO[:REF][/PATH]   bitbucket://... likewise
//   gitlocal://PATH   filetree://PATH   tonel://PATH   http(s)://HOST[:PORT][/PATH]
// Credentials never belong in the string: it is copied into build.st, manifests and release.json.
#include <string>

namespace pharoctl {

// "" when `v` is empty or a well-formed repository string of a known scheme, else what is wrong
// and what would be right (one line; a refused credential is never echoed back).
std::string check_repository(const std::string& v);

}  // namespace pharoctl
