// Implementations registered from outside raftsim, forwarding to the installed package's own
// factories: "wrapper" (the reference Raft and the reference KV service) and "wrapper-skeleton"
// (the skeleton KV service, which must fail 4A).
#include "raft/kv/registry.h"
#include "raft/kv/server.h"
#include "raft/kv/skeleton/skeleton.h"
#include "raft/kv/state_machine.h"
#include "raft/reference/make.h"
#include "raft/registry.h"

namespace wrapper {

std::shared_ptr<raft::Peer> make_raft(raft::PeerContext context) {
  return raft::reference::make_reference(std::move(context));
}

std::shared_ptr<kv::Service> make_kv(kv::ServiceContext context) {
  return kv::make_server(std::move(context));
}

}  // namespace wrapper

RAFTSIM_REGISTER_IMPLEMENTATION("wrapper", "the reference Raft, registered out of tree",
                                &wrapper::make_raft, true);
RAFTSIM_REGISTER_KV_SERVICE("wrapper", "the reference KV service, registered out of tree",
                            &wrapper::make_kv, &kv::snapshot_index);
RAFTSIM_REGISTER_KV_SERVICE("wrapper-skeleton", "the skeleton KV service, registered out of tree",
                            &kv::skeleton::make_skeleton, &kv::skeleton::snapshot_index);
