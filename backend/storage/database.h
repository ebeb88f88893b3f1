#pragma once

#include "migrations.h"
#include "postgres.h"
#include "store.h"

#include "platform/result.h"

#include <QFuture>
#include <QObject>
#include <QPromise>
#include <QSqlDatabase>

#include <QCoroFuture>
#include <QCoroTask>

#include <atomic>
#include <exception>
#include <memory>
#include <type_traits>

class QThread;

namespace Meshdeck::Storage {

// The database owns one connection on one dedicated thread; every query runs there, so the
// event-loop threads never block on disk. Callers co_await the QFuture that run() returns.
class Database : public QObject
{
    Q_OBJECT
public:
    struct OpenResult {
        bool ok = false;
        bool newerThanCode = false;
        QString error;
    };

    explicit Database(QObject *parent = nullptr);
    ~Database() override;

    // Opens and migrates `location`: an SQLite file (created if needed; WAL, synchronous=FULL), or a
    // PostgreSQL database given as a postgres:// URL (see postgres.h; synchronous_commit on). On
    // PostgreSQL a lost connection is opened again before the next piece of work.
    QCoro::Task<OpenResult> open(QString location, std::vector<ComponentSchema> schemas);
    // Runs `work(QSqlDatabase &)` on the database thread. Exceptions reach the awaiting caller.
    template<typename Work> auto run(Work work) -> QFuture<std::invoke_result_t<Work, QSqlDatabase &>>;
    // Runs `work` like run() and answers with its value, or with Error::unavailable carrying the
    // database's reason when the store threw (the store contract's one error style); its code is
    // "outcome-unknown" when a lost connection left a commit's outcome unknown.
    template<typename Work>
    auto attempt(Work work) -> QCoro::Task<Result<std::invoke_result_t<Work, QSqlDatabase &>>>;
    QCoro::Task<void> close();

    bool isOpen() const { return m_open; }
    // Open, and (PostgreSQL) the connection is not known to be lost. Any thread.
    bool isConnected() const { return m_connected.load(); }
    // The SQLite file, or the PostgreSQL URL without its password.
    QString path() const { return m_path; }
    Dialect dialect() const { return m_dialect; }

private:
    class Worker;
    QFuture<OpenResult> openOnThread(const QString &path, const std::vector<ComponentSchema> &schemas);
    QFuture<OpenResult> openPostgresOnThread(const PostgresTarget &target,
                                             const std::vector<ComponentSchema> &schemas);
    QThread *m_thread;
    Worker *m_worker;
    QString m_path;
    Dialect m_dialect = Dialect::Sqlite;
    bool m_open = false;
    std::atomic<bool> m_connected{false};

public:
    QSqlDatabase &connectionForWorker(); // only valid on the database thread; reconnects PostgreSQL
    void checkConnectionAfterFailure();  // only on the database thread
    QObject *workerObject() const;
};

template<typename Work> auto Database::run(Work work) -> QFuture<std::invoke_result_t<Work, QSqlDatabase &>>
{
    using Result = std::invoke_result_t<Work, QSqlDatabase &>;
    auto promise = std::make_shared<QPromise<Result>>();
    QFuture<Result> future = promise->future();
    promise->start();
    QMetaObject::invokeMethod(
        workerObject(),
        [this, promise, work = std::move(work)]() mutable {
            try {
                if constexpr (std::is_void_v<Result>) {
                    work(connectionForWorker());
                } else {
                    promise->addResult(work(connectionForWorker()));
                }
            } catch (...) {
                checkConnectionAfterFailure();
                promise->setException(std::current_exception());
            }
            promise->finish();
        },
        Qt::QueuedConnection);
    return future;
}

template<typename Work>
auto Database::attempt(Work work) -> QCoro::Task<Result<std::invoke_result_t<Work, QSqlDatabase &>>>
{
    using R = std::invoke_result_t<Work, QSqlDatabase &>;
    QFuture<R> future = run(std::move(work));
    try {
        if constexpr (std::is_void_v<R>) {
            co_await future;
            future.waitForFinished(); // rethrows what the store threw
            co_return Result<void>();
        } else {
            co_await future;
            co_return Result<R>(future.result());
        }
    } catch (const CommitOutcomeUnknown &e) {
        co_return Result<R>(Error::unavailable(e.reason(), "outcome-unknown"));
    } catch (const StoreError &e) {
        co_return Result<R>(Error::unavailable(e.reason()));
    } catch (const std::exception &e) {
        co_return Result<R>(Error::unavailable(QString::fromUtf8(e.what())));
    }
}

} // namespace Meshdeck::Storage
