// The one-row-per-trial summary of a run, derived from the stored records: the trial number, every
// key of the trial's spec, then the results. A spec key's column is named by its last component
// ("T", "cell", "learning_rate"; "task" and "backend" for task.kind and backend.name), or by its
// whole path when two keys share that name; either name selects it.
//
// summary.csv has every column. The table printed after a run (and summary.md) shows the keys that
// vary between trials and the main results, lists what is the same in every trial once above
// it; --columns picks others. Language models add their measure (bits per character or
// perplexity), each n-gram baseline in it ("1-gram" … "5-gram") and the ratio to the best one.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "results/record.hpp"

namespace harness {

struct SummaryTable {
  struct Column {
    std::string name;
    std::string path;        // the spec key path ("training.learning_rate"); the name for results
    bool from_spec = false;  // a key of the spec rather than a result
    std::string meaning;     // results: what the value is, for the legend
    bool shown = false;      // results: in the default table (when it varies)
    bool baseline = false;   // an n-gram baseline's value
  };
  std::vector<Column> columns;
  std::vector<std::vector<std::string>> rows;  // one per trial, a value per column

  std::optional<std::size_t> find(const std::string& name_or_path) const;
};

SummaryTable summarize(const RunRecord& run);

// The spec's keys as "key path" → value text, in the spec's order (no trial number).
std::vector<std::pair<std::string, std::string>> spec_values(const nlohmann::ordered_json& spec);

// The columns shown when none are asked for: the trial, the spec keys whose values differ between
// trials (the seed aside), then the default results whose values differ too (with one trial:
// the default results it has).
std::vector<std::string> default_columns(const SummaryTable& table);

// "name: value" for every spec key with one value in all trials (the seed aside), and for every
// default result with one value in all of several trials: what the table leaves out.
std::vector<std::string> constant_settings(const SummaryTable& table);

// The trial, then the requested columns (names or key paths; "all" for every one) by name.
// Throws ConfigError naming an unknown one, with the closest known name.
std::vector<std::string> select_columns(const SummaryTable& table,
                                        const std::vector<std::string>& requested);

// What the summary shows, whatever the format: with `columns`, one section of them; without, one
// per task kind (headed by it when there are several), each with its default columns.
struct SummarySection {
  std::string heading;                 // the task kind, or "" for a single section
  std::vector<std::string> constants;  // "name: value" of what every trial of it shares
  std::string baselines;               // its n-gram baselines on one line, or ""
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  // the columns' values, one row per trial
  std::vector<std::string> notes;              // one per trial that did not complete
};
std::vector<SummarySection> summary_sections(const SummaryTable& table,
                                             const std::vector<std::string>& columns);

// One section as Markdown: what every trial shares, the baselines, the table, the notes.
std::string section_markdown(const SummarySection& section);

// The table as Markdown. With `columns`, one table of them; without, one table per task kind
// (under a heading when there are several), each with its default columns. Above each table what
// is the same in every trial of it (the n-gram baselines on a line of their own), below it a line
// for each trial that did not complete.
std::string summary_markdown(const SummaryTable& table, const std::vector<std::string>& columns);

// Per task kind, the trials that differ only in their repeat (seed), one row each: the keys that
// vary, how many repeats completed, and the median, lowest and highest held-out loss over the
// completed ones. "" when no trial was repeated.
std::string repeats_markdown(const SummaryTable& table);

// What each result column summary_markdown shows means, one "- name: meaning" line each.
std::string summary_legend(const SummaryTable& table, const std::vector<std::string>& columns);

// Every column, one line per trial.
std::string summary_csv(const SummaryTable& table);

}  // namespace harness
