#include "redisconnection.h"

#include "redisqtadapter.h"

#include <QHostAddress>
#include <QHostInfo>
#include <QLoggingCategory>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <memory>
#include <sys/ioctl.h>
#include <utility>
#include <vector>

Q_LOGGING_CATEGORY(lcRedis, "meshdeck.backend.cluster.redis")

namespace Meshdeck::Cluster {

namespace {

QByteArray bytesOf(const redisReply *reply)
{
    return reply->str ? QByteArray(reply->str, qsizetype(reply->len)) : QByteArray();
}

} // namespace

struct RedisConnection::Pending {
    RedisConnection *owner;
    ReplyHandler handler;
};

RedisConnection::RedisConnection(RedisEndpoint endpoint, QByteArray clientName, Timing timing,
                                 QObject *parent)
    : QObject(parent)
    , m_endpoint(std::move(endpoint))
    , m_clientName(std::move(clientName))
    , m_timing(timing)
    , m_retryMs(timing.firstRetryMs)
{
    m_connectTimer.setSingleShot(true);
    m_retryTimer.setSingleShot(true);
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        drop(tr("Redis at %1 did not accept the connection and answer within %2 ms")
                 .arg(m_endpoint.display())
                 .arg(m_timing.connectTimeoutMs));
    });
    connect(&m_retryTimer, &QTimer::timeout, this, &RedisConnection::start);
    connect(&m_healthTimer, &QTimer::timeout, this, &RedisConnection::checkHealth);
}

RedisConnection::~RedisConnection()
{
    if (redisAsyncContext *context = std::exchange(m_context, nullptr)) {
        context->data = nullptr; // the callbacks hiredis runs while freeing see that we are gone
        redisAsyncFree(context);
    }
}

void RedisConnection::start()
{
    m_started = true;
    if (m_context)
        return;
    m_retryTimer.stop();
    const quint64 attempt = ++m_attempt;
    m_connectTimer.start(m_timing.connectTimeoutMs);
    if (QHostAddress literal; literal.setAddress(m_endpoint.host)) {
        connectTo(m_endpoint.host);
        return;
    }
    // hiredis would resolve the name with a blocking getaddrinfo on this thread.
    QHostInfo::lookupHost(m_endpoint.host, this, [this, attempt](const QHostInfo &info) {
        if (attempt != m_attempt || m_context || !m_connectTimer.isActive())
            return;
        const QList<QHostAddress> addresses = info.addresses();
        if (info.error() != QHostInfo::NoError || addresses.isEmpty()) {
            m_connectTimer.stop();
            lose(tr("cannot resolve the Redis host %1: %2").arg(m_endpoint.host, info.errorString()));
            return;
        }
        // Redis commonly binds 127.0.0.1 only, while "localhost" resolves to ::1 first.
        QHostAddress chosen = addresses.first();
        for (const QHostAddress &address : addresses) {
            if (address.protocol() == QAbstractSocket::IPv4Protocol) {
                chosen = address;
                break;
            }
        }
        connectTo(chosen.toString());
    });
}

void RedisConnection::connectTo(const QString &address)
{
    redisAsyncContext *context = redisAsyncConnect(address.toUtf8().constData(), m_endpoint.port);
    if (!context || context->err) {
        const QString reason = context ? QString::fromLocal8Bit(context->errstr) : tr("out of memory");
        if (context)
            redisAsyncFree(context);
        m_connectTimer.stop();
        lose(tr("cannot connect to Redis at %1: %2").arg(m_endpoint.display(), reason));
        return;
    }
    context->data = this;
    attachToQtEventLoop(context);
    m_context = context;
    redisAsyncSetDisconnectCallback(context, &RedisConnection::onDisconnect);
    redisAsyncSetConnectCallback(context, &RedisConnection::onConnect); // waits for writability
    redisEnableKeepAlive(&context->c); // notices a peer that vanished while we only listen
    handshake();                       // hiredis buffers the commands until the socket connects
}

