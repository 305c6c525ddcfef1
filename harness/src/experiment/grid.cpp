#include "experiment/grid.hpp"

#include <limits>

namespace harness {

namespace {

bool is_index(const std::string& part) {
  return !part.empty() && std::all_of(part.begin(), part.end(), ::isdigit);
}

// "a.b[2].c" or "a.b.2.c" → {"a", "b", "2", "c"}.
std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::string part;
  for (char ch : path) {
    if (ch == '.' || ch == '[' || ch == ']') {
      if (!part.empty()) parts.push_back(part);
      part.clear();
    } else {
      part += ch;
    }
  }
  if (!part.empty()) parts.push_back(part);
  return parts;
}

}  // namespace

void apply_override(YAML::Node root, const std::string& setting, YamlSource& source) {
  const auto equals = setting.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw ConfigError(
        fmt::format("--set {}: expected key.path=value, e.g. --set training.steps=500", setting));
  }
  YAML::Node value;
  try {
    value = YAML::Load(setting.substr(equals + 1));
  } catch (const YAML::Exception& e) {
    throw ConfigError(fmt::format("--set {}: the value is not valid YAML ({})", setting, e.msg));
  }
  const auto parts = split_path(setting.substr(0, equals));
  std::vector<YAML::Node> chain{root};
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    YAML::Node current = chain.back();
    if (is_index(parts[i])) {
      const std::size_t n = std::stoul(parts[i]);
      if (!current.IsSequence() || n >= current.size()) {
        throw ConfigError(fmt::format("--set {}: there is no element {} there", setting, n));
      }
      chain.push_back(current[n]);
    } else {
      chain.push_back(current[parts[i]]);
    }
  }
  chain.back()[parts.back()] = value;
  std::string canonical;
  for (const auto& p : parts) {
    canonical += is_index(p) ? "[" + p + "]" : (canonical.empty() ? p : "." + p);
  }
  source.overridden[canonical] = setting;
}

void collect_axes(const YAML::Node& map, const std::string& path, std::vector<GridAxis>& axes) {
  if (!map.IsMap()) return;
  for (const auto& item : map) {
    const std::string key = path.empty() ? item.first.Scalar() : path + "." + item.first.Scalar();
    if (item.second.IsSequence() && item.second.size() > 0) {
      axes.emplace_back(key, item.second.size());
    } else if (item.second.IsMap()) {
      collect_axes(item.second, key, axes);
    }
  }
}

std::size_t grid_size(const std::vector<GridAxis>& axes) {
  std::size_t points = 1;
  for (const auto& axis : axes) {
    if (points > std::numeric_limits<std::size_t>::max() / axis.second) {
      return std::numeric_limits<std::size_t>::max();
    }
    points *= axis.second;
  }
  return points;
}

std::vector<GridPoint> expand(const std::vector<GridAxis>& axes) {
  std::vector<GridPoint> points{GridPoint{}};
  for (const auto& [path, size] : axes) {
    std::vector<GridPoint> next;
    for (const auto& point : points) {
      for (std::size_t i = 0; i < size; ++i) {
        GridPoint p = point;
        p[path] = i;
        next.push_back(std::move(p));
      }
    }
    points = std::move(next);
  }
  return points;
}

}  // namespace harness
