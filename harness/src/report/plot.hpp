// Plots drawn by gnuplot (Debian's gnuplot-nox), driven through a pipe: one script per plot with
// its data inline, rendered as SVG (for the HTML report) or PNG (for the Markdown one).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace harness {

struct Series {
  std::string title;
  std::vector<std::pair<double, double>> points;  // (x, y); non-finite or, on a log axis,
                                                  // non-positive y are left out
  bool dashed = false;
  int color = -1;           // index into the palette; −1: the series' position
  bool right_axis = false;  // plotted against y2
};

struct Plot {
  std::string title;
  std::string x_label, y_label, y2_label;
  std::vector<Series> series;
  bool log_x = false;
  std::optional<bool> log_y;  // unset: logarithmic when the positive data span two decades
  // Bars instead of lines: a cluster per label below, a bar per series in it; a series' points
  // are then (label index, value), NaN where it has none.
  bool bars = false;
  std::vector<std::string> bar_labels;
};

enum class PlotFormat { Svg, Png };

// Whether gnuplot can be run, and its version text when it can.
std::optional<std::string> gnuplot_version();

// Renders `plot` into `file`; false (and no file) when no series has a point to draw. Throws
// std::runtime_error with gnuplot's exit status and message when it fails.
bool render(const Plot& plot, PlotFormat format, const std::filesystem::path& file);

}  // namespace harness
