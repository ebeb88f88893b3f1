#include "fakeapiclient.h"

#include <QFile>

namespace Meshdeck::Console {

void FakeApiClient::setEndpoint(const QUrl &baseUrl, const QByteArray &token)
{
    m_baseUrl = baseUrl;
    m_token = token;
}

QCoro::Task<ApiReply> FakeApiClient::get(QString path)
{
    m_requested << path;
    if (m_unreachable) {
        ApiReply reply{
            0, {}, tr("Nothing is listening at %1. Is meshdeckd running?").arg(m_baseUrl.toDisplayString())};
        reply.unreachable = true;
        co_return reply;
    }
    const auto it = m_replies.constFind(path);
    if (it == m_replies.cend())
        co_return ApiReply{404, {}, tr("There is no route %1.").arg(path)};
    co_return *it;
}

QCoro::Task<ApiReply> FakeApiClient::post(QString path, QByteArray jsonBody)
{
    m_posted.append({path, jsonBody});
    co_return co_await get(path);
}

QCoro::Task<ApiReply> FakeApiClient::send(QByteArray method, QString path, QByteArray jsonBody)
{
    m_posted.append({QString::fromLatin1(method) + QLatin1Char(' ') + path, jsonBody});
    co_return co_await get(path);
}

void FakeApiClient::setReply(const QString &path, ApiReply reply)
{
    m_replies.insert(path, std::move(reply));
}

void FakeApiClient::setReplyFromFile(const QString &path, const QString &jsonFile)
{
    QFile file(jsonFile);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("FakeApiClient: cannot read %s", qPrintable(jsonFile));
    setReply(path, ApiReply{200, QJsonDocument::fromJson(file.readAll()), {}});
}

} // namespace Meshdeck::Console
