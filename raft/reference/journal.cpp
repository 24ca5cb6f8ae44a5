#include "raft/reference/journal.h"

#include <numeric>

namespace raft::reference::journal {

void put_base(sim::wire::Writer& writer, Index base_index, Term base_term) {
  sim::wire::put(writer, Tag::base);
  sim::wire::put(writer, base_index);
  sim::wire::put(writer, base_term);
}

void put_state(sim::wire::Writer& writer, Term current_term, NodeId voted_for) {
  sim::wire::put(writer, Tag::state);
  sim::wire::put(writer, current_term);
  sim::wire::put(writer, voted_for);
}

void put_entry(sim::wire::Writer& writer, const Entry& entry) {
  sim::wire::put(writer, Tag::entry);
  sim::wire::put(writer, entry);
}

void put_truncate(sim::wire::Writer& writer, Index from_index) {
  sim::wire::put(writer, Tag::truncate);
  sim::wire::put(writer, from_index);
}

namespace {

// Applies one record; false (after r.fail) when it breaks invariant 1.
bool apply_record(sim::wire::Reader& r, Replayed& out, bool first, size_t& state_bytes,
                  size_t start) {
  Tag tag{};
  sim::wire::get(r, tag);
  if (!r.ok()) return false;
  if (first != (tag == Tag::base)) {
    r.fail("a journal starts with its one base record");
    return false;
  }
  switch (tag) {
    case Tag::base:
      sim::wire::get(r, out.base_index);
      sim::wire::get(r, out.base_term);
      return r.ok();
    case Tag::state:
      sim::wire::get(r, out.current_term);
      sim::wire::get(r, out.voted_for);
      out.garbage_bytes += state_bytes;  // the previous state record no longer counts
      state_bytes = r.position() - start;
      return r.ok();
    case Tag::entry: {
      Entry entry;
      sim::wire::get(r, entry);
      if (!r.ok()) return false;
      out.entries.push_back(std::move(entry));
      out.entry_bytes.push_back(static_cast<uint32_t>(r.position() - start));
      return true;
    }
    case Tag::truncate: {
      Index from_index = 0;
      sim::wire::get(r, from_index);
      if (!r.ok()) return false;
      const Index last_index = out.base_index + out.entries.size();
      if (from_index <= out.base_index || from_index > last_index + 1) {
        r.fail("truncate outside the log");
        return false;
      }
      const size_t keep = from_index - out.base_index - 1;
      out.garbage_bytes += std::accumulate(out.entry_bytes.begin() + static_cast<long>(keep),
                                           out.entry_bytes.end(), uint64_t{0});
      out.garbage_bytes += r.position() - start;
      out.entries.resize(keep);
      out.entry_bytes.resize(keep);
      return true;
    }
  }
  r.fail("unknown record tag");
  return false;
}

}  // namespace

std::optional<Replayed> replay(std::span<const uint8_t> bytes, std::string* error) {
  sim::wire::Reader r(bytes);
  Replayed out;
  size_t state_bytes = 0;
  bool first = true;
  while (!r.at_end()) {
    const size_t start = r.position();
    if (!apply_record(r, out, first, state_bytes, start)) break;
    first = false;
  }
  if (!r.ok()) {
    if (error != nullptr) *error = r.error();
    return std::nullopt;
  }
  return out;
}

}  // namespace raft::reference::journal
