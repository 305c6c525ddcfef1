// harness plugins: lists every cell and backend with the plugin file and version providing it.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "arguments.hpp"
#include "command.hpp"
#include "plugin_options.hpp"

namespace harness::cli {

namespace po = boost::program_options;

namespace {

template <class Info>
nlohmann::json entries_json(const std::vector<Info>& infos) {
  auto list = nlohmann::json::array();
  for (const auto& info : infos) {
    list.push_back({{"name", info.name},
                    {"summary", info.summary},
                    {"plugin", info.plugin->name},
                    {"version", info.plugin->version},
                    {"file", info.plugin->file.string()}});
  }
  return list;
}

template <class Info>
void print_table(const char* title, const std::vector<Info>& infos) {
  fmt::print("{}:\n", title);
  std::size_t width = 4;
  for (const auto& info : infos) width = std::max(width, info.name.size());
  for (const auto& info : infos) {
    fmt::print("  {:<{}}  {}\n  {:<{}}  from {} {} ({})\n", info.name, width, info.summary, "",
               width, info.plugin->name, info.plugin->version, info.plugin->file.string());
  }
  if (infos.empty()) fmt::print("  (none)\n");
}

}  // namespace

int plugins_command(const std::vector<std::string>& args) {
  po::options_description options(
      "Usage: harness plugins [--json] [--plugin-dir DIR]...\n\n"
      "Lists every cell and backend the plugins provide, with the "
      "plugin file and version providing it.\n\nOptions");
  options.add_options()("help,h", "show this help")(
      "json", "print machine-readable JSON instead of a table");
  options.add(plugin_options());
  const auto parsed = parse_arguments(args, options);
  if (!parsed) return kExitOk;
  const po::variables_map& values = *parsed;

  const Registry registry = load_plugins(values);
  if (values.count("json")) {
    nlohmann::json document{{"cells", entries_json(registry.cells())},
                            {"backends", entries_json(registry.backends())}};
    fmt::print("{}\n", document.dump(2));
  } else {
    print_table("Cells", registry.cells());
    fmt::print("\n");
    print_table("Backends", registry.backends());
  }
  return kExitOk;
}

}  // namespace harness::cli
