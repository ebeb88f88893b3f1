#pragma once

#include <QtGlobal>

#include <atomic>
#include <memory>

namespace Meshdeck::Http {

// The server-wide budget of request-body bytes in flight: declared by requests whose bodies are
// being received, or held by handlers that have not answered yet. Shared by every event-loop
// thread; a body that would exceed it is refused (503) instead of growing memory without bound.
class BodyBudget
{
public:
    explicit BodyBudget(qint64 capacity)
        : m_capacity(capacity)
    {}

    bool tryTake(qint64 bytes);
    void give(qint64 bytes) { m_inUse.fetch_sub(bytes, std::memory_order_relaxed); }
    qint64 inUse() const { return m_inUse.load(std::memory_order_relaxed); }
    qint64 capacity() const { return m_capacity; }

private:
    std::atomic<qint64> m_inUse{0};
    const qint64 m_capacity;
};

// Bytes one request took from the budget; given back when the lease is released or destroyed.
// It travels with the request's reply, so a body is counted until its handler answered.
class BodyLease
{
public:
    BodyLease() = default;
    BodyLease(BodyLease &&other) noexcept;
    BodyLease &operator=(BodyLease &&other) noexcept;
    BodyLease(const BodyLease &) = delete;
    BodyLease &operator=(const BodyLease &) = delete;
    ~BodyLease() { release(); }

    // Takes `bytes` more from the budget; false (and nothing taken) when they do not fit.
    bool grow(const std::shared_ptr<BodyBudget> &budget, qint64 bytes);
    void release();
    // Gives `bytes` (at most what is held) back: a streamed body's bytes once they were passed on.
    void shrink(qint64 bytes);
    qint64 bytes() const { return m_bytes; }

private:
    std::shared_ptr<BodyBudget> m_budget; // keeps the budget alive for a handler that outlives the server
    qint64 m_bytes = 0;
};

} // namespace Meshdeck::Http
