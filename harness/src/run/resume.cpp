#include "run/resume.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "results/checksum.hpp"

namespace harness {

namespace {

std::string short_hash(const std::string& sha256) {
  return sha256.substr(0, 12) + "…";
}

// "" when `file` still has the SHA-256 `then`, else what changed.
std::string changed(const std::string& what, const std::filesystem::path& file,
                    const std::string& then) {
  if (!std::filesystem::exists(file)) return fmt::format("{} {} is gone", what, file.string());
  const std::string now = sha256_of_file(file);
  if (now == then) return "";
  return fmt::format("{} {} changed since the run (SHA-256 {} then, {} now)", what, file.string(),
                     short_hash(then), short_hash(now));
}

}  // namespace

std::string resume_refusal(const RunRecord& run, const Registry& plugins) {
  if (run.experiment_sha256.empty()) {
    return "it was stored by an older harness, without the experiment file's SHA-256";
  }
  if (auto why = changed("the experiment file", run.file, run.experiment_sha256); !why.empty()) {
    return why;
  }
  const auto environment = nlohmann::json::parse(run.environment);
  if (auto why = changed("the harness binary", std::filesystem::read_symlink("/proc/self/exe"),
                         environment.value("harness_sha256", std::string()));
      !why.empty()) {
    return why;
  }
  for (const auto& then : environment.at("plugins")) {
    const auto name = then.at("name").get<std::string>();
    const auto file = then.at("file").get<std::string>();
    const bool loaded = std::any_of(
        plugins.plugins().begin(), plugins.plugins().end(),
        [&](const auto& p) { return std::filesystem::absolute(p->file).string() == file; });
    if (!loaded) {
      return fmt::format("plugin {} ({}) was loaded then and is not now (--plugin-dir adds it)",
                         name, file);
    }
    if (auto why = changed("plugin " + name, file, then.at("sha256").get<std::string>());
        !why.empty()) {
      return why;
    }
  }
  return "";
}

}  // namespace harness
