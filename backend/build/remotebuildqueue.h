#pragma once

#include "platform/buildqueue.h"

#include <QHash>
#include <QNetworkAccessManager>
#include <QObject>
#include <QUrl>

#include <QCoroTask>

class QNetworkReply;
class QNetworkRequest;

namespace Meshdeck::Build {

// The build queue of a meshdeckd reached over HTTP (/v1/builds/…), for `meshdeckd --role
// build-worker`. Each build gets a scratch directory <scratchDir>/<deploymentId>/ as its
// deploymentDir: an archive's source is downloaded there at the claim, before the build, and the
// artifact the runner leaves there is uploaded at a ready finish. Answers: 409 (lease lost) →
// ErrorKind::Conflict; no answer (network) → Unavailable with the reason; other refusals keep the
// server's reason.
class RemoteBuildQueue : public QObject, public BuildQueue
{
    Q_OBJECT
public:
    RemoteBuildQueue(QUrl server, QByteArray token, QString scratchDir, QObject *parent = nullptr);

    QFuture<Result<std::optional<BuildJob>>> claim(QString workerId, std::chrono::seconds lease) override;
    QFuture<Result<LeaseState>> renew(QString deploymentId, qint64 fencingToken,
                                      std::chrono::seconds lease) override;
    QFuture<Result<void>> appendLog(QString deploymentId, qint64 fencingToken,
                                    QList<BuildLogLine> lines) override;
    QFuture<Result<void>> finish(QString deploymentId, qint64 fencingToken, BuildOutcome outcome) override;

    // A claim's own folder for its source and build: <scratch>/<deploymentId>-<fencingToken>.
    QString scratchFor(const QString &deploymentId, qint64 fencingToken) const;
    // A build given up (its lease lost, the worker stopping): the folders of its older claims go.
    void abandoned(const QString &deploymentId);
    // At start: every claim folder left by an earlier run (nothing else in the folder).
    void clearScratch();

private:
    static bool isScratchName(const QString &name);
    struct Answer {
        int status = 0;
        QByteArray body;
        QString networkError; // set when no HTTP answer came
    };
    QNetworkRequest request(const QString &path, const QByteArray &contentType = "application/json") const;
    QCoro::Task<Answer> exchange(QNetworkReply *reply);
    QCoro::Task<Answer> postJson(QString path, QByteArray body);
    QCoro::Task<Result<std::optional<BuildJob>>> claimTask(QString workerId, qint64 leaseSeconds);
    QCoro::Task<Result<void>> downloadSource(BuildJob *job);
    QCoro::Task<Result<LeaseState>> renewTask(QString deploymentId, qint64 fencingToken, qint64 leaseSeconds);
    QCoro::Task<Result<void>> appendTask(QString deploymentId, qint64 fencingToken,
                                         QList<BuildLogLine> lines);
    QCoro::Task<Result<void>> finishTask(QString deploymentId, qint64 fencingToken, BuildOutcome outcome);
    QCoro::Task<Result<void>> uploadArtifact(QString deploymentId, qint64 fencingToken, QString path);

    QUrl m_server;
    QByteArray m_token;
    QString m_scratchDir;
    QHash<QString, qint64> m_newestToken; // by deployment: the newest claim taken here
    QNetworkAccessManager m_network;
};

// What an answer that is not a success means as a domain error.
Error errorOfAnswer(int status, const QByteArray &body, const QString &networkError);

} // namespace Meshdeck::Build
