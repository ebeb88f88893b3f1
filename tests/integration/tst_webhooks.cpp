#include "testing.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QMessageAuthenticationCode>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>

using namespace Meshdeck::Testing;

namespace {

// A webhook receiver: records each request and answers with `status`.
class Receiver : public QTcpServer
{
public:
    struct Received {
        QHash<QByteArray, QByteArray> headers; // lower-case names
        QByteArray body;
        qint64 atMs = 0;
    };
    int status = 200;
    QList<Received> received;
    QElapsedTimer clock;

    Receiver()
    {
        clock.start();
        listen(QHostAddress::LocalHost, 0);
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, s, [this, s] { onData(s); });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }

private:
    void onData(QTcpSocket *s)
    {
        QByteArray buffer = s->property("buffer").toByteArray() + s->readAll();
        s->setProperty("buffer", buffer);
        const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return;
        Received r;
        qint64 length = 0;
        for (const QByteArray &line : buffer.first(headEnd).split('\n').mid(1)) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0)
                r.headers.insert(line.first(colon).trimmed().toLower(), line.sliced(colon + 1).trimmed());
        }
        length = r.headers.value("content-length").toLongLong();
        if (buffer.size() < headEnd + 4 + length)
            return;
        r.body = buffer.sliced(headEnd + 4, length);
        r.atMs = clock.elapsed();
        received << r;
        s->write("HTTP/1.1 " + QByteArray::number(status) +
                 " X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        s->disconnectFromHost();
    }
};

struct Api {
    BackendProcess &backend;
    RawResponse call(const QByteArray &method, const QByteArray &path, const QByteArray &body = {})
    {
        RawHttp c;
        if (!c.connectTo(backend.port()))
            return {};
        c.send(method + ' ' + path + " HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + backend.token() +
               "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        return c.read(15'000);
    }
    // meshdeckd logs an attempt once the receiver's answer is back: wait for the log, not the receiver.
    QJsonArray waitForDeliveries(const QByteArray &webhookId, qsizetype count)
    {
        QJsonArray log;
        (void)QTest::qWaitFor(
            [&] {
                log = json("GET", "/v1/events/webhooks/" + webhookId + "/deliveries")
                          .value(QStringLiteral("deliveries"))
                          .toArray();
                return log.size() == count;
            },
            5000);
        return log;
    }
    QJsonObject json(const QByteArray &method, const QByteArray &path, const QByteArray &body = {})
    {
        return QJsonDocument::fromJson(call(method, path, body).body).object();
    }
    void publish(const QByteArray &topic, const QString &type, int n)
    {
        const QJsonObject e{{QStringLiteral("type"), type},
                            {QStringLiteral("data"), QJsonObject{{QStringLiteral("n"), n}}}};
        call("POST", "/v1/events/topics/" + topic + "/events",
             QJsonDocument(QJsonObject{{QStringLiteral("events"), QJsonArray{e}}})
                 .toJson(QJsonDocument::Compact));
    }
};

// The receivers run on loopback, which only a node started with this flag lets webhooks reach.
const QString PrivateTargets = QStringLiteral("--allow-private-targets");

QByteArray hook(quint16 port, const QByteArray &extra = {})
{
    return "{\"url\":\"http://127.0.0.1:" + QByteArray::number(port) + "/hook\",\"topics\":[\"orders\"]" +
           extra + '}';
}

bool signatureValid(const Receiver::Received &r, const QByteArray &secret)
{
    const QList<QByteArray> parts = r.headers.value("x-meshdeck-signature").split(',');
    if (parts.size() != 2 || !parts[0].startsWith("t=") || !parts[1].startsWith("v1="))
        return false;
    const QByteArray expected = QMessageAuthenticationCode::hash(parts[0].sliced(2) + '.' + r.body, secret,
                                                                 QCryptographicHash::Sha256)
                                    .toHex();
    return expected == parts[1].sliced(3);
}

// Every byte of the database files in a data directory (the database, its WAL and index).
QByteArray databaseBytes(const QString &dataDir)
{
    QByteArray all;
    for (const QFileInfo &f :
         QDir(dataDir).entryInfoList({QStringLiteral("meshdeck.db*")}, QDir::Files | QDir::Hidden)) {
        QFile file(f.filePath());
        if (file.open(QIODevice::ReadOnly))
            all += file.readAll();
    }
    return all;
}

// Every value of every table, one a line: what `sqlite3 meshdeck.db .dump` shows.
QByteArray databaseDump(const QString &dataDir)
{
    const QString connection = QStringLiteral("dump");
    QByteArray out;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        db.setDatabaseName(QDir(dataDir).filePath(QStringLiteral("meshdeck.db")));
        if (db.open()) {
            for (const QString &table : db.tables()) {
                QSqlQuery q(db);
                q.exec(QStringLiteral("SELECT * FROM \"%1\"").arg(table));
                while (q.next()) {
                    for (int i = 0; i < q.record().count(); ++i)
                        out += q.value(i).toByteArray() + '\n';
                }
            }
        }
    }
    QSqlDatabase::removeDatabase(connection);
    return out;
}

