// Reading experiment files: the grid, --set, per-task training, and one exact message for each
// kind of mistake, with file:line:column and the key path.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "experiment/known_names.hpp"
#include "experiment/spec.hpp"
#include "support/files.hpp"
#include "support/plugins.hpp"
#include "tasks/adding.hpp"
#include "tasks/copy_memory.hpp"

namespace harness {
namespace {

const KnownNames kKnown{{"rnn_tanh", "gru", "lstm"}, {"naive", "blas"}};

const char* kMinimal = R"(name: t
tasks:
  - {kind: adding, T: 20}
models:
  - {cell: lstm}
)";

ExperimentSpec parse(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  return parse_experiment(yaml, "test.yaml", overrides, kKnown);
}

// The message parse() fails with.
std::string error_of(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  try {
    parse(yaml, overrides);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Spec, DefaultsFilled) {
  const auto spec = parse(kMinimal);
  ASSERT_EQ(spec.trials.size(), 1u);
  const auto& t = spec.trials[0];
  EXPECT_EQ(t.task.kind, &kAddingTask);
  EXPECT_EQ(t.task.length, 20);
  EXPECT_EQ(options_of<AddingOptions>(t.task).placement, Placement::Halves);
  EXPECT_EQ(t.model.hidden, 128);
  EXPECT_EQ(t.model.init.recurrent, RecurrentInit::Orthogonal);
  EXPECT_EQ(t.backend.name, "blas");
  EXPECT_EQ(t.training.optimizer, OptimizerKind::RmsProp);
  EXPECT_FALSE(t.training.clip_norm.has_value());
}

TEST(Spec, GridIsTheCrossProductOfListValuedKeys) {
  const auto spec = parse(R"(name: g
repeats: 2
tasks:
  - {kind: adding, T: [10, 20, 30]}
  - {kind: copy_memory, T: 5}
models:
  - {cell: [rnn_tanh, lstm], hidden: [8, 16]}
  - {cell: gru, bidirectional: true}
training: {learning_rate: [0.1, 0.01]}
)");
  // (3 adding + 1 copy) × (4 + 1 models) × 2 learning rates × 2 repeats
  EXPECT_EQ(spec.trials.size(), 4u * 5u * 2u * 2u);
  EXPECT_EQ(spec.trials[0].task.length, 10);
  EXPECT_EQ(spec.trials.back().task.kind, &kCopyMemoryTask);
  EXPECT_TRUE(spec.trials.back().model.bidirectional);
  EXPECT_NE(spec.trials[0].seed, spec.trials[1].seed);  // repeats differ in seed
  for (std::size_t i = 0; i < spec.trials.size(); ++i) EXPECT_EQ(spec.trials[i].index, int(i));
}

TEST(Spec, TrainingSettingsOfATaskOverrideTheExperiments) {
  const auto spec = parse(R"(name: o
tasks:
  - {kind: adding, T: 10, training: {steps: 7}}
  - {kind: adding, T: 10}
models: [{cell: lstm, training: {batch: 3}}]
training: {steps: 100, batch: 5}
)");
  EXPECT_EQ(spec.trials[0].training.steps, 7);
  EXPECT_EQ(spec.trials[1].training.steps, 100);
  EXPECT_EQ(spec.trials[0].training.batch, 3);
}

// The record of a trial holds every key, defaults included, each written as the file writes it.
TEST(Spec, RecordHoldsEveryKeyWithItsValue) {
  const auto spec = parse(std::string(kMinimal) + "training: {optimizer: adam, clip_norm: 2}\n");
  const auto record = to_json(spec.trials[0]);
  EXPECT_EQ(record["task"]["kind"], "adding");
  EXPECT_EQ(record["task"]["placement"], "halves");
  EXPECT_EQ(record["model"]["init"]["weights"], "glorot");
  EXPECT_EQ(record["model"]["init"]["scale"], 0.1);
  EXPECT_EQ(record["training"]["optimizer"], "adam");
  EXPECT_EQ(record["training"]["beta2"], 0.999);
  EXPECT_EQ(record["training"]["clip_norm"], 2.0);
  EXPECT_TRUE(record["training"]["clip_value"].is_null());
  EXPECT_EQ(record["seed"], spec.trials[0].seed);
  for (const char* key :
       {"optimizer", "learning_rate", "momentum", "decay", "beta1", "beta2", "epsilon", "batch",
        "steps", "clip_norm", "clip_value", "eval_every", "stop_when_solved"}) {
    EXPECT_TRUE(record["training"].contains(key)) << key;
  }
  EXPECT_FALSE(to_json(parse("name: t\ntasks: [{kind: copy_memory, T: 5}]\nmodels: [{cell: "
                             "lstm}]\n")
                           .trials[0])["task"]
                   .contains("placement"));
}

TEST(Spec, SetOverridesKeysAndListElements) {
  const auto spec =
      parse(kMinimal, {"training.steps=42", "models[0].hidden=[4, 8]", "tasks.0.T=9"});
  ASSERT_EQ(spec.trials.size(), 2u);
  EXPECT_EQ(spec.trials[0].training.steps, 42);
  EXPECT_EQ(spec.trials[1].model.hidden, 8);
  EXPECT_EQ(spec.trials[0].task.length, 9);
  EXPECT_NE(spec.resolved_yaml.find("steps: 42"), std::string::npos);
}

TEST(SpecErrors, UnknownKeySuggestsTheClosest) {
  EXPECT_EQ(error_of(std::string(kMinimal) + "training:\n  lerning_rate: 0.1\n"),
            "test.yaml:7:3: training.lerning_rate: unknown key; did you mean 'learning_rate'?; "
            "known keys here: optimizer, learning_rate, momentum, decay, beta1, beta2, epsilon, "
            "batch, steps, clip_norm, clip_value, eval_every, stop_when_solved");
}

TEST(SpecErrors, UnknownTopLevelKey) {
  EXPECT_EQ(error_of(std::string(kMinimal) + "seeed: 3\n"),
            "test.yaml:6:1: seeed: unknown key; did you mean 'seed'?; known keys here: name, "
            "description, seed, repeats, search, tasks, models, backend, training");
}

TEST(SpecErrors, WrongType) {
  EXPECT_EQ(
      error_of(
          "name: t\ntasks: [{kind: adding, T: 20}]\nmodels:\n  - {cell: lstm, hidden: many}\n"),
      "test.yaml:4:26: models[0].hidden: expected an integer, found 'many'");
}

TEST(SpecErrors, WrongTypeInsideAGrid) {
  EXPECT_EQ(error_of("name: t\ntasks: [{kind: adding, T: [10, x]}]\nmodels: [{cell: lstm}]\n"),
            "test.yaml:2:32: tasks[0].T: expected an integer, found 'x'");
}

TEST(SpecErrors, OutOfRange) {
  EXPECT_EQ(error_of("name: t\ntasks: [{kind: adding, T: 0}]\nmodels: [{cell: lstm}]\n"),
            "test.yaml:2:27: tasks[0].T: must be between 2 and 100000, found 0");
  EXPECT_EQ(error_of("name: t\ntasks: [{kind: adding, T: 5}]\nmodels: [{cell: lstm, hidden: 0}]\n"),
            "test.yaml:3:31: models[0].hidden: must be between 1 and 65536, found 0");
  EXPECT_EQ(error_of(std::string(kMinimal) + "training: {learning_rate: -0.1}\n"),
            "test.yaml:6:27: training.learning_rate: must be greater than 0, found -0.1");
  EXPECT_EQ(error_of(std::string(kMinimal) + "training: {decay: 1}\n"),
            "test.yaml:6:19: training.decay: must be at least 0 and less than 1, found 1");
}

TEST(SpecErrors, UnknownTaskListsTheAvailableOnes) {
  EXPECT_EQ(error_of("name: t\ntasks: [{kind: adder, T: 5}]\nmodels: [{cell: lstm}]\n"),
            "test.yaml:2:16: tasks[0].kind: unknown task 'adder'; did you mean 'adding'?; "
            "available: adding, copy_memory, temporal_order, lm, agreement");
}

// Names become typed values at validation: an unknown one never gets past it.
TEST(SpecErrors, UnknownOptimizerStopsValidation) {
  EXPECT_EQ(error_of(std::string(kMinimal) + "training: {optimizer: adagrad}\n"),
            "test.yaml:6:23: training.optimizer: unknown optimizer 'adagrad'; did you mean "
            "'adam'?; available: sgd, rmsprop, adam");
  EXPECT_EQ(error_of(std::string(kMinimal), {"models[0].init.recurrent=orthogonol"}),
            "--set models[0].init.recurrent=orthogonol: models[0].init.recurrent: unknown "
            "recurrent initialisation 'orthogonol'; did you mean 'orthogonal'?; available: "
            "orthogonal, identity, same");
}

TEST(SpecErrors, UnknownCellListsTheAvailableOnes) {
  EXPECT_EQ(error_of("name: t\ntasks: [{kind: adding, T: 5}]\nmodels: [{cell: lsmt}]\n"),
            "test.yaml:3:17: models[0].cell: unknown cell 'lsmt'; did you mean 'lstm'?; "
            "available: rnn_tanh, gru, lstm (a plugin's cells and backends are found with "
            "--plugin-dir DIR or HARNESS_PLUGIN_PATH)");
}

TEST(SpecErrors, UnknownBackendListsTheAvailableOnes) {
  EXPECT_EQ(error_of(std::string(kMinimal) + "backend: {name: cuda}\n"),
            "test.yaml:6:17: backend.name: unknown backend 'cuda'; available: naive, blas (a "
            "plugin's cells and backends are found with --plugin-dir DIR or HARNESS_PLUGIN_PATH)");
}

TEST(SpecErrors, MissingTasks) {
  EXPECT_EQ(error_of("name: t\nmodels: [{cell: lstm}]\n"),
            "test.yaml:1:1: tasks: missing: a list of tasks, e.g.\n"
            "tasks:\n  - {kind: adding, T: [50, 100]}");
}

TEST(SpecErrors, PlacementOnlyForAdding) {
  EXPECT_EQ(error_of("name: t\ntasks: [{kind: copy_memory, T: 5, placement: halves}]\nmodels: "
                     "[{cell: lstm}]\n"),
            "test.yaml:2:35: tasks[0].placement: applies to the adding task only");
}

TEST(SpecErrors, UnknownPlacement) {
  EXPECT_EQ(error_of("name: t\ntasks: [{kind: adding, T: 5, placement: middle}]\nmodels: "
                     "[{cell: lstm}]\n"),
            "test.yaml:2:41: tasks[0].placement: unknown placement 'middle'; available: halves, "
            "anywhere, pascanu");
}

TEST(SpecErrors, ValueGivenBySetNamesTheSet) {
  EXPECT_EQ(error_of(kMinimal, {"training.steps=0"}),
            "--set training.steps=0: training.steps: must be at least 1, found 0");
  EXPECT_EQ(error_of(kMinimal, {"training.steps"}),
            "--set training.steps: expected key.path=value, e.g. --set training.steps=500");
}

// Model keys that contradict the model: a projection for a cell that does not project (checked
// by the cell itself, from the loaded plugins), dropout with one layer, a merge with one direction.
TEST(SpecErrors, ModelOptionsTheModelCannotUse) {
  const KnownNames known = known_names(test::builtin_plugins());
  auto error = [&](const std::string& model) {
    try {
      parse_experiment("name: t\ntasks: [{kind: adding, T: 5}]\nmodels: [" + model + "]\n",
                       "test.yaml", {}, known);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_EQ(error("{cell: lstm, hidden: 8, proj: 4}"),
            "test.yaml:3:40: models[0].proj: cell lstm: the model asks for a projection to 4 units "
            "(proj), but this cell's state has 8: it takes no projection; remove proj or choose a "
            "cell that projects (lstmp)");
  EXPECT_EQ(error("{cell: lstmp, hidden: 8, proj: 4}"), "(no error)");
  EXPECT_EQ(error("{cell: gru, layers: 1, dropout: 0.2}"),
            "test.yaml:3:42: models[0].dropout: dropout acts between stacked layers, and this "
            "model has one; set layers: 2 or more, or remove dropout");
  EXPECT_EQ(error("{cell: gru, layers: 2, dropout: 1}"),
            "test.yaml:3:42: models[0].dropout: must be at least 0 and less than 1, found 1");
  EXPECT_EQ(error("{cell: gru, merge: sum}"),
            "test.yaml:3:29: models[0].merge: merge says how the two directions of a "
            "bidirectional model combine; set bidirectional: true, or remove merge");
}

TEST(SpecErrors, InvalidYaml) {
  EXPECT_EQ(error_of("name: t\ntasks: [\n"),
            "test.yaml:3:1: not valid YAML: end of sequence flow not found");
}

// The language model's corpus is read at validation: a bad one stops the run before any work.
class CorpusErrors : public ::testing::Test {
 protected:
  static std::filesystem::path write(const std::string& name, const std::string& text) {
    const auto file = std::filesystem::path(testing::TempDir()) / name;
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }
  static std::string lm(const std::string& task, const std::string& model = "{cell: lstm}") {
    return "name: t\ntasks:\n  - " + task + "\nmodels: [" + model + "]\n";
  }
};

TEST_F(CorpusErrors, MissingEmptyOrInvalidCorpus) {
  EXPECT_EQ(error_of(lm("{kind: lm, T: 10}")),
            "test.yaml:3:5: tasks[0].corpus: missing; e.g. corpus: corpora/kjv.txt");
  EXPECT_EQ(error_of(lm("{kind: lm, T: 10, corpus: /nonexistent.txt}")),
            "test.yaml:3:31: tasks[0].corpus: cannot read the corpus \"/nonexistent.txt\" (does it "
            "exist?)");
  const auto empty = write("spec_empty.txt", "");
  EXPECT_EQ(error_of(lm("{kind: lm, T: 10, corpus: " + empty.string() + "}")),
            "test.yaml:3:31: tasks[0].corpus: the corpus \"" + empty.string() + "\" is empty");
  const auto latin1 = write("spec_latin1.txt", "abc\ncaf\xe9\n");
  EXPECT_EQ(error_of(lm("{kind: lm, T: 10, corpus: " + latin1.string() + "}")),
            "test.yaml:3:31: tasks[0].corpus: the corpus \"" + latin1.string() +
                "\" is not valid UTF-8: byte 7 (from 0) starts no well-formed character; convert "
                "it, e.g. with iconv");
}

TEST_F(CorpusErrors, HeldOutSplitShorterThanOneChunk) {
  const auto small = write("spec_small.txt", std::string(400, 'a'));
  EXPECT_EQ(error_of(lm("{kind: lm, T: 50, corpus: " + small.string() + "}")),
            "test.yaml:3:31: tasks[0].corpus: the held-out split of " + small.string() +
                " has 20 tokens, fewer than one chunk (T = 50); give a longer corpus or a smaller "
                "T");
}

TEST_F(CorpusErrors, VocabularyCapAndKeysThatDoNotApply) {
  const auto text = write("spec_text.txt", std::string(4000, 'a'));
  const std::string corpus = "corpus: " + text.string();
  EXPECT_EQ(error_of(lm("{kind: lm, T: 10, vocabulary: 2, " + corpus + "}")),
            "test.yaml:3:35: tasks[0].vocabulary: must be between 3 and 65536, found 2");
  EXPECT_EQ(error_of(lm("{kind: lm, T: 10, eval_sequences: 8, " + corpus + "}")),
            "test.yaml:3:39: tasks[0].eval_sequences: the lm task is scored on its corpus's "
            "held-out split, not on generated sequences; remove this key");
  EXPECT_EQ(error_of(lm("{kind: adding, T: 10, carry_state: true}")),
            "test.yaml:3:40: tasks[0].carry_state: the adding task's batches are independent "
            "sequences: there is no state to carry from one to the next");
  EXPECT_EQ(error_of(lm("{kind: lm, T: 10, " + corpus + "}", "{cell: lstm, bidirectional: true}")),
            "test.yaml:4:38: models[0].bidirectional: a bidirectional model cannot carry its "
            "state from one chunk to the next; set tasks[0].carry_state: false");
  EXPECT_EQ(error_of(lm("{kind: agreement, T: 5, attractors: 2}")),
            "test.yaml:3:41: tasks[0].attractors: 2 attractors need at least 6 words between "
            "subject and verb (a 3-word phrase each), T is 5");
}

}  // namespace
}  // namespace harness

namespace harness {
namespace {

// Every experiment shipped in experiments/ reads without error against the built-in plugins.
TEST(ShippedExperiments, AllValidate) {
  const KnownNames known = known_names(test::builtin_plugins());
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(HARNESS_EXPERIMENTS_DIR)) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    EXPECT_NO_THROW({
      const auto spec = load_experiment(entry.path().string(), {}, known);
      EXPECT_FALSE(spec.trials.empty()) << entry.path();
    }) << entry.path();
  }
  EXPECT_GE(files, 3);
}

// Inputs the loader's fuzzer (tools/fuzz-spec) once crashed on: each now reads or fails with a
// ConfigError, as any text must.
TEST(FuzzRegressions, EachReadsOrFailsWithAConfigError) {
  const KnownNames known = known_names(test::builtin_plugins());
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(HARNESS_FUZZ_REGRESSIONS_DIR)) {
    ++files;
    try {
      parse_experiment(test::read_text(entry.path()), entry.path().filename().string(), {}, known);
    } catch (const ConfigError&) {
    } catch (const std::exception& error) {
      ADD_FAILURE() << entry.path() << " threw " << error.what();
    }
  }
  EXPECT_GE(files, 1);
}

TEST(SpecErrors, GridPastTheTrialLimitStopsBeforeExpanding) {
  std::string lists;
  for (int k = 0; k < 50; ++k) lists += fmt::format(", k{}: [1, 2, 3]", k);
  EXPECT_EQ(
      error_of("name: huge\ntasks: [{kind: adding, T: 10" + lists + "}]\nmodels: [{cell: gru}]\n"),
      "test.yaml: tasks[0] × models[0] makes a grid of uncountably many points (× 1 "
      "repeats), past the limit of 100000 trials an experiment may have; split the sweep "
      "into several experiments");
  EXPECT_EQ(error_of("name: big\nrepeats: 1000\ntasks: [{kind: adding, T: [10, 20, 30, 40]}]\n"
                     "models: [{cell: [gru, lstm], hidden: [8, 16, 32, 64, 128, 256, 512, 1024, "
                     "2048, 4096, 8192, 16384, 32768]}]\n"),
            "test.yaml: tasks[0] × models[0] makes a grid of 104 points (× 1000 repeats), past the "
            "limit of 100000 trials an experiment may have; split the sweep into several "
            "experiments");
}

TEST(SpecErrors, KeyGivenTwiceInOneMappingIsNamed) {
  EXPECT_EQ(error_of("name: twice\ntasks: [{kind: adding, T: 10, T: [20, 30]}]\n"
                     "models: [{cell: gru}]\n"),
            "test.yaml:2:31: tasks[0].T: given twice in the same mapping; keep one (a list gives "
            "several values)");
}

const char* kSearch = R"(name: s
search: {from: 10, max: 400, resolution: 5, seeds: 3, budget: 700}
tasks:
  - {kind: adding}
models:
  - {cell: [rnn_tanh, lstm]}
)";

