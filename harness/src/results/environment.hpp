// What a run ran on, recorded with it: the harness's commit and version, CPU, cores, compiler,
// library versions, OpenBLAS's kernel choice, and every loaded plugin's file and version.
#pragma once

#include <string>

#include "registry.hpp"

namespace harness {

std::string environment_json(const Registry& plugins);

}  // namespace harness
