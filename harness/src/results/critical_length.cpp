#include "results/critical_length.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "experiment/length_search.hpp"
#include "results/metric_names.hpp"

namespace harness {

namespace {

// The keys always shown, in this order, then the others that differ between searches.
const std::vector<std::string> kNamedKeys{"task.kind", "model.cell"};

// "3/3"
std::string agreement(const std::pair<int, int>& seeds) {
  return fmt::format("{}/{}", seeds.first, seeds.second);
}

}  // namespace

CriticalLengths critical_lengths(const RunRecord& run) {
  using Values = std::vector<std::pair<std::string, std::string>>;
  std::vector<Values> search_keys;  // per search: its spec but for T, seed, repeat
  std::vector<std::map<int, std::pair<int, int>>> tried;
  std::vector<int> seeds;
  for (const auto& trial : run.trials) {
    if (!trial.spec.contains("search")) continue;
    Values values = spec_values(trial.spec);
    std::erase_if(values, [](const auto& v) {
      return v.first == "task.T" || v.first == "seed" || v.first == "repeat";
    });
    auto at = std::find(search_keys.begin(), search_keys.end(), values);
    if (at == search_keys.end()) {
      at = search_keys.insert(search_keys.end(), values);
      tried.emplace_back();
      seeds.push_back(trial.spec["search"]["seeds"].get<int>());
    }
    auto& counts = tried[at - search_keys.begin()][trial.spec["task"]["T"].get<int>()];
    counts.first += trial.value(metric::kSolved) == 1.0;
    ++counts.second;
  }
  CriticalLengths out;
  if (search_keys.empty()) return out;
  out.keys = kNamedKeys;
  for (const auto& key : search_keys.front()) {
    const std::string &path = key.first, &value = key.second;  // named: captured below
    // Task-specific keys count only among the searches that have them (one task's placement).
    const bool differs = std::any_of(search_keys.begin(), search_keys.end(), [&](const auto& s) {
      const auto own = std::find_if(s.begin(), s.end(), [&](auto& v) { return v.first == path; });
      return own != s.end() && own->second != value;
    });
    if (differs && std::find(out.keys.begin(), out.keys.end(), path) == out.keys.end()) {
      out.keys.push_back(path);
    }
  }
  for (std::size_t s = 0; s < search_keys.size(); ++s) {
    CriticalLength& search = out.searches.emplace_back();
    for (const auto& key : out.keys) {
      const auto v = std::find_if(search_keys[s].begin(), search_keys[s].end(),
                                  [&](auto& value) { return value.first == key; });
      search.labels.push_back(v == search_keys[s].end() ? "-" : v->second);
    }
    search.tried = tried[s];
    for (const auto& [length, counts] : search.tried) {
      if (majority_solved(counts.first, seeds[s])) search.solved = length;
    }
    for (const auto& [length, counts] : search.tried) {
      if (!majority_solved(counts.first, seeds[s]) && length > search.solved.value_or(0)) {
        search.unsolved = length;
        break;
      }
    }
  }
  return out;
}

SummarySection critical_length_section(const CriticalLengths& lengths) {
  SummarySection section;
  for (const auto& key : lengths.keys) {
    section.columns.push_back(key == "task.kind" ? "task" : key.substr(key.rfind('.') + 1));
  }
  for (const char* name : {"T*", "seeds at T*", "first T not solved", "seeds there", "T tried"}) {
    section.columns.push_back(name);
  }
  for (const auto& search : lengths.searches) {
    auto& row = section.rows.emplace_back(search.labels);
    const auto first = search.tried.begin();
    // Beyond the lengths tried, what is known: "≥ 800" when no longer T was not solved, "< 25"
    // when not even the first was.
    row.push_back(!search.solved    ? fmt::format("< {}", first->first)
                  : search.unsolved ? std::to_string(*search.solved)
                                    : fmt::format("≥ {}", *search.solved));
    row.push_back(search.solved ? agreement(search.tried.at(*search.solved)) : "-");
    row.push_back(search.unsolved ? std::to_string(*search.unsolved) : "-");
    row.push_back(search.unsolved ? agreement(search.tried.at(*search.unsolved)) : "-");
    std::vector<int> lengths_tried;
    for (const auto& [length, counts] : search.tried) lengths_tried.push_back(length);
    row.push_back(fmt::format("{}", fmt::join(lengths_tried, " ")));
  }
  return section;
}

std::string critical_length_markdown(const RunRecord& run) {
  const CriticalLengths lengths = critical_lengths(run);
  if (lengths.searches.empty()) return "";
  return section_markdown(critical_length_section(lengths)) +
         "\n- T*: the longest T most seeds solved within the budget of training steps\n"
         "- first T not solved: the shortest T above T* most seeds did not solve; the edge lies "
         "between the two\n"
         "- seeds: how many of the seeds run at that T solved the task\n";
}

}  // namespace harness
