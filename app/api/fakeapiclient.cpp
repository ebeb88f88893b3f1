#include "fakeapiclient.h"

#include <QFile>
#include <QJsonObject>

namespace Meshdeck::Console {

void FakeApiClient::setEndpoint(const QUrl &baseUrl, const QByteArray &token)
{
    m_baseUrl = baseUrl;
    m_token = token;
}

QCoro::Task<ApiReply> FakeApiClient::get(QString path)
{
    const ApiReply reply = answer(path, path);
    noteReply(reply, m_token);
    co_return reply;
}

QCoro::Task<ApiReply> FakeApiClient::post(QString path, QByteArray jsonBody)
{
    m_posted.append({path, jsonBody});
    const ApiReply reply = answer(QStringLiteral("POST ") + path, path);
    noteReply(reply, m_token);
    co_return reply;
}

QCoro::Task<ApiReply> FakeApiClient::send(QByteArray method, QString path, QByteArray jsonBody)
{
    const QString key = QString::fromLatin1(method) + QLatin1Char(' ') + path;
    m_posted.append({key, jsonBody});
    const ApiReply reply = answer(key, path);
    noteReply(reply, m_token);
    co_return reply;
}

QCoro::Task<ApiReply> FakeApiClient::upload(QString path, QString filePath, QByteArray contentType)
{
    QFile file(filePath);
    const QByteArray body = file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    m_posted.append(
        {QStringLiteral("UPLOAD ") + QString::fromLatin1(contentType) + QLatin1Char(' ') + path, body});
    const ApiReply reply = answer(QStringLiteral("POST ") + path, path);
    noteReply(reply, m_token);
    co_return reply;
}

ApiReply FakeApiClient::answer(const QString &methodKey, const QString &path)
{
    m_requested << path;
    m_tokens << m_token;
    if (m_unreachable) {
        ApiReply reply{
            0, {}, tr("Nothing is listening at %1. Is meshdeckd running?").arg(m_baseUrl.toDisplayString())};
        reply.unreachable = true;
        return reply;
    }
    auto it = m_replies.constFind(methodKey);
    if (it == m_replies.cend())
        it = m_replies.constFind(path);
    if (it == m_replies.cend())
        return problem(404, QStringLiteral("not-found"), tr("There is no route %1.").arg(path));
    return *it;
}

void FakeApiClient::setReply(const QString &path, ApiReply reply)
{
    m_replies.insert(path, std::move(reply));
}

ApiReply FakeApiClient::problem(int status, const QString &code, const QString &detail)
{
    ApiReply reply{
        status,
        QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("urn:meshdeck:problem:") + code},
                                  {QStringLiteral("status"), status},
                                  {QStringLiteral("detail"), detail}}),
        detail};
    reply.problemCode = code;
    return reply;
}

void FakeApiClient::setReplyFromFile(const QString &path, const QString &jsonFile)
{
    QFile file(jsonFile);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("FakeApiClient: cannot read %s", qPrintable(jsonFile));
    setReply(path, ApiReply{200, QJsonDocument::fromJson(file.readAll()), {}});
}

} // namespace Meshdeck::Console
