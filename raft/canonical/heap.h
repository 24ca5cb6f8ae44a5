// The memory of one canonical/raft instance: every block the library allocates (raft_malloc and
// friends) while the instance runs is recorded in that instance's Heap, so that a crash, which
// abandons the instance without raft_close and without running its callbacks, frees all of it.
//
// Contract.
// - install() sets the library's allocator (raft_heap_set) once per process; it is safe from any
//   thread, and several instances on several threads may run at once.
// - While a heap is current on a thread (make_current), the library's allocations on that thread
//   are recorded in it. A block is freed through its own header whichever heap is current, so
//   memory may cross instances (it never does in the adapter) without confusion. With no heap
//   current a block is recorded nowhere (freed only by raft_free).
// - ~Heap frees every block still recorded in it.
// - A fiber that blocks inside the library must make its heap current again when it resumes
//   (another fiber may have made another one current meanwhile).
#pragma once

#include <cstddef>

namespace raft::canonical {

class Heap {
 public:
  Heap();
  ~Heap();
  Heap(const Heap&) = delete;
  Heap& operator=(const Heap&) = delete;

  static void install();

  size_t blocks() const { return blocks_; }
  static void make_current(Heap* heap);  // nullptr: none

  struct Header;
  void link(Header* header);
  void unlink(Header* header);

 private:
  Header* head_ = nullptr;  // most recent first
  size_t blocks_ = 0;
};

}  // namespace raft::canonical
