#include "sim/persister.h"

#include "sim/world.h"

namespace sim {
namespace {
const std::string kStateFile = "raft_state";
const std::string kSnapshotFile = "snapshot";
}  // namespace

void Persister::save(Bytes raft_state, Bytes snapshot) {
  std::vector<std::pair<std::string, Bytes>> files;
  files.emplace_back(kStateFile, std::move(raft_state));
  files.emplace_back(kSnapshotFile, std::move(snapshot));
  disk_->write_all(std::move(files));
  disk_->note_save_written();
  disk_->fsync();
}

void Persister::append_raft_state(Bytes records) {
  disk_->append(kStateFile, std::move(records));
  disk_->note_save_written();
  disk_->fsync();
}

void Persister::save_raft_state(Bytes raft_state) {
  disk_->write(kStateFile, std::move(raft_state));
  disk_->note_save_written();
  disk_->fsync();
}

Bytes Persister::read_raft_state() const {
  const Bytes* bytes = disk_->read_durable(kStateFile);
  return bytes != nullptr ? *bytes : Bytes();
}

Bytes Persister::read_snapshot() const {
  const Bytes* bytes = disk_->read_durable(kSnapshotFile);
  return bytes != nullptr ? *bytes : Bytes();
}

size_t Persister::raft_state_size() const {
  const Bytes* bytes = disk_->read_durable(kStateFile);
  return bytes != nullptr ? bytes->size() : 0;
}

size_t Persister::snapshot_size() const {
  const Bytes* bytes = disk_->read_durable(kSnapshotFile);
  return bytes != nullptr ? bytes->size() : 0;
}

}  // namespace sim
