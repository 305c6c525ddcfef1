// harness report and the report at the end of harness run: every file of the smoke run's report,
// the report rewritten from the folder or the run id, the tables without gnuplot, gnuplot failing,
// and harness compare of two runs of one experiment on two backends.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "support/files.hpp"
#include "support/run_harness.hpp"

namespace harness {
namespace {

namespace fs = std::filesystem;
using test::run_harness;

std::string quoted(const fs::path& path) {
  std::string text = "'";  // appended, not "'" + …: GCC 12 warns (-Wrestrict) on that falsely
  text += path.string();
  return text + "'";
}

// The smoke run into `folder`/run, its store `folder`/store.sqlite.
test::CommandResult smoke_run(const fs::path& folder, const std::string& more = "",
                              const std::string& environment = "") {
  return run_harness("run '" HARNESS_SMOKE_EXPERIMENT "' --out " + quoted(folder / "run") +
                         " --store " + quoted(folder / "store.sqlite") + " " + more,
                     environment);
}

// The plots the smoke run's report has: three per task (it has three tasks at one T each) and
// two of throughput.
const std::vector<std::string> kSmokePlots{"loss_adding_T_12",
                                           "gradients_adding_T_12",
                                           "clipping_adding_T_12",
                                           "loss_copy_memory_T_5",
                                           "gradients_copy_memory_T_5",
                                           "clipping_copy_memory_T_5",
                                           "loss_temporal_order_T_20",
                                           "gradients_temporal_order_T_20",
                                           "clipping_temporal_order_T_20",
                                           "throughput_sequences_per_s",
                                           "throughput_gflops"};

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(Report, SmokeRunEndsWithEveryFile) {
  const fs::path folder = test::scratch_folder("report_test_every_file");
  const auto result = smoke_run(folder);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const fs::path run = folder / "run";
  EXPECT_NE(result.output.find("report: " + (run / "report.html").string()), std::string::npos)
      << result.output;

  std::vector<std::string> pngs;
  for (const auto& entry : fs::directory_iterator(run / "plots")) {
    pngs.push_back(entry.path().filename().string());
    EXPECT_EQ(entry.path().extension(), ".png") << entry.path();
    EXPECT_GT(entry.file_size(), 10'000u) << entry.path();
  }
  EXPECT_EQ(pngs.size(), kSmokePlots.size());
  const std::string markdown = test::read_text(run / "report.md");
  const std::string html = test::read_text(run / "report.html");
  for (const auto& name : kSmokePlots) {
    EXPECT_TRUE(fs::exists(run / "plots" / (name + ".png"))) << name;
    EXPECT_NE(markdown.find("(plots/" + name + ".png)"), std::string::npos) << name;
    EXPECT_NE(html.find("<div class=\"plot\" id=\"" + name + "\"><svg"), std::string::npos) << name;
  }
  EXPECT_EQ(count(html, "<svg"), kSmokePlots.size());
  EXPECT_EQ(count(html, "</svg>"), kSmokePlots.size());
  EXPECT_EQ(html.find("<?xml"), std::string::npos);  // the SVG inline, not as documents
  // The tables, the environment and the experiment as run.
  EXPECT_EQ(count(html, "<table>"), 3u);  // one per task kind
  EXPECT_NE(html.find("<h2>Environment</h2>"), std::string::npos);
  EXPECT_NE(html.find("name: smoke"), std::string::npos);
  EXPECT_NE(markdown.find("| trial |"), std::string::npos);
  EXPECT_TRUE(fs::exists(run / "summary.md"));
}

TEST(Report, CommandWritesItAgainFromTheFolderOrTheRunId) {
  const fs::path folder = test::scratch_folder("report_test_command");
  ASSERT_EQ(smoke_run(folder, "--no-report").exit_code, 0);
  EXPECT_FALSE(fs::exists(folder / "run" / "report.html"));
  EXPECT_FALSE(fs::exists(folder / "run" / "plots"));

  // From the folder: run.json names the store.
  auto result = run_harness("report " + quoted(folder / "run"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(fs::exists(folder / "run" / "report.html"));
  EXPECT_TRUE(fs::exists(folder / "run" / "plots" / "loss_adding_T_12.png"));

  // From the run id in the store, into another folder.
  std::smatch id;
  const std::string run_json = test::read_text(folder / "run" / "run.json");
  ASSERT_TRUE(std::regex_search(run_json, id, std::regex("\"run_id\": \"([^\"]+)\"")));
  result = run_harness("report " + id[1].str() + " --store " + quoted(folder / "store.sqlite") +
                       " --out " + quoted(folder / "again"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(fs::exists(folder / "again" / "report.md"));
  EXPECT_EQ(test::read_text(folder / "again" / "report.md"),
            test::read_text(folder / "run" / "report.md"));
}

TEST(Report, UnknownRunSaysWhereItLooked) {
  const fs::path folder = test::scratch_folder("report_test_unknown");
  auto result = run_harness("report no-such-run --store " + quoted(folder / "none.sqlite"));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.output,
            "harness: 'no-such-run' is not a run's folder, and there is no results "
            "store " +
                (folder / "none.sqlite").string() +
                " to look it up as a run id in (--store FILE names another)\n");
  result = run_harness("report " + quoted(folder));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.output, "harness: " + folder.string() +
                               " has no run.json: name a run's folder "
                               "(results/<experiment>/<run-id>) or a run id\n");
  ASSERT_EQ(smoke_run(folder, "--no-report").exit_code, 0);
  result = run_harness("report 20990101-000000-1 --store " + quoted(folder / "store.sqlite"));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.output, "harness: the results store " + (folder / "store.sqlite").string() +
                               " has no run 20990101-000000-1\n");
}

TEST(Report, WithoutGnuplotTheReportHasTheTablesAndSaysWhy) {
  const fs::path folder = test::scratch_folder("report_test_no_gnuplot");
  const auto result = smoke_run(folder, "", "PATH=/nonexistent");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("(gnuplot is not installed (Debian: gnuplot-nox), so this report "
                               "has no plots)"),
            std::string::npos)
      << result.output;
  const std::string html = test::read_text(folder / "run" / "report.html");
  EXPECT_NE(html.find("gnuplot is not installed"), std::string::npos);
  EXPECT_NE(html.find("<table>"), std::string::npos);
  EXPECT_EQ(html.find("<svg"), std::string::npos);
  EXPECT_FALSE(fs::exists(folder / "run" / "plots"));
}

// A gnuplot that knows its version but fails every plot: the run is kept, the failure said.
TEST(Report, GnuplotFailingFailsTheReportNotTheRun) {
  const fs::path folder = test::scratch_folder("report_test_gnuplot_fails");
  fs::create_directories(folder / "bin");
  {
    std::ofstream script(folder / "bin" / "gnuplot");
    script << "#!/bin/sh\n[ \"$1\" = --version ] && { echo 'gnuplot 5.4 patchlevel 4'; exit 0; }\n"
              "cat > /dev/null; echo 'broken on purpose' >&2; exit 3\n";
  }
  fs::permissions(folder / "bin" / "gnuplot", fs::perms::owner_all);
  const auto result = smoke_run(folder, "", "PATH=" + quoted(folder / "bin") + ":/usr/bin:/bin");
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("the report failed (gnuplot failed on the plot 'Loss, adding T=12' "
                               "(exit status 3): broken on purpose"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("harness report " + (folder / "run").string() + " tries again"),
            std::string::npos)
      << result.output;
  EXPECT_TRUE(fs::exists(folder / "run" / "summary.md"));  // the run itself is all there
}

TEST(Compare, TwoBackendsOfTheSmokeRun) {
  const fs::path folder = test::scratch_folder("report_test_compare");
  ASSERT_EQ(smoke_run(folder / "a", "--no-report").exit_code, 0);
  ASSERT_EQ(smoke_run(folder / "b", "--no-report --set backend.name=tbb").exit_code, 0);
  const auto result =
      run_harness("compare " + quoted(folder / "a" / "run") + " " + quoted(folder / "b" / "run"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("The runs differ in every trial in backend: blas (A), tbb (B)."),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("9 trials matched by their spec."), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("### temporal_order\n"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("| A | B | cell     | hidden | layers |"), std::string::npos)
      << result.output;
  EXPECT_EQ(result.output.find("Only in"), std::string::npos) << result.output;

  const auto usage = run_harness("compare " + quoted(folder / "a" / "run"));
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_NE(usage.output.find("compare: which two runs?"), std::string::npos) << usage.output;
}

}  // namespace
}  // namespace harness