TEST(SpecSearch, FirstRoundIsEveryModelAtFromWithEachSeed) {
  const auto spec = parse(kSearch);
  ASSERT_TRUE(spec.search.has_value());
  EXPECT_EQ(spec.search->from, 10);
  EXPECT_EQ(spec.search->max, 400);
  EXPECT_EQ(spec.search->growth, 2);  // the default
  EXPECT_EQ(spec.search->resolution, 5);
  ASSERT_EQ(spec.trials.size(), 6u);
  for (std::size_t i = 0; i < spec.trials.size(); ++i) {
    const TrialSpec& t = spec.trials[i];
    EXPECT_EQ(t.task.length, 10);
    EXPECT_EQ(t.training.steps, 700);  // the budget
    EXPECT_EQ(t.repeat, static_cast<int>(i % 3));
    EXPECT_EQ(t.model.cell, i < 3 ? "rnn_tanh" : "lstm");
    EXPECT_EQ(to_json(t)["search"]["seeds"], 3);  // the record says which search chose T
  }
  EXPECT_FALSE(to_json(parse(kMinimal).trials[0]).contains("search"));
}

TEST(SpecSearch, MistakesSayHowToFixThem) {
  const std::string search(kSearch);
  auto with = [&](const std::string& from, const std::string& to) {
    std::string yaml = search;
    yaml.replace(yaml.find(from), from.size(), to);
    return error_of(yaml);
  };
  EXPECT_EQ(with("{kind: adding}", "{kind: adding, T: 50}"),
            "test.yaml:4:23: tasks[0].T: the search sets T, from search.from up to search.max; "
            "remove T here");
  EXPECT_EQ(with("name: s\n", "name: s\nrepeats: 2\n"),
            "test.yaml:2:10: repeats: a search tries search.seeds seeds at every T; remove "
            "repeats (or set search.seeds)");
  EXPECT_EQ(with("from: 10,", "key: hidden, from: 10,"),
            "test.yaml:2:15: search.key: only the sequence length T can be searched: key: T");
  EXPECT_EQ(with("max: 400", "max: 5"),
            "test.yaml:2:25: search.max: must be between 10 and 100000, found 5");
  EXPECT_EQ(with("from: 10", "from: 5"), "(no error)");  // adding needs T ≥ 2 only
  EXPECT_EQ(error_of(search + "training: {steps: 100}\n"),
            "test.yaml:7:19: training.steps: search.budget gives every trial's training steps; "
            "remove steps here, or search.budget");
  EXPECT_EQ(error_of(search, {"search.from=5", "tasks[0].kind=temporal_order"}),
            "--set tasks[0].kind=temporal_order: tasks[0].kind: the temporal_order task needs "
            "T ≥ 10; set search.from to 10 or more");
  EXPECT_EQ(error_of(search, {"tasks[0].kind=lm", "tasks[0].corpus=x.txt"}),
            "--set tasks[0].kind=lm: tasks[0].kind: a search over T needs a task whose T is the "
            "length of a dependency (adding, copy_memory, temporal_order, agreement), not the lm "
            "task's chunk of text");
}

}  // namespace
}  // namespace harness
