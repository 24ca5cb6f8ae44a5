# Installs a raftsim build tree into a scratch prefix, builds a project that calls
# raftsim_add_labs against it (its own Raft and KV service, registered out of tree), and runs the
# project's raftsim: a short `raftsim lab` and a short `raftsim fuzz` with the project's
# implementations. Also checks that the installed raftsim finds the installed lab programs, and,
# with SKELETON_KV, that a skeleton KV service registered by the project fails 4A as the course's
# would. Removes the scratch directory afterwards, pass or fail.
# Usage: cmake -DBUILD_DIR=<raftsim build> -DPROJECT_DIR=<project> -DSCRATCH_DIR=<dir>
#              -DIMPL=<name> -DKV=<name> [-DSKELETON_KV=<name>] [-DPARTS=3A,4A]
#              -DGENERATOR=<name> -DMAKE_PROGRAM=<path> -DCXX_COMPILER=<path> [-DCONFIG=<type>]
#              -P labs.cmake
foreach(variable IN ITEMS BUILD_DIR PROJECT_DIR SCRATCH_DIR IMPL KV GENERATOR CXX_COMPILER)
  if(NOT ${variable})
    message(FATAL_ERROR "labs.cmake needs -D${variable}=...")
  endif()
endforeach()
if(NOT PARTS)
  set(PARTS 3A,4A)
endif()
set(prefix ${SCRATCH_DIR}/prefix)
set(project_build ${SCRATCH_DIR}/build)
set(config_args)
if(CONFIG)
  set(config_args --config ${CONFIG})
endif()

# Runs one step; sets step_output to its standard output and errors, step_result to its exit
# code. Fails (removing the scratch directory) unless the exit code is `expected`.
function(step description expected)
  execute_process(COMMAND ${ARGN}
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE errors)
  if(NOT result STREQUAL expected)
    file(REMOVE_RECURSE ${SCRATCH_DIR})
    message(FATAL_ERROR "${description} exited ${result}, expected ${expected}:\n${output}${errors}")
  endif()
  set(step_output "${output}${errors}" PARENT_SCOPE)
endfunction()

function(expect description pattern)
  if(NOT step_output MATCHES "${pattern}")
    file(REMOVE_RECURSE ${SCRATCH_DIR})
    message(FATAL_ERROR "${description}: output does not match '${pattern}':\n${step_output}")
  endif()
  message(STATUS "${description}: ok")
endfunction()

file(REMOVE_RECURSE ${SCRATCH_DIR})

step("Installing ${BUILD_DIR}" 0
  ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} ${config_args})

# Only the scratch prefix may provide the package (no package registry).
set(configure_args
  -S ${PROJECT_DIR} -B ${project_build} -G ${GENERATOR}
  -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
  -DCMAKE_PREFIX_PATH=${prefix}
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
if(MAKE_PROGRAM)
  list(APPEND configure_args -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
endif()
if(CONFIG)
  list(APPEND configure_args -DCMAKE_BUILD_TYPE=${CONFIG})
endif()
step("Configuring ${PROJECT_DIR}" 0 ${CMAKE_COMMAND} ${configure_args})
file(STRINGS ${project_build}/CMakeCache.txt raftsim_dir REGEX "^raftsim_DIR:")
string(FIND "${raftsim_dir}" "${prefix}/" at)
if(NOT at GREATER -1)
  file(REMOVE_RECURSE ${SCRATCH_DIR})
  message(FATAL_ERROR "The project found raftsim outside the scratch prefix: ${raftsim_dir}")
endif()
step("Building ${PROJECT_DIR}" 0 ${CMAKE_COMMAND} --build ${project_build} ${config_args})

# The project's programs sit together, and nothing of raftsim was compiled there: the only
# objects built are the project's own sources.
set(raftsim ${project_build}/raftsim)
foreach(program IN ITEMS raftsim lab_3a lab_3b lab_3c lab_3d lab_4a lab_4b)
  if(NOT EXISTS ${project_build}/${program})
    file(REMOVE_RECURSE ${SCRATCH_DIR})
    message(FATAL_ERROR "The project's build made no ${program} in ${project_build}")
  endif()
endforeach()
file(GLOB_RECURSE objects RELATIVE ${project_build} ${project_build}/*.o)
foreach(object IN LISTS objects)
  if(NOT object MATCHES "raftsim_labs_implementation")
    file(REMOVE_RECURSE ${SCRATCH_DIR})
    message(FATAL_ERROR "The project compiled ${object}, which is not one of its own sources")
  endif()
endforeach()

# The project's raftsim knows the project's implementations; unknown names list them.
step("raftsim fuzz --kv nosuch" 64 ${raftsim} fuzz calm --seeds 1 --impl ${IMPL} --kv nosuch)
expect("an unknown --kv is rejected with the known names"
  "unknown KV service 'nosuch' \\(known: [^)]*${KV}")

# A short lab run, the project's labs found beside its raftsim.
step("raftsim lab --impl ${IMPL} --kv ${KV}" 0
  ${raftsim} lab --part ${PARTS} --seeds 1 --jobs 2 --impl ${IMPL} --kv ${KV})
expect("raftsim lab passes with the project's implementations"
  "runs: [0-9]+, passed: [0-9]+, failed: 0 \\(tests: [0-9]+, seeds 1..1, impl ${IMPL}")

# A short fuzz campaign.
step("raftsim fuzz --impl ${IMPL} --kv ${KV}" 0
  ${raftsim} fuzz calm --seeds 3 --jobs 2 --impl ${IMPL} --kv ${KV}
    --out ${SCRATCH_DIR}/failures)
expect("raftsim fuzz passes with the project's implementations" "seeds run 3: 3 ok, 0 failed")

if(SKELETON_KV)
  step("raftsim lab --kv ${SKELETON_KV}" 1
    ${raftsim} lab --part 4A --test TestBasic4A --seeds 1 --jobs 1 --kv ${SKELETON_KV})
  expect("the skeleton KV service fails 4A with the course's message"
    "RAFTSIM_KV=${SKELETON_KV} .*lab_4a TestBasic4A.*get wrong value, key 0")
endif()

# The installed raftsim runs the installed lab programs by default: the reproduce command of a
# failing run names the program it ran.
step("installed raftsim lab --impl skeleton" 1
  ${prefix}/bin/raftsim lab --part 3A --test TestInitialElection3A --seeds 1 --jobs 1
    --impl skeleton)
expect("the installed raftsim lab runs the installed lab programs"
  "RAFTSIM_IMPL=skeleton [^ ]*prefix/libexec/raftsim/labs/lab_3a TestInitialElection3A")

file(REMOVE_RECURSE ${SCRATCH_DIR})
