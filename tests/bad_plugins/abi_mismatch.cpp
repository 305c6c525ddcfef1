// A plugin that claims the next ABI version: the harness must refuse it, naming both versions.
#include <harness/plugin.hpp>

namespace {

const harness::PluginDescriptor* describe_next_abi() {
  static const harness::PluginDescriptor descriptor{
      harness::kAbiVersion + 1, "abi_mismatch", "0.0.1", {}, {}};
  return &descriptor;
}

}  // namespace

BOOST_DLL_ALIAS(describe_next_abi, harness_plugin)
