// The canonical adapter's heap (raft/canonical/heap.h): what the library allocates while a heap is
// current is recorded in it and freed with it, whatever was not freed before (the asan preset's
// leak check fails this program if not); each allocator call behaves as its C counterpart.
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <memory>

#include "raft/canonical/heap.h"
#include "raft/canonical/library.h"

using raft::canonical::Heap;

TEST_CASE("canonical heap: blocks allocated under a heap are freed with it") {
  Heap::install();
  auto heap = std::make_unique<Heap>();
  Heap::make_current(heap.get());
  void* plain = libraft::raft_malloc(10);
  auto* zeroed = static_cast<uint8_t*>(libraft::raft_calloc(4, 8));
  void* aligned = libraft::raft_aligned_alloc(4096, 100);
  REQUIRE((plain != nullptr && zeroed != nullptr && aligned != nullptr));
  CHECK(reinterpret_cast<uintptr_t>(aligned) % 4096 == 0);
  CHECK(reinterpret_cast<uintptr_t>(plain) % alignof(std::max_align_t) == 0);
  for (int i = 0; i < 32; ++i) CHECK(zeroed[i] == 0);
  zeroed[0] = 7;
  auto* grown = static_cast<uint8_t*>(libraft::raft_realloc(zeroed, 64));
  REQUIRE(grown != nullptr);
  CHECK(grown[0] == 7);  // the contents move with the block
  CHECK(heap->blocks() == 3);
  libraft::raft_free(plain);
  CHECK(heap->blocks() == 2);
  Heap::make_current(nullptr);
  void* untracked = libraft::raft_malloc(8);  // no heap current: recorded nowhere
  CHECK(heap->blocks() == 2);
  libraft::raft_free(untracked);
  libraft::raft_free(nullptr);  // as free(NULL)
  heap.reset();                 // frees `grown` and `aligned`
}

TEST_CASE("canonical heap: a block is freed through its own heap, whichever is current") {
  Heap::install();
  Heap first;
  Heap second;
  Heap::make_current(&first);
  void* block = libraft::raft_malloc(16);
  Heap::make_current(&second);
  libraft::raft_free(block);
  Heap::make_current(nullptr);
  CHECK(first.blocks() == 0);
  CHECK(second.blocks() == 0);
}
