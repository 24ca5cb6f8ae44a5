# Installs a raftsim build tree into a scratch prefix, builds examples/consumer/ against it and
# runs it; removes the scratch directory afterwards, pass or fail.
# Usage: cmake -DBUILD_DIR=<raftsim build> -DCONSUMER_DIR=<examples/consumer> -DSCRATCH_DIR=<dir>
#              -DGENERATOR=<name> -DMAKE_PROGRAM=<path> -DCXX_COMPILER=<path> [-DCONFIG=<type>]
#              -P consumer.cmake
foreach(variable IN ITEMS BUILD_DIR CONSUMER_DIR SCRATCH_DIR GENERATOR CXX_COMPILER)
  if(NOT ${variable})
    message(FATAL_ERROR "consumer.cmake needs -D${variable}=...")
  endif()
endforeach()
set(prefix ${SCRATCH_DIR}/prefix)
set(consumer_build ${SCRATCH_DIR}/consumer)
set(config_args)
if(CONFIG)
  set(config_args --config ${CONFIG})
endif()

# Runs one step and sets step_output to its standard output (standard error may carry sanitizer
# notes); on failure, removes the scratch directory and fails with both.
function(step description)
  execute_process(COMMAND ${ARGN}
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE errors)
  if(NOT result EQUAL 0)
    file(REMOVE_RECURSE ${SCRATCH_DIR})
    message(FATAL_ERROR "${description} failed (${result}):\n${output}${errors}")
  endif()
  set(step_output "${output}" PARENT_SCOPE)
endfunction()

function(fail message)
  file(REMOVE_RECURSE ${SCRATCH_DIR})
  message(FATAL_ERROR "${message}")
endfunction()

file(REMOVE_RECURSE ${SCRATCH_DIR})

step("Installing ${BUILD_DIR}"
  ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} ${config_args})

# Only the scratch prefix may provide the package: no package registry, and the found
# raftsim_DIR is checked below.
set(configure_args
  -S ${CONSUMER_DIR} -B ${consumer_build} -G ${GENERATOR}
  -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
  -DCMAKE_PREFIX_PATH=${prefix}
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
if(MAKE_PROGRAM)
  list(APPEND configure_args -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
endif()
if(CONFIG)
  list(APPEND configure_args -DCMAKE_BUILD_TYPE=${CONFIG})
endif()
step("Configuring the consumer" ${CMAKE_COMMAND} ${configure_args})

file(STRINGS ${consumer_build}/CMakeCache.txt raftsim_dir REGEX "^raftsim_DIR:")
string(FIND "${raftsim_dir}" "${prefix}/" at)
if(NOT at GREATER -1)
  fail("The consumer found raftsim outside the scratch prefix: ${raftsim_dir}")
endif()

step("Building the consumer" ${CMAKE_COMMAND} --build ${consumer_build} ${config_args})

file(GLOB_RECURSE consumer ${consumer_build}/raftsim_consumer)
if(NOT consumer)
  fail("The consumer build made no raftsim_consumer under ${consumer_build}")
endif()
list(GET consumer 0 consumer)
step("Running the consumer" ${consumer} calm 1)
message(STATUS "consumer: ${step_output}")
if(NOT step_output MATCHES "^calm seed 1: ok, fingerprint ([0-9a-f]+)")
  fail("Unexpected consumer output:\n${step_output}")
endif()
set(consumer_fingerprint ${CMAKE_MATCH_1})

# The installed CLI runs the same seed to the same fingerprint: the embedding program and the CLI
# run one simulation.
step("Running the installed raftsim" ${prefix}/bin/raftsim run calm --seed 1 --json)
# (With ERROR_VARIABLE, a reply that is not JSON fails below, after the cleanup, not here.)
string(JSON cli_fingerprint ERROR_VARIABLE json_error GET "${step_output}" fingerprint)
if(NOT cli_fingerprint STREQUAL consumer_fingerprint)
  fail("raftsim run calm --seed 1 --json gave fingerprint ${cli_fingerprint}, the consumer "
       "${consumer_fingerprint}:\n${step_output}")
endif()

file(REMOVE_RECURSE ${SCRATCH_DIR})
