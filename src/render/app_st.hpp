#pragma once
// The default app.st `new` writes: a Zinc HTTP server on this instance's HTTP port answering a
// small hello page. It is the user's file from then on; pharoctl never rewrites it.
#include <string>

#include "service/service_config.hpp"

namespace pharoctl {

std::string render_default_app_st(const ServiceConfig& config);

}  // namespace pharoctl
