// The fault kind table.
#include "scenarios/fault.h"

#include <catch2/catch.hpp>

using namespace scenarios;

TEST_CASE("fault: every kind's name maps back to the kind") {
  for (const FaultKindInfo& info : fault_kinds()) {
    CHECK(fault_kind_from_name(info.name) == info.kind);
    CHECK(to_string(info.kind) == info.name);
  }
  CHECK_FALSE(fault_kind_from_name("meteor").has_value());
  CHECK_FALSE(fault_kind_from_name("").has_value());
}

TEST_CASE("fault: end events and the explicit partition are not drawable") {
  for (FaultKind kind : {FaultKind::partition, FaultKind::heal, FaultKind::restart,
                         FaultKind::restart_all, FaultKind::burst_end, FaultKind::disk_restore}) {
    CHECK_FALSE(fault_kind_info(kind).drawable);
  }
  CHECK(fault_kind_info(FaultKind::crash_leader).drawable);
  CHECK(fault_kind_info(FaultKind::clog).lane == FaultLane::network);
}
