# `cmake --install <build> --prefix <dir>` installs the libraries, their headers, the raftsim
# CLI and the lab programs, and exports them as the CMake package `raftsim`. A project then writes
# find_package(raftsim REQUIRED) and links raftsim::runner, raftsim::sim, ... with the same names
# as in this tree (examples/consumer/ is the smallest such project), or calls raftsim_add_labs to
# build the lab programs and a raftsim CLI that know its own Raft and KV service
# (cmake/raftsimLabs.cmake; examples/student/). tests/install/ builds both against a scratch
# install.
#
# Layout under the prefix (lib/ is CMAKE_INSTALL_LIBDIR, libexec/ CMAKE_INSTALL_LIBEXECDIR):
#   include/{input,sim,raft,checkers,views,scenarios}/...  every header, at the path it is included by
#   lib/libraftsim_*.a                         the static libraries (with the CLI's commands,
#                                              raftsim::cli, and the lab testers)
#   lib/raftsim/objects/                       object files linked whole into a project's programs:
#                                              the CLI's main (raftsim::cli_main) and each lab
#                                              part's test cases (raftsim::lab_3a_tests, ...)
#   lib/cmake/raftsim/                         raftsimConfig.cmake, its version file, the targets,
#                                              raftsimLabs.cmake (raftsim_add_labs)
#   bin/raftsim                                the CLI, raftsim::raftsim
#   libexec/raftsim/labs/lab_3a .. lab_4b      the lab programs, where bin/raftsim lab looks
# The lab parts (everything under tests/lab/) are installed when RAFTSIM_BUILD_TESTS is on (they
# need Catch2 to build, not to link).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(RAFTSIM_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/raftsim)

# Installed targets are named like the in-tree aliases: raftsim_sim is raftsim::sim in both.
set(RAFTSIM_INSTALLED_LIBRARIES
  raftsim_input raftsim_sim raftsim_sim_fixture raftsim_raft raftsim_kv raftsim_linearizability
  raftsim_checkers raftsim_views raftsim_scenarios raftsim_runner raftsim_cli raftsim_cli_main)
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
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  OBJECTS DESTINATION ${CMAKE_INSTALL_LIBDIR}/raftsim/objects)

# Headers live beside their sources and are included by their path from the root
# ("sim/world.h"), so each library folder installs its headers under include/ at the same paths
# (the targets' $<INSTALL_INTERFACE:include>). Every header is installed: public headers include
# detail/ ones (sim/detail/fiber.h), and none includes anything from tools/ or tests/.
foreach(folder IN ITEMS input sim raft checkers views scenarios)
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
  ${PROJECT_SOURCE_DIR}/cmake/raftsimLabs.cmake
  DESTINATION ${RAFTSIM_INSTALL_CMAKEDIR})
