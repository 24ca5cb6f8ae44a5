#include "sim/rpc.h"

#include "sim/assert.h"
#include "sim/runtime.h"
#include "sim/world.h"

namespace sim::rpc {
namespace {

enum class PacketKind : uint8_t { request = 1, reply = 2 };

// The envelope every RPC packet carries.
struct Envelope {
  PacketKind kind = PacketKind::request;
  uint64_t call_id = 0;
  std::string method;  // empty in replies
  Bytes body;
  RAFTSIM_WIRE_FIELDS(kind, call_id, method, body)
};

}  // namespace

struct Endpoint::Pending {
  detail::Fiber* fiber = nullptr;
  std::optional<Bytes> reply;
};

void Endpoint::handle(std::string method, RawHandler handler) {
  handlers_[std::move(method)] = std::move(handler);
}

std::optional<Bytes> Endpoint::call(NodeId to, std::string_view method, Bytes args,
                                    Duration timeout) {
  detail::Fiber& me = world_.current_checked();
  RAFTSIM_ASSERT(me.node == node_);
  world_.check_no_lock_held("an RPC call");
  const uint64_t call_id = next_call_id_++;
  Bytes packet =
      wire::encode(Envelope{PacketKind::request, call_id, std::string(method), std::move(args)});
  ++stats_.calls;
  stats_.bytes_sent += packet.size();
  Pending pending;
  pending.fiber = &me;
  pending_[call_id] = &pending;
  world_.network().send(node_, to, std::move(packet));
  const Instant deadline = world_.global_for_local(node_, world_.local_now(node_) + timeout);
  world_.block({"rpc", method, this}, deadline);
  pending_.erase(call_id);
  RAFTSIM_ASSERT(world_.current() == &me);
  if (!pending.reply.has_value()) ++stats_.failed;
  return std::move(pending.reply);
}

void Endpoint::on_packet(Packet&& packet) {
  std::optional<Envelope> envelope = wire::decode<Envelope>(packet.payload);
  if (!envelope.has_value()) return;  // garbage: dropped, as a real stack would
  if (envelope->kind == PacketKind::reply) {
    auto it = pending_.find(envelope->call_id);
    if (it == pending_.end()) return;  // the call already ended
    Pending& pending = *it->second;
    pending_.erase(it);
    pending.reply = std::move(envelope->body);
    if (pending.fiber->state == detail::FiberState::blocked) {
      world_.wake(*pending.fiber, WakeReason::notified);
    }
    return;
  }
  if (envelope->kind != PacketKind::request) return;
  const NodeId from = packet.from;
  const uint64_t call_id = envelope->call_id;
  // The name first: argument evaluation order differs between compilers, and the lambda
  // below moves the method out.
  std::string fiber_name = "rpc " + envelope->method;
  world_.spawn(node_, std::move(fiber_name),
               [this, from, call_id, method = std::move(envelope->method),
                body = std::move(envelope->body)]() mutable {
                 serve(from, call_id, std::move(method), std::move(body));
               });
}

void Endpoint::serve(NodeId from, uint64_t call_id, std::string method, Bytes args) {
  auto it = handlers_.find(method);
  if (it == handlers_.end()) return;  // no such method: the caller times out
  RawHandler handler = it->second;    // a copy: the handler may be replaced while it runs
  std::optional<Bytes> reply = handler(args);
  if (!reply.has_value()) return;
  ReplyFate fate;
  if (world_.hooks().on_reply) fate = world_.hooks().on_reply(node_, from, method);
  if (fate.drop) return;
  ++stats_.served;
  Bytes packet = wire::encode(Envelope{PacketKind::reply, call_id, "", std::move(*reply)});
  stats_.bytes_sent += packet.size();
  if (fate.hold) {
    // Sent as if from the node whenever the holder says (even if it crashed meanwhile).
    World& world = world_;
    const NodeId node = node_;
    fate.hold([&world, node, from, p = std::move(packet)]() mutable {
      world.network().send(node, from, std::move(p));
    });
    return;
  }
  if (fate.delay > Duration::zero()) {
    // Held back, then sent as if from the node at that time (even if it crashed meanwhile: the
    // reply had left the process).
    World& world = world_;
    const NodeId node = node_;
    world_.schedule(world_.now() + fate.delay,
                    [&world, node, from, p = std::move(packet)]() mutable {
                      world.network().send(node, from, std::move(p));
                    });
    return;
  }
  world_.network().send(node_, from, std::move(packet));
}

void Endpoint::on_crash() {
  handlers_.clear();
  pending_.clear();
}

void handle_raw(std::string method, RawHandler handler) {
  World& w = world();
  w.endpoint(self()).handle(std::move(method), std::move(handler));
}

std::optional<Bytes> call_raw(NodeId to, std::string_view method, Bytes args, Duration timeout) {
  World& w = world();
  return w.endpoint(self()).call(to, method, std::move(args), timeout);
}

}  // namespace sim::rpc
