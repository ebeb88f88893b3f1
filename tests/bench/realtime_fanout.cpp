// Realtime fan-out: N WebSocket subscribers on one topic of a running meshdeckd; publishes events
// one at a time and measures publish-to-receive latency at every subscriber, plus the server's
// RSS per idle connection. Prints one JSON object. Used by realtime-fanout.sh.
// With --subscribe-urls URL1,URL2,... the subscribers connect to those nodes in turn (a cluster)
// while events are still published on URL; SERVER_PID 0 skips the memory figures.
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>
#include <QWebSocket>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

#include <sys/resource.h>

namespace {
qint64 rssBytes(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.simplified().split(' ').value(1).toLongLong() * 1024;
    }
    return 0;
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
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments();
    QList<QUrl> subscribeUrls;
    if (const qsizetype option = args.indexOf(QStringLiteral("--subscribe-urls"));
        option > 0 && option + 1 < args.size()) {
        for (const QString &url : args[option + 1].split(QLatin1Char(','), Qt::SkipEmptyParts))
            subscribeUrls.append(QUrl(url));
        args.remove(option, 2);
    }
    if (args.size() < 6) {
        std::fprintf(stderr, "usage: realtime_fanout URL TOKEN SERVER_PID SUBSCRIBERS EVENTS "
                             "[--subscribe-urls URL1,URL2,...]\n");
        return 2;
    }
    const QUrl base(args[1]);
    if (subscribeUrls.isEmpty())
        subscribeUrls.append(base);
    const QByteArray token = args[2].toUtf8();
    const qint64 serverPid = args[3].toLongLong();
    const int subscribers = args[4].toInt();
    const int events = args[5].toInt();
    rlimit files{};
    getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);

    QNetworkAccessManager http;
    auto post = [&](const QString &path, const QByteArray &body) {
        QUrl url = base;
        url.setPath(path);
        QNetworkRequest request(url);
        request.setRawHeader("Authorization", "Bearer " + token);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        QNetworkReply *reply = http.post(request, body);
        spinUntil([reply] { return reply->isFinished(); }, 10'000);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        reply->deleteLater();
        return status;
    };
    if (const int status = post(QStringLiteral("/v1/events/topics"), "{\"name\":\"fanout\"}");
        status != 201) {
        std::fprintf(stderr, "creating the topic answered %d\n", status);
        return 1;
    }

    const qint64 rssBefore = rssBytes(serverPid);
    QElapsedTimer clock;
    clock.start();
    std::vector<qint64> sentAt(size_t(events), 0);
    std::vector<qint64> latenciesUs;
    latenciesUs.reserve(size_t(subscribers) * size_t(events));
    int subscribed = 0;
    std::vector<std::unique_ptr<QWebSocket>> sockets;
    for (int i = 0; i < subscribers; ++i) {
        auto socket = std::make_unique<QWebSocket>();
        QWebSocket *s = socket.get();
        QObject::connect(s, &QWebSocket::textMessageReceived, s, [&, s](const QString &text) {
            const QJsonObject m = QJsonDocument::fromJson(text.toUtf8()).object();
            const QString type = m.value(QStringLiteral("type")).toString();
            if (type == QLatin1String("welcome")) {
                s->sendTextMessage(QStringLiteral("{\"type\":\"subscribe\",\"channel\":\"events.fanout\"}"));
            } else if (type == QLatin1String("subscribed")) {
                ++subscribed;
            } else if (type == QLatin1String("event")) {
                const qint64 n = m.value(QStringLiteral("event"))
                                     .toObject()
                                     .value(QStringLiteral("data"))
                                     .toObject()
                                     .value(QStringLiteral("n"))
                                     .toInteger();
                if (n >= 0 && n < events)
                    latenciesUs.push_back((clock.nsecsElapsed() / 1000) - sentAt[size_t(n)]);
            }
        });
        const QUrl &node = subscribeUrls.at(i % subscribeUrls.size());
        QNetworkRequest request(
            QUrl(QStringLiteral("ws://%1:%2/v1/realtime").arg(node.host()).arg(node.port())));
        request.setRawHeader("Authorization", "Bearer " + token);
        s->open(request);
        sockets.push_back(std::move(socket));
        if (i % 100 == 99)
            QCoreApplication::processEvents();
    }
    if (!spinUntil([&] { return subscribed == subscribers; }, 60'000)) {
        std::fprintf(stderr, "only %d of %d subscribed\n", subscribed, subscribers);
        return 1;
    }
    spinUntil([] { return false; }, 1000); // let the server settle before reading its memory
    const qint64 rssIdle = rssBytes(serverPid);

    for (int n = 0; n < events; ++n) {
        sentAt[size_t(n)] = clock.nsecsElapsed() / 1000;
        const int status =
            post(QStringLiteral("/v1/events/topics/fanout/events"),
                 QStringLiteral("{\"events\":[{\"type\":\"tick\",\"data\":{\"n\":%1}}]}").arg(n).toUtf8());
        if (status != 201) {
            std::fprintf(stderr, "publish answered %d\n", status);
            return 1;
        }
        // Spread the publishes out a little, as live traffic is.
        spinUntil([] { return false; }, 5);
    }
    const size_t expected = size_t(subscribers) * size_t(events);
    const bool complete = spinUntil([&] { return latenciesUs.size() >= expected; }, 60'000);
    std::sort(latenciesUs.begin(), latenciesUs.end());
    auto pct = [&](double p) {
        return latenciesUs.empty() ? -1.0
                                   : double(latenciesUs[std::min(latenciesUs.size() - 1,
                                                                 size_t(p * double(latenciesUs.size())))]) /
                                         1000.0;
    };
    const QJsonObject out{
        {QStringLiteral("subscribers"), subscribers},
        {QStringLiteral("nodes"), qint64(subscribeUrls.size())},
        {QStringLiteral("events"), events},
        {QStringLiteral("deliveries"), qint64(latenciesUs.size())},
        {QStringLiteral("complete"), complete},
        {QStringLiteral("p50Ms"), pct(0.50)},
        {QStringLiteral("p99Ms"), pct(0.99)},
        {QStringLiteral("maxMs"), pct(1.0)},
        {QStringLiteral("rssBeforeBytes"), rssBefore},
        {QStringLiteral("rssIdleBytes"), rssIdle},
        {QStringLiteral("bytesPerIdleConnection"), double(rssIdle - rssBefore) / subscribers}};
    std::printf("%s\n", QJsonDocument(out).toJson(QJsonDocument::Compact).constData());
    return complete ? 0 : 1;
}
