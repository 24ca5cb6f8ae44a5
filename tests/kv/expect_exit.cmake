# Runs PROGRAM and expects exit code 70 with the duplicate-registration message on stderr.
execute_process(COMMAND ${PROGRAM} RESULT_VARIABLE result ERROR_VARIABLE errors)
if(NOT result EQUAL 70)
  message(FATAL_ERROR "expected exit code 70, got ${result}: ${errors}")
endif()
if(NOT errors MATCHES "raftsim: cannot start: two Raft implementations are registered as 'reference' \\(\"a second reference\" and \"the reference Raft")
  message(FATAL_ERROR "unexpected message: ${errors}")
endif()
