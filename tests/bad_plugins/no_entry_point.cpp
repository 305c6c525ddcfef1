// A real shared library that does not export the harness entry point.
extern "C" __attribute__((visibility("default"))) int not_a_harness_plugin() {
  return 42;
}
