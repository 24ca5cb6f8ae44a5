#include <catch2/catch.hpp>
#include <mutex>
#include <string>
#include <vector>

#include "sim/channel.h"
#include "sim/cond_var.h"
#include "sim/mutex.h"
#include "sim/runtime.h"
#include "sim/semaphore.h"
#include "sim/world.h"

using namespace sim;

TEST_CASE("sync: a mutex excludes and hands over in FIFO order", "[sim][sync]") {
  Mutex m("m");
  World w;
  const NodeId p = w.add_process("p");
  std::string log;
  REQUIRE(w.run_main(p, [&] {
    for (char c : std::string("abc")) {
      go(std::string(1, c), [&, c] {
        std::unique_lock lock(m);
        log += c;
        lock.unlock();
        yield();
        lock.lock();
        log += c;
      });
    }
    std::unique_lock lock(m);
    yield();  // everyone queues behind us
    lock.unlock();
    sleep_for(1_ms);
  }));
  CHECK(log == "abcabc");
  CHECK(m.owner() == nullptr);
}

TEST_CASE("sync: try_lock fails while another fiber holds the mutex", "[sim][sync]") {
  Mutex m;
  World w;
  const NodeId p = w.add_process("p");
  REQUIRE(w.run_main(p, [&] {
    std::unique_lock lock(m);
    bool other_got_it = true;
    go("other", [&] { other_got_it = m.try_lock(); });
    yield();
    CHECK_FALSE(other_got_it);
    CHECK(m.held_by_me());
  }));
}

TEST_CASE("sync: condition variable wait, notify and timeout", "[sim][sync]") {
  Mutex m;
  CondVar cv;
  World w;
  const NodeId p = w.add_process("p");
  bool ready = false;
  REQUIRE(w.run_main(p, [&] {
    go("setter", [&] {
      sleep_for(30_ms);
      std::lock_guard lock(m);
      ready = true;
      cv.notify_all();
    });
    std::unique_lock lock(m);
    CHECK_FALSE(cv.wait_for(lock, 10_ms, [&] { return ready; }));
    CHECK(now() == Instant() + 10_ms);
    cv.wait(lock, [&] { return ready; });
    CHECK(now() == Instant() + 30_ms);
    CHECK(cv.wait_for(lock, 5_ms) == std::cv_status::timeout);
  }));
}

TEST_CASE("sync: semaphore counts and wakes waiters in order", "[sim][sync]") {
  Semaphore s(1);
  World w;
  const NodeId p = w.add_process("p");
  std::string log;
  REQUIRE(w.run_main(p, [&] {
    s.acquire();
    go("x", [&] {
      s.acquire();
      log += 'x';
    });
    go("y", [&] {
      s.acquire();
      log += 'y';
    });
    sleep_for(1_ms);
    CHECK(log.empty());
    s.release(2);
    sleep_for(1_ms);
    CHECK(log == "xy");
    CHECK_FALSE(s.acquire_for(5_ms));
    CHECK(now() == Instant() + 7_ms);
    s.release();
    CHECK(s.try_acquire());
  }));
}

TEST_CASE("sync: an unbuffered channel is a rendezvous", "[sim][sync]") {
  Channel<int> ch(0, "rendezvous");
  World w;
  const NodeId p = w.add_process("p");
  Instant sent_at;
  REQUIRE(w.run_main(p, [&] {
    go("sender", [&] {
      CHECK(ch.send(7));
      sent_at = now();
    });
    sleep_for(20_ms);
    CHECK(sent_at == Instant());  // still blocked: nobody received yet
    CHECK(ch.recv() == 7);
    yield();
    CHECK(sent_at == Instant() + 20_ms);
  }));
}

TEST_CASE("sync: a buffered channel keeps order, blocks when full, and closes", "[sim][sync]") {
  Channel<int> ch(2, "buffered");
  World w;
  const NodeId p = w.add_process("p");
  std::vector<int> got;
  REQUIRE(w.run_main(p, [&] {
    bool third_sent = false;
    go("sender", [&] {
      ch.send(1);
      ch.send(2);
      ch.send(3);  // blocks: the buffer holds two
      third_sent = true;
      ch.close();
      CHECK_FALSE(ch.send(4));
    });
    sleep_for(1_ms);
    CHECK_FALSE(third_sent);
    CHECK(ch.size() == 2);
    while (std::optional<int> v = ch.recv()) got.push_back(*v);
    CHECK(third_sent);
    CHECK(ch.closed());
    CHECK_FALSE(ch.recv_for(1_ms).has_value());
  }));
  CHECK(got == std::vector<int>{1, 2, 3});
}

