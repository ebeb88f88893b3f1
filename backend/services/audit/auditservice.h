#pragma once

#include "auditstore.h"

#include "platform/audit.h"
#include "platform/channel.h"
#include "platform/clock.h"
#include "platform/result.h"
#include "platform/service.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <QCoroTask>

#include <atomic>
#include <deque>
#include <functional>
#include <mutex>

namespace Meshdeck::Storage {
class Database;
}

namespace Meshdeck::Audit {

struct AuditSettings {
    int retentionDays = 365;         // records older than this are deleted, hourly
    int sweepIntervalMs = 3'600'000; // how often retention runs
    int sweepBatch = 1'000;          // rows deleted per transaction, in turns with new writes
    size_t queueCapacity = 10'000;   // records waiting for the database; more are dropped and counted
    int writeBatch = 500;            // records per insert transaction
    int pollIntervalMs = 0;          // cluster mode: read other nodes' records this often; 0: local
    const Clock *clock = &Clock::system();
};

// The audit log: every audited call the HTTP layer reports, stored in batches on the database
// thread; searchable (GET /v1/audit) and followed live on the realtime channel "audit".
//
// Live delivery reads the log itself (ids above the last one delivered) after every local write
// and, in cluster mode, every poll interval: the rows of every node reach every node's
// subscribers, and because ids commit in order (AuditStore::insert) nothing is skipped.
class AuditService : public QObject, public Service, public AuditSink, public Realtime::ChannelProvider
{
    Q_OBJECT
public:
    static constexpr auto Channel = "audit";

    AuditService(AuditSettings settings, Storage::Database *database, QObject *parent = nullptr);
    ~AuditService() override;

    QString name() const override { return QStringLiteral("audit"); }
    QCoro::Task<QString> start() override;
    // Writes what is still queued (the server stops serving before the services stop).
    QCoro::Task<void> stop() override;

    // AuditSink: any thread; never waits for the database. A full queue drops the record and
    // counts it (status(), metrics).
    void record(AuditEntry entry) override;

    QCoro::Task<Result<QList<AuditRecord>>> search(AuditFilter filter);
    // Runs one retention pass now (the timer runs it hourly); answers the records deleted.
    QCoro::Task<Result<int>> sweep();
    // Resolves once every record queued before the call is stored (or its write failed).
    QCoro::Task<void> flush();

    // For /readyz: {"status":"ok"|"degraded","queued","capacity","dropped","writeFailures"[,"error"]}.
    // Degraded while writes fail or records were dropped in the last five minutes. Any thread.
    QJsonObject status() const;
    // Prometheus text of the audit counters. Any thread.
    QByteArray prometheusText() const;
    qint64 dropped() const { return m_dropped.load(); }

    // Realtime::ChannelProvider: "audit", for principals holding audit.read.
    QString prefix() const override { return QString::fromLatin1(Channel); }
    QString open(Realtime::SubscriptionPtr subscription) override;
    void close(const Realtime::SubscriptionPtr &subscription) override;

    static QJsonObject recordJson(const AuditRecord &record);

Q_SIGNALS:
    void workFinished(); // a write, delivery or sweep pass ended (stop() waits for them)

private:
    void scheduleWrite();
    QCoro::Task<void> writeQueued();
    QCoro::Task<void> deliverNew();
    void scheduleDelivery();
    QCoro::Task<void> runSweep();
    bool hasSubscribers() const;

    AuditSettings m_settings;
    Storage::Database *m_database;

    mutable std::mutex m_queueMutex;
    std::deque<AuditEntry> m_queue;
    bool m_writeScheduled = false;
    bool m_stopped = false;
    qint64 m_lastDropMs = 0;
    QString m_writeError; // the last failed write's reason; empty once a write succeeds

    std::atomic<qint64> m_dropped{0};
    std::atomic<qint64> m_written{0};
    std::atomic<qint64> m_writeFailures{0};
    std::atomic<qint64> m_swept{0};

    // Only on this object's thread.
    bool m_writing = false;
    int m_retryDelayMs = 0;
    bool m_delivering = false;
    bool m_deliverAgain = false;
    qint64 m_deliveredId = 0;
    bool m_sweeping = false;
    QTimer m_sweepTimer;
    QTimer m_pollTimer;
    QTimer m_retryTimer;

    mutable std::mutex m_subscriberMutex;
    QHash<quint64, Realtime::SubscriptionPtr> m_subscribers;
};

// GET /v1/audit's query as a filter: `query(name)` answers a parameter's text, empty when absent.
// Invalid{field} for a bad outcome, time, cursor or limit.
Result<AuditFilter> parseFilter(const std::function<QString(const QString &)> &query);
// "2026-01-02T03:04:05Z" (ISO 8601 with an offset or Z) or milliseconds since the epoch.
std::optional<qint64> parseTime(const QString &text);
// The opaque cursor GET /v1/audit answers for the page after `lastId`.
QString cursorAfter(qint64 lastId);

} // namespace Meshdeck::Audit
