#pragma once
// The image's globals as the sim models them: the base image's classes, the NeoConsole classes
// that exist only once BaselineOfNeoConsole is loaded, and the classes loads defined.
#include <string>

#include "host.hpp"
#include "value.hpp"

namespace sim {

// The value of a capitalised name; throws Unsupported for a global the sim does not model.
Value global_value(Host& host, const std::string& name);

// Smalltalk hasClassNamed: / includesKey:.
bool is_known_class(Host& host, const std::string& name);

}  // namespace sim
