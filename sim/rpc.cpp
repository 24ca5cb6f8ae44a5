#include "sim/rpc.h"

#include <algorithm>

#include "sim/assert.h"
#include "sim/runtime.h"
#include "sim/world.h"

namespace sim::rpc {
namespace {

enum class PacketKind : uint8_t { request = 1, reply = 2 };

// Every RPC packet is an envelope: the kind, the call's id, the method (empty in replies) and the
// body, encoded as a struct of those four fields would be (sim/wire.h). Written and read here
// field by field, so that the body is copied once into the packet and, on the way in, not at all.
Bytes encode_envelope(PacketKind kind, uint64_t call_id, std::string_view method,
                      std::span<const uint8_t> body) {
  wire::Writer w;
  w.reserve(wire::varint_size(static_cast<uint8_t>(kind)) + wire::varint_size(call_id) +
            wire::varint_size(method.size()) + method.size() + wire::varint_size(body.size()) +
            body.size());
  w.varint(static_cast<uint8_t>(kind));
  w.varint(call_id);
  w.varint(method.size());
  w.raw(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(method.data()), method.size()));
  w.varint(body.size());
  w.raw(body);
  return w.take();
}

// An envelope's fields, viewing the packet's bytes.
struct EnvelopeView {
  PacketKind kind = PacketKind::request;
  uint64_t call_id = 0;
  std::string_view method;
  size_t body_offset = 0;  // the body runs from here to the end of the packet
};

std::optional<EnvelopeView> decode_envelope(std::span<const uint8_t> bytes) {
  wire::Reader r(bytes);
  EnvelopeView view;
  uint8_t kind = 0;
  wire::get(r, kind);
  view.kind = static_cast<PacketKind>(kind);
  wire::get(r, view.call_id);
  const std::span<const uint8_t> method = r.raw(r.length());
  view.method = std::string_view(reinterpret_cast<const char*>(method.data()), method.size());
  const size_t body_size = r.length();
  view.body_offset = r.position();
  r.raw(body_size);
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return view;
}

// The packet's payload becomes the body: the header goes, the bytes stay where they are.
Bytes take_body(Packet& packet, const EnvelopeView& envelope) {
  Bytes body = std::move(packet.payload);
  body.erase(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(envelope.body_offset));
  return body;
}

}  // namespace

struct Endpoint::Pending {
  detail::Fiber* fiber = nullptr;
  std::optional<Bytes> reply;
};

void Endpoint::handle(std::string method, RawHandler handler) {
  handlers_[std::move(method)] = std::make_shared<const RawHandler>(std::move(handler));
}

std::optional<Bytes> Endpoint::call(NodeId to, std::string_view method,
                                    std::span<const uint8_t> args, Duration timeout) {
  detail::Fiber& me = world_.current_checked();
  RAFTSIM_ASSERT(me.node == node_);
  world_.check_no_lock_held("an RPC call");
  const uint64_t call_id = next_call_id_++;
  Bytes packet = encode_envelope(PacketKind::request, call_id, method, args);
  ++stats_.calls;
  stats_.bytes_sent += packet.size();
  Pending pending;
  pending.fiber = &me;
  RAFTSIM_ASSERT(pending_.empty() || pending_.back().first < call_id);
  pending_.emplace_back(call_id, &pending);
  world_.network().send(node_, to, std::move(packet));
  const Instant deadline = world_.global_for_local(node_, world_.local_now(node_) + timeout);
  world_.block({"rpc", method, this}, deadline);
  forget_pending(call_id);
  RAFTSIM_ASSERT(world_.current() == &me);
  if (!pending.reply.has_value()) ++stats_.failed;
  return std::move(pending.reply);
}

void Endpoint::on_packet(Packet&& packet) {
  const std::optional<EnvelopeView> envelope = decode_envelope(packet.payload);
  if (!envelope.has_value()) return;  // garbage: dropped, as a real stack would
  if (envelope->kind == PacketKind::reply) {
    Pending* found = forget_pending(envelope->call_id);
    if (found == nullptr) return;  // the call already ended
    Pending& pending = *found;
    pending.reply = take_body(packet, *envelope);
    if (pending.fiber->state == detail::FiberState::blocked) {
      world_.wake(*pending.fiber, WakeReason::notified);
    }
    return;
  }
  if (envelope->kind != PacketKind::request) return;
  const NodeId from = packet.from;
  const uint64_t call_id = envelope->call_id;
  // The method's name: the registered handler's key when there is one (it stays until a crash,
  // which ends this fiber too), else a copy (a handler may yet be registered before it runs).
  const auto registered = handlers_.find(envelope->method);
  const std::string* key = registered != handlers_.end() ? &registered->first : nullptr;
  std::string unregistered = key == nullptr ? std::string(envelope->method) : std::string();
  fiber_name_.assign("rpc ").append(envelope->method);  // copied into the fiber's record
  Bytes body = take_body(packet, *envelope);            // last: the envelope views the payload
  world_.spawn(node_, fiber_name_,
               [this, from, call_id, key, unregistered = std::move(unregistered),
                body = std::move(body)]() mutable {
                 serve(from, call_id, key != nullptr ? *key : unregistered, std::move(body));
               });
}

Endpoint::Pending* Endpoint::forget_pending(uint64_t call_id) {
  // Call ids only grow, so pending_ is sorted by id: a binary search finds the call.
  const auto it = std::lower_bound(
      pending_.begin(), pending_.end(), call_id,
      [](const std::pair<uint64_t, Pending*>& entry, uint64_t id) { return entry.first < id; });
  if (it == pending_.end() || it->first != call_id) return nullptr;
  Pending* pending = it->second;
  pending_.erase(it);
  return pending;
}

void Endpoint::serve(NodeId from, uint64_t call_id, const std::string& method, Bytes args) {
  auto it = handlers_.find(method);
  if (it == handlers_.end()) return;  // no such method: the caller times out
  // Shared: the handler may be replaced while it runs.
  const std::shared_ptr<const RawHandler> handler = it->second;
  std::optional<Bytes> reply = (*handler)(args);
  if (!reply.has_value()) return;
  ReplyFate fate;
  if (world_.hooks().on_reply) fate = world_.hooks().on_reply(node_, from, method);
  if (fate.drop) return;
  ++stats_.served;
  Bytes packet = encode_envelope(PacketKind::reply, call_id, "", *reply);
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

std::optional<Bytes> call_raw(NodeId to, std::string_view method, std::span<const uint8_t> args,
                              Duration timeout) {
  World& w = world();
  return w.endpoint(self()).call(to, method, args, timeout);
}

}  // namespace sim::rpc
