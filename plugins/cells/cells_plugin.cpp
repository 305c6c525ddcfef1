// The built-in cells: vanilla RNN, GRU and LSTM families, IndRNN, minGRU and minLSTM.
#include <harness/plugin.hpp>

#include "gru.hpp"
#include "indrnn.hpp"
#include "lstm.hpp"
#include "lstm_ln.hpp"
#include "minimal.hpp"
#include "rnn.hpp"

namespace {

using cells::Lstm;
using cells::LstmForm;
using harness::make_cell;

// Greff et al.'s vanilla LSTM has peepholes; each of its variants drops one part of it.
constexpr LstmForm kVanilla{.peepholes = true};
constexpr LstmForm without(LstmForm form, bool LstmForm::*part) {
  form.*part = false;
  return form;
}
constexpr LstmForm with(LstmForm form, bool LstmForm::*part) {
  form.*part = true;
  return form;
}

constexpr harness::CellEntry kCells[] = {
    {"rnn_tanh", "vanilla RNN, h = tanh(W_x x + W_h h + b)",
     &make_cell<cells::Rnn<cells::RnnActivation::Tanh>>},
    {"rnn_relu", "vanilla RNN with ReLU (IRNN with identity initialisation)",
     &make_cell<cells::Rnn<cells::RnnActivation::Relu>>},
    {"indrnn", "IndRNN, h = relu(W_x x + u * h + b), element-wise recurrence (Li et al. 2018)",
     &make_cell<cells::IndRnn>},
    {"gru", "GRU, reset gate applied to h before the recurrent product (Cho et al. 2014)",
     &make_cell<cells::Gru<cells::GruVariant::ResetBeforeProduct>>},
    {"gru_simple", "GRU with the update gate only",
     &make_cell<cells::Gru<cells::GruVariant::UpdateGateOnly>>},
    {"gru_lbr", "GRU, linear before reset (cuDNN, oneDNN, PyTorch)",
     &make_cell<cells::Gru<cells::GruVariant::LinearBeforeReset>>},
    {"mingru", "minGRU: gates from x only, no recurrent matrix (Feng et al. 2024)",
     &make_cell<cells::Minimal<cells::MinimalVariant::Gru>>},
    {"minlstm", "minLSTM: normalised f and i from x only, no recurrent matrix (Feng et al. 2024)",
     &make_cell<cells::Minimal<cells::MinimalVariant::Lstm>>},
    {"lstm", "LSTM with forget gate", &make_cell<Lstm<LstmForm{}>>},
    {"lstm_np", "= lstm: Greff et al.'s vanilla LSTM with no peepholes (NP)",
     &make_cell<Lstm<LstmForm{}>>},
    {"lstm_peephole", "LSTM with diagonal peepholes: c(t-1) into i and f, c(t) into o",
     &make_cell<Lstm<kVanilla>>},
    {"lstm_cifg", "LSTM with coupled input and forget gates, f = 1 - i (no peepholes)",
     &make_cell<Lstm<LstmForm{.coupled = true}>>},
    {"lstm_nig", "peephole LSTM without input gate, i = 1 (Greff et al. NIG)",
     &make_cell<Lstm<without(kVanilla, &LstmForm::input_gate)>>},
    {"lstm_nfg", "peephole LSTM without forget gate, f = 1 (Greff et al. NFG)",
     &make_cell<Lstm<without(kVanilla, &LstmForm::forget_gate)>>},
    {"lstm_nog", "peephole LSTM without output gate, o = 1 (Greff et al. NOG)",
     &make_cell<Lstm<without(kVanilla, &LstmForm::output_gate)>>},
    {"lstm_niaf", "peephole LSTM with a linear input, g = a_g (Greff et al. NIAF)",
     &make_cell<Lstm<without(kVanilla, &LstmForm::input_activation)>>},
    {"lstm_noaf", "peephole LSTM with a linear output, h = o * c (Greff et al. NOAF)",
     &make_cell<Lstm<without(kVanilla, &LstmForm::output_activation)>>},
    {"lstm_fgr", "peephole LSTM whose gates read all gates at t-1 (Greff et al. FGR)",
     &make_cell<Lstm<with(kVanilla, &LstmForm::full_gate_recurrence)>>},
    {"lstmp", "LSTM with a projection, h = W_p (o * tanh c), P = proj units (Sak et al. 2014)",
     &make_cell<Lstm<LstmForm{.projection = true}>>},
    {"lstm_ln", "LSTM with layer normalisation of each gate and of c (Ba et al. 2016)",
     &make_cell<cells::LstmLayerNorm>},
};

}  // namespace

HARNESS_PLUGIN("cells", "0.2.0", kCells, {})
