#include "experiment/yaml_reader.hpp"

#include <cmath>

namespace harness {

namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string location(const YamlSource& source, const YAML::Node& node, const std::string& path) {
  for (const auto& [key, setting] : source.overridden) {
    if (path == key || path.starts_with(key + ".") || path.starts_with(key + "[")) {
      return "--set " + setting;
    }
  }
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return source.file;
  return fmt::format("{}:{}:{}", source.file, mark.line + 1, mark.column + 1);
}

}  // namespace

std::string suggestion(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string* best = nullptr;
  std::size_t best_distance = std::max<std::size_t>(2, (word.size() + 1) / 2) + 1;
  for (const auto& candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = &candidate;
    }
  }
  return best ? fmt::format("; did you mean '{}'?", *best) : "";
}

void fail_at_node(const YamlSource& source, const YAML::Node& node, const std::string& path,
                  const std::string& message) {
  throw ConfigError(fmt::format("{}: {}: {}", location(source, node, path), path, message));
}

YAML::Node child_of(const YAML::Node& map, const std::string& key) {
  if (!map.IsDefined() || !map.IsMap()) return YAML::Node();
  const YAML::Node child = map[key];
  return child.IsDefined() ? child : YAML::Node();
}

void MapReader::only_keys(const std::vector<std::string>& allowed,
                          std::string (*explain)(const std::string& key)) const {
  if (!map_.IsDefined() || map_.IsNull()) return;
  if (!map_.IsMap()) fail_at_node(source_, map_, path_, "expected a mapping of keys to values");
  std::vector<std::string> seen;
  for (const auto& item : map_) {
    const std::string key = item.first.Scalar();
    // yaml-cpp keeps both of a repeated key, and a reader would see one or the other.
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      fail_at_node(source_, item.first, child(key),
                   "given twice in the same mapping; keep one (a list gives several values)");
    }
    seen.push_back(key);
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    const std::string explained = explain ? explain(key) : "";
    fail_at_node(source_, item.first, child(key),
                 !explained.empty()
                     ? explained
                     : fmt::format("unknown key{}; known keys here: {}", suggestion(key, allowed),
                                   fmt::join(allowed, ", ")));
  }
}

YAML::Node MapReader::value(const std::string& key) const {
  YAML::Node node = child_of(map_, key);
  const auto axis = point_.find(child(key));
  return axis == point_.end() ? node : node[axis->second];
}

std::string MapReader::describe(const YAML::Node& node) {
  if (node.IsScalar()) return "'" + node.Scalar() + "'";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  return "nothing";
}

const MapReader* Settings::find(const std::string& key) const {
  for (const auto& layer : layers_) {
    if (layer.has(key)) return &layer;
  }
  return nullptr;
}

int Settings::integer(const std::string& key, int fallback, int min, int max) const {
  const MapReader* layer = find(key);
  if (!layer) return fallback;
  const auto value = layer->scalar<long long>(key, "an integer");
  if (value < min || value > max) {
    layer->fail_at(key, max == std::numeric_limits<int>::max()
                            ? fmt::format("must be at least {}, found {}", min, value)
                            : fmt::format("must be between {} and {}, found {}", min, max, value));
  }
  return static_cast<int>(value);
}

double Settings::real(const std::string& key, double fallback, double min, bool min_inclusive,
                      double max) const {
  const MapReader* layer = find(key);
  if (!layer) return fallback;
  const auto value = layer->scalar<double>(key, "a number");
  const bool above = min_inclusive ? value >= min : value > min;
  if (!std::isfinite(value) || !above || value >= max) {
    const std::string low = fmt::format("{} {}", min_inclusive ? "at least" : "greater than", min);
    layer->fail_at(key, std::isinf(max) ? fmt::format("must be {}, found {}", low, value)
                                        : fmt::format("must be {} and less than {}, found {}", low,
                                                      max, value));
  }
  return value;
}

std::optional<double> Settings::optional_positive(const std::string& key) const {
  const MapReader* layer = find(key);
  if (!layer || layer->value(key).IsNull()) return std::nullopt;
  return real(key, 0, 0, false);
}

bool Settings::boolean(const std::string& key, bool fallback) const {
  const MapReader* layer = find(key);
  return layer ? layer->scalar<bool>(key, "true or false") : fallback;
}

std::string Settings::required_text(const std::string& key, const char* example) const {
  const MapReader* layer = find(key);
  if (!layer) fail(key, fmt::format("missing; e.g. {}", example));
  return layer->scalar<std::string>(key, "a text");
}

void Settings::fail(const std::string& key, const std::string& message) const {
  const MapReader* layer = find(key);
  (layer ? *layer : layers_.front()).fail_at(key, message);
}

std::string Settings::choice(const std::string& key, const std::optional<std::string>& fallback,
                             const std::vector<std::string>& options, const char* what,
                             const char* hint) const {
  const MapReader* layer = find(key);
  if (!layer) {
    if (!fallback) {
      layers_.front().fail_at(key,
                              fmt::format("missing; give one of: {}", fmt::join(options, ", ")));
    }
    return *fallback;
  }
  const auto value = layer->scalar<std::string>(key, "a name");
  if (std::find(options.begin(), options.end(), value) == options.end()) {
    layer->fail_at(key, fmt::format("unknown {} '{}'{}; available: {}{}", what, value,
                                    suggestion(value, options), fmt::join(options, ", "), hint));
  }
  return value;
}

}  // namespace harness
