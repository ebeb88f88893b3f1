#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <memory>

namespace Meshdeck {

// Counters and caches that the event-loop threads write on every request are kept per thread:
// two threads writing one cache line make it travel between their cores on every write, which on
// the gateway's hot path cost about a quarter of its user time. A thread takes the next of
// `ThreadShards` slots the first time it asks, so while there are no more threads than slots each
// writes only its own; more threads share slots, and stay correct (the slots are atomics).
inline constexpr size_t ThreadShards = 16;

inline size_t threadShard()
{
    static std::atomic<size_t> threads{0};
    thread_local const size_t shard = threads.fetch_add(1, std::memory_order_relaxed) % ThreadShards;
    return shard;
}

// A count kept per thread and summed when read: add() writes this thread's cache line only.
// Reading sums every slot, so it is for the rare reader (a drain's poll, a retry's budget, the
// least-outstanding pick), not for a per-request total.
class ShardedCount
{
public:
    void add(int delta) { m_slots[threadShard()].value.fetch_add(delta, std::memory_order_relaxed); }
    int sum() const
    {
        int total = 0;
        for (const Slot &slot : m_slots)
            total += slot.value.load(std::memory_order_relaxed);
        return total;
    }

private:
    struct alignas(64) Slot {
        std::atomic<int> value{0};
    };
    std::array<Slot, ThreadShards> m_slots{};
};

// A shared_ptr to `object` whose copies count on a control block of this thread's own: copying
// the original shared_ptr on two threads makes its one control block's count travel between their
// cores. The returned pointer keeps `object` alive; hand it out (and copy it) on one thread.
template<typename T> std::shared_ptr<T> localAlias(std::shared_ptr<T> object)
{
    T *raw = object.get();
    auto holder = std::make_shared<std::shared_ptr<T>>(std::move(object));
    return std::shared_ptr<T>(std::move(holder), raw);
}

} // namespace Meshdeck
