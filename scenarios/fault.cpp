// The table of fault kinds: names, fields, lanes.
#include "scenarios/fault.h"

#include <array>

#include "sim/assert.h"

namespace scenarios {
namespace {

using K = FaultKind;
using L = FaultLane;
constexpr uint32_t kLink = kFieldFrom | kFieldTo;

// Indexed by the enum's value; the constructor order must follow the enum.
constexpr std::array<FaultKindInfo, 35> kKinds{{
    {K::partition, "partition", kFieldGroups, 0, false, L::network, 2},
    {K::partition_random_halves, "partition_random_halves", 0, kFieldGroups, true, L::network, 2},
    {K::partition_majority_minority, "partition_majority_minority", 0, kFieldGroups, true,
     L::network, 3},
    {K::isolate, "isolate", kFieldNode, 0, true, L::network, 2},
    {K::isolate_leader, "isolate_leader", 0, 0, true, L::network, 2},
    {K::bridge, "bridge", 0, kFieldGroups, true, L::network, 3},
    {K::cut, "cut", kLink, 0, true, L::network, 2},
    {K::heal, "heal", 0, 0, false, L::none, 1},
    {K::crash, "crash", kFieldNode, 0, true, L::crash, 1},
    {K::crash_minority, "crash_minority", 0, kFieldNodes, true, L::crash, 3},
    {K::crash_all, "crash_all", 0, 0, true, L::crash, 1},
    {K::crash_leader, "crash_leader", 0, 0, true, L::crash, 1},
    {K::restart, "restart", kFieldNode, 0, false, L::none, 1},
    {K::restart_all, "restart_all", 0, 0, false, L::none, 1},
    {K::clog, "clog", kFieldDuration, kFieldNode | kLink, true, L::network, 2},
    {K::drop_burst, "drop_burst", kFieldP, 0, true, L::burst, 1},
    {K::duplicate_burst, "duplicate_burst", kFieldP, 0, true, L::burst, 1},
    {K::delay_burst, "delay_burst", kFieldP, 0, true, L::burst, 1},
    {K::burst_end, "burst_end", 0, 0, false, L::none, 1},
    {K::disk_slow, "disk_slow", kFieldNode | kFieldFactor, 0, true, L::disk, 1},
    {K::disk_restore, "disk_restore", kFieldNode, 0, false, L::none, 1},
    {K::disk_stall, "disk_stall", kFieldNode | kFieldDuration, 0, true, L::disk, 1},
    {K::clock_drift, "clock_drift", kFieldNode | kFieldPpm, 0, true, L::clock, 1},
    {K::crash_in_save, "crash_in_save", kFieldNode, 0, true, L::crash, 1},
    {K::crash_after_reply, "crash_after_reply", kFieldNode, 0, true, L::crash, 1},
    {K::crash_after_elected, "crash_after_elected", kFieldNode, 0, true, L::crash, 1},
    {K::crash_after_vote, "crash_after_vote", kFieldNode, 0, true, L::crash, 2},
    {K::crash_after_commit, "crash_after_commit", kFieldNode, 0, true, L::crash, 1},
    {K::crash_after_snapshot, "crash_after_snapshot", kFieldNode, 0, true, L::crash, 1},
    {K::drop_reply, "drop_reply", kFieldNode, 0, true, L::reply, 2},
    {K::delay_reply, "delay_reply", kFieldNode | kFieldDuration, 0, true, L::reply, 2},
    {K::delay_vote_reply, "delay_vote_reply", kFieldNode | kFieldDuration, 0, true, L::reply, 2},
    {K::partition_leader_minority, "partition_leader_minority", 0, kFieldNodes | kFieldCount, true,
     L::network, 3},
    {K::rejoin, "rejoin", 0, kFieldNodes, true, L::network, 3},
    {K::start_burst, "start_burst", kFieldCount, 0, true, L::tester, 1},
}};

constexpr bool table_follows_enum() {
  for (size_t i = 0; i < kKinds.size(); ++i) {
    if (static_cast<size_t>(kKinds[i].kind) != i) return false;
  }
  return true;
}
static_assert(table_follows_enum());
static_assert(static_cast<size_t>(K::start_burst) + 1 == kKinds.size());

}  // namespace

std::span<const FaultKindInfo> fault_kinds() { return kKinds; }

const FaultKindInfo& fault_kind_info(FaultKind kind) {
  auto index = static_cast<size_t>(kind);
  RAFTSIM_ASSERT(index < kKinds.size());
  return kKinds[index];
}

std::string_view to_string(FaultKind kind) { return fault_kind_info(kind).name; }

bool is_moment_crash(FaultKind kind) {
  switch (kind) {
    case K::crash_in_save:
    case K::crash_after_reply:
    case K::crash_after_elected:
    case K::crash_after_vote:
    case K::crash_after_commit:
    case K::crash_after_snapshot:
      return true;
    default:
      return false;
  }
}

std::optional<FaultKind> fault_kind_from_name(std::string_view name) {
  for (const FaultKindInfo& info : kKinds) {
    if (info.name == name) return info.kind;
  }
  return std::nullopt;
}

std::optional<FaultKind> fault_end_kind(FaultKind kind) {
  switch (kind) {
    case K::partition:
    case K::partition_random_halves:
    case K::partition_majority_minority:
    case K::isolate:
    case K::isolate_leader:
    case K::bridge:
    case K::cut:
    case K::partition_leader_minority:
    case K::rejoin:
      return K::heal;
    case K::crash:
    case K::crash_in_save:
    case K::crash_after_reply:
    case K::crash_after_elected:
    case K::crash_after_vote:
    case K::crash_after_commit:
    case K::crash_after_snapshot:
      return K::restart;
    case K::crash_minority:
    case K::crash_all:
    case K::crash_leader:
      return K::restart_all;
    case K::drop_burst:
    case K::duplicate_burst:
    case K::delay_burst:
      return K::burst_end;
    case K::disk_slow:
      return K::disk_restore;
    case K::clock_drift:
      return K::clock_drift;
    case K::heal:
    case K::restart:
    case K::restart_all:
    case K::clog:
    case K::burst_end:
    case K::disk_restore:
    case K::disk_stall:
    case K::drop_reply:
    case K::delay_reply:
    case K::delay_vote_reply:
    case K::start_burst:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace scenarios
