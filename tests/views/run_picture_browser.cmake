# The run picture in a real browser: fuzz writes the picture beside the first failing seed's report
# for a safety, a liveness and a linearizability mutant, `run --html` draws a run without a failure,
# and headless Chromium loads each one; its DOM after the scripts ran must say the picture was
# drawn (data-run-picture), hold no script error (data-script-error, set by the page's own error
# handler) and have the shapes that kind of run must show.
#
# cmake -DRAFTSIM=path/to/raftsim -DWORK=scratch/dir -P run_picture_browser.cmake
# Exits with 77 (ctest: skipped) when no Chromium is installed.
cmake_minimum_required(VERSION 3.19)  # string(JSON)

find_program(CHROMIUM NAMES chromium chromium-browser google-chrome)
if(NOT CHROMIUM)
  message("no chromium on this machine: the browser test is skipped (apt-get install chromium)")
  cmake_language(EXIT 77)
endif()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")

# `raftsim` with these arguments; its stdout in `out_var`, and any exit code but `expected` fails.
function(raftsim out_var expected)
  execute_process(COMMAND "${RAFTSIM}" ${ARGN} WORKING_DIRECTORY "${WORK}"
                  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE code TIMEOUT 300)
  if(NOT code EQUAL expected)
    message(FATAL_ERROR "raftsim ${ARGN}: exit ${code}, expected ${expected}\n${out}\n${err}")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

# The DOM of `page` after its scripts ran, checked to be drawn without script errors.
function(render out_var page)
  set(profile "${WORK}/chromium-profile")
  file(REMOVE_RECURSE "${profile}")
  execute_process(
    COMMAND "${CHROMIUM}" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
            --disable-background-networking --disable-component-update --disable-sync
            --user-data-dir=${profile} --window-size=1400,1000 --dump-dom "file://${page}"
    OUTPUT_VARIABLE dom ERROR_VARIABLE err RESULT_VARIABLE code TIMEOUT 120)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "chromium could not load ${page}: exit ${code}\n${err}")
  endif()
  string(REGEX MATCH "data-script-error=\"[^\"]*\"" error "${dom}")
  if(error)
    message(FATAL_ERROR "${page}: the page's script failed: ${error}")
  endif()
  string(FIND "${dom}" "data-run-picture=\"drawn\"" drawn)
  if(drawn EQUAL -1)
    message(FATAL_ERROR "${page}: the run picture was not drawn")
  endif()
  set(${out_var} "${dom}" PARENT_SCOPE)
endfunction()

function(expect dom page what)
  foreach(pattern IN LISTS ARGN)
    string(REGEX MATCH "${pattern}" found "${dom}")
    if(NOT found)
      message(FATAL_ERROR "${page} (${what}): nothing in the drawn page matches ${pattern}")
    endif()
  endforeach()
endfunction()

set(drawn_run
  "<svg class=\"run-svg\""
  "class=\"run-role (follower|leader)\""
  "d=\"M[0-9][^\"]*\" class=\"run-last\""
  "d=\"M[0-9][^\"]*\" class=\"run-commit\""
  "class=\"run-tick\"")

# The first failing seed of each mutant, the picture fuzz wrote beside its report, and the kind
# of failure (and exit code) it must be.
foreach(case IN ITEMS "figure8-commit;safety;1" "fixed-election-timeout;liveness;3"
                      "kv-reads-skip-log;linearizability;2")
  list(GET case 0 mutant)
  list(GET case 1 kind)
  list(GET case 2 exit_code)
  raftsim(summary_json ${exit_code} fuzz mutants --mutant ${mutant} --seeds 200 --max-failures 1 --jobs 2
          --out ${mutant} --json)
  string(JSON status GET "${summary_json}" failures 0 status)
  string(JSON picture GET "${summary_json}" failures 0 picture)
  if(NOT status STREQUAL kind)
    message(FATAL_ERROR "mutant ${mutant}: the first failure is ${status}, expected ${kind}")
  endif()
  render(dom "${WORK}/${picture}")
  expect("${dom}" "${picture}" "${kind}" ${drawn_run}
         "class=\"run-failure-line\"" "class=\"run-failure-text\"[^>]*>${kind}"
         "class=\"run-op( pending)?\"")
  if(kind STREQUAL "linearizability")
    expect("${dom}" "${picture}" "${kind}" "class=\"run-op[a-z ]* unplaced\""
           "<details class=\"partition illegal\"")
  endif()
  message("${mutant}: ${kind} failure drawn from ${picture}")
endforeach()

# Runs without a failure: partitions draw as bands, crashes as down spans, and no failure line.
foreach(case IN ITEMS "partitions;class=\"run-band partition\"" "crash-restart;class=\"run-down\"")
  list(GET case 0 scenario)
  list(GET case 1 shape)
  raftsim(ignored 0 run ${scenario} --seed 1 --html ${scenario}.html)
  render(dom "${WORK}/${scenario}.html")
  expect("${dom}" "${scenario}.html" "no failure" ${drawn_run} "${shape}")
  string(FIND "${dom}" "class=\"run-failure-line\"" failure_line)
  if(NOT failure_line EQUAL -1)
    message(FATAL_ERROR "${scenario}.html: a run without a failure has a failure line")
  endif()
  message("${scenario}: drawn")
endforeach()