// Stores `secret` for the webhook as a meshdeckd before sealing did: in plaintext.
bool storeInPlaintext(const QString &dataDir, const QByteArray &webhookId, const QByteArray &secret)
{
    const QString connection = QStringLiteral("legacy");
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        db.setDatabaseName(QDir(dataDir).filePath(QStringLiteral("meshdeck.db")));
        if (db.open()) {
            QSqlQuery q(db);
            q.prepare(QStringLiteral("UPDATE webhooks SET secret = ? WHERE id = ?"));
            q.addBindValue(QString::fromUtf8(secret));
            q.addBindValue(QString::fromUtf8(webhookId));
            ok = q.exec() && q.numRowsAffected() == 1;
        }
    }
    QSqlDatabase::removeDatabase(connection);
    return ok;
}

} // namespace

class TestWebhooks : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void deliversSignedEventsInOrder()
    {
        Receiver receiver;
        BackendProcess backend;
        QVERIFY(
            backend.start({QStringLiteral("--webhook-retry-base-ms"), QStringLiteral("50"), PrivateTargets}));
        Api api{backend};
        QCOMPARE(api.call("POST", "/v1/events/topics", "{\"name\":\"orders\"}").status, 201);
        api.publish("orders", QStringLiteral("before"), -1); // before the webhook: not delivered
        const RawResponse created = api.call("POST", "/v1/events/webhooks", hook(receiver.serverPort()));
        QCOMPARE(created.status, 201);
        const QJsonObject webhook = QJsonDocument::fromJson(created.body).object();
        const QByteArray secret = webhook.value(QStringLiteral("secret")).toString().toUtf8();
        QVERIFY(secret.startsWith("whsec_"));
        const QByteArray id = webhook.value(QStringLiteral("id")).toString().toUtf8();
        QVERIFY2(!api.json("GET", "/v1/events/webhooks/" + id).contains(QStringLiteral("secret")),
                 "the secret is shown once");

        for (int n = 0; n < 3; ++n)
            api.publish("orders", QStringLiteral("order.created"), n);
        // Deliveries are in order: once a marker published last has arrived, an event published
        // before the webhook existed would have arrived too, had it been delivered.
        api.publish("orders", QStringLiteral("marker"), 3);
        QVERIFY(QTest::qWaitFor([&] { return receiver.received.size() >= 4; }, 10'000));
        QCOMPARE(receiver.received.size(), 4);
        QCOMPARE(QJsonDocument::fromJson(receiver.received[3].body).object().value(QStringLiteral("type")),
                 QStringLiteral("marker"));
        for (int n = 0; n < 3; ++n) {
            const Receiver::Received &r = receiver.received[n];
            QVERIFY2(signatureValid(r, secret), "X-Meshdeck-Signature is HMAC-SHA256 of '<t>.<body>'");
            QCOMPARE(r.headers.value("x-meshdeck-topic"), QByteArray("orders"));
            QCOMPARE(r.headers.value("content-type"), QByteArray("application/json"));
            const QJsonObject event = QJsonDocument::fromJson(r.body).object();
            QCOMPARE(event.value(QStringLiteral("offset")).toInt(), n + 1); // in order, from after creation
            QCOMPARE(event.value(QStringLiteral("data")).toObject().value(QStringLiteral("n")).toInt(), n);
            QCOMPARE(r.headers.value("x-meshdeck-event-id"),
                     event.value(QStringLiteral("id")).toString().toUtf8());
        }
        const QJsonArray log = api.waitForDeliveries(id, 4);
        QCOMPARE(log.size(), 4);
        QCOMPARE(log[0].toObject().value(QStringLiteral("succeeded")).toBool(), true);
        QCOMPARE(log[0].toObject().value(QStringLiteral("status")).toInt(), 200);
        QCOMPARE(log[0].toObject().value(QStringLiteral("responseExcerpt")).toString(), QStringLiteral("ok"));
    }

    void deliversOnlyTheTypesAskedFor()
    {
        Receiver receiver;
        BackendProcess backend;
        QVERIFY(backend.start({PrivateTargets}));
        Api api{backend};
        QCOMPARE(api.call("POST", "/v1/events/topics", "{\"name\":\"orders\"}").status, 201);
        QCOMPARE(api.call("POST", "/v1/events/webhooks",
                          hook(receiver.serverPort(), ",\"types\":[\"order.paid\"]"))
                     .status,
                 201);
        api.publish("orders", QStringLiteral("order.created"), 1);
        api.publish("orders", QStringLiteral("order.paid"), 2);
        api.publish("orders", QStringLiteral("order.created"), 3);
        // A last order.paid proves the filtered ones had their turn: deliveries are in order.
        api.publish("orders", QStringLiteral("order.paid"), 4);
        QVERIFY(QTest::qWaitFor([&] { return receiver.received.size() >= 2; }, 10'000));
        QCOMPARE(receiver.received.size(), 2);
        for (int i = 0; i < 2; ++i) {
            const QJsonObject event = QJsonDocument::fromJson(receiver.received[i].body).object();
            QCOMPARE(event.value(QStringLiteral("type")).toString(), QStringLiteral("order.paid"));
            QCOMPARE(event.value(QStringLiteral("data")).toObject().value(QStringLiteral("n")).toInt(),
                     2 + 2 * i);
        }
    }

    void retriesWithBackoffThenDisablesAndCanBeEnabledAgain()
    {
        Receiver receiver;
        receiver.status = 500;
        BackendProcess backend;
        QVERIFY(
            backend.start({QStringLiteral("--webhook-retry-base-ms"), QStringLiteral("100"),
                           QStringLiteral("--webhook-max-failures"), QStringLiteral("4"), PrivateTargets}));
        Api api{backend};
        QCOMPARE(api.call("POST", "/v1/events/topics", "{\"name\":\"orders\"}").status, 201);
        const QByteArray id = api.json("POST", "/v1/events/webhooks", hook(receiver.serverPort()))
                                  .value(QStringLiteral("id"))
                                  .toString()
                                  .toUtf8();
        api.publish("orders", QStringLiteral("order.created"), 1);
        QVERIFY(QTest::qWaitFor([&] { return receiver.received.size() >= 4; }, 15'000));
        for (int i = 0; i < 4; ++i)
            QCOMPARE(receiver.received[i].headers.value("x-meshdeck-delivery-attempt"),
                     QByteArray::number(i + 1));
        // Backoff: base 100 ms doubling with jitter (x0.5..1.5): the third gap is at least 200 ms.
        QVERIFY2(receiver.received[3].atMs - receiver.received[2].atMs >= 190,
                 qPrintable(QString::number(receiver.received[3].atMs - receiver.received[2].atMs)));
        QVERIFY(QTest::qWaitFor(
            [&] {
                return !api.json("GET", "/v1/events/webhooks/" + id)
                            .value(QStringLiteral("enabled"))
                            .toBool();
            },
            5000));
        const QJsonObject disabled = api.json("GET", "/v1/events/webhooks/" + id);
        QVERIFY2(disabled.value(QStringLiteral("disabledReason"))
                     .toString()
                     .contains(QStringLiteral("4 failed deliveries")),
                 qPrintable(disabled.value(QStringLiteral("disabledReason")).toString()));
        QVERIFY(
            disabled.value(QStringLiteral("disabledReason")).toString().contains(QStringLiteral("HTTP 500")));
        // Disabled: no more attempts. Enabled, the fifth attempt would be due at most
        // 100 ms x 2^3 x 1.5 after the fourth; once that is past, a control webhook receives a new
        // event, so the dispatcher has looked for due work since the fifth attempt was due.
        const qint64 fifthAttemptDueBy = receiver.received[3].atMs + 100 * 8 * 3 / 2;
        QTRY_VERIFY_WITH_TIMEOUT(receiver.clock.elapsed() > fifthAttemptDueBy, 5000);
        Receiver control;
        QCOMPARE(api.call("POST", "/v1/events/topics", "{\"name\":\"control\"}").status, 201);
        QCOMPARE(api.call("POST", "/v1/events/webhooks",
                          hook(control.serverPort()).replace("[\"orders\"]", "[\"control\"]"))
                     .status,
                 201);
        api.publish("control", QStringLiteral("control"), 0);
        QVERIFY(QTest::qWaitFor([&] { return !control.received.isEmpty(); }, 10'000));
        QCOMPARE(receiver.received.size(), 4);

        receiver.status = 200;
        const QJsonObject enabled = api.json("PATCH", "/v1/events/webhooks/" + id, "{\"enabled\":true}");
        QCOMPARE(enabled.value(QStringLiteral("enabled")).toBool(), true);
        QCOMPARE(enabled.value(QStringLiteral("consecutiveFailures")).toInt(), 0);
        QVERIFY(QTest::qWaitFor([&] { return receiver.received.size() >= 5; }, 10'000));
        QCOMPARE(receiver.received[4].headers.value("x-meshdeck-delivery-attempt"), QByteArray("1"));
        const QJsonArray log = api.waitForDeliveries(id, 5);
        QCOMPARE(log.size(), 5);
        QCOMPARE(log[0].toObject().value(QStringLiteral("succeeded")).toBool(), true);
        QCOMPARE(log[1].toObject().value(QStringLiteral("status")).toInt(), 500);
    }

    void refusesUnsafeTargets_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("reason");
        QTest::newRow("loopback") << QByteArray("{\"url\":\"http://127.0.0.1:9/x\",\"topics\":[\"orders\"]}")
                                  << 400 << "loopback";
        QTest::newRow("metadata")
            << QByteArray("{\"url\":\"http://169.254.169.254/latest\",\"topics\":[\"orders\"]}") << 400
            << "link-local";
        QTest::newRow("private") << QByteArray("{\"url\":\"http://10.0.0.8/x\",\"topics\":[\"orders\"]}")
                                 << 400 << "private";
        QTest::newRow("mapped v6") << QByteArray(
                                          "{\"url\":\"http://[::ffff:127.0.0.1]/x\",\"topics\":[\"orders\"]}")
                                   << 400 << "loopback";
        QTest::newRow("localhost name")
            << QByteArray("{\"url\":\"http://localhost:9/x\",\"topics\":[\"orders\"]}") << 400
            << "--allow-private-targets";
        QTest::newRow("not http") << QByteArray("{\"url\":\"ftp://example.com/x\",\"topics\":[\"orders\"]}")
                                  << 400 << "http://";
        QTest::newRow("credentials") << QByteArray(
                                            "{\"url\":\"http://u:p@example.com/x\",\"topics\":[\"orders\"]}")
                                     << 400 << "no credentials";
        QTest::newRow("no topics") << QByteArray("{\"url\":\"http://127.0.0.1:9/x\",\"topics\":[]}") << 400
                                   << "at least one topic";
        QTest::newRow("topic twice")
            << QByteArray("{\"url\":\"http://1.1.1.1:9/x\",\"topics\":[\"orders\",\"orders\"]}") << 400
            << "twice";
        QTest::newRow("missing topic") << QByteArray("{\"url\":\"http://1.1.1.1:9/x\",\"topics\":[\"nope\"]}")
                                       << 404 << "no topic 'nope'";
    }

    void refusesUnsafeTargets()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, reason);
        BackendProcess backend;
        QVERIFY(backend.start());
        Api api{backend};
        QCOMPARE(api.call("POST", "/v1/events/topics", "{\"name\":\"orders\"}").status, 201);
        const RawResponse r = api.call("POST", "/v1/events/webhooks", body);
        QCOMPARE(r.status, status);
        const QString detail =
            QJsonDocument::fromJson(r.body).object().value(QStringLiteral("detail")).toString();
        QVERIFY2(detail.contains(reason), qPrintable(detail));
        QCOMPARE(api.json("GET", "/v1/events/webhooks").value(QStringLiteral("webhooks")).toArray().size(),
                 0);
    }

    void sendsATestDeliveryOnRequest()
    {
        Receiver receiver;
        BackendProcess backend;
        QVERIFY(backend.start({PrivateTargets}));
        Api api{backend};
        QCOMPARE(api.call("POST", "/v1/events/topics", "{\"name\":\"orders\"}").status, 201);
        const QJsonObject created = api.json("POST", "/v1/events/webhooks", hook(receiver.serverPort()));
        const QByteArray id = created.value(QStringLiteral("id")).toString().toUtf8();
        const QJsonObject result = api.json("POST", "/v1/events/webhooks/" + id + "/test");
        QCOMPARE(result.value(QStringLiteral("succeeded")).toBool(), true);
        QCOMPARE(receiver.received.size(), 1);
        QCOMPARE(QJsonDocument::fromJson(receiver.received[0].body)
                     .object()
                     .value(QStringLiteral("type"))
                     .toString(),
                 QStringLiteral("webhook.test"));
        QVERIFY(signatureValid(receiver.received[0],
                               created.value(QStringLiteral("secret")).toString().toUtf8()));
        QCOMPARE(api.call("POST", "/v1/events/webhooks/nope/test").status, 404);
    }

    // Defect 6: a caller could switch the SSRF guard off with "local": true. It is a server
    // setting now, and the request field is refused with a reason.
    void theRequestCannotSwitchTheAddressGuardOff()
    {
        Receiver receiver;
        BackendProcess backend;
        QVERIFY(backend.start());
        Api api{backend};
        QCOMPARE(api.call("POST", "/v1/events/topics", "{\"name\":\"orders\"}").status, 201);
        for (const QByteArray &local : {QByteArray("true"), QByteArray("false")}) {
            const RawResponse r =
                api.call("POST", "/v1/events/webhooks", hook(receiver.serverPort(), ",\"local\":" + local));
            QCOMPARE(r.status, 400);
            const QJsonObject problem = QJsonDocument::fromJson(r.body).object();
            QCOMPARE(problem.value(QStringLiteral("field")).toString(), QStringLiteral("local"));
            QVERIFY2(problem.value(QStringLiteral("detail"))
                         .toString()
                         .contains(QStringLiteral("--allow-private-targets")),
                     r.body.constData());
        }
        // Without the field, the loopback receiver is refused by this node.
        const RawResponse refused = api.call("POST", "/v1/events/webhooks", hook(receiver.serverPort()));
        QCOMPARE(refused.status, 400);
        QVERIFY2(refused.body.contains("loopback"), refused.body.constData());
        QCOMPARE(api.json("GET", "/v1/events/webhooks").value(QStringLiteral("webhooks")).toArray().size(),
                 0);
    }

    void aNodeThatAllowsPrivateTargetsDeliversToLoopback()
    {
        Receiver receiver;
        BackendProcess backend;
        QVERIFY(backend.start({PrivateTargets}));
        Api api{backend};
        QCOMPARE(api.call("POST", "/v1/events/topics", "{\"name\":\"orders\"}").status, 201);
        const RawResponse created = api.call("POST", "/v1/events/webhooks", hook(receiver.serverPort()));
        QCOMPARE(created.status, 201);
        QVERIFY2(!QJsonDocument::fromJson(created.body).object().contains(QStringLiteral("local")),
                 created.body.constData());
        api.publish("orders", QStringLiteral("order.created"), 1);
        QVERIFY(QTest::qWaitFor([&] { return receiver.received.size() == 1; }, 10'000));
    }

    // Defect 5: signing secrets were stored in plaintext. Now only their sealed form is; the key
    // is secret.key (mode 0600) in the data directory, and deliveries are signed as before.
    void signingSecretsAreNeverStoredInPlaintext()
    {
        Receiver receiver;
        BackendProcess backend;
        QVERIFY(backend.start({PrivateTargets}));
        Api api{backend};
        QCOMPARE(api.call("POST", "/v1/events/topics", "{\"name\":\"orders\"}").status, 201);
        QList<QByteArray> secrets;
        QList<QByteArray> ids;
        for (int i = 0; i < 3; ++i) {
            const QJsonObject w = api.json("POST", "/v1/events/webhooks", hook(receiver.serverPort()));
            secrets << w.value(QStringLiteral("secret")).toString().toUtf8();
            ids << w.value(QStringLiteral("id")).toString().toUtf8();
            QVERIFY(secrets.last().startsWith("whsec_"));
        }
        api.publish("orders", QStringLiteral("order.created"), 1);
        QVERIFY(QTest::qWaitFor([&] { return receiver.received.size() == 3; }, 10'000));
        QSet<QByteArray> signers; // each delivery is signed with its own webhook's secret
        for (const Receiver::Received &r : std::as_const(receiver.received)) {
            for (const QByteArray &secret : std::as_const(secrets)) {
                if (signatureValid(r, secret))
                    signers.insert(secret);
            }
        }
        QCOMPARE(signers.size(), 3);
        QCOMPARE(backend.terminate(), 0);

        const QByteArray bytes = databaseBytes(backend.dataDir());
        const QByteArray dump = databaseDump(backend.dataDir());
        for (const QByteArray &id : std::as_const(ids)) // proves both hold the webhooks
            QVERIFY(bytes.contains(id) && dump.contains(id));
        for (const QByteArray &secret : std::as_const(secrets)) {
            const QByteArray random = secret.sliced(6); // without the "whsec_" prefix
            QVERIFY2(!bytes.contains(random), "a signing secret is in the database files");
            QVERIFY2(!dump.contains(random), "a signing secret is in the database");
        }
        QVERIFY(dump.contains("sb1:")); // sealed instead
        const QFileInfo key(QDir(backend.dataDir()).filePath(QStringLiteral("secret.key")));
        QCOMPARE(key.size(), 32);
        QCOMPARE(key.permissions() & ~(QFileDevice::ReadUser | QFileDevice::WriteUser),
                 QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }

    void plaintextSecretsOfAnOlderDatabaseAreSealedOnStart()
    {
        Receiver receiver;
        QTemporaryDir dir;
        QByteArray id;
        {
            BackendProcess backend(dir.path());
            QVERIFY(backend.start({PrivateTargets}));
            Api api{backend};
            QCOMPARE(api.call("POST", "/v1/events/topics", "{\"name\":\"orders\"}").status, 201);
            id = api.json("POST", "/v1/events/webhooks", hook(receiver.serverPort()))
                     .value(QStringLiteral("id"))
                     .toString()
                     .toUtf8();
            QCOMPARE(backend.terminate(), 0);
        }
        const QByteArray legacy = "whsec_plaintextOfAnOlderMeshdeckdQ7vX2mK9pL4rT8wZ";
        QVERIFY(storeInPlaintext(dir.path(), id, legacy));
        QVERIFY(databaseBytes(dir.path()).contains(legacy)); // what the checks below look for

        BackendProcess backend(dir.path());
        QVERIFY(backend.start({PrivateTargets}));
        Api api{backend};
        api.publish("orders", QStringLiteral("order.created"), 1);
        QVERIFY(QTest::qWaitFor([&] { return receiver.received.size() == 1; }, 10'000));
        QVERIFY2(signatureValid(receiver.received[0], legacy), "still signed with the secret it always had");
        QCOMPARE(backend.terminate(), 0);
        QVERIFY2(!databaseBytes(dir.path()).contains(legacy.sliced(6)),
                 "the plaintext is still in the files");
        QVERIFY2(!databaseDump(dir.path()).contains(legacy.sliced(6)),
                 "the plaintext is still in the database");
    }

    // A key that does not open the stored secrets stops start-up with the reason: a node that ran
    // on would sign every delivery with a wrong secret, or none.
    void aWrongSecretKeyStopsStartUpWithTheReason()
    {
        QTemporaryDir dir;
        {
            BackendProcess backend(dir.path());
            QVERIFY(backend.start());
            Api api{backend};
            QCOMPARE(api.call("POST", "/v1/events/topics", "{\"name\":\"orders\"}").status, 201);
            QCOMPARE(api.call("POST", "/v1/events/webhooks",
                              "{\"url\":\"http://1.1.1.1:9/x\",\"topics\":[\"orders\"]}")
                         .status,
                     201);
            QCOMPARE(backend.terminate(), 0);
        }
        QFile key(dir.filePath(QStringLiteral("secret.key")));
        QVERIFY(key.open(QIODevice::ReadWrite));
        const QByteArray original = key.readAll();
        QCOMPARE(original.size(), 32);
        QByteArray other = original;
        other[0] = char(other[0] ^ 0x5a);
        QVERIFY(key.seek(0) && key.write(other) == 32);
        key.close();

        BackendProcess wrong(dir.path());
        QVERIFY(!wrong.start());
        QVERIFY(wrong.process().state() == QProcess::NotRunning || wrong.process().waitForFinished(10'000));
        QCOMPARE(wrong.process().exitCode(), 1);
        const QByteArray reason = wrong.stderrText();
        QVERIFY2(reason.contains("secret.key") && reason.contains("Restore"), reason.constData());

        // With its own key back, the same directory starts: the refusal was about the key.
        QVERIFY(key.open(QIODevice::WriteOnly));
        QVERIFY(key.write(original) == 32);
        key.close();
        BackendProcess right(dir.path());
        QVERIFY2(right.start(), right.stderrText().constData());
        QCOMPARE(
            Api{right}.json("GET", "/v1/events/webhooks").value(QStringLiteral("webhooks")).toArray().size(),
            1);
    }

    // Defect 7: a change read the webhook back in a later database turn and dereferenced it even
    // when a concurrent delete had removed it. Two connections race changes against deletes.
    void racingChangesAndDeletesGetOnlyTheirOwnAnswers()
    {
        BackendProcess backend;
        QVERIFY(backend.start());
        Api api{backend};
        QCOMPARE(api.call("POST", "/v1/events/topics", "{\"name\":\"orders\"}").status, 201);
        QMap<int, int> changes; // status -> count
        for (int round = 0; round < 60; ++round) {
            const QByteArray id = api.json("POST", "/v1/events/webhooks",
                                           "{\"url\":\"http://1.1.1.1:9/x\",\"topics\":[\"orders\"]}")
                                      .value(QStringLiteral("id"))
                                      .toString()
                                      .toUtf8();
            QVERIFY(!id.isEmpty());
            RawHttp changer;
            RawHttp deleter;
            QVERIFY(changer.connectTo(backend.port()) && deleter.connectTo(backend.port()));
            const QByteArray body = "{\"enabled\":false}";
            const QByteArray change = "PATCH /v1/events/webhooks/" + id +
                                      " HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + backend.token() +
                                      "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" +
                                      body;
            const QByteArray remove = "DELETE /v1/events/webhooks/" + id +
                                      " HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + backend.token() +
                                      "\r\n\r\n";
            if (round % 2) { // either may go first
                deleter.send(remove);
                changer.send(change);
            } else {
                changer.send(change);
                deleter.send(remove);
            }
            const RawResponse c = changer.read(15'000);
            const RawResponse d = deleter.read(15'000);
            QVERIFY2(c.valid() && d.valid(), qPrintable(QStringLiteral("no answer in round %1").arg(round)));
            QVERIFY2(c.status == 200 || c.status == 404, c.statusLine.constData());
            QCOMPARE(d.status, 204);
            if (c.status == 200) {
                const QJsonObject w = QJsonDocument::fromJson(c.body).object();
                QCOMPARE(w.value(QStringLiteral("id")).toString().toUtf8(), id);
                QCOMPARE(w.value(QStringLiteral("enabled")).toBool(), false);
            }
            ++changes[c.status];
        }
        // Both orders happened, so the checks above saw changes before and after their delete.
        QVERIFY2(
            changes.value(200) > 0 && changes.value(404) > 0,
            qPrintable(
                QStringLiteral("%1 changed, %2 not found").arg(changes.value(200)).arg(changes.value(404))));
        QCOMPARE(api.call("GET", "/healthz").status, 200);
        QCOMPARE(backend.terminate(), 0);
    }

    // The HTTP engine's threads asked the dispatcher's network access manager, which lives on
    // another thread, to send test deliveries (Qt warns: "Cannot create children for a parent
    // that is in a different thread"). The dispatcher now runs them on its own thread.
    void testDeliveriesRunOnTheDispatchersThread()
    {
        Receiver receiver;
        BackendProcess backend;
        QVERIFY(backend.start({PrivateTargets}));
        Api api{backend};
        QCOMPARE(api.call("POST", "/v1/events/topics", "{\"name\":\"orders\"}").status, 201);
        const QByteArray id = api.json("POST", "/v1/events/webhooks", hook(receiver.serverPort()))
                                  .value(QStringLiteral("id"))
                                  .toString()
                                  .toUtf8();
        for (int i = 0; i < 4; ++i) // several, so that more than one engine thread is likely to send
            QCOMPARE(api.json("POST", "/v1/events/webhooks/" + id + "/test")
                         .value(QStringLiteral("succeeded"))
                         .toBool(),
                     true);
        QCOMPARE(receiver.received.size(), 4);
        QCOMPARE(backend.terminate(), 0);
        const QByteArray log = backend.stderrText();
        QVERIFY2(log.contains("serving"), log.constData()); // the log is read: a warning would be seen
        QVERIFY2(!log.contains("different thread"), log.constData());
    }
};

QTEST_GUILESS_MAIN(TestWebhooks)
#include "tst_webhooks.moc"
