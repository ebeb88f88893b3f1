#include "registrar.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkReply>
#include <QNetworkRequest>

Q_LOGGING_CATEGORY(lcRegistrar, "meshdeck.registrar")

namespace Meshdeck::Roles {

Registrar::Registrar(Registration registration, HeartbeatBody heartbeatBody, QObject *parent)
    : QObject(parent)
    , m_registration(std::move(registration))
    , m_heartbeatBody(std::move(heartbeatBody))
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &Registrar::registerNow);
    m_heartbeat.setInterval(m_registration.heartbeatMs);
    connect(&m_heartbeat, &QTimer::timeout, this, &Registrar::heartbeat);
}

void Registrar::registerNow()
{
    QNetworkReply *reply = m_network.post(
        request(QStringLiteral("/v1/registry/services/%1/instances").arg(m_registration.service)),
        QJsonDocument(m_registration.body).toJson(QJsonDocument::Compact));
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
        if (status == 200 || status == 201) {
            m_id = answer.value(QStringLiteral("id")).toString();
            m_backoffMs = 0;
            qCInfo(lcRegistrar).noquote() << m_registration.logName << "registered as" << m_id << "in service"
                                          << m_registration.service;
            m_heartbeat.start();
            heartbeat();
            return;
        }
        if (status >= 400 && status < 500) {
            qCCritical(lcRegistrar).noquote()
                << "meshdeckd refused the registration:" << answer.value(QStringLiteral("detail")).toString();
            QCoreApplication::exit(1);
            return;
        }
        retryLater(reply->errorString());
    });
}

void Registrar::deregisterAndExit(int exitCode)
{
    m_heartbeat.stop();
    m_retry.stop();
    if (m_id.isEmpty()) {
        QCoreApplication::exit(exitCode);
        return;
    }
    QNetworkReply *reply =
        m_network.deleteResource(request(QStringLiteral("/v1/registry/instances/") + m_id));
    reply->setParent(this);
    QTimer::singleShot(2000, this, [exitCode] { QCoreApplication::exit(exitCode); });
    connect(reply, &QNetworkReply::finished, this, [exitCode] { QCoreApplication::exit(exitCode); });
}

QNetworkRequest Registrar::request(const QString &path) const
{
    QUrl url = m_registration.registry;
    url.setPath(path);
    QNetworkRequest r(url);
    r.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    r.setRawHeader("Authorization", "Bearer " + m_registration.token);
    r.setTransferTimeout(5'000);
    return r;
}

void Registrar::retryLater(const QString &why)
{
    m_heartbeat.stop();
    m_backoffMs = qBound(250, m_backoffMs * 2, 5'000);
    qCWarning(lcRegistrar).noquote() << "cannot reach meshdeckd (" << why << "); retrying in" << m_backoffMs
                                     << "ms";
    m_retry.start(m_backoffMs);
}

void Registrar::heartbeat()
{
    if (m_id.isEmpty())
        return;
    const std::optional<QJsonObject> body = m_heartbeatBody ? m_heartbeatBody() : QJsonObject();
    if (!body)
        return;
    QNetworkReply *reply =
        m_network.put(request(QStringLiteral("/v1/registry/instances/%1/heartbeat").arg(m_id)),
                      QJsonDocument(*body).toJson(QJsonDocument::Compact));
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
        if (status == 404) {
            qCWarning(lcRegistrar) << "the registry forgot this instance; registering again";
            m_id.clear();
            registerNow();
        } else if (status == 200 && answer.value(QStringLiteral("deregistered")).toBool()) {
            qCInfo(lcRegistrar) << "drained and deregistered";
            m_id.clear();
            m_heartbeat.stop();
        } else if (status == 0) {
            retryLater(reply->errorString());
        }
    });
}

} // namespace Meshdeck::Roles
