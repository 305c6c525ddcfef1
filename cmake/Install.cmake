# `cmake --install` lays out the harness as the build tree does:
#   bin/harness                     the executable
#   lib/harness/plugins/*.so        the built-in plugins, found next to the executable
#   include/harness/*.hpp           the plugin SDK
#   lib/cmake/harness/              the CMake package: find_package(harness) gives harness::sdk,
#                                   harness::harness (the executable) and harness_add_plugin()
include(CMakePackageConfigHelpers)

set(HARNESS_PACKAGE_DIR lib/cmake/harness)

install(TARGETS harness EXPORT harnessTargets RUNTIME DESTINATION bin)
install(TARGETS ${HARNESS_BUILTIN_PLUGINS} LIBRARY DESTINATION ${HARNESS_PLUGIN_SUBDIR})
install(TARGETS harness_sdk EXPORT harnessTargets)
install(DIRECTORY harness/include/harness DESTINATION include)
install(EXPORT harnessTargets NAMESPACE harness:: DESTINATION ${HARNESS_PACKAGE_DIR})

configure_package_config_file(cmake/harnessConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/harnessConfig.cmake
  INSTALL_DESTINATION ${HARNESS_PACKAGE_DIR}
  PATH_VARS HARNESS_PLUGIN_SUBDIR)
# Plugins must be rebuilt for every new minor version (the SDK's ABI may change with it).
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/harnessConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${CMAKE_CURRENT_BINARY_DIR}/harnessConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/harnessConfigVersion.cmake
  cmake/HarnessPlugin.cmake
  DESTINATION ${HARNESS_PACKAGE_DIR})
