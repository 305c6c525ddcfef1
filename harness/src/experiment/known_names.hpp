// What an experiment may name, from the loaded plugins: their cells and backends, and each cell's
// verdict on a model's shape (a projection it does not take).
#pragma once

#include "experiment/spec.hpp"
#include "registry.hpp"

namespace harness {

KnownNames known_names(const Registry& plugins);

}  // namespace harness
