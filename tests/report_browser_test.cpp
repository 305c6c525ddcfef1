// The smoke run's report.html opened in headless Chromium, as a reader would: it loads without a
// console error, needs no file beside it, and every plot renders — its SVG has the paths of its
// lines in the DOM Chromium built, and a screenshot shows the plots' colours. Skipped, saying so,
// when Chromium is not installed (Debian: chromium; tools/install-deps installs it).
#include <gtest/gtest.h>
#include <png.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <regex>

#include "support/files.hpp"
#include "support/run_harness.hpp"

namespace harness {
namespace {

namespace fs = std::filesystem;

constexpr const char* kChromium = "/usr/bin/chromium";

// Runs headless Chromium on `page` with `arguments`; its output goes to `output`.
int chromium(const fs::path& profile, const std::string& arguments, const fs::path& page,
             const fs::path& output) {
  const std::string command =
      std::string(kChromium) +
      " --headless --no-sandbox --disable-gpu --disable-background-networking "
      "--disable-component-update --disable-sync --no-first-run --hide-scrollbars "
      "--enable-logging=stderr --v=0 --user-data-dir='" +
      profile.string() + "' " + arguments + " 'file://" + page.string() + "' > '" +
      output.string() + "' 2>&1";
  const int status = std::system(("timeout 120 " + command).c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct Pixels {
  int width = 0, height = 0;
  std::vector<png_byte> rgba;
};

Pixels read_png(const fs::path& file) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  Pixels pixels;
  if (!png_image_begin_read_from_file(&image, file.c_str())) return pixels;
  image.format = PNG_FORMAT_RGBA;
  pixels.rgba.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, pixels.rgba.data(), 0, nullptr)) return {};
  pixels.width = static_cast<int>(image.width);
  pixels.height = static_cast<int>(image.height);
  return pixels;
}

// Pixels within a small distance of the colour #rrggbb.
std::size_t count_colour(const Pixels& pixels, unsigned colour) {
  const int r = (colour >> 16) & 255, g = (colour >> 8) & 255, b = colour & 255;
  std::size_t n = 0;
  for (std::size_t i = 0; i + 3 < pixels.rgba.size(); i += 4) {
    n += std::abs(pixels.rgba[i] - r) + std::abs(pixels.rgba[i + 1] - g) +
             std::abs(pixels.rgba[i + 2] - b) <
         30;
  }
  return n;
}

// Paths of an SVG that draw a line through several points (gnuplot: d="M x,y L x,y L x,y ..."),
// or fill a bar (gnuplot: d="M x,y L ... Z"), as opposed to ticks and borders.
std::size_t lines_of_data(const std::string& svg) {
  std::size_t n = 0;
  for (auto at = svg.find(" d=\"M"); at != std::string::npos; at = svg.find(" d=\"M", at + 1)) {
    const std::string d = svg.substr(at + 4, svg.find('"', at + 4) - at - 4);
    n += std::count(d.begin(), d.end(), 'L') >= 3 && d.find('M', 1) == std::string::npos;
  }
  return n;
}

TEST(ReportInBrowser, SmokeReportLoadsAndEveryPlotRenders) {
  if (!fs::exists(kChromium)) {
    GTEST_SKIP() << "Chromium is not installed (Debian package chromium; tools/install-deps "
                    "installs it): the report's rendering in a browser is not checked";
  }
  const fs::path folder = test::scratch_folder("report_browser_test");
  const auto run =
      test::run_harness("run '" HARNESS_SMOKE_EXPERIMENT "' --out '" + (folder / "run").string() +
                        "' --store '" + (folder / "store.sqlite").string() + "'");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const fs::path page = folder / "run" / "report.html";
  const auto plots = static_cast<std::size_t>(
      std::distance(fs::directory_iterator(folder / "run" / "plots"), fs::directory_iterator()));
  ASSERT_GT(plots, 0u);

  // The DOM as Chromium built it.
  ASSERT_EQ(chromium(folder / "profile", "--dump-dom", page, folder / "dom.html"), 0)
      << test::read_text(folder / "dom.html");
  const std::string dom = test::read_text(folder / "dom.html");
  const auto log_start = dom.find("<html");
  ASSERT_NE(log_start, std::string::npos) << dom;
  const std::string log = dom.substr(0, log_start), html = dom.substr(log_start);
  EXPECT_EQ(log.find(":CONSOLE"), std::string::npos) << "console messages:\n" << log;
  EXPECT_NE(html.find("</html>"), std::string::npos);
  // Self-contained: no image, script or style sheet loaded from elsewhere.
  EXPECT_FALSE(std::regex_search(html, std::regex(R"(<(img|script|link)\b)"))) << html;
  std::size_t rendered = 0;
  const std::string plot_start = "<div class=\"plot\" id=\"";
  for (auto at = html.find(plot_start); at != std::string::npos;
       at = html.find(plot_start, at + 1)) {
    const auto name_end = html.find('"', at + plot_start.size());
    const std::string name = html.substr(at + plot_start.size(), name_end - at - plot_start.size());
    const auto svg_start = html.find("<svg", name_end), svg_end = html.find("</svg>", name_end);
    ASSERT_EQ(svg_start, name_end + 2) << name << " has no SVG";
    ASSERT_NE(svg_end, std::string::npos) << name << " has an unfinished SVG";
    const std::string svg = html.substr(svg_start, svg_end - svg_start);
    EXPECT_GE(lines_of_data(svg), 1u) << name << " has no line of data";
    EXPECT_NE(svg.find("<text"), std::string::npos) << name << " has no text";
    ++rendered;
  }
  EXPECT_EQ(rendered, plots);

  // What a reader sees: the first plots' lines in the palette's first two colours.
  ASSERT_EQ(
      chromium(folder / "profile",
               "--window-size=1200,4000 --screenshot='" + (folder / "page.png").string() + "'",
               page, folder / "screenshot.log"),
      0)
      << test::read_text(folder / "screenshot.log");
  const Pixels pixels = read_png(folder / "page.png");
  ASSERT_EQ(pixels.width, 1200);
  ASSERT_EQ(pixels.height, 4000);
  EXPECT_GT(count_colour(pixels, 0x0072B2), 2000u) << "no blue lines: the plots did not render";
  EXPECT_GT(count_colour(pixels, 0xD55E00), 2000u) << "no orange lines: the plots did not render";
  EXPECT_LT(count_colour(pixels, 0xFFFFFF), std::size_t(pixels.width) * pixels.height * 97 / 100)
      << "the page is blank";
}

}  // namespace
}  // namespace harness
