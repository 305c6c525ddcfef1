# harness_add_plugin(<name> <sources>...)
# Builds a plugin: a shared library that sees only the public SDK, named <name>.so and placed in the
# plugin folder the harness searches by default.
function(harness_add_plugin name)
  add_library(${name} MODULE ${ARGN})
  target_link_libraries(${name} PRIVATE harness::sdk)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    LIBRARY_OUTPUT_DIRECTORY ${HARNESS_PLUGIN_OUTPUT_DIR}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
endfunction()
