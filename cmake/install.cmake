# `cmake --install <build> --prefix <dir>` installs the libraries, their headers and the raftsim
# CLI, and exports them as the CMake package `raftsim`. A project then writes
# find_package(raftsim REQUIRED) and links raftsim::runner, raftsim::sim, ... with the same names
# as in this tree (examples/consumer/ is the smallest such project; tests/install/ builds it).
#
# Layout under the prefix (lib/ is CMAKE_INSTALL_LIBDIR, from GNUInstallDirs):
#   include/{input,sim,raft,checkers,scenarios}/...  every header, at the path it is included by
#   lib/libraftsim_*.a                         the static libraries
#   lib/cmake/raftsim/                         raftsimConfig.cmake, its version file, the targets
#   bin/raftsim                                the CLI, raftsim::raftsim
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(RAFTSIM_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/raftsim)

# Installed targets are named like the in-tree aliases: raftsim_sim is raftsim::sim in both.
set(RAFTSIM_INSTALLED_LIBRARIES
  raftsim_input raftsim_sim raftsim_sim_fixture raftsim_raft raftsim_kv raftsim_linearizability
  raftsim_checkers raftsim_scenarios raftsim_runner)
foreach(library IN LISTS RAFTSIM_INSTALLED_LIBRARIES)
  string(REGEX REPLACE "^raftsim_" "" export_name ${library})
  if(NOT TARGET raftsim::${export_name})
    message(FATAL_ERROR "${library} has no alias raftsim::${export_name} to match its export name")
  endif()
  set_target_properties(${library} PROPERTIES EXPORT_NAME ${export_name})
endforeach()

# The CLI exports under its own name, as raftsim::raftsim.
install(TARGETS ${RAFTSIM_INSTALLED_LIBRARIES} raftsim
  EXPORT raftsimTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Headers live beside their sources and are included by their path from the root
# ("sim/world.h"), so each library folder installs its headers under include/ at the same paths
# (the targets' $<INSTALL_INTERFACE:include>). Every header is installed: public headers include
# detail/ ones (sim/detail/fiber.h), and none includes anything from tools/ or tests/.
foreach(folder IN ITEMS input sim raft checkers scenarios)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${folder}/
    DESTINATION include/${folder}
    FILES_MATCHING PATTERN "*.h"
    # scenarios/library/ holds only JSON, embedded at build time: not an empty include directory.
    PATTERN "library" EXCLUDE)
endforeach()

install(EXPORT raftsimTargets
  NAMESPACE raftsim::
  DESTINATION ${RAFTSIM_INSTALL_CMAKEDIR})

configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/raftsimConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/raftsimConfig.cmake
  INSTALL_DESTINATION ${RAFTSIM_INSTALL_CMAKEDIR})
# Before 1.0 a minor release may change the API, so only the same major.minor is compatible.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/cmake/raftsimConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/cmake/raftsimConfig.cmake
  ${PROJECT_BINARY_DIR}/cmake/raftsimConfigVersion.cmake
  DESTINATION ${RAFTSIM_INSTALL_CMAKEDIR})
