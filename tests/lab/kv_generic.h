// The course's shared KV test bodies (kvraft test_test.go): GenericTest, GenericTestSpeed and the
// append checks, used by parts 4A and 4B.
#pragma once

#include <string>
#include <vector>

#include "tests/lab/kv_tester.h"

namespace lab {

struct GenericOptions {
  const char* part;  // "4A" or "4B"
  int clients;
  bool unreliable;
  bool crash;
  bool partitions;
  bool random_keys;
};

// Clients run 3 iterations of 5 s: Append 50%, Put 10% (random keys only), else Get; with fixed
// keys every Get must return what the client predicts, and after each iteration every client's
// appends appear exactly once and in order. Optional partitioner, crash of every server,
// unreliable network; log size <= 8 x max_raft_state, or no snapshot at all when it is -1.
void generic_test(KvTester& kv, const GenericOptions& options);

// 1000 appends by one clerk, at most 33.3 ms (a third of a heartbeat) each on average.
void generic_test_speed(KvTester& kv, const char* part);

// Every known append of client `client` (count of them) is in `value` exactly once, in order.
void check_client_appends(KvTester& kv, int client, const std::string& value, int count);
// The same for several clients appending concurrently to one value.
void check_concurrent_appends(KvTester& kv, const std::string& value,
                              const std::vector<int>& counts);

}  // namespace lab
