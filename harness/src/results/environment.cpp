#include "results/environment.hpp"

#include "results/checksum.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <boost/version.hpp>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

namespace harness {

namespace {

std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.starts_with("model name")) return line.substr(line.find(':') + 2);
  }
  return "unknown";
}

}  // namespace

std::string environment_json(const Registry& plugins) {
  nlohmann::json plugin_list = nlohmann::json::array();
  for (const auto& p : plugins.plugins()) {
    plugin_list.push_back({{"name", p->name},
                           {"version", p->version},
                           {"file", std::filesystem::absolute(p->file).string()},
                           {"sha256", sha256_of_file(p->file)}});
  }
  const char* coretype = std::getenv("OPENBLAS_CORETYPE");
  const nlohmann::json environment{
      {"harness_version", HARNESS_VERSION},
      {"git_commit", HARNESS_GIT_COMMIT},
      {"harness_sha256", sha256_of_file("/proc/self/exe")},
      {"cpu", cpu_model()},
      {"cores", std::thread::hardware_concurrency()},
      {"compiler", fmt::format("GCC {}", __VERSION__)},
      {"libraries",
       {{"boost", BOOST_LIB_VERSION}, {"fmt", FMT_VERSION}, {"sqlite", sqlite3_libversion()}}},
      {"openblas_coretype", coretype ? coretype : "auto"},
      {"plugins", plugin_list}};
  return environment.dump();
}

}  // namespace harness
