// Chat fan-out: N sessions subscribed to one chat room of a running meshdeckd; messages are sent one
// at a time through the API and the send-to-receive latency is measured at every session. The peer
// is Redis pub/sub: the same number of subscribers on one Redis channel, the same client threads,
// the same payloads, in the same run. Prints one JSON object. Used by chat-fanout.sh.
//
// The client spreads its sockets over several threads (each its own event loop) and reads only the
// number it needs from each frame, so the figures measure the server and not one busy client
// thread parsing 10 000 JSON documents per message.
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTcpSocket>
#include <QThread>
#include <QWebSocket>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

#include <sys/resource.h>

namespace {

qint64 nowUs()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

bool spinUntil(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    return true;
}

// The number after "m=" up to ';' in `text`, or -1.
int markerIn(QByteArrayView text)
{
    const qsizetype at = text.indexOf("m=");
    if (at < 0)
        return -1;
    int n = 0;
    qsizetype i = at + 2;
    bool digits = false;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
        n = n * 10 + (text[i] - '0');
        digits = true;
    }
    return digits && i < text.size() && text[i] == ';' ? n : -1;
}

struct Shared {
    std::vector<std::atomic<qint64>> sentAtUs;
    std::atomic<int> subscribed{0};
    std::atomic<qint64> deliveries{0};
    explicit Shared(int messages)
        : sentAtUs(size_t(messages))
    {}
};

// One client thread's sockets and latencies; lives in its own QThread.
class ClientThread : public QObject
{
public:
    ClientThread(Shared *shared, int messages)
        : m_shared(shared)
        , m_messages(messages)
    {}

    void openWebSockets(const QUrl &ws, const QByteArray &token, const QString &channel, int count)
    {
        for (int i = 0; i < count; ++i) {
            auto *s = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
            QObject::connect(
                s, &QWebSocket::textMessageReceived, this, [this, s, channel](const QString &text) {
                    const QByteArray bytes = text.toUtf8();
                    if (bytes.contains("\"type\":\"welcome\"")) {
                        QJsonObject subscribe{{QStringLiteral("type"), QStringLiteral("subscribe")},
                                              {QStringLiteral("channel"), channel}};
                        s->sendTextMessage(
                            QString::fromUtf8(QJsonDocument(subscribe).toJson(QJsonDocument::Compact)));
                    } else if (bytes.contains("\"type\":\"subscribed\"")) {
                        m_shared->subscribed.fetch_add(1);
                    } else if (bytes.contains("\"type\":\"message\"") && bytes.contains("\"created\"")) {
                        record(markerIn(bytes));
                    } else if (bytes.contains("\"type\":\"error\"") ||
                               bytes.contains("\"type\":\"unsubscribed\"")) {
                        std::fprintf(stderr, "realtime: %s\n", bytes.constData());
                    }
                });
            QNetworkRequest request(ws);
            request.setRawHeader("Authorization", "Bearer " + token);
            s->open(request);
            if (i % 50 == 49)
                QCoreApplication::processEvents();
        }
    }

    void closeWebSockets()
    {
        const auto sockets = findChildren<QWebSocket *>();
        for (QWebSocket *s : sockets) {
            s->abort();
            s->deleteLater();
        }
    }

    void openRedis(quint16 port, int count)
    {
        for (int i = 0; i < count; ++i) {
            auto *s = new QTcpSocket(this);
            auto buffer = std::make_shared<QByteArray>();
            QObject::connect(s, &QTcpSocket::readyRead, this, [this, s, buffer] {
                buffer->append(s->readAll());
                // A published message ends "$<len>\r\nm=<n>;\r\n"; take every complete one.
                for (;;) {
                    const int n = markerIn(*buffer);
                    const qsizetype at = buffer->indexOf("m=");
                    if (n < 0) {
                        if (at < 0 && buffer->size() > 256)
                            buffer->clear(); // subscribe confirmations and the like
                        return;
                    }
                    record(n);
                    buffer->remove(0, buffer->indexOf(';', at) + 1);
                }
            });
            s->connectToHost(QStringLiteral("127.0.0.1"), port);
            s->write("SUBSCRIBE bench\r\n");
            if (i % 50 == 49)
                QCoreApplication::processEvents();
        }
    }