TEST_CASE("sync: recv_for times out, and a late value is not lost", "[sim][sync]") {
  Channel<int> ch(0);
  World w;
  const NodeId p = w.add_process("p");
  REQUIRE(w.run_main(p, [&] {
    go("late", [&] {
      sleep_for(10_ms);
      ch.send(5);
    });
    CHECK_FALSE(ch.recv_for(5_ms).has_value());
    CHECK(ch.recv() == 5);
    CHECK(now() == Instant() + 10_ms);
  }));
}

TEST_CASE("sync: a cycle of mutex waits is reported the moment it closes", "[sim][sync]") {
  Mutex a("alpha"), b("beta");
  WorldOptions options;
  options.detect.lock_across_block = LockAcrossBlock::off;
  World w(options);
  const NodeId p = w.add_process("p");
  w.spawn(p, "first", [&] {
    std::lock_guard la(a);
    sleep_for(1_ms);
    std::lock_guard lb(b);
  });
  w.spawn(p, "second", [&] {
    std::lock_guard lb(b);
    sleep_for(1_ms);
    std::lock_guard la(a);
  });
  CHECK_FALSE(w.run_for(1_s));
  REQUIRE(w.failure().has_value());
  CHECK(w.failure()->kind == "deadlock");
  CHECK(w.failure()->at == Instant() + 1_ms);
  CHECK_THAT(w.failure()->message, Catch::Contains("cycle"));
  CHECK_THAT(w.failure()->message, Catch::Contains("mutex 'alpha' held by fiber 'first'"));
  CHECK_THAT(w.failure()->message, Catch::Contains("mutex 'beta' held by fiber 'second'"));
}

TEST_CASE("sync: a mutex wait longer than the bound is reported with its holder", "[sim][sync]") {
  Mutex m("raft");
  WorldOptions options;
  options.detect.mutex_wait_max = 2_s;
  options.detect.lock_across_block = LockAcrossBlock::off;
  World w(options);
  const NodeId p = w.add_process("p");
  w.spawn(p, "hog", [&] {
    std::lock_guard lock(m);
    sleep_for(10_s);
  });
  w.spawn(p, "victim", [&] {
    sleep_for(1_ms);
    std::lock_guard lock(m);
  });
  CHECK_FALSE(w.run_for(20_s));
  REQUIRE(w.failure().has_value());
  CHECK(w.failure()->kind == "deadlock");
  CHECK(w.failure()->at == Instant() + 1_ms + 2_s);
  CHECK_THAT(w.failure()->message,
             Catch::Contains("fiber 'victim'") && Catch::Contains("held by fiber 'hog'"));
}

TEST_CASE("sync: when every fiber is blocked and nothing is pending, the world reports each",
          "[sim][sync]") {
  Channel<int> ch(0, "apply");
  Mutex m("core");
  CondVar cv("wakeup");
  World w;
  const NodeId p = w.add_process("p");
  const NodeId n = w.add_node("n1", nullptr);
  w.start(n);
  w.spawn(n, "reader", [&] { ch.recv(); });
  w.spawn(p, "waiter", [&] {
    std::unique_lock lock(m);
    cv.wait(lock);
  });
  CHECK_FALSE(w.run_for(1_s));
  REQUIRE(w.failure().has_value());
  CHECK(w.failure()->kind == "deadlock");
  const std::string& report = w.failure()->message;
  CHECK_THAT(report, Catch::Contains("fiber 'reader'") && Catch::Contains("on node 'n1'") &&
                         Catch::Contains("channel recv 'apply'"));
  CHECK_THAT(report, Catch::Contains("fiber 'waiter'") && Catch::Contains("condvar 'wakeup'"));
}

TEST_CASE("sync: sleeping while holding a mutex is reported as an error by default",
          "[sim][sync]") {
  Mutex m("raft-core");
  World w;
  const NodeId p = w.add_process("p");
  w.spawn(p, "ticker", [&] {
    std::lock_guard lock(m);
    sleep_for(10_ms);
  });
  CHECK_FALSE(w.run_for(1_s));
  REQUIRE(w.failure().has_value());
  CHECK(w.failure()->kind == "lock");
  CHECK_THAT(w.failure()->message, Catch::Contains("fiber 'ticker'") && Catch::Contains("sleep") &&
                                       Catch::Contains("mutex 'raft-core'"));
}

