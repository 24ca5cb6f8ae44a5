# raftsim_add_labs: builds, in a project's own build tree, the course lab programs and a raftsim
# CLI that know the project's own Raft implementations and KV services.
#
#   find_package(raftsim REQUIRED)
#   raftsim_add_labs(
#     SOURCES raft/my_raft.cpp kv/my_kv.cpp ...  # your implementation, registrations included
#     [INCLUDE_DIRECTORIES dir ...]              # for your sources (PUBLIC to each program)
#     [LINK_LIBRARIES lib ...]                   # what your sources need besides raftsim
#     [OUTPUT_DIRECTORY dir])                    # default: CMAKE_CURRENT_BINARY_DIR
#
# Your sources register with RAFTSIM_REGISTER_IMPLEMENTATION (raft/registry.h) and
# RAFTSIM_REGISTER_KV_SERVICE (raft/kv/registry.h). They are compiled once, into the object
# library raftsim_labs_implementation, whose objects are linked into every program below: object
# files, not a static library, so the linker keeps the registrations that nothing references.
#
# It makes these executables, all in OUTPUT_DIRECTORY:
#   raftsim                     the CLI, with your implementations beside the built-in ones:
#                               raftsim fuzz --impl NAME --kv NAME, raftsim lab --impl NAME ...
#                               (`raftsim lab` runs the lab programs beside it by default)
#   lab_3a lab_3b lab_3c lab_3d the Raft labs (RAFTSIM_IMPL=NAME)
#   lab_4a lab_4b               the KV labs (RAFTSIM_IMPL=NAME RAFTSIM_KV=NAME)
# A failing lab test prints its seed and reproduce command and writes its artifacts (log, Perfetto
# trace, events, history picture) under ./raftsim-lab-failures/ (tests/lab/harness.h, README.md).
# Nothing of raftsim is compiled in your tree: the programs link the installed package's objects
# (main(), each part's test cases) and static libraries.
#
# raftsim_add_labs may be called once per directory (the targets have fixed names).
function(raftsim_add_labs)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "" "OUTPUT_DIRECTORY"
                        "SOURCES;INCLUDE_DIRECTORIES;LINK_LIBRARIES")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "raftsim_add_labs: unknown arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "raftsim_add_labs: SOURCES is required (your Raft and KV sources)")
  endif()
  if(NOT raftsim_LABS)
    message(FATAL_ERROR "raftsim_add_labs: this raftsim was installed without its lab parts "
                        "(configure raftsim with RAFTSIM_BUILD_TESTS=ON)")
  endif()
  set(output ${CMAKE_CURRENT_BINARY_DIR})
  if(ARG_OUTPUT_DIRECTORY)
    set(output ${ARG_OUTPUT_DIRECTORY})
  endif()

  add_library(raftsim_labs_implementation OBJECT ${ARG_SOURCES})
  target_include_directories(raftsim_labs_implementation PUBLIC ${ARG_INCLUDE_DIRECTORIES})
  target_link_libraries(raftsim_labs_implementation PUBLIC raftsim::kv ${ARG_LINK_LIBRARIES})

  # Each program: its objects (as sources, so each is linked exactly once) and the libraries they
  # need; the implementation's usage requirements come with raftsim_labs_implementation's.
  add_executable(raftsim $<TARGET_OBJECTS:raftsim::cli_main>
                         $<TARGET_OBJECTS:raftsim_labs_implementation>)
  target_link_libraries(raftsim PRIVATE raftsim::cli ${ARG_LINK_LIBRARIES})
  set(programs raftsim)
  foreach(part IN ITEMS 3a 3b 3c 3d 4a 4b)
    add_executable(lab_${part} $<TARGET_OBJECTS:raftsim::lab_${part}_tests>
                               $<TARGET_OBJECTS:raftsim_labs_implementation>)
    target_link_libraries(lab_${part} PRIVATE raftsim::lab_kv_tester raftsim::catch_main
                                              ${ARG_LINK_LIBRARIES})
    list(APPEND programs lab_${part})
  endforeach()
  set_target_properties(${programs} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${output})
endfunction()
