// Turning one YAML document into many settings: --set overrides applied to the document, and the
// grid — every list-valued key an axis, the points their cross product.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "experiment/yaml_reader.hpp"

namespace harness {

// Applies "a.b[2].c=value" (the value is YAML) to `root`, creating mappings on the way, and
// records in `source` which key path it set. Throws ConfigError.
void apply_override(YAML::Node root, const std::string& setting, YamlSource& source);

// A grid axis: the key path of a list-valued key and how many values it lists.
using GridAxis = std::pair<std::string, std::size_t>;

// Appends every list-valued key under `map` (at `path`) to `axes`.
void collect_axes(const YAML::Node& map, const std::string& path, std::vector<GridAxis>& axes);

// How many points the cross product of the axes has (saturating at SIZE_MAX).
std::size_t grid_size(const std::vector<GridAxis>& axes);

// The cross product of the axes' indices, the first axis varying slowest.
std::vector<GridPoint> expand(const std::vector<GridAxis>& axes);

}  // namespace harness
