#include "render/iceberg.hpp"

#include <fmt/format.h>

#include "render/smalltalk.hpp"

namespace pharoctl {

namespace {

struct TokenHost {
  const char* variable;
  const char* host;
  const char* username;  // what the host expects beside a token over https
};
constexpr TokenHost kTokenHosts[] = {
    {"GITHUB_TOKEN", "github.com", "x-access-token"},
    {"GITLAB_TOKEN", "gitlab.com", "oauth2"},
};

}  // namespace

std::string render_iceberg_setup() {
  std::string out =
      "\"Iceberg: https remotes, and the tokens from the environment held in memory only (no credentials file).\"\n"
      "(Smalltalk hasClassNamed: #Iceberg) ifTrue: [\n"
      "  (Smalltalk at: #Iceberg) remoteTypeSelector: #httpsUrl.\n"
      "  (Smalltalk at: #IceCredentialStore) current storeFile: nil.\n";
  for (const TokenHost& t : kTokenHosts) {
    // IceTokenCredentials where this Iceberg has it, else (older Iceberg) the token as the
    // password of IcePlaintextCredentials, which git hosts accept the same way over https.
    out += fmt::format(
        "  (Smalltalk os environment at: {0} ifAbsent: [ '' ]) ifNotEmpty: [ :token |\n"
        "    (Smalltalk at: #IceCredentialStore) current\n"
        "      storeCredential: ((Smalltalk hasClassNamed: #IceTokenCredentials)\n"
        "        ifTrue: [ (Smalltalk at: #IceTokenCredentials) new username: {1}; token: token; yourself ]\n"
        "        ifFalse: [ (Smalltalk at: #IcePlaintextCredentials) new username: {1}; password: token; yourself ])\n"
        "      forHostname: {2} ].\n",
        smalltalk_string(t.variable), smalltalk_string(t.username), smalltalk_string(t.host));
  }
  out += "  ].\n";
  return out;
}

std::string render_iceberg_forget_credentials() {
  std::string out =
      "\"The tokens leave the image before it is saved; the credentials file is switched back on.\"\n"
      "(Smalltalk hasClassNamed: #IceCredentialStore) ifTrue: [\n"
      "  (Smalltalk at: #IceCredentialStore) current in: [ :store |\n";
  for (const TokenHost& t : kTokenHosts) {
    out += fmt::format(
        "    (store plaintextCredentialForHostname: {0}) in: [ :credential |\n"
        "      credential host = {0} ifTrue: [ store removeCredential: credential ] ].\n",
        smalltalk_string(t.host));
  }
  out += "    store storeFile: (Smalltalk at: #IceCredentialStore) storeFile ] ].\n";
  return out;
}

}  // namespace pharoctl
