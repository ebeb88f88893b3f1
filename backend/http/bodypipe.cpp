#include "bodypipe.h"

namespace Meshdeck::Http {

void BodyPipe::push(QByteArray bytes)
{
    if (m_abandoned || terminal() || bytes.isEmpty())
        return;
    m_buffered += bytes.size();
    m_chunks.push_back(std::move(bytes));
    wakeConsumer();
}

void BodyPipe::end()
{
    if (m_abandoned || terminal())
        return;
    m_ended = true;
    wakeConsumer();
}

void BodyPipe::fail(BodyError error, QString reason)
{
    if (m_abandoned || terminal())
        return;
    m_error = error;
    m_reason = std::move(reason);
    // What is still buffered is of no use: the consumer learns of the failure at once.
    m_chunks.clear();
    m_buffered = 0;
    m_lease.release();
    wakeConsumer();
}

void BodyPipe::onWritable(std::function<void()> wake)
{
    m_producerWake = std::move(wake);
}

void BodyPipe::onReadable(std::function<void()> wake)
{
    m_consumerWake = std::move(wake);
}

BodyChunk BodyPipe::take()
{
    BodyChunk chunk;
    if (m_abandoned) {
        chunk.error = BodyError::Abandoned;
        return chunk;
    }
    if (!m_chunks.empty()) {
        const qint64 before = m_buffered;
        chunk.bytes = std::move(m_chunks.front());
        m_chunks.pop_front();
        m_buffered -= chunk.bytes.size();
        m_taken += chunk.bytes.size();
        m_lease.shrink(qMin<qint64>(chunk.bytes.size(), m_lease.bytes()));
        if (before >= HighWater && m_buffered < HighWater)
            wakeProducer();
        return chunk;
    }
    if (m_error != BodyError::None) {
        chunk.error = m_error;
        chunk.reason = m_reason;
        done(Outcome{false, m_error, m_reason, m_taken});
        return chunk;
    }
    if (m_ended) {
        chunk.end = true;
        m_endTaken = true;
        done(Outcome{true, BodyError::None, {}, m_taken});
    }
    return chunk;
}

void BodyPipe::abandon()
{
    if (m_abandoned)
        return;
    m_abandoned = true;
    m_consumerWake = nullptr;
    m_chunks.clear();
    m_buffered = 0;
    m_lease.release();
    if (!m_endTaken && m_error == BodyError::None)
        done(Outcome{false, BodyError::Abandoned, QStringLiteral("the reader stopped reading"), m_taken});
    wakeProducer();
}

void BodyPipe::wakeConsumer()
{
    if (auto wake = std::exchange(m_consumerWake, nullptr))
        wake();
}

void BodyPipe::wakeProducer()
{
    if (auto wake = std::exchange(m_producerWake, nullptr))
        wake();
}

void BodyPipe::done(Outcome outcome)
{
    if (m_done)
        return;
    m_done = true;
    if (auto observer = std::exchange(m_observer, nullptr))
        observer(outcome);
}

QString bodyErrorName(BodyError error)
{
    switch (error) {
    case BodyError::None:
        return QStringLiteral("none");
    case BodyError::ClientGone:
        return QStringLiteral("client-gone");
    case BodyError::TooLarge:
        return QStringLiteral("too-large");
    case BodyError::Timeout:
        return QStringLiteral("body-timeout");
    case BodyError::UpstreamFailed:
        return QStringLiteral("upstream-died-mid-body");
    case BodyError::Abandoned:
        return QStringLiteral("abandoned");
    case BodyError::Invalid:
        return QStringLiteral("invalid-body");
    }
    return {};
}

} // namespace Meshdeck::Http