void RedisConnection::handshake()
{
    QList<QList<QByteArray>> commands;
    if (!m_endpoint.password.isEmpty())
        commands.append({"AUTH", m_endpoint.password.toUtf8()});
    if (m_endpoint.db != 0)
        commands.append({"SELECT", QByteArray::number(m_endpoint.db)});
    if (!m_clientName.isEmpty())
        commands.append({"CLIENT", "SETNAME", m_clientName});
    commands.append({"PING"});
    const quint64 attempt = m_attempt;
    for (qsizetype i = 0; i < commands.size(); ++i) {
        const bool last = i == commands.size() - 1;
        const QByteArray name = commands[i].first();
        auto *pending = new Pending{this, [this, attempt, last, name](const redisReply *reply) {
                                        handshakeReply(attempt, name, last, reply);
                                    }};
        if (!sendRaw(commands[i], &RedisConnection::onReply, pending))
            delete pending;
    }
}

void RedisConnection::handshakeReply(quint64 attempt, const QByteArray &command, bool last,
                                     const redisReply *reply)
{
    if (!reply || attempt != m_attempt || !m_context)
        return; // the connect and disconnect callbacks report a loss
    if (reply->type == REDIS_REPLY_ERROR) {
        const QString where = m_endpoint.display();
        const QString text = QString::fromUtf8(bytesOf(reply));
        if (command == "AUTH")
            drop(tr("Redis at %1 refused the password in the Redis URL: %2").arg(where, text));
        else if (text.startsWith(QLatin1String("NOAUTH")))
            drop(tr("Redis at %1 requires a password; give it in the URL as redis://:PASSWORD@HOST:PORT (%2)")
                     .arg(where, text));
        else
            drop(tr("Redis at %1 refused %2: %3").arg(where, QString::fromUtf8(command), text));
        return;
    }
    if (!last)
        return;
    m_connectTimer.stop();
    m_retryMs = m_timing.firstRetryMs;
    m_lastError.clear();
    if (m_timing.healthIntervalMs > 0)
        m_healthTimer.start(m_timing.healthIntervalMs);
    qCInfo(lcRedis) << "connected to" << m_endpoint.display() << "as" << m_clientName;
    setReady(true);
}

bool RedisConnection::send(const QList<QByteArray> &arguments, ReplyHandler handler)
{
    if (!m_ready || !m_context)
        return false;
    auto *pending = new Pending{this, std::move(handler)};
    if (sendRaw(arguments, &RedisConnection::onReply, pending))
        return true;
    delete pending;
    return false;
}

bool RedisConnection::subscribe(const QByteArray &channel)
{
    if (!m_ready || !m_context)
        return false;
    return sendRaw({"SUBSCRIBE", channel}, &RedisConnection::onPush, nullptr);
}

bool RedisConnection::sendRaw(const QList<QByteArray> &arguments,
                              void (*callback)(redisAsyncContext *, void *, void *), void *privdata)
{
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    argv.reserve(size_t(arguments.size()));
    lengths.reserve(size_t(arguments.size()));
    for (const QByteArray &argument : arguments) {
        argv.push_back(argument.constData());
        lengths.push_back(size_t(argument.size()));
    }
    if (redisAsyncCommandArgv(m_context, callback, privdata, int(argv.size()), argv.data(), lengths.data()) !=
        REDIS_OK)
        return false;
    if (callback == &RedisConnection::onReply)
        ++m_pending;
    return true;
}

void RedisConnection::drop(const QString &reason)
{
    ++m_attempt; // a host lookup still under way is stale now
    if (redisAsyncContext *context = std::exchange(m_context, nullptr))
        redisAsyncFree(context); // pending handlers see nullptr: the context is no longer ours
    else if (m_retryTimer.isActive())
        return; // already down and waiting to retry
    m_connectTimer.stop();
    lose(reason);
}

