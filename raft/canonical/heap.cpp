#include "raft/canonical/heap.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "raft/canonical/library.h"

namespace raft::canonical {

// Sits right before the block the library sees. `raw` is what malloc returned (the header of an
// over-aligned block is not at its start).
struct alignas(alignof(std::max_align_t)) Heap::Header {
  Header* previous = nullptr;
  Header* next = nullptr;
  Heap* owner = nullptr;
  size_t size = 0;
  void* raw = nullptr;
};

namespace {

thread_local Heap* current_heap = nullptr;

Heap::Header* header_of(void* block) {
  return reinterpret_cast<Heap::Header*>(static_cast<char*>(block) - sizeof(Heap::Header));
}

void* allocate(size_t size, size_t alignment) {
  if (alignment < alignof(Heap::Header)) alignment = alignof(Heap::Header);
  const size_t total = sizeof(Heap::Header) + size + alignment;
  void* raw = std::malloc(total);
  if (raw == nullptr) return nullptr;
  uintptr_t block = reinterpret_cast<uintptr_t>(raw) + sizeof(Heap::Header);
  block = (block + alignment - 1) / alignment * alignment;
  auto* header = new (reinterpret_cast<void*>(block - sizeof(Heap::Header))) Heap::Header;
  header->size = size;
  header->raw = raw;
  if (current_heap != nullptr) current_heap->link(header);
  return reinterpret_cast<void*>(block);
}

void release(void* block) {
  if (block == nullptr) return;
  Heap::Header* header = header_of(block);
  if (header->owner != nullptr) header->owner->unlink(header);
  std::free(header->raw);
}

void* heap_malloc(void*, size_t size) { return allocate(size, alignof(std::max_align_t)); }
void heap_free(void*, void* block) { release(block); }
void* heap_calloc(void*, size_t count, size_t size) {
  if (size != 0 && count > SIZE_MAX / size) return nullptr;
  void* block = allocate(count * size, alignof(std::max_align_t));
  if (block != nullptr) std::memset(block, 0, count * size);
  return block;
}
void* heap_realloc(void*, void* block, size_t size) {
  if (block == nullptr) return allocate(size, alignof(std::max_align_t));
  void* moved = allocate(size, alignof(std::max_align_t));
  if (moved == nullptr) return nullptr;  // the old block stays, as realloc's contract says
  const size_t old_size = header_of(block)->size;
  std::memcpy(moved, block, old_size < size ? old_size : size);
  release(block);
  return moved;
}
void* heap_aligned_alloc(void*, size_t alignment, size_t size) { return allocate(size, alignment); }
void heap_aligned_free(void*, size_t, void* block) { release(block); }

libraft::raft_heap library_heap = {nullptr,           &heap_malloc,  &heap_free,
                                   &heap_calloc,      &heap_realloc, &heap_aligned_alloc,
                                   &heap_aligned_free};

}  // namespace

Heap::Heap() = default;

Heap::~Heap() {
  while (head_ != nullptr) {
    Header* header = head_;
    unlink(header);
    std::free(header->raw);
  }
}

void Heap::install() {
  static std::once_flag once;
  std::call_once(once, [] { libraft::raft_heap_set(&library_heap); });
}

void Heap::make_current(Heap* heap) { current_heap = heap; }

void Heap::link(Header* header) {
  header->owner = this;
  header->previous = nullptr;
  header->next = head_;
  if (head_ != nullptr) head_->previous = header;
  head_ = header;
  ++blocks_;
}

void Heap::unlink(Header* header) {
  if (header->previous != nullptr) header->previous->next = header->next;
  if (header->next != nullptr) header->next->previous = header->previous;
  if (head_ == header) head_ = header->next;
  header->owner = nullptr;
  --blocks_;
}

}  // namespace raft::canonical
