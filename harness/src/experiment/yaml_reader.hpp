// Reading typed values out of a YAML document, with every mistake reported where it is: the
// file:line:column (or the --set that gave the value), the key path, what was expected and what
// was found, and for a misspelt name the closest known one. Knows nothing of experiments: the
// schema (spec.cpp, the task table) says which keys exist and what they hold.
#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace harness {

// A user error in an experiment: "file:line:column: key.path: what is wrong and how to fix it".
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A name as written in a file and the typed value it stands for: one table per enum, read once
// at validation and used for writing the value back (records, messages).
template <class Enum>
struct Named {
  const char* name;
  Enum value;
};

template <class Enum, std::size_t N>
const char* name_of(const Named<Enum> (&table)[N], Enum value) {
  for (const auto& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return "?";
}

template <class Enum, std::size_t N>
std::vector<std::string> names(const Named<Enum> (&table)[N]) {
  std::vector<std::string> result;
  for (const auto& entry : table) result.emplace_back(entry.name);
  return result;
}

// "; did you mean 'x'?" for the closest candidate within a few edits, else "".
std::string suggestion(const std::string& word, const std::vector<std::string>& candidates);

// Which element of each list-valued key (a grid axis, by key path) a trial takes.
using GridPoint = std::map<std::string, std::size_t>;

// The document being read: its file name and which key paths a --set gave.
struct YamlSource {
  std::string file;
  std::map<std::string, std::string> overridden;  // key path → the --set that gave it
};

[[noreturn]] void fail_at_node(const YamlSource& source, const YAML::Node& node,
                               const std::string& path, const std::string& message);

// map[key], or a null node when map is no mapping or has no such key (yaml-cpp's missing-key
// node throws on every question but IsDefined).
YAML::Node child_of(const YAML::Node& map, const std::string& key);

// One YAML mapping, read key by key at one grid point.
class MapReader {
 public:
  MapReader(const YamlSource& source, YAML::Node map, std::string path, const GridPoint& point)
      : source_(source), map_(std::move(map)), path_(std::move(path)), point_(point) {}

  // Fails on the first key that is not among `allowed`; `explain(key)` may give a better
  // message for a key it knows (one that belongs elsewhere), or "".
  void only_keys(const std::vector<std::string>& allowed,
                 std::string (*explain)(const std::string& key) = nullptr) const;

  bool has(const std::string& key) const { return map_.IsMap() && map_[key].IsDefined(); }
  std::string child(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }
  const YAML::Node& node() const { return map_; }
  const std::string& path() const { return path_; }

  // The value of `key` for this grid point: the chosen element when the value is a list.
  YAML::Node value(const std::string& key) const;
  MapReader submap(const std::string& key) const {
    return {source_, child_of(map_, key), child(key), point_};
  }

  template <class T>
  T scalar(const std::string& key, const char* expected) const {
    const YAML::Node node = value(key);
    try {
      if (node.IsScalar()) return node.as<T>();
    } catch (const YAML::BadConversion&) {
    }
    fail_at(key, fmt::format("expected {}, found {}", expected, describe(node)));
  }

  [[noreturn]] void fail_at(const std::string& key, const std::string& message) const {
    fail_at_node(source_, has(key) ? value(key) : map_, child(key), message);
  }

 private:
  static std::string describe(const YAML::Node& node);

  const YamlSource& source_;
  YAML::Node map_;
  std::string path_;
  const GridPoint& point_;
};

// Reads a key from the first of several mappings that has it (training settings: a model's, then
// its task's, then the experiment's), checking types and ranges.
class Settings {
 public:
  explicit Settings(std::vector<MapReader> layers) : layers_(std::move(layers)) {}

  const MapReader* find(const std::string& key) const;

  int integer(const std::string& key, int fallback, int min,
              int max = std::numeric_limits<int>::max()) const;
  // A number in (min, max) or [min, max) as `min_inclusive` says.
  double real(const std::string& key, double fallback, double min, bool min_inclusive,
              double max = std::numeric_limits<double>::infinity()) const;
  std::optional<double> optional_positive(const std::string& key) const;
  bool boolean(const std::string& key, bool fallback) const;
  // A text that must be given; `example` shows how when it is missing.
  std::string required_text(const std::string& key, const char* example) const;

  // Fails at `key` (where it is given, or at the mapping that lacks it).
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
  // One of `options`, by name (what = "optimizer", "cell", ...); a missing key gives `fallback`,
  // or fails when there is none. `hint` ends the message for an unknown one.
  std::string choice(const std::string& key, const std::optional<std::string>& fallback,
                     const std::vector<std::string>& options, const char* what,
                     const char* hint = "") const;

  // The same for an enum, through its name table.
  template <class Enum, std::size_t N>
  Enum choice(const std::string& key, Enum fallback, const Named<Enum> (&table)[N],
              const char* what) const {
    const std::string name = choice(key, std::string(name_of(table, fallback)), names(table), what);
    for (const auto& entry : table) {
      if (name == entry.name) return entry.value;
    }
    return fallback;  // unreachable: choice() accepted only names from the table
  }

 private:
  std::vector<MapReader> layers_;
};

}  // namespace harness