    void closeRedis()
    {
        const auto sockets = findChildren<QTcpSocket *>();
        for (QTcpSocket *s : sockets) {
            s->abort();
            s->deleteLater();
        }
    }

    std::vector<qint64> latenciesUs;

private:
    void record(int n)
    {
        if (n < 0 || n >= m_messages)
            return;
        const qint64 sent = m_shared->sentAtUs[size_t(n)].load(std::memory_order_acquire);
        if (sent == 0)
            return;
        latenciesUs.push_back(nowUs() - sent);
        m_shared->deliveries.fetch_add(1, std::memory_order_relaxed);
    }

    Shared *m_shared;
    int m_messages;
};

struct Figures {
    qint64 deliveries = 0;
    bool complete = false;
    double p50Ms = -1, p99Ms = -1, maxMs = -1;
};

Figures collect(const std::vector<ClientThread *> &clients, qint64 deliveries, bool complete)
{
    std::vector<qint64> all;
    for (ClientThread *c : clients) {
        QMetaObject::invokeMethod(
            c,
            [c, &all] {
                all.insert(all.end(), c->latenciesUs.begin(), c->latenciesUs.end());
                c->latenciesUs.clear();
            },
            Qt::BlockingQueuedConnection);
    }
    std::sort(all.begin(), all.end());
    auto pct = [&](double p) {
        return all.empty() ? -1.0
                           : double(all[std::min(all.size() - 1, size_t(p * double(all.size())))]) / 1000.0;
    };
    return {deliveries, complete, pct(0.50), pct(0.99), pct(1.0)};
}

