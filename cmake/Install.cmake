# Install rules for the package config behind find_package(thumbflow) -> thumbflow::thumbflow.
# The targets themselves are installed next to their definitions (lib/, app/); this file adds the
# export set, the config and its version file.
include(CMakePackageConfigHelpers)

set(THUMBFLOW_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/thumbflow)

# A static libthumbflow carries its private dependencies into every consumer's link line, so the
# config must find them again; a shared one does not need them.
get_target_property(THUMBFLOW_LIBRARY_TYPE thumbflow TYPE)
if(THUMBFLOW_LIBRARY_TYPE STREQUAL "STATIC_LIBRARY")
  set(THUMBFLOW_FIND_PRIVATE_DEPENDENCIES ON)
else()
  set(THUMBFLOW_FIND_PRIVATE_DEPENDENCIES OFF)
endif()

install(EXPORT thumbflowTargets
  NAMESPACE thumbflow::
  DESTINATION ${THUMBFLOW_INSTALL_CMAKEDIR}
  COMPONENT Development)

configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/thumbflowConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/thumbflowConfig.cmake
  INSTALL_DESTINATION ${THUMBFLOW_INSTALL_CMAKEDIR})
# 0.x: a minor version may break the API, so only the same major.minor is compatible.
write_basic_package_version_file(
  ${CMAKE_CURRENT_BINARY_DIR}/thumbflowConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${CMAKE_CURRENT_BINARY_DIR}/thumbflowConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/thumbflowConfigVersion.cmake
  DESTINATION ${THUMBFLOW_INSTALL_CMAKEDIR}
  COMPONENT Development)
