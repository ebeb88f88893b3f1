#pragma once

#include <QtGlobal>

#include <array>
#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>

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
// sum() adds the slots one after another, so it may miss a request that began on one thread while
// another ended on another (it reads 0 though the count never was): good for a balancer's pick,
// which reads it for each candidate on every request (16 lines, of which only the busy threads'
// change). settledSum() is for a decision that must not see 0 early (a drain's end).
class ShardedCount
{
public:
    // A slot holds its count in the low 32 bits and, above them, how many times it was written
    // (each add carries into the high half), so two equal reads of a slot mean no write between.
    void add(int delta)
    {
        m_slots[threadShard()].value.fetch_add((quint64(1) << 32) + quint64(qint64(delta)),
                                               std::memory_order_relaxed);
    }
    int sum() const
    {
        int total = 0;
        for (const Slot &slot : m_slots)
            total += countOf(slot.value.load(std::memory_order_relaxed));
        return total;
    }
    // The count as it was at one instant: the slots read twice, the same both times (nothing was
    // written to any between, so they all held those values at once). Null when writes kept
    // coming during `attempts` tries.
    std::optional<int> settledSum(int attempts = 8) const
    {
        for (int attempt = 0; attempt < attempts; ++attempt) {
            std::array<quint64, ThreadShards> first;
            for (size_t i = 0; i < ThreadShards; ++i)
                first[i] = m_slots[i].value.load(std::memory_order_acquire);
            bool same = true;
            int total = 0;
            for (size_t i = 0; i < ThreadShards && same; ++i) {
                const quint64 value = m_slots[i].value.load(std::memory_order_acquire);
                same = value == first[i];
                total += countOf(value);
            }
            if (same)
                return total;
        }
        return std::nullopt;
    }

private:
    static int countOf(quint64 value) { return int(qint32(quint32(value))); }
    struct alignas(64) Slot {
        std::atomic<quint64> value{0};
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
