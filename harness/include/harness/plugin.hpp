// Plugin: one shared library exporting one entry point that describes what it provides.
//
// A plugin author writes, in one .cpp file of the plugin:
//
//   constexpr harness::CellEntry kCells[] = {
//       {"my_cell", "one line saying what it is", &harness::make_cell<MyCell>},
//   };
//   HARNESS_PLUGIN("my_plugin", "1.0.0", kCells, {})
//
// and builds it with harness_add_plugin() from the harness CMake package (or as any shared library
// that sees these headers and Boost's). The entry point is exported through Boost.DLL under the
// alias `harness_plugin`. `harness check my_plugin.so` then verifies it: gradients against finite
// differences, agreement with the naive backend, the shapes and guarantees these headers state.
//
// The harness guarantees: it reads abi_version before anything else and refuses the plugin when it
// differs from its own; the library stays loaded as long as any object it made is alive; names are
// copied, so the entries only need to live as long as the library.
//
// ABI policy: kAbiVersion is bumped whenever any SDK header changes a type's layout, a virtual
// function or the meaning of a documented guarantee. Plugins must be rebuilt against the new
// headers, with the same compiler and standard library as the harness.
#pragma once

#include <boost/dll/alias.hpp>
#include <cstdint>
#include <memory>
#include <span>

#include "harness/backend.hpp"
#include "harness/cell.hpp"

namespace harness {

inline constexpr std::uint32_t kAbiVersion = 2;

struct CellEntry {
  const char* name;
  const char* summary;
  std::unique_ptr<Cell> (*make)();
};

struct BackendEntry {
  const char* name;
  const char* summary;
  std::unique_ptr<Backend> (*make)(const BackendOptions& options);
};

struct PluginDescriptor {
  std::uint32_t abi_version;  // stays the first member in every ABI version
  const char* name;
  const char* version;
  std::span<const CellEntry> cells;
  std::span<const BackendEntry> backends;
};

template <class CellType>
std::unique_ptr<Cell> make_cell() {
  return std::make_unique<CellType>();
}

template <class BackendType>
std::unique_ptr<Backend> make_backend(const BackendOptions& options) {
  return std::make_unique<BackendType>(options);
}

using PluginEntryPoint = const PluginDescriptor*();
inline constexpr const char* kPluginEntryPoint = "harness_plugin";

}  // namespace harness

// Exports the plugin's descriptor. Use once per plugin, at namespace scope.
#define HARNESS_PLUGIN(plugin_name, plugin_version, cell_entries, backend_entries)           \
  namespace harness_plugin_export {                                                          \
  const ::harness::PluginDescriptor* describe() {                                            \
    static const ::harness::PluginDescriptor descriptor{                                     \
        ::harness::kAbiVersion, plugin_name, plugin_version, cell_entries, backend_entries}; \
    return &descriptor;                                                                      \
  }                                                                                          \
  }                                                                                          \
  BOOST_DLL_ALIAS(harness_plugin_export::describe, harness_plugin)