QJsonObject toJson(const Figures &f)
{
    return {{QStringLiteral("deliveries"), f.deliveries},
            {QStringLiteral("complete"), f.complete},
            {QStringLiteral("p50Ms"), f.p50Ms},
            {QStringLiteral("p99Ms"), f.p99Ms},
            {QStringLiteral("maxMs"), f.maxMs}};
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 7) {
        std::fprintf(stderr, "usage: chat_fanout URL TOKEN REDIS_PORT SESSIONS MESSAGES THREADS\n");
        return 2;
    }
    const QUrl base(args[1]);
    const QByteArray token = args[2].toUtf8();
    const auto redisPort = quint16(args[3].toUInt());
    const int sessions = args[4].toInt();
    const int messages = args[5].toInt();
    const int threadCount = std::max(1, args[6].toInt());
    rlimit files{};
    getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);

    QNetworkAccessManager http;
    auto post = [&](const QString &path, const QJsonObject &body, QJsonObject *answer) {
        QUrl url = base;
        url.setPath(path);
        QNetworkRequest request(url);
        request.setRawHeader("Authorization", "Bearer " + token);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        QNetworkReply *reply = http.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
        spinUntil([reply] { return reply->isFinished(); }, 10'000);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (answer)
            *answer = QJsonDocument::fromJson(reply->readAll()).object();
        reply->deleteLater();
        return status;
    };

    QJsonObject room;
    if (const int status = post(QStringLiteral("/v1/chat/rooms"),
                                {{QStringLiteral("type"), QStringLiteral("group")},
                                 {QStringLiteral("name"), QStringLiteral("bench-fanout")},
                                 {QStringLiteral("private"), false}},
                                &room);
        status != 201) {
        std::fprintf(stderr, "creating the room answered %d: %s\n", status,
                     QJsonDocument(room).toJson(QJsonDocument::Compact).constData());
        return 1;
    }
    const QString roomId = room.value(QStringLiteral("id")).toString();
    const QString channel = QStringLiteral("chat.rooms.") + roomId;

    std::vector<std::unique_ptr<QThread>> threads;
    std::vector<ClientThread *> clients;
    Shared chatShared(messages);
    Shared redisShared(messages);
    for (int t = 0; t < threadCount; ++t) {
        auto thread = std::make_unique<QThread>();
        thread->start();
        threads.push_back(std::move(thread));
    }
    auto makeClients = [&](Shared *shared) {
        for (ClientThread *c : clients)
            QMetaObject::invokeMethod(
                c, [c] { delete c; }, Qt::BlockingQueuedConnection);
        clients.clear();
        for (auto &thread : threads) {
            auto *c = new ClientThread(shared, messages);
            c->moveToThread(thread.get());
            clients.push_back(c);
        }
    };
    auto share = [&](int t) {
        return sessions / threadCount + (t < sessions % threadCount ? 1 : 0);
    };

    // meshdeckd: every session subscribes to the room's channel.
    makeClients(&chatShared);
    const QUrl ws(QStringLiteral("ws://%1:%2/v1/realtime").arg(base.host()).arg(base.port()));
    for (int t = 0; t < threadCount; ++t) {
        ClientThread *c = clients[size_t(t)];
        const int n = share(t);
        QMetaObject::invokeMethod(c,
                                  [c, ws, token, channel, n] { c->openWebSockets(ws, token, channel, n); });
    }
    if (!spinUntil([&] { return chatShared.subscribed.load() == sessions; }, 120'000)) {
        std::fprintf(stderr, "only %d of %d sessions subscribed\n", chatShared.subscribed.load(), sessions);
        return 1;
    }
    for (int n = 0; n < messages; ++n) {
        chatShared.sentAtUs[size_t(n)].store(nowUs(), std::memory_order_release);
        QJsonObject answer;
        const int status = post(QStringLiteral("/v1/chat/rooms/%1/messages").arg(roomId),
                                {{QStringLiteral("text"), QStringLiteral("m=%1;").arg(n)}}, &answer);
        if (status != 201) {
            std::fprintf(stderr, "send answered %d\n", status);
            return 1;
        }
        spinUntil([] { return false; }, 20); // spread the sends out, as a conversation is
    }
    const qint64 expected = qint64(sessions) * messages;
    bool complete = spinUntil([&] { return chatShared.deliveries.load() >= expected; }, 60'000);
    const Figures chat = collect(clients, chatShared.deliveries.load(), complete);
    for (ClientThread *c : clients)
        QMetaObject::invokeMethod(
            c, [c] { c->closeWebSockets(); }, Qt::BlockingQueuedConnection);

    // Redis: the same number of subscribers on one channel, the same threads, the same payloads.
    makeClients(&redisShared);
    for (int t = 0; t < threadCount; ++t) {
        ClientThread *c = clients[size_t(t)];
        const int n = share(t);
        QMetaObject::invokeMethod(c, [c, redisPort, n] { c->openRedis(redisPort, n); });
    }
    QTcpSocket publisher;
    publisher.connectToHost(QStringLiteral("127.0.0.1"), redisPort);
    auto command = [&](const QByteArray &line) {
        publisher.write(line + "\r\n");
        QByteArray reply;
        spinUntil(
            [&] {
                reply += publisher.readAll();
                return reply.endsWith("\r\n") && (reply.startsWith(':') || reply.count("\r\n") >= 5);
            },
            10'000);
        return reply;
    };
    if (!spinUntil(
            [&] {
                return command("PUBSUB NUMSUB bench").contains(":" + QByteArray::number(sessions) + "\r\n");
            },
            120'000)) {
        std::fprintf(stderr, "Redis: not all %d subscribers arrived\n", sessions);
        return 1;
    }
    for (int n = 0; n < messages; ++n) {
        redisShared.sentAtUs[size_t(n)].store(nowUs(), std::memory_order_release);
        command("PUBLISH bench m=" + QByteArray::number(n) + ";");
        spinUntil([] { return false; }, 20);
    }
    complete = spinUntil([&] { return redisShared.deliveries.load() >= expected; }, 60'000);
    const Figures redis = collect(clients, redisShared.deliveries.load(), complete);
    for (ClientThread *c : clients) {
        QMetaObject::invokeMethod(
            c,
            [c] {
                c->closeRedis();
                delete c;
            },
            Qt::BlockingQueuedConnection);
    }
    clients.clear();
    for (auto &thread : threads) {
        thread->quit();
        thread->wait();
    }

    const QJsonObject out{{QStringLiteral("sessions"), sessions},
                          {QStringLiteral("messages"), messages},
                          {QStringLiteral("threads"), threadCount},
                          {QStringLiteral("meshdeckd"), toJson(chat)},
                          {QStringLiteral("redis"), toJson(redis)}};
    std::printf("%s\n", QJsonDocument(out).toJson(QJsonDocument::Compact).constData());
    return chat.complete && redis.complete ? 0 : 1;
}
