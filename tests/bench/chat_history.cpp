// Chat search and history at scale. Two steps, run by chat-history.sh around a meshdeckd:
//   bench_chat_history load DB_FILE ROOM_ID MESSAGES
//       writes MESSAGES messages into the room through the chat store itself (the same inserts,
//       seq numbering and search index as a send), each its own transaction as a send is (WAL,
//       synchronous=NORMAL), while meshdeckd is stopped; prints the rate.
//   bench_chat_history measure URL TOKEN ROOM_ID MESSAGES DB_FILE
//       against the running meshdeckd on that database: history pages at random depths, typical
//       searches (a common word, a rare one, two words, an umlaut and ß folded, a prefix), each
//       p50/p99 over HTTP; next to them the same queries on the store alone (the database's own
//       time, read on a second connection of the same file) and /healthz (the HTTP floor).
//       Prints one JSON object.
#include "services/chat/chatstore.h"
#include "services/chat/chattypes.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrlQuery>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

using namespace Meshdeck::Chat;

namespace {

// Words of a support conversation, German and English, with umlauts and ß, so that typical
// queries hit some thousands of messages and rare ones a few.
const char *const Common[] = {"deploy", "gateway",  "latency", "error",   "timeout",  "restart",
                              "ticket", "customer", "invoice", "bitte",   "danke",    "heute",
                              "morgen", "problem",  "server",  "release", "rollback", "cluster"};
const char *const Rare[] = {"Straße",  "Größe", "Grüße",  "Überweisung", "Käsekuchen",
                            "Fußball", "zebra", "quokka", "xylophone",   "marmalade"};

QString sentence(QRandomGenerator &random)
{
    QStringList words;
    const int n = 6 + int(random.bounded(14));
    for (int i = 0; i < n; ++i) {
        if (random.bounded(200) == 0)
            words << QString::fromUtf8(Rare[random.bounded(int(std::size(Rare)))]);
        else if (random.bounded(3) == 0)
            words << QString::fromUtf8(Common[random.bounded(int(std::size(Common)))]);
        else
            words << QStringLiteral("w%1").arg(random.bounded(50'000));
    }
    return words.join(QLatin1Char(' '));
}

QSqlDatabase openDb(const QString &file, const QString &name)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(file);
    if (!db.open()) {
        std::fprintf(stderr, "cannot open %s: %s\n", qPrintable(file), qPrintable(db.lastError().text()));
        std::exit(1);
    }
    QSqlQuery(db).exec(QStringLiteral("PRAGMA busy_timeout = 10000"));
    return db;
}

int load(const QString &file, const QString &roomId, int messages)
{
    QSqlDatabase db = openDb(file, QStringLiteral("load"));
    QSqlQuery(db).exec(QStringLiteral("PRAGMA journal_mode = WAL"));
    QSqlQuery(db).exec(QStringLiteral("PRAGMA synchronous = NORMAL"));
    QRandomGenerator random(20261130);
    const qint64 start = QDateTime::currentMSecsSinceEpoch() - qint64(messages) * 1000;
    QElapsedTimer timer;
    timer.start();
    for (int done = 0; done < messages;) {
        const int batch = std::min(20'000, messages - done);
        for (int i = 0; i < batch; ++i, ++done) {
            Message m;
            m.id = newMessageId();
            m.roomId = roomId;
            m.authorId = QStringLiteral("bench-user-%1").arg(done % 7);
            m.authorName = QStringLiteral("Bench %1").arg(done % 7);
            m.text = sentence(random);
            m.createdAtMs = start + qint64(done) * 1000;
            if (!ChatStore::insertMessage(db, m)) {
                std::fprintf(stderr, "no room %s\n", qPrintable(roomId));
                return 1;
            }
        }
        // A checkpoint a batch keeps the WAL small: the loader's own autocheckpoints did not
        // keep up (the WAL reached 13 GB at 200 000 messages).
        QSqlQuery checkpoint(db);
        if (!checkpoint.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")) || !checkpoint.next() ||
            checkpoint.value(0).toInt() != 0) {
            std::fprintf(stderr, "checkpoint after %d messages did not complete\n", done);
            return 1;
        }
    }
    std::printf("{\"loaded\":%d,\"seconds\":%.1f}\n", messages, double(timer.elapsed()) / 1000.0);
    return 0;
}

struct Series {
    std::vector<double> ms;
    QJsonObject json() const
    {
        std::vector<double> s = ms;
        std::sort(s.begin(), s.end());
        auto pct = [&](double p) {
            return s.empty() ? -1.0 : s[std::min(s.size() - 1, size_t(p * double(s.size())))];
        };
        return {{QStringLiteral("n"), qint64(s.size())},
                {QStringLiteral("p50Ms"), pct(0.5)},
                {QStringLiteral("p99Ms"), pct(0.99)},
                {QStringLiteral("maxMs"), pct(1.0)}};
    }
};

double timeMs(const std::function<void()> &f)
{
    QElapsedTimer t;
    t.start();
    f();
    return double(t.nsecsElapsed()) / 1e6;
}

int measure(const QUrl &base, const QByteArray &token, const QString &roomId, int messages,
            const QString &file)
{
    QNetworkAccessManager http;
    int failures = 0;
    auto get = [&](const QString &path, const QUrlQuery &query) {
        QUrl url = base;
        url.setPath(path);
        url.setQuery(query);
        QNetworkRequest request(url);
        request.setRawHeader("Authorization", "Bearer " + token);
        QNetworkReply *reply = http.get(request);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200) {
            if (++failures < 5)
                std::fprintf(stderr, "GET %s: %s\n", qPrintable(url.toString()),
                             reply->readAll().constData());
        }
        reply->deleteLater();
    };
    QSqlDatabase db = openDb(file, QStringLiteral("measure"));
    QRandomGenerator random(7);

    Series floor;
    for (int i = 0; i < 300; ++i)
        floor.ms.push_back(timeMs([&] { get(QStringLiteral("/healthz"), {}); }));

    Series historyHttp, historyStore;
    for (int i = 0; i < 500; ++i) {
        const qint64 before = 1 + qint64(random.bounded(messages));
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("before"), QString::number(before));
        q.addQueryItem(QStringLiteral("limit"), QStringLiteral("50"));
        historyHttp.ms.push_back(
            timeMs([&] { get(QStringLiteral("/v1/chat/rooms/%1/messages").arg(roomId), q); }));
        historyStore.ms.push_back(timeMs([&] { (void)ChatStore::page(db, roomId, before, 50); }));
    }

    const QStringList queries{QStringLiteral("deploy"),       QStringLiteral("gateway timeout"),
                              QStringLiteral("strasse"),      QStringLiteral("Grüße"),
                              QStringLiteral("käsekuchen"),   QStringLiteral("rollb"),
                              QStringLiteral("quokka zebra"), QStringLiteral("w12345")};
    QJsonObject searches;
    Series allHttp, allStore;
    for (const QString &text : queries) {
        Series h, s;
        for (int i = 0; i < 40; ++i) {
            QUrlQuery q;
            q.addQueryItem(QStringLiteral("q"), text);
            q.addQueryItem(QStringLiteral("limit"), QStringLiteral("20"));
            h.ms.push_back(timeMs([&] { get(QStringLiteral("/v1/chat/search"), q); }));
            SearchQuery sq;
            sq.text = text;
            sq.terms = searchTerms(text);
            sq.allRooms = true;
            sq.limit = 20;
            s.ms.push_back(timeMs([&] { (void)ChatStore::search(db, sq); }));
        }
        allHttp.ms.insert(allHttp.ms.end(), h.ms.begin(), h.ms.end());
        allStore.ms.insert(allStore.ms.end(), s.ms.begin(), s.ms.end());
        searches.insert(text,
                        QJsonObject{{QStringLiteral("http"), h.json()}, {QStringLiteral("store"), s.json()}});
    }
    const QJsonObject out{{QStringLiteral("messages"), messages},
                          {QStringLiteral("failures"), failures},
                          {QStringLiteral("healthz"), floor.json()},
                          {QStringLiteral("historyHttp"), historyHttp.json()},
                          {QStringLiteral("historyStore"), historyStore.json()},
                          {QStringLiteral("searchHttp"), allHttp.json()},
                          {QStringLiteral("searchStore"), allStore.json()},
                          {QStringLiteral("searches"), searches}};
    std::printf("%s\n", QJsonDocument(out).toJson(QJsonDocument::Compact).constData());
    return failures == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() == 5 && args[1] == QLatin1String("load"))
        return load(args[2], args[3], args[4].toInt());
    if (args.size() == 7 && args[1] == QLatin1String("measure"))
        return measure(QUrl(args[2]), args[3].toUtf8(), args[4], args[5].toInt(), args[6]);
    std::fprintf(stderr, "usage: bench_chat_history load DB_FILE ROOM_ID MESSAGES\n"
                         "       bench_chat_history measure URL TOKEN ROOM_ID MESSAGES DB_FILE\n");
    return 2;
}