TEST_CASE("sync: blocking on a channel while holding a mutex is reported", "[sim][sync]") {
  Mutex m("core");
  Channel<int> ch(0, "apply");
  World w;
  const NodeId p = w.add_process("p");
  w.spawn(p, "applier", [&] {
    std::lock_guard lock(m);
    ch.send(1);
  });
  CHECK_FALSE(w.run_for(1_s));
  REQUIRE(w.failure().has_value());
  CHECK(w.failure()->kind == "lock");
  CHECK_THAT(w.failure()->message, Catch::Contains("channel send"));
}

TEST_CASE("sync: the lock-across-block check can warn or be turned off", "[sim][sync]") {
  for (LockAcrossBlock policy : {LockAcrossBlock::warn, LockAcrossBlock::off}) {
    Mutex m("core");
    WorldOptions options;
    options.detect.lock_across_block = policy;
    options.trace.record_all = true;
    World w(options);
    const NodeId p = w.add_process("p");
    REQUIRE(w.run_main(p, [&] {
      std::lock_guard lock(m);
      sleep_for(10_ms);
    }));
    size_t notes = 0;
    for (const TraceEvent& e : w.trace().all()) notes += e.topic == "lock" ? 1 : 0;
    CHECK(notes == (policy == LockAcrossBlock::warn ? 1u : 0u));
  }
}

TEST_CASE("sync: a channel wait longer than its bound is reported", "[sim][sync]") {
  Channel<int> ch(0, "never");
  WorldOptions options;
  options.detect.channel_wait_max = 3_s;
  World w(options);
  const NodeId p = w.add_process("p");
  w.spawn(p, "ticker", [] {
    for (;;) sleep_for(1_s);
  });
  w.spawn(p, "stuck", [&] { ch.recv(); });
  CHECK_FALSE(w.run_for(10_s));
  REQUIRE(w.failure().has_value());
  CHECK(w.failure()->at == Instant() + 3_s);
  CHECK_THAT(w.failure()->message, Catch::Contains("'never'") && Catch::Contains("3s"));
}

TEST_CASE("sync: a crash releases the dead fiber's mutex to the next waiter", "[sim][sync]") {
  Mutex shared("shared");
  WorldOptions options;
  options.detect.lock_across_block = LockAcrossBlock::off;
  World w(options);
  const NodeId n = w.add_node("n0", [&] {
    go("holder", [&] {
      std::lock_guard lock(shared);
      sleep_for(1000_s);
    });
  });
  const NodeId p = w.add_process("p");
  w.start(n);
  REQUIRE(w.run_main(p, [&] {
    sleep_for(1_ms);
    bool got = false;
    go("waiter", [&] {
      std::lock_guard lock(shared);
      got = true;
    });
    sleep_for(1_ms);
    CHECK_FALSE(got);
    w.crash(n);
    sleep_for(1_ms);
    CHECK(got);
  }));
}

TEST_CASE("sync: a fiber spawned after others finished starts with its own name and no mutexes",
          "[sim][sync]") {
  // A finished fiber's record is reused for a later spawn (outside AddressSanitizer builds): what
  // the earlier fiber held or was called must not carry over.
  Mutex alpha("alpha");
  Mutex beta("beta");
  World w;
  const NodeId p = w.add_process("p");
  CHECK_FALSE(w.run_main(p, [&] {
    for (int i = 0; i < 3; ++i) {
      go("a fiber with a name longer than the small-string buffer", [&] {
        alpha.lock();  // never unlocked: released when the fiber ends
        beta.lock();
      });
      sleep_for(1_ms);
    }
    go("taker", [&] {
      std::lock_guard la(alpha);
      std::lock_guard lb(beta);
    });
    sleep_for(1_ms);
    go("second", [&] {
      std::lock_guard la(alpha);
      alpha.lock();
    });
    sleep_for(1_ms);
  }));
  REQUIRE(w.failure().has_value());
  CHECK(w.failure()->kind == "deadlock");
  CHECK_THAT(w.failure()->message,
             Catch::Contains("fiber 'second'") && Catch::Contains("which it already holds"));
  CHECK_THAT(w.failure()->message, !Catch::Contains("small-string"));
}
