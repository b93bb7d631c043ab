#pragma once
// The commit a remote [source].repository stands for at build time, so that the build key
// follows the code rather than the URL: github://owner/repo:main/src names a different image
// after each push to main. Looked up with `git ls-remote` (no clone); a ref that is already a
// full commit is taken as it is, with no network at all, so a pinned build is a cache hit
// offline. The image is then built from the commit itself (the ref in the Metacello URL is
// replaced by it), so the key and the loaded code cannot drift apart.
#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace pharoctl {

// A Metacello git-hosting URL: github://, gitlab:// or bitbucket://OWNER/PROJECT[:REF][/PATH].
struct GitHostedRepository {
  std::string scheme;    // "github"
  std::string host;      // "github.com"
  std::string owner, project;
  std::string ref;       // "" for the default branch (the remote's HEAD)
  std::string path;      // "" or "src" (without the leading slash)
  std::string https_url() const;   // https://github.com/OWNER/PROJECT.git
  // The same Metacello URL with REF replaced by `commit`.
  std::string with_ref(const std::string& commit) const;
};

// nullopt when `repository` is not such a URL (local schemes, anything else).
std::optional<GitHostedRepository> parse_git_hosted(const std::string& repository);

bool is_full_commit(const std::string& ref);  // 40 hex digits

// The commit `ref` names in `git ls-remote` output ("SHA\tNAME" lines): a branch, else a tag
// (the commit an annotated tag points to), else HEAD when ref is "". "" when none matches.
std::string commit_for_ref(const std::string& ls_remote_output, const std::string& ref);

struct SourceRevision {
  std::string commit;       // "" for repositories that are not git-hosted
  std::string repository;   // what build.st loads: the URL pinned to the commit
  bool looked_up = false;   // false: the ref was a commit already (no network)
};

// Resolves `repository`. `secrets` (GITHUB_TOKEN, GITLAB_TOKEN) authenticate the lookup for
// private repositories through git's environment only, never its command line. Throws
// Failure(kExitFailed) naming the repository and ref when the host cannot answer or the ref does
// not exist.
SourceRevision resolve_source_revision(const std::string& repository, const std::map<std::string, std::string>& secrets,
                                       std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace pharoctl
