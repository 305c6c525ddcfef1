// The plots gnuplot draws for reports: a drawn plot is a file, a plot with nothing to draw is none,
// and gnuplot failing is an error with its exit status and message.
#include <gtest/gtest.h>

#include <cmath>

#include "report/plot.hpp"
#include "support/files.hpp"

namespace harness {
namespace {

namespace fs = std::filesystem;

Plot line_plot() {
  Plot plot{.title = "decay", .x_label = "t", .y_label = "norm"};
  Series& series = plot.series.emplace_back(Series{"tanh_rnn"});
  for (int t = 1; t <= 20; ++t) series.points.emplace_back(t, std::pow(0.5, t));
  return plot;
}

TEST(Plot, DrawsSvgAndPng) {
  if (!gnuplot_version()) GTEST_SKIP() << "gnuplot is not installed (Debian: gnuplot-nox)";
  const fs::path folder = test::scratch_folder("plot_test_draws");
  ASSERT_TRUE(render(line_plot(), PlotFormat::Svg, folder / "decay.svg"));
  ASSERT_TRUE(render(line_plot(), PlotFormat::Png, folder / "decay.png"));
  const std::string svg = test::read_text(folder / "decay.svg");
  EXPECT_NE(svg.find("<path"), std::string::npos);
  EXPECT_NE(svg.find("tanh_rnn"), std::string::npos);  // underscores as they are, no subscript
  EXPECT_GT(fs::file_size(folder / "decay.png"), 1000u);
}

TEST(Plot, NothingToDrawIsNoFile) {
  const fs::path folder = test::scratch_folder("plot_test_nothing");
  Plot plot = line_plot();
  for (auto& [x, y] : plot.series[0].points) y = NAN;
  EXPECT_FALSE(render(plot, PlotFormat::Svg, folder / "empty.svg"));
  plot.log_y = true;
  for (auto& [x, y] : plot.series[0].points) y = 0;  // nothing positive on a log axis
  EXPECT_FALSE(render(plot, PlotFormat::Svg, folder / "empty.svg"));
  EXPECT_FALSE(fs::exists(folder / "empty.svg"));
}

TEST(Plot, GnuplotFailingIsAnErrorWithItsMessage) {
  if (!gnuplot_version()) GTEST_SKIP() << "gnuplot is not installed (Debian: gnuplot-nox)";
  const fs::path folder = test::scratch_folder("plot_test_fails");
  try {
    render(line_plot(), PlotFormat::Svg, folder / "no such folder" / "decay.svg");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("gnuplot failed on the plot 'decay' (exit status 1)"), std::string::npos)
        << message;
    EXPECT_NE(message.find("cannot open file"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace harness
