#include "report/plot.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace harness {

namespace {

// Colour-blind-safe (Okabe & Ito).
constexpr std::array<const char*, 8> kPalette{"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                              "#E69F00", "#56B4E9", "#000000", "#F0E442"};

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// A file name for /bin/sh: in single quotes, each ' as '\''.
std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

bool usable(double y, bool log) {
  return std::isfinite(y) && (!log || y > 0);
}

// Whether a series has a point to draw (gnuplot refuses a plot of nothing but empty series).
bool drawable(const Series& series, bool bars, bool log_y) {
  return std::any_of(series.points.begin(), series.points.end(), [&](const auto& point) {
    return bars ? std::isfinite(point.second) : usable(point.second, log_y && !series.right_axis);
  });
}

// Logarithmic when the positive values span more than two decades.
bool wants_log(const Plot& plot) {
  double low = INFINITY, high = 0;
  for (const auto& s : plot.series) {
    for (const auto& [x, y] : s.points) {
      if (std::isfinite(y) && y > 0) low = std::min(low, y), high = std::max(high, y);
    }
  }
  return high > 0 && high / low > 100;
}

std::string script(const Plot& plot, PlotFormat format, const std::filesystem::path& file,
                   bool log_y) {
  std::string s = format == PlotFormat::Svg
                      ? "set terminal svg size 760,440 dynamic noenhanced font 'sans,12' "
                        "background '#ffffff'\n"
                      : "set terminal pngcairo size 1000,580 noenhanced font 'sans,11'\n";
  s += fmt::format("set output {}\n", quoted(file.string()));
  s += fmt::format("set title {}\nset xlabel {}\nset ylabel {}\n", quoted(plot.title),
                   quoted(plot.x_label), quoted(plot.y_label));
  s += "set grid\nset key outside right top box\nset datafile missing 'NaN'\n";
  if (log_y) s += "set logscale y\n";
  if (plot.log_x) s += "set logscale x\n";
  const bool any_right = std::any_of(plot.series.begin(), plot.series.end(),
                                     [](const Series& x) { return x.right_axis; });
  if (any_right)
    s += fmt::format("set y2label {}\nset y2tics\nset ytics nomirror\n", quoted(plot.y2_label));
  if (plot.bars) {
    s += "set style data histogram\nset style histogram clustered gap 1\n"
         "set style fill solid 0.85 border -1\nset xtics rotate by -30\nset yrange [0:*]\n";
  }
  // The data, inline: one block per series.
  for (std::size_t i = 0; i < plot.series.size(); ++i) {
    s += fmt::format("$s{} << EOD\n", i);
    const auto& series = plot.series[i];
    if (!drawable(series, plot.bars, log_y)) continue;
    for (const auto& [x, y] : series.points) {
      if (plot.bars) {  // every cluster, so that the clusters line up
        s += fmt::format("{} {}\n", quoted(plot.bar_labels.at(static_cast<std::size_t>(x))),
                         std::isfinite(y) ? fmt::format("{:.9g}", y) : "NaN");
      } else if (usable(y, log_y && !series.right_axis)) {
        s += fmt::format("{:.9g} {:.9g}\n", x, y);
      }
    }
    s += "EOD\n";
  }
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < plot.series.size(); ++i) {
    const auto& series = plot.series[i];
    if (!drawable(series, plot.bars, log_y)) continue;
    const char* color = kPalette[(series.color < 0 ? i : series.color) % kPalette.size()];
    if (plot.bars) {
      parts.push_back(fmt::format("$s{} using 2{} title {} lc rgb '{}'", i,
                                  i == 0 ? ":xtic(1)" : "", quoted(series.title), color));
    } else {
      parts.push_back(fmt::format("$s{} using 1:2 with lines lw 2 {} lc rgb '{}' title {}{}", i,
                                  series.dashed ? "dt 2" : "dt 1", color, quoted(series.title),
                                  series.right_axis ? " axes x1y2" : ""));
    }
  }
  s += "plot " + fmt::format("{}", fmt::join(parts, ", \\\n     ")) + "\n";
  return s;
}

}  // namespace

std::optional<std::string> gnuplot_version() {
  FILE* pipe = popen("gnuplot --version 2>/dev/null", "r");
  if (!pipe) return std::nullopt;
  char buffer[256] = {};
  const std::size_t n = std::fread(buffer, 1, sizeof buffer - 1, pipe);
  const int status = pclose(pipe);
  if (status != 0 || n == 0) return std::nullopt;
  std::string version(buffer, n);
  while (!version.empty() && version.back() == '\n') version.pop_back();
  return version;
}

bool render(const Plot& plot, PlotFormat format, const std::filesystem::path& file) {
  const bool log_y = plot.log_y.value_or(wants_log(plot));
  if (std::none_of(plot.series.begin(), plot.series.end(),
                   [&](const Series& s) { return drawable(s, plot.bars, log_y); })) {
    return false;
  }
  // gnuplot's messages (it writes some to stdout) go to a file of their own, kept for the error.
  std::string log_name =
      (std::filesystem::temp_directory_path() / "harness-gnuplot-XXXXXX").string();
  const int log_descriptor = mkstemp(log_name.data());
  if (log_descriptor < 0) throw std::runtime_error("cannot create a temporary file for gnuplot");
  close(log_descriptor);
  const std::filesystem::path log = log_name;
  FILE* pipe = popen(fmt::format("gnuplot > {} 2>&1", shell_quoted(log.string())).c_str(), "w");
  if (!pipe) {
    std::filesystem::remove(log);
    throw std::runtime_error("cannot start gnuplot");
  }
  const std::string text = script(plot, format, file, log_y);
  std::fwrite(text.data(), 1, text.size(), pipe);
  const int status = pclose(pipe);
  std::ifstream messages(log);
  const std::string errors((std::istreambuf_iterator<char>(messages)),
                           std::istreambuf_iterator<char>());
  std::filesystem::remove(log);
  if (status != 0 || !std::filesystem::exists(file)) {
    throw std::runtime_error(fmt::format("gnuplot failed on the plot '{}' (exit status {}): {}",
                                         plot.title, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                                         errors));
  }
  return true;
}

}  // namespace harness
