#include "service/repository_rules.hpp"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "service/value_rules.hpp"

namespace pharoctl {

namespace {

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

bool only(std::string_view v, std::string_view extra) {
  return std::all_of(v.begin(), v.end(), [extra](char c) { return is_alnum(c) || extra.find(c) != std::string_view::npos; });
}

// A name segment: owner, repository, ref. Never "." or "..", never starting with '-'.
bool good_segment(std::string_view v, std::string_view extra = "._-") {
  return !v.empty() && v.size() <= 100 && v != "." && v != ".." && v[0] != '-' && only(v, extra);
}

// A relative directory inside a repository: segments joined by '/' (one trailing '/' allowed),
// none empty, none "." or "..".
bool good_subpath(std::string_view v) {
  if (!v.empty() && v.back() == '/') v.remove_suffix(1);
  if (v.empty()) return false;
  for (size_t start = 0;;) {
    size_t slash = v.find('/', start);
    if (!good_segment(v.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start))) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

const char* kCredentialsAdvice =
    "credentials do not belong in the repository string, which is copied into build.st, manifests and "
    "releases: put GITHUB_TOKEN, GITLAB_TOKEN or METACELLO_USERNAME and METACELLO_PASSWORD in "
    "$PHARO_HOME/credentials (mode 0600) or in the environment of `pharoctl build`; only builds see them";

std::string hosted(const std::string& scheme, std::string_view rest, bool host_allowed) {
  std::string shape = fmt::format("{}OWNER/REPO[:REF][/PATH], as in {}acme/shop:main/src", scheme, scheme);
  if (rest.find('@') != std::string_view::npos) return fmt::format("{} is refused: {}", scheme + "...@...", kCredentialsAdvice);
  if (rest.empty()) return fmt::format("\"{}\" names no repository (expected {})", scheme, shape);
  size_t slash = rest.find('/');
  std::string_view owner = rest.substr(0, slash);
  if (host_allowed) {
    // gitlab://gitlab.example.com:owner/project: a self-hosted server before the owner.
    if (size_t colon = owner.find(':'); colon != std::string_view::npos) {
      std::string_view host = owner.substr(0, colon);
      if (!good_segment(host, ".-") || host.find('.') == std::string_view::npos) {
        return fmt::format("\"{}{}\": \"{}\" is not a host name (expected {})", scheme, printable(std::string(rest)),
                           printable(std::string(host)), shape);
      }
      owner = owner.substr(colon + 1);
    }
  }
  if (!good_segment(owner)) {
    return fmt::format("\"{}{}\": the owner \"{}\" is not valid (expected {})", scheme, printable(std::string(rest)),
                       printable(std::string(owner)), shape);
  }
  if (slash == std::string_view::npos || slash + 1 == rest.size()) {
    return fmt::format("\"{}{}\" names no repository after the owner (expected {})", scheme,
                       printable(std::string(rest)), shape);
  }
  std::string_view after = rest.substr(slash + 1);
  size_t path_at = after.find('/');
  std::string_view repo_ref = after.substr(0, path_at);
  std::string_view path = path_at == std::string_view::npos ? std::string_view() : after.substr(path_at + 1);
  std::string_view repo = repo_ref.substr(0, repo_ref.find(':'));
  if (!good_segment(repo)) {
    return fmt::format("\"{}{}\": the repository \"{}\" is not valid (expected {})", scheme,
                       printable(std::string(rest)), printable(std::string(repo)), shape);
  }
  if (size_t colon = repo_ref.find(':'); colon != std::string_view::npos) {
    std::string_view ref = repo_ref.substr(colon + 1);
    if (!good_segment(ref, "._-+")) {
      return fmt::format("\"{}{}\": the ref \"{}\" is not a branch, tag or commit (expected {})", scheme,
                         printable(std::string(rest)), printable(std::string(ref)), shape);
    }
  }
  if (path_at != std::string_view::npos && (path.empty() || !good_subpath(path))) {
    return fmt::format("\"{}{}\": the path \"{}\" is not a directory inside the repository (expected {})", scheme,
                       printable(std::string(rest)), printable(std::string(path)), shape);
  }
  return "";
}

std::string local(const std::string& scheme, std::string_view rest) {
  std::string shape = fmt::format("{}PATH, a directory, absolute or relative to the service directory, as in {}src",
                                  scheme, scheme);
  if (rest.empty()) return fmt::format("\"{}\" names no directory (expected {})", scheme, shape);
  if (!only(rest, "._-/~+") || rest.find("//") != std::string_view::npos) {
    return fmt::format("\"{}{}\" is not a plain directory path (letters, digits, '.', '_', '-', '/', '~', '+'; expected {})",
                       scheme, printable(std::string(rest)), shape);
  }
  return "";
}

std::string web(const std::string& scheme, std::string_view rest) {
  std::string shape = fmt::format("{}HOST[:PORT][/PATH], as in {}smalltalkhub.example.org/mc/Shop", scheme, scheme);
  size_t path_at = rest.find('/');
  std::string_view authority = rest.substr(0, path_at);
  std::string_view path = path_at == std::string_view::npos ? std::string_view() : rest.substr(path_at);
  if (authority.find('@') != std::string_view::npos) {
    return fmt::format("{} is refused: {}", scheme + "USER:PASSWORD@...", kCredentialsAdvice);
  }
  if (path.find_first_of("?#") != std::string_view::npos) {
    return fmt::format("\"{}...\" has a query or fragment, where tokens hide (expected {}; {})", scheme, shape,
                       kCredentialsAdvice);
  }
  if (authority.empty()) return fmt::format("\"{}\" names no host (expected {})", scheme, shape);
  std::string_view host = authority;
  size_t colon = authority.front() == '[' ? authority.find("]:") : authority.rfind(':');
  if (colon != std::string_view::npos) {
    if (authority.front() == '[') ++colon;
    host = authority.substr(0, colon);
    std::string_view port = authority.substr(colon + 1);
    bool digits = !port.empty() && port.size() <= 5 &&
                  std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || std::stoi(std::string(port)) < 1 || std::stoi(std::string(port)) > 65535) {
      return fmt::format("\"{}{}\": \"{}\" is not a port (expected {})", scheme, printable(std::string(rest)),
                         printable(std::string(port)), shape);
    }
  }
  bool ipv6 = host.size() > 2 && host.front() == '[' && host.back() == ']' && only(host.substr(1, host.size() - 2), ":.");
  if (host.empty() || !(ipv6 || (good_segment(host, ".-") && host.back() != '.' && host.back() != '-'))) {
    return fmt::format("\"{}{}\" names no valid host (expected {})", scheme, printable(std::string(rest)), shape);
  }
  if (!only(path, "/._-~%+")) {
    return fmt::format("\"{}{}\" has characters that do not belong in a URL path (expected {})", scheme,
                       printable(std::string(rest)), shape);
  }
  return "";
}

}  // namespace

std::string check_repository(const std::string& v) {
  if (v.empty()) return "";
  if (v.size() > 500) return fmt::format("is {} characters long (at most 500)", v.size());
  auto sep = v.find("://");
  std::string scheme = sep == std::string::npos ? "" : v.substr(0, sep + 3);
  std::string_view rest = sep == std::string::npos ? std::string_view() : std::string_view(v).substr(sep + 3);
  if (scheme == "github://") return hosted(scheme, rest, false);
  if (scheme == "gitlab://" || scheme == "bitbucket://") return hosted(scheme, rest, true);
  if (scheme == "gitlocal://" || scheme == "filetree://" || scheme == "tonel://") return local(scheme, rest);
  if (scheme == "http://" || scheme == "https://") return web(scheme, rest);
  return fmt::format("\"{}\" is not a Metacello repository (expected github://OWNER/REPO[:REF][/PATH], gitlab://, "
                     "bitbucket://, gitlocal://PATH, filetree://PATH, tonel://PATH or http(s)://HOST/PATH)",
                     v.find('@') != std::string::npos ? std::string("...") : printable(v));
}

}  // namespace pharoctl
