#include "scenarios/fault_injector.h"

#include <fmt/core.h>

#include <algorithm>

#include "scenarios/to_json.h"

namespace scenarios {

FaultInjector::FaultInjector(sim::World& world, const Scenario& scenario, LeaderFinder find_leader,
                             StartBurst start_burst)
    : world_(world),
      scenario_(scenario),
      find_leader_(std::move(find_leader)),
      start_burst_(std::move(start_burst)),
      servers_(scenario.cluster.nodes),
      links_noted_(static_cast<size_t>(servers_ * servers_), '1'),
      disturbed_at_(static_cast<size_t>(servers_)),
      clogged_until_(static_cast<size_t>(servers_)),
      stalled_until_(static_cast<size_t>(servers_)),
      slowed_(static_cast<size_t>(servers_), false),
      vote_reply_next_(static_cast<size_t>(servers_)),
      leader_term_(static_cast<size_t>(servers_), 0) {
  world_.hooks().on_save_written = [this](sim::NodeId node) {
    on_moment(FaultKind::crash_in_save, node);
  };
  world_.hooks().on_reply = [this](sim::NodeId node, sim::NodeId, std::string_view) {
    return on_reply(node);
  };
}

FaultInjector::~FaultInjector() { world_.hooks() = sim::FaultHooks{}; }

bool FaultInjector::disarm(FaultKind kind, int node) {
  auto it = std::find_if(armed_.begin(), armed_.end(), [&](const FaultEvent& armed) {
    return armed.kind == kind && armed.node == node;
  });
  if (it == armed_.end()) return false;
  armed_.erase(it);
  return true;
}

void FaultInjector::disarm_if(const std::function<bool(const FaultEvent&)>& which) {
  armed_.erase(std::remove_if(armed_.begin(), armed_.end(), which), armed_.end());
}

void FaultInjector::on_moment(FaultKind moment, int node) {
  if (node < 0 || node >= servers_ || !disarm(moment, node)) return;
  note(FaultEvent{.at = world_.now() - sim::Instant(), .kind = moment, .node = node}, " fired");
  // Not from inside: the node's own fiber is running. Same instant, once it yields.
  world_.schedule(world_.now(), [this, node] { crash(node); });
}

void FaultInjector::on_role(int node, raft::Term term, raft::Role role) {
  if (node < 0 || node >= servers_) return;
  leader_term_[static_cast<size_t>(node)] = role == raft::Role::leader ? term : 0;
  if (role != raft::Role::candidate) return;
  // A grant held for this candidate's earlier election arrives now, as the new one starts.
  for (HeldVote& held : held_votes_) {
    if (held.candidate == node && held.term < term && held.send) {
      world_.schedule(world_.now(), std::exchange(held.send, nullptr));
    }
  }
}

// rejoin fires here: `node`'s commit index moved while it leads in the highest term any
// server leads in, so it leads a majority, and in a term above any leader's when it was armed.
void FaultInjector::on_commit_moved(int node) {
  if (node < 0 || node >= servers_) return;
  const raft::Term term = leader_term_[static_cast<size_t>(node)];
  if (term == 0 || term < *std::max_element(leader_term_.begin(), leader_term_.end())) return;
  auto it = std::find_if(armed_.begin(), armed_.end(),
                         [](const FaultEvent& e) { return e.kind == FaultKind::rejoin; });
  if (it == armed_.end() || term <= rejoin_after_term_) return;
  FaultEvent fired = *it;
  armed_.erase(it);
  fired.at = world_.now() - sim::Instant();
  note(fired, fmt::format(" fired leader={}", node));
  // Not from inside: the leader's own fiber is running. Same instant, once it yields.
  world_.schedule(world_.now(), [this, fired, node] {
    // Its companions come from its own side, so that everyone cut off before rejoins.
    FaultEvent cut = fired;
    const sim::Network& net = world_.network();
    std::erase_if(cut.nodes, [&](int other) {
      return !net.connected(node, other) || !net.connected(other, node);
    });
    partition_leader_minority(cut, node);
    disturb_all();
    note_links();
  });
}

void FaultInjector::on_vote_granted(int node, raft::Term term, int candidate) {
  if (node < 0 || node >= servers_) return;
  if (node == candidate) return;  // its own vote sends no reply
  const bool armed = std::any_of(armed_.begin(), armed_.end(), [node](const FaultEvent& e) {
    return e.kind == FaultKind::delay_vote_reply && e.node == node;
  });
  if (armed) vote_reply_next_[static_cast<size_t>(node)] = GrantedVote{term, candidate};
}

// The grant is sent when its candidate starts a later election (on_role), or after `longest`.
std::function<void(std::function<void()>)> FaultInjector::hold_vote(GrantedVote vote,
                                                                    sim::Duration longest) {
  return [this, vote, longest](std::function<void()> send) {
    const size_t slot = held_votes_.size();
    held_votes_.push_back({vote.candidate, vote.term, std::move(send)});
    world_.schedule(world_.now() + longest, [this, slot] {
      if (std::function<void()> pending = std::exchange(held_votes_[slot].send, nullptr)) {
        pending();
      }
    });
  };
}

sim::ReplyFate FaultInjector::on_reply(int node) {
  on_moment(FaultKind::crash_after_reply, node);
  sim::ReplyFate fate;
  // The first reply after a granted vote carries the grant (the grant is reported as the
  // handler decides it, and the handler's reply follows).
  std::optional<GrantedVote> vote;
  if (node >= 0 && node < servers_)
    vote = std::exchange(vote_reply_next_[static_cast<size_t>(node)], {});
  for (auto it = armed_.begin(); it != armed_.end(); ++it) {
    if (it->node != node) continue;
    const bool fires = it->kind == FaultKind::drop_reply || it->kind == FaultKind::delay_reply ||
                       (it->kind == FaultKind::delay_vote_reply && vote);
    if (!fires) continue;
    fate.drop = it->kind == FaultKind::drop_reply;
    if (it->kind == FaultKind::delay_reply) fate.delay = it->duration;
    if (it->kind == FaultKind::delay_vote_reply) fate.hold = hold_vote(*vote, it->duration);
    FaultEvent fired = *it;
    armed_.erase(it);
    fired.at = world_.now() - sim::Instant();
    note(fired, " fired");
    break;
  }
  return fate;
}

// The leader and the first companions of `event.nodes` that are not the leader, a minority of
// the cluster together, are cut off from the others.
void FaultInjector::partition_leader_minority(const FaultEvent& event, int leader) {
  const auto minority = static_cast<size_t>((servers_ - 1) / 2);
  std::vector<int> group{leader};
  for (int node : event.nodes) {
    if (group.size() >= minority) break;
    if (node != leader) group.push_back(node);
  }
  std::vector<int> rest;
  for (int node = 0; node < servers_; ++node) {
    if (std::find(group.begin(), group.end(), node) == group.end()) rest.push_back(node);
  }
  set_links({group, rest});
}

void FaultInjector::disturb_all() {
  std::fill(disturbed_at_.begin(), disturbed_at_.end(), world_.now());
}

// Marks the servers an event touches. Network-wide kinds (partitions, heals, bursts,
// partition_leader_minority, start_burst, crash_all) touch every server; clock drift touches
// none. (apply() marks what isolate_leader and crash_leader resolved to itself.)
void FaultInjector::disturb(const FaultEvent& event) {
  // Arming a rejoin changes nothing yet; its firing touches every server.
  if (event.kind == FaultKind::clock_drift || event.kind == FaultKind::rejoin) return;
  auto mark = [this](int node) {
    if (node >= 0 && node < servers_) disturbed_at_[static_cast<size_t>(node)] = world_.now();
  };
  const uint32_t fields =
      fault_kind_info(event.kind).required | fault_kind_info(event.kind).optional;
  const bool local = (fields & (kFieldNode | kFieldFrom | kFieldNodes)) != 0 &&
                     (fields & kFieldGroups) == 0 &&
                     event.kind != FaultKind::partition_leader_minority;
  if (!local) {
    disturb_all();
    return;
  }
  mark(event.node);
  mark(event.from);
  mark(event.to);
  for (int node : event.nodes) mark(node);
}

bool FaultInjector::healthy(int node) const {
  const auto i = static_cast<size_t>(node);
  const sim::Instant now = world_.now();
  return world_.is_up(node) && !slowed_[i] && stalled_until_[i] <= now && clogged_until_[i] <= now;
}

// The component of live servers linked both ways that holds a majority, if it is a clique cut
// off both ways from every other live server; else empty.
std::vector<int> FaultInjector::connected_majority() const {
  const sim::Network& net = world_.network();
  std::vector<bool> seen(static_cast<size_t>(servers_), false);
  for (int start = 0; start < servers_; ++start) {
    if (!world_.is_up(start) || seen[static_cast<size_t>(start)]) continue;
    std::vector<int> members{start};
    seen[static_cast<size_t>(start)] = true;
    for (size_t k = 0; k < members.size(); ++k) {
      for (int other = 0; other < servers_; ++other) {
        if (seen[static_cast<size_t>(other)] || !world_.is_up(other)) continue;
        if (net.connected(members[k], other) && net.connected(other, members[k])) {
          seen[static_cast<size_t>(other)] = true;
          members.push_back(other);
        }
      }
    }
    if (static_cast<int>(members.size()) < servers_ / 2 + 1) continue;
    std::sort(members.begin(), members.end());
    for (int a : members) {
      for (int b = 0; b < servers_; ++b) {
        if (a == b || !world_.is_up(b)) continue;
        const bool member = std::binary_search(members.begin(), members.end(), b);
        const bool both = net.connected(a, b) && net.connected(b, a);
        const bool neither = !net.connected(a, b) && !net.connected(b, a);
        if (member ? !both : !neither) return {};
      }
    }
    return members;
  }
  return {};
}

FaultInjector::StableGroup FaultInjector::stable_group() {
  std::vector<int> group;
  if (!burst_) group = connected_majority();
  for (int node : group) {
    if (!healthy(node)) {
      group.clear();
      break;
    }
  }
  if (group != group_) {
    group_ = group;
    group_since_ = world_.now();
  }
  StableGroup stable{group_, group_since_};
  for (int node : group_)
    stable.since = std::max(stable.since, disturbed_at_[static_cast<size_t>(node)]);
  return stable;
}

void FaultInjector::note(const FaultEvent& event, const std::string& detail,
                         const std::optional<std::vector<int>>& touched) {
  if (touched) {
    for (int node : *touched) disturbed_at_[static_cast<size_t>(node)] = world_.now();
  } else {
    disturb(event);
  }
  sim::TraceEvent trace;
  trace.at = world_.now();
  trace.kind = sim::TraceKind::fault;
  trace.node = event.node;
  trace.topic = std::string(to_string(event.kind));
  trace.text = to_json(event).dump() + detail;
  world_.trace().record(std::move(trace));
  note_links();
}

void FaultInjector::note_links() {
  if (!world_.trace().watched()) return;
  std::string links(static_cast<size_t>(servers_ * servers_), '1');
  for (int from = 0; from < servers_; ++from) {
    for (int to = 0; to < servers_; ++to) {
      if (from != to && !world_.network().connected(from, to))
        links[static_cast<size_t>(from * servers_ + to)] = '0';
    }
  }
  if (links == links_noted_) return;
  links_noted_ = links;
  sim::TraceEvent view;
  view.at = world_.now();
  view.kind = sim::TraceKind::note;
  view.topic = "links";
  view.text = links;
  world_.trace().record_view(std::move(view));
}

// Two servers are linked iff some group holds both (partitions have disjoint groups; a bridge's
// two groups share the bridge node).
void FaultInjector::set_links(const std::vector<std::vector<int>>& groups) {
  for (int a = 0; a < servers_; ++a) {
    for (int b = 0; b < servers_; ++b) {
      if (a == b) continue;
      const bool linked = std::any_of(groups.begin(), groups.end(), [&](const auto& group) {
        return std::count(group.begin(), group.end(), a) > 0 &&
               std::count(group.begin(), group.end(), b) > 0;
      });
      if (linked) {
        world_.network().connect(a, b);
      } else {
        world_.network().cut(a, b);
      }
    }
  }
}

void FaultInjector::isolate(int node) {
  for (int other = 0; other < servers_; ++other) {
    if (other == node) continue;
    world_.network().cut(node, other);
    world_.network().cut(other, node);
  }
}

void FaultInjector::crash(int node) {
  if (world_.is_up(node)) world_.crash(node);
  vote_reply_next_[static_cast<size_t>(node)].reset();  // the grant's reply died with it
  leader_term_[static_cast<size_t>(node)] = 0;
}

void FaultInjector::restart(int node) {
  if (!world_.is_up(node)) world_.start(node);
}

void FaultInjector::apply(const FaultEvent& event) {
  sim::Network& net = world_.network();
  std::string detail;
  // isolate_leader and crash_leader touch only the leader they resolve to (none without one).
  std::optional<std::vector<int>> touched;
  switch (event.kind) {
    case FaultKind::partition:
    case FaultKind::partition_random_halves:
    case FaultKind::partition_majority_minority:
    case FaultKind::bridge:
      set_links(event.groups);
      break;
    case FaultKind::isolate:
      isolate(event.node);
      break;
    case FaultKind::isolate_leader:
    case FaultKind::crash_leader:
    case FaultKind::partition_leader_minority:
    case FaultKind::start_burst: {
      const std::optional<int> leader = find_leader_();
      detail = leader ? fmt::format(" leader={}", *leader) : " (no leader: nothing done)";
      if (event.kind == FaultKind::isolate_leader || event.kind == FaultKind::crash_leader) {
        touched = leader ? std::vector<int>{*leader} : std::vector<int>{};
      }
      if (leader && event.kind == FaultKind::isolate_leader) isolate(*leader);
      if (leader && event.kind == FaultKind::crash_leader) crash(*leader);
      if (leader && event.kind == FaultKind::partition_leader_minority) {
        partition_leader_minority(event, *leader);
      }
      const bool burst = event.kind == FaultKind::start_burst ||
                         event.kind == FaultKind::partition_leader_minority;
      if (leader && burst && event.count > 0 && start_burst_) start_burst_(*leader, event.count);
      break;
    }
    case FaultKind::crash_in_save:
    case FaultKind::crash_after_reply:
    case FaultKind::crash_after_elected:
    case FaultKind::crash_after_vote:
    case FaultKind::crash_after_commit:
    case FaultKind::crash_after_snapshot:
    case FaultKind::rejoin:
      disarm_if([](const FaultEvent& armed) { return armed.kind == FaultKind::rejoin; });
      armed_.push_back(event);
      rejoin_after_term_ = *std::max_element(leader_term_.begin(), leader_term_.end());
      break;
    case FaultKind::drop_reply:
    case FaultKind::delay_reply:
    case FaultKind::delay_vote_reply:
      disarm(event.kind, event.node);
      armed_.push_back(event);
      break;
    case FaultKind::cut:
      net.cut(event.from, event.to);
      break;
    case FaultKind::heal:
      net.heal();
      std::fill(clogged_until_.begin(), clogged_until_.end(), sim::Instant());
      disarm_if([](const FaultEvent& armed) { return !is_moment_crash(armed.kind); });
      break;
    case FaultKind::crash:
      crash(event.node);
      break;
    case FaultKind::crash_minority:
      for (int node : event.nodes) crash(node);
      break;
    case FaultKind::crash_all:
      for (int node = 0; node < servers_; ++node) crash(node);
      break;
    case FaultKind::restart:
      restart(event.node);
      disarm_if([&event](const FaultEvent& armed) {
        return is_moment_crash(armed.kind) && armed.node == event.node;
      });
      break;
    case FaultKind::restart_all:
      for (int node = 0; node < servers_; ++node) restart(node);
      disarm_if([](const FaultEvent& armed) { return is_moment_crash(armed.kind); });
      break;
    case FaultKind::clog: {
      const sim::Instant until = world_.now() + event.duration;
      if (event.node >= 0) {
        net.clog_node(event.node, until);
      } else {
        net.clog_link(event.from, event.to, until);
      }
      for (int node : {event.node, event.from, event.to}) {
        if (node < 0) continue;
        sim::Instant& clogged = clogged_until_[static_cast<size_t>(node)];
        clogged = std::max(clogged, until);
      }
      break;
    }
    case FaultKind::drop_burst:
    case FaultKind::duplicate_burst:
    case FaultKind::delay_burst: {
      sim::NetworkOptions options = net.options();
      if (event.kind == FaultKind::drop_burst) options.drop_p = event.p;
      if (event.kind == FaultKind::duplicate_burst) options.duplicate_p = event.p;
      if (event.kind == FaultKind::delay_burst) options.long_delay_p = event.p;
      net.set_options(options);
      burst_ = true;
      break;
    }
    case FaultKind::burst_end:
      net.set_options(network_options(scenario_.network));
      burst_ = false;
      break;
    case FaultKind::disk_slow: {
      sim::DiskOptions options = disk_options(scenario_.disk);
      options.write_latency_min = options.write_latency_min * event.factor;
      options.write_latency_tail_mean = options.write_latency_tail_mean * event.factor;
      options.write_latency_max = options.write_latency_max * event.factor;
      options.fsync_latency_min = options.fsync_latency_min * event.factor;
      options.fsync_latency_tail_mean = options.fsync_latency_tail_mean * event.factor;
      options.fsync_latency_max = options.fsync_latency_max * event.factor;
      world_.disk(event.node).set_options(options);
      slowed_[static_cast<size_t>(event.node)] = true;
      break;
    }
    case FaultKind::disk_restore:
      world_.disk(event.node).set_options(disk_options(scenario_.disk));
      slowed_[static_cast<size_t>(event.node)] = false;
      break;
    case FaultKind::disk_stall: {
      const sim::Instant until = world_.now() + event.duration;
      world_.disk(event.node).stall_until(until);
      sim::Instant& stalled = stalled_until_[static_cast<size_t>(event.node)];
      stalled = std::max(stalled, until);
      break;
    }
    case FaultKind::clock_drift:
      world_.set_drift_ppm(event.node, event.ppm);
      break;
  }
  note(event, detail, touched);
}

void FaultInjector::heal_all() {
  armed_.clear();
  world_.network().heal();
  std::fill(clogged_until_.begin(), clogged_until_.end(), sim::Instant());
  world_.network().set_options(network_options(scenario_.network));
  burst_ = false;
  std::fill(slowed_.begin(), slowed_.end(), false);
  disturb_all();
  for (int node = 0; node < servers_; ++node) {
    world_.disk(node).set_options(disk_options(scenario_.disk));
    world_.set_drift_ppm(node, 0);
    restart(node);
  }
  sim::TraceEvent trace;
  trace.at = world_.now();
  trace.kind = sim::TraceKind::fault;
  trace.topic = "heal_all";
  world_.trace().record(std::move(trace));
  note_links();
}

}  // namespace scenarios
