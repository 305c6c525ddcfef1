// A plugin built for the previous ABI version (1: before cells could lack W_h or project): the
// harness must refuse it, naming both versions.
#include <harness/plugin.hpp>

namespace {

const harness::PluginDescriptor* describe_previous_abi() {
  static const harness::PluginDescriptor descriptor{
      harness::kAbiVersion - 1, "abi_mismatch", "0.0.1", {}, {}};
  return &descriptor;
}

}  // namespace

BOOST_DLL_ALIAS(describe_previous_abi, harness_plugin)
