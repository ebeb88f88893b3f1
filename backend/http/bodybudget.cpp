#include "bodybudget.h"

#include <utility>

namespace Meshdeck::Http {

bool BodyBudget::tryTake(qint64 bytes)
{
    qint64 current = m_inUse.load(std::memory_order_relaxed);
    do {
        if (current + bytes > m_capacity)
            return false;
    } while (!m_inUse.compare_exchange_weak(current, current + bytes, std::memory_order_relaxed));
    return true;
}

BodyLease::BodyLease(BodyLease &&other) noexcept
    : m_budget(std::move(other.m_budget))
    , m_bytes(std::exchange(other.m_bytes, 0))
{}

BodyLease &BodyLease::operator=(BodyLease &&other) noexcept
{
    if (this != &other) {
        release();
        m_budget = std::move(other.m_budget);
        m_bytes = std::exchange(other.m_bytes, 0);
    }
    return *this;
}

bool BodyLease::grow(const std::shared_ptr<BodyBudget> &budget, qint64 bytes)
{
    if (bytes <= 0)
        return true;
    if (!budget->tryTake(bytes))
        return false;
    if (!m_budget)
        m_budget = budget;
    m_bytes += bytes;
    return true;
}

void BodyLease::shrink(qint64 bytes)
{
    bytes = qMin(bytes, m_bytes);
    if (m_budget && bytes > 0)
        m_budget->give(bytes);
    m_bytes -= qMax<qint64>(bytes, 0);
}

void BodyLease::release()
{
    if (m_budget && m_bytes > 0)
        m_budget->give(m_bytes);
    m_bytes = 0;
    m_budget.reset();
}

} // namespace Meshdeck::Http
