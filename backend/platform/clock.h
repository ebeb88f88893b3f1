#pragma once

#include <QString>

#include <atomic>

namespace Meshdeck {

// Wall-clock time in milliseconds since the epoch. Services take a Clock so tests can move time
// instead of waiting for it.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual qint64 nowMs() const = 0;

    // The real clock, shared by everything in production.
    static const Clock &system();
};

// A time as every API answer writes it: ISO 8601 in UTC with milliseconds.
QString isoTime(qint64 ms);

// A clock that moves only when told to; thread-safe.
class ManualClock : public Clock
{
public:
    explicit ManualClock(qint64 startMs = 1'800'000'000'000)
        : m_now(startMs)
    {}
    qint64 nowMs() const override { return m_now.load(); }
    void set(qint64 ms) { m_now.store(ms); }
    void advance(qint64 ms) { m_now.fetch_add(ms); }

private:
    std::atomic<qint64> m_now;
};

} // namespace Meshdeck
