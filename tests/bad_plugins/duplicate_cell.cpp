// A plugin that provides a cell named "lstm", which the built-in cells plugin provides too.
#include <harness/plugin.hpp>

#include "rnn.hpp"

namespace {

constexpr harness::CellEntry kCells[] = {
    {"lstm", "not an LSTM at all", &harness::make_cell<cells::Rnn<cells::RnnActivation::Tanh>>},
};

}  // namespace

HARNESS_PLUGIN("duplicate_cell", "0.0.1", kCells, {})