void RedisConnection::lose(const QString &reason)
{
    m_healthTimer.stop();
    m_healthPingInFlight = false;
    m_repliedSinceTick = false;
    m_lastError = reason;
    qCWarning(lcRedis).noquote() << reason << "- retrying in" << m_retryMs << "ms";
    scheduleRetry();
    setReady(false);
    emit failed(reason);
}

void RedisConnection::scheduleRetry()
{
    if (!m_started)
        return;
    m_retryTimer.start(m_retryMs);
    m_retryMs = qMin(m_retryMs * 2, m_timing.maxRetryMs);
}

void RedisConnection::setReady(bool ready)
{
    if (m_ready == ready)
        return;
    m_ready = ready;
    emit readyChanged(ready);
}

// A server that stops answering (paused, black-holed) sends no FIN: only a PING without an answer
// tells. One PING in flight; if it is still unanswered at the next tick and no other reply came in
// the meantime, the connection is dead. (A busy client may have the PING's answer queued behind
// thousands of PUBLISH answers, or unread in its socket: those count as signs of life.)
void RedisConnection::checkHealth()
{
    if (!m_ready)
        return;
    int unread = 0;
    const bool progress = std::exchange(m_repliedSinceTick, false) ||
                          (::ioctl(m_context->c.fd, FIONREAD, &unread) == 0 && unread > 0);
    if (m_healthPingInFlight) {
        if (!progress)
            drop(tr("Redis at %1 did not answer a PING within %2 ms")
                     .arg(m_endpoint.display())
                     .arg(m_timing.healthIntervalMs));
        return;
    }
    m_healthPingInFlight = true;
    const quint64 attempt = m_attempt;
    send({"PING"}, [this, attempt](const redisReply *reply) {
        if (reply && attempt == m_attempt)
            m_healthPingInFlight = false;
    });
}

void RedisConnection::onConnect(const redisAsyncContext *context, int status)
{
    auto *self = static_cast<RedisConnection *>(context->data);
    if (!self || context != self->m_context || status == REDIS_OK)
        return; // connected: the handshake's PING reply makes it ready
    // hiredis frees the context right after this callback.
    const QString reason = QString::fromLocal8Bit(context->errstr);
    self->m_context = nullptr;
    self->m_connectTimer.stop();
    self->lose(tr("cannot connect to Redis at %1: %2").arg(self->m_endpoint.display(), reason));
}

void RedisConnection::onDisconnect(const redisAsyncContext *context, int status)
{
    auto *self = static_cast<RedisConnection *>(context->data);
    if (!self || context != self->m_context)
        return; // we dropped it ourselves
    const QString reason = status == REDIS_OK || context->err == 0 ? tr("closed by the server")
                                                                   : QString::fromLocal8Bit(context->errstr);
    self->m_context = nullptr;
    self->m_connectTimer.stop();
    self->lose(tr("lost the connection to Redis at %1: %2").arg(self->m_endpoint.display(), reason));
}

void RedisConnection::onReply(redisAsyncContext *context, void *reply, void *privdata)
{
    std::unique_ptr<Pending> pending(static_cast<Pending *>(privdata));
    if (!context->data)
        return; // the connection object is being destroyed
    --pending->owner->m_pending;
    if (reply)
        pending->owner->m_repliedSinceTick = true;
    pending->handler(static_cast<const redisReply *>(reply));
}

void RedisConnection::onPush(redisAsyncContext *context, void *reply, void *)
{
    auto *self = static_cast<RedisConnection *>(context->data);
    const auto *push = static_cast<const redisReply *>(reply);
    if (!self || context != self->m_context || !push || push->type != REDIS_REPLY_ARRAY || push->elements < 3)
        return;
    const QByteArray kind = bytesOf(push->element[0]);
    if (kind == "message")
        emit self->message(bytesOf(push->element[1]), bytesOf(push->element[2]));
    else if (kind == "subscribe")
        emit self->subscribed(bytesOf(push->element[1]));
}

} // namespace Meshdeck::Cluster
