# harness_add_plugin(<name> <sources>...)
# Builds a plugin: a shared library that sees only the public SDK, named <name>.so. In the harness's
# own build it goes to the built-in plugin folder; in a plugin project built against the installed
# package it goes to <build folder>/plugins, the folder to pass to `harness --plugin-dir`.
if(NOT DEFINED HARNESS_PLUGIN_OUTPUT_DIR)
  set(HARNESS_PLUGIN_OUTPUT_DIR ${CMAKE_BINARY_DIR}/plugins)
endif()

function(harness_add_plugin name)
  add_library(${name} MODULE ${ARGN})
  target_link_libraries(${name} PRIVATE harness::sdk)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    LIBRARY_OUTPUT_DIRECTORY ${HARNESS_PLUGIN_OUTPUT_DIR}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
endfunction()
