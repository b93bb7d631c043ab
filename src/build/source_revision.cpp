#include "build/source_revision.hpp"

#include <algorithm>
#include <cstdlib>
#include <vector>

#include <fmt/format.h>

#include "util/failure.hpp"
#include "process/run_command.hpp"
#include "util/crypto_library.hpp"

namespace pharoctl {

namespace {

struct Hosting {
  const char* scheme;
  const char* host;
  const char* token_key;   // credential that authenticates to it
  const char* token_user;  // the user name that goes with a token over https
};
constexpr Hosting kHostings[] = {
    {"github", "github.com", "GITHUB_TOKEN", "x-access-token"},
    {"gitlab", "gitlab.com", "GITLAB_TOKEN", "oauth2"},
    {"bitbucket", "bitbucket.org", nullptr, nullptr},
};

const Hosting* hosting_of(const std::string& scheme) {
  for (const Hosting& h : kHostings) {
    if (scheme == h.scheme) return &h;
  }
  return nullptr;
}

std::string base64(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = crypto_library().EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                           reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

bool is_hex(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
}

}  // namespace

std::string GitHostedRepository::https_url() const { return fmt::format("https://{}/{}/{}.git", host, owner, project); }

std::string GitHostedRepository::with_ref(const std::string& commit) const {
  std::string out = fmt::format("{}://{}/{}:{}", scheme, owner, project, commit);
  if (!path.empty()) out += "/" + path;
  return out;
}

std::optional<GitHostedRepository> parse_git_hosted(const std::string& repository) {
  size_t sep = repository.find("://");
  if (sep == std::string::npos) return std::nullopt;
  const Hosting* hosting = hosting_of(repository.substr(0, sep));
  if (hosting == nullptr) return std::nullopt;
  GitHostedRepository r;
  r.scheme = hosting->scheme;
  r.host = hosting->host;
  // OWNER/PROJECT[:REF][/PATH]: the ref ends at the first slash after the colon (Metacello's
  // grammar, so a branch name cannot hold a slash here either).
  std::string rest = repository.substr(sep + 3);
  size_t slash = rest.find('/');
  if (slash == std::string::npos || slash == 0) return std::nullopt;
  r.owner = rest.substr(0, slash);
  rest = rest.substr(slash + 1);
  size_t colon = rest.find(':');
  size_t path_slash = rest.find('/', colon == std::string::npos ? 0 : colon);
  std::string project = rest.substr(0, std::min(colon, path_slash));
  if (project.empty()) return std::nullopt;
  r.project = project;
  if (colon != std::string::npos && (path_slash == std::string::npos || colon < path_slash)) {
    r.ref = rest.substr(colon + 1, path_slash == std::string::npos ? std::string::npos : path_slash - colon - 1);
  }
  if (path_slash != std::string::npos) r.path = rest.substr(path_slash + 1);
  return r;
}

bool is_full_commit(const std::string& ref) { return ref.size() == 40 && is_hex(ref); }

std::string commit_for_ref(const std::string& ls_remote_output, const std::string& ref) {
  std::map<std::string, std::string> refs;  // name -> commit
  size_t start = 0;
  while (start < ls_remote_output.size()) {
    size_t end = ls_remote_output.find('\n', start);
    if (end == std::string::npos) end = ls_remote_output.size();
    std::string line = ls_remote_output.substr(start, end - start);
    start = end + 1;
    size_t tab = line.find('\t');
    if (tab == std::string::npos || !is_full_commit(line.substr(0, tab))) continue;
    refs[line.substr(tab + 1)] = line.substr(0, tab);
  }
  std::vector<std::string> wanted;
  if (ref.empty()) {
    wanted = {"HEAD"};
  } else {
    wanted = {"refs/heads/" + ref, "refs/tags/" + ref + "^{}", "refs/tags/" + ref, ref};
  }
  for (const std::string& name : wanted) {
    if (auto it = refs.find(name); it != refs.end()) return it->second;
  }
  return "";
}

namespace {

// `git ls-remote` of the repository for its ref, never prompting; a token of the hosting's
// goes in git's environment (GIT_CONFIG_COUNT/KEY/VALUE), never in argv where ps would show it.
RunRequest ls_remote_request(const GitHostedRepository& hosted, const std::map<std::string, std::string>& secrets,
                             std::chrono::milliseconds timeout) {
  RunRequest req;
  req.argv = {"git", "ls-remote", "--", hosted.https_url()};
  if (hosted.ref.empty()) {
    req.argv.push_back("HEAD");
  } else {
    // ls-remote prints an annotated tag's commit (REF^{}) only when asked for by that name.
    for (const std::string& name : {"refs/heads/" + hosted.ref, "refs/tags/" + hosted.ref, "refs/tags/" + hosted.ref + "^{}"}) {
      req.argv.push_back(name);
    }
  }
  req.timeout = timeout;
  req.env.set("GIT_TERMINAL_PROMPT", "0");  // a missing or private repository fails, never prompts
  req.env.unset("GIT_ASKPASS");
  req.env.unset("SSH_ASKPASS");
  const Hosting* hosting = hosting_of(hosted.scheme);
  if (hosting->token_key == nullptr) return req;
  auto it = secrets.find(hosting->token_key);
  if (it == secrets.end() || it->second.empty()) return req;
  int index = 0;  // appended after any such settings the caller has
  if (const char* n = std::getenv("GIT_CONFIG_COUNT")) index = std::atoi(n);
  req.env.set("GIT_CONFIG_COUNT", std::to_string(index + 1));
  req.env.set(fmt::format("GIT_CONFIG_KEY_{}", index), fmt::format("http.https://{}/.extraHeader", hosting->host));
  req.env.set(fmt::format("GIT_CONFIG_VALUE_{}", index),
              "Authorization: Basic " + base64(std::string(hosting->token_user) + ":" + it->second));
  return req;
}

}  // namespace

SourceRevision resolve_source_revision(const std::string& repository, const std::map<std::string, std::string>& secrets,
                                       std::chrono::milliseconds timeout) {
  SourceRevision rev;
  rev.repository = repository;
  std::optional<GitHostedRepository> hosted = parse_git_hosted(repository);
  if (!hosted) return rev;
  if (is_full_commit(hosted->ref)) {
    rev.commit = hosted->ref;
    return rev;
  }
  std::string shown_ref = hosted->ref.empty() ? "the default branch" : "ref '" + hosted->ref + "'";
  RunResult run = run_command(ls_remote_request(*hosted, secrets, timeout));
  if (!run.ok()) {
    std::string why = last_lines(run.output, 1);
    while (!why.empty() && (why.back() == '\n' || why.back() == '\r')) why.pop_back();
    throw operation_failed(fmt::format(
        "cannot resolve {} of {} ({}): git ls-remote {}{}; to build without the network, pin a commit: {}",
        shown_ref, repository, hosted->https_url(), run.describe(), why.empty() ? "" : " (" + why + ")",
        hosted->with_ref("<40-hex commit>")));
  }
  rev.commit = commit_for_ref(run.output, hosted->ref);
  if (rev.commit.empty()) {
    if (hosted->ref.size() >= 7 && is_hex(hosted->ref)) {
      rev.commit = hosted->ref;  // an abbreviated commit: no ref by that name, so it is one
      return rev;
    }
    throw operation_failed(fmt::format("cannot resolve {} of {}: {} has no branch or tag of that name", shown_ref,
                                       repository, hosted->https_url()));
  }
  rev.looked_up = true;
  rev.repository = hosted->with_ref(rev.commit);
  return rev;
}

}  // namespace pharoctl
