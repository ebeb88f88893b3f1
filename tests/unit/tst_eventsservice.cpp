#include "postgresserver.h"
#include "testing.h"

#include "http/router.h"
#include "platform/clock.h"
#include "platform/secretbox.h"
#include "services/events/eventsroutes.h"
#include "services/events/eventsschema.h"
#include "services/events/eventsservice.h"
#include "services/events/webhooksroutes.h"
#include "services/events/webhooksstore.h"
#include "storage/database.h"
#include "storage/documentpermissions.h"
#include "storage/store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QScopeGuard>
#include <QSemaphore>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>

#include <atomic>

using namespace Meshdeck;
using namespace Meshdeck::Events;
using namespace Meshdeck::Testing;
using Http::Response;

namespace {

QCoro::Task<Response> answer(Response response)
{
    co_return response;
}

QByteArray header(const Response &r, QByteArrayView name)
{
    for (const auto &[key, value] : r.headers) {
        if (key == name)
            return value;
    }
    return {};
}

QJsonObject json(const Response &r)
{
    return QJsonDocument::fromJson(r.body).object();
}

// Holds the database thread until released (or destroyed), so that publishes queue up behind it.
class DatabaseGate
{
public:
    explicit DatabaseGate(Storage::Database &db)
    {
        db.run([semaphore = m_semaphore](QSqlDatabase &) { semaphore->acquire(); });
    }
    ~DatabaseGate() { release(); }
    void release()
    {
        if (!m_released)
            m_semaphore->release();
        m_released = true;
    }

private:
    std::shared_ptr<QSemaphore> m_semaphore = std::make_shared<QSemaphore>();
    bool m_released = false;
};

const QByteArray OneEvent = "{\"events\":[{\"type\":\"order.created\",\"data\":{\"n\":1}}]}";

} // namespace

// The events service with its routes, in process: a database in a temporary directory, a clock
// the test moves, and requests handed straight to the route handlers.
class TestEventsService : public QObject
{
    Q_OBJECT
private:
    Meshdeck::Testing::TestDatabases m_databases;
    ManualClock m_clock;
    std::unique_ptr<Storage::Database> m_db;
    std::unique_ptr<EventsService> m_service;
    std::unique_ptr<Http::Router> m_router;
    int m_requests = 0;
    // Who calls: the admin token unless a test says otherwise.
    Meshdeck::PrincipalPtr m_principal =
        std::make_shared<const Meshdeck::Principal>(Meshdeck::Principal::adminToken());

    bool startService(EventsSettings settings)
    {
        m_db = std::make_unique<Storage::Database>();
        const auto opened = waitForTask(m_db->open(
            m_databases.freshLocation(QString::fromLatin1(QTest::currentTestFunction())),
            {{QStringLiteral("events"), Events::schema()}, Storage::DocumentPermissions::schema()}));
        if (!opened.ok)
            return false;
        m_service = std::make_unique<EventsService>(settings, m_db.get(), SecretBox::ephemeral(), m_clock);
        if (!waitForTask(m_service->start()).isEmpty())
            return false;
        m_router = std::make_unique<Http::Router>();
        EventsRoutes::install(*m_router, m_service.get());
        WebhooksRoutes::install(*m_router, m_service.get());
        return true;
    }

    // Starts a request; it runs until its first wait and finishes on the event loop.
    QCoro::Task<Response> begin(QByteArray method, QByteArray target, QByteArray body = {})
    {
        Http::Request r;
        r.method = method;
        r.target = target;
        const qsizetype q = target.indexOf('?');
        r.path = q < 0 ? target : target.first(q);
        r.query = q < 0 ? QByteArray() : target.sliced(q + 1);
        r.body = body;
        r.requestId = "req-" + QByteArray::number(++m_requests);
        const Http::Router::Match match = m_router->match(r.method, r.path);
        if (!match.route)
            return answer(Response{599, {}, {}, "no route", false, {}, {}, -1});
        r.pathParams = match.params;
        r.principal = m_principal;
        r.routePattern = match.route->pattern;
        return std::get<Http::AsyncHandler>(match.route->handler)(std::move(r));
    }
    Response call(QByteArray method, QByteArray target, QByteArray body = {})
    {
        return waitForTask(begin(std::move(method), std::move(target), std::move(body)));
    }

    static EventsSettings settings()
    {
        EventsSettings s;
        s.retentionIntervalMs = 3'600'000; // the tests run retention passes themselves
        s.lagSampleIntervalMs = 3'600'000;
        s.webhooks.allowPrivateTargets = true;
        s.webhooks.tickMs = 3'600'000;
        return s;
    }

    static QStringList topicNames(const Response &r)
    {
        QStringList out;
        for (const QJsonValue &t :
             QJsonDocument::fromJson(r.body).object().value(QStringLiteral("topics")).toArray())
            out << t.toObject().value(QStringLiteral("name")).toString();
        return out;
    }

private Q_SLOTS:
    void cleanup()
    {
        m_principal = std::make_shared<const Meshdeck::Principal>(Meshdeck::Principal::adminToken());
        if (m_service)
            waitForTask(m_service->stop());
        m_router.reset();
        m_service.reset();
        if (m_db)
            waitForTask(m_db->close());
        m_db.reset();
    }

    // Document permissions on the topic routes, for a principal whose role (user) holds events.*
    // only on documents: read lists, gets, reads and consumes; update publishes (without read) and
    // changes; delete deletes; an unreadable topic answers 404 like a missing one; nobody grants
    // what they do not hold. Built directly as a Principal: the users service is not there yet.
    void documentPermissionsDecideWhatAUserReaches()
    {
        QVERIFY(startService(settings()));
        const QList<std::pair<const char *, const char *>> topics{
            {"shared", "[\"read(\\\"users\\\")\"]"},
            {"mine", "[\"read(\\\"user:alice\\\")\",\"update(\\\"user:alice\\\")\"]"},
            {"drop", "[\"update(\\\"user:alice\\\")\"]"},
            {"secret", "[]"},
            {"gone", "[\"read(\\\"user:alice\\\")\",\"delete(\\\"user:alice\\\")\"]"}};
        for (const auto &[name, permissions] : topics) {
            const Response created =
                call("POST", "/v1/events/topics",
                     QByteArray("{\"name\":\"") + name + "\",\"permissions\":" + permissions + '}');
            QCOMPARE(created.status, 201);
            QVERIFY(created.audit);
            QCOMPARE(created.audit->resource, QStringLiteral("topic:") + QLatin1String(name));
        }
        QCOMPARE(
            call("POST", "/v1/events/topics", "{\"name\":\"bad\",\"permissions\":[\"read(any)\"]}").status,
            400);
        QCOMPARE(topicNames(call("GET", "/v1/events/topics")).size(), 7); // with audit and system

        auto alice = std::make_shared<Meshdeck::Principal>();
        alice->kind = Meshdeck::Principal::Kind::User;
        alice->userId = QStringLiteral("alice");
        alice->name = QStringLiteral("alice@example.com");
        alice->role = Meshdeck::Role::User;
        m_principal = alice;

        QCOMPARE(topicNames(call("GET", "/v1/events/topics")),
                 (QStringList{QStringLiteral("gone"), QStringLiteral("mine"), QStringLiteral("shared")}));
        const Response mine = call("GET", "/v1/events/topics/mine");
        QCOMPARE(mine.status, 200);
        QCOMPARE(
            QJsonDocument::fromJson(mine.body).object().value(QStringLiteral("permissions")).toArray().size(),
            2);
        // Unreadable and missing answer alike.
        const Response secret = call("GET", "/v1/events/topics/secret");
        const Response missing = call("GET", "/v1/events/topics/nosuch");
        QCOMPARE(secret.status, 404);
        QCOMPARE(missing.status, 404);
        QCOMPARE(QJsonDocument::fromJson(secret.body).object().value(QStringLiteral("code")),
                 QJsonDocument::fromJson(missing.body).object().value(QStringLiteral("code")));
        QCOMPARE(call("GET", "/v1/events/topics/secret/events").status, 404);
        QCOMPARE(call("GET", "/v1/events/topics/secret/groups").status, 404);
        QCOMPARE(call("POST", "/v1/events/topics/secret/groups/g/poll", "{}").status, 404);
        QCOMPARE(call("POST", "/v1/events/topics/secret/events", OneEvent).status, 404);
        // update without read: publish, but not read back.
        QCOMPARE(call("POST", "/v1/events/topics/drop/events", OneEvent).status, 201);
        QCOMPARE(call("GET", "/v1/events/topics/drop/events").status, 404);
        // read without update: read, consume, but not publish.
        QCOMPARE(call("GET", "/v1/events/topics/shared/events").status, 200);
        QCOMPARE(call("POST", "/v1/events/topics/shared/groups/g/poll", "{}").status, 200);
        QCOMPARE(call("POST", "/v1/events/topics/shared/events", OneEvent).status, 403);
        QCOMPARE(call("POST", "/v1/events/topics/mine/events", OneEvent).status, 201);
        // Creating needs events.write in full.
        QCOMPARE(call("POST", "/v1/events/topics", "{\"name\":\"new\"}").status, 403);
        // Nobody grants what they do not hold: another user's role, an action not held here.
        QCOMPARE(call("PATCH", "/v1/events/topics/mine",
                      "{\"permissions\":[\"read(\\\"user:alice\\\")\",\"update(\\\"user:alice\\\")\",\"read("
                      "\\\"user:bob\\\")\"]}")
                     .status,
                 403);
        QCOMPARE(call("PATCH", "/v1/events/topics/mine",
                      "{\"permissions\":[\"read(\\\"user:alice\\\")\",\"update(\\\"user:alice\\\")\","
                      "\"delete(\\\"user:alice\\\")\"]}")
                     .status,
                 403);
        const Response granted = call("PATCH", "/v1/events/topics/mine",
                                      "{\"permissions\":[\"read(\\\"user:alice\\\")\",\"update(\\\"user:"
                                      "alice\\\")\",\"read(\\\"any\\\")\"]}");
        QCOMPARE(granted.status, 200);
        QVERIFY(granted.audit);
        QCOMPARE(granted.audit->resource, QStringLiteral("topic:mine"));
        QCOMPARE(granted.audit->before.toObject().value(QStringLiteral("permissions")).toArray().size(), 2);
        QCOMPARE(granted.audit->after.toObject().value(QStringLiteral("permissions")).toArray().size(), 3);
        QCOMPARE(call("PATCH", "/v1/events/topics/shared", "{\"permissions\":[]}").status, 403);
        QCOMPARE(call("PATCH", "/v1/events/topics/secret", "{\"permissions\":[]}").status, 404);
        // delete is its own permission.
        QCOMPARE(call("DELETE", "/v1/events/topics/mine").status, 403);
        QCOMPARE(call("DELETE", "/v1/events/topics/secret").status, 404);
        const Response deleted = call("DELETE", "/v1/events/topics/gone");
        QCOMPARE(deleted.status, 204);
        QVERIFY(deleted.audit && deleted.audit->after.isNull());

        // The admin reaches everything, unfiltered.
        m_principal = std::make_shared<const Meshdeck::Principal>(Meshdeck::Principal::adminToken());
        QCOMPARE(call("GET", "/v1/events/topics/secret").status, 200);
        QCOMPARE(call("GET", "/v1/events/topics/drop/events").status, 200);
    }

    // Cluster: one node samples consumer-group lag, so the chart gets one point per interval.
    void lagIsSampledOnlyWhereTheClusterSaysSo()
    {
        struct Decision {
            std::atomic<bool> here{false};
            std::atomic<int> asked{0};
        };
        const auto decision = std::make_shared<Decision>(); // outlives this function in the service
        EventsSettings s = settings();
        s.lagSampleIntervalMs = 20;
        s.samplesLagHere = [decision] {
            ++decision->asked;
            return decision->here.load();
        };
        QVERIFY(startService(s));
        QCOMPARE(call("POST", "/v1/events/topics", "{\"name\":\"orders\"}").status, 201);
        QCOMPARE(call("POST", "/v1/events/topics/orders/events", OneEvent).status, 201);
        QCOMPARE(call("POST", "/v1/events/topics/orders/groups/g/poll", "{}").status, 200);
        const auto points = [this] {
            return json(call("GET", "/v1/events/topics/orders/groups/g/lag"))
                .value(QStringLiteral("points"))
                .toArray()
                .size();
        };
        const qsizetype before = points();
        // The timer fired several times (each asked), and this node took no sample...
        QTRY_VERIFY(decision->asked.load() >= 5);
        QCOMPARE(points(), before);
        // ...until it is the node that samples.
        decision->here = true;
        QTRY_VERIFY(points() > before);
    }

    // Cluster: the connection drops while a publish's COMMIT runs. The server may have committed
    // it, so the answer must not be "nothing was stored" (a retry would duplicate): it says the
    // outcome is unknown and how to find out.
    void aCommitCutOffByALostConnectionIsReportedAsOutcomeUnknown()
    {
        if (!m_databases.postgres())
            QSKIP("a connection lost during COMMIT is a PostgreSQL matter");
        QVERIFY(startService(settings()));
        QCOMPARE(call("POST", "/v1/events/topics", "{\"name\":\"orders\"}").status, 201);
        QCOMPARE(call("POST", "/v1/events/topics/orders/events", OneEvent).status, 201);
        // A deferred trigger runs inside the COMMIT and ends this connection's server process there.
        QFuture<bool> armed = m_db->run([](QSqlDatabase &db) {
            QSqlQuery q(db);
            return q.exec(QStringLiteral(
                       "CREATE FUNCTION drop_connection() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                       "PERFORM pg_terminate_backend(pg_backend_pid()); PERFORM pg_sleep(10); RETURN "
                       "NULL; "
                       "END $$")) &&
                   q.exec(QStringLiteral(
                       "CREATE CONSTRAINT TRIGGER drop_connection AFTER INSERT ON event_batches "
                       "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "
                       "drop_connection()"));
        });
        QVERIFY(QTest::qWaitFor([&] { return armed.isFinished(); }, 5000));
        QVERIFY(armed.result());

        const Response cut = call("POST", "/v1/events/topics/orders/events", OneEvent);
        QCOMPARE(cut.status, 503);
        QCOMPARE(json(cut).value(QStringLiteral("type")).toString(),
                 QStringLiteral("urn:meshdeck:problem:publish-outcome-unknown"));
        const QString detail = json(cut).value(QStringLiteral("detail")).toString();
        QVERIFY2(detail.contains(QStringLiteral("may or may not")), qPrintable(detail));
        QVERIFY2(detail.contains(QStringLiteral("read the topic from the last offset")), qPrintable(detail));

        // The same for any store's write through Database::attempt.
        QCoro::Task<Result<void>> writing = m_db->attempt([](QSqlDatabase &db) {
            Storage::Transaction transaction(db);
            Storage::exec(
                db, QStringLiteral("INSERT INTO event_batches (topic, first_offset, last_offset, time_ms, "
                                   "size, body) SELECT topic, first_offset + 100, last_offset + 100, "
                                   "time_ms, size, body FROM event_batches LIMIT 1"));
            transaction.commit();
        });
        const Result<void> written = waitForTask(std::move(writing));
        QVERIFY(!written);
        QCOMPARE(written.error().code, QByteArray("outcome-unknown"));
        QVERIFY2(written.error().reason.contains(QStringLiteral("may or may not")),
                 qPrintable(written.error().reason));
    }

    // Cluster: the group commit handles its own storage errors, so the database did not look for a
    // lost connection: /readyz said ready while every publish failed, until other work came along.
    void aGroupCommitThatMeetsALostDatabaseMakesItNotConnected()
    {
        if (!m_databases.postgres())
            QSKIP("a lost database server is a PostgreSQL matter");
        QVERIFY(startService(settings()));
        PostgresServer *server = m_databases.server(); // started by the first database
        const auto restart = qScopeGuard([server] {
            if (!server->isRunning())
                server->start(); // for the tests after this one, whatever happens here
        });
        QCOMPARE(call("POST", "/v1/events/topics", "{\"name\":\"orders\"}").status, 201);
        QCOMPARE(call("POST", "/v1/events/topics/orders/events", OneEvent).status, 201);
        QFuture<qint64> backend = m_db->run([](QSqlDatabase &db) {
            QSqlQuery q(db);
            q.exec(QStringLiteral("SELECT pg_backend_pid()"));
            return q.next() ? q.value(0).toLongLong() : qint64(0);
        });
        backend.waitForFinished();
        QVERIFY(backend.result() > 0);
        {
            DatabaseGate gate(*m_db); // the server dies between two pieces of work
            server->kill();
            QVERIFY(waitForProcessExit(backend.result()));
        }
        QVERIFY(m_db->isConnected()); // nothing has met the loss yet
        QCOMPARE(call("POST", "/v1/events/topics/orders/events", OneEvent).status, 503);
        QTRY_VERIFY_WITH_TIMEOUT(!m_db->isConnected(), 5000); // no other work runs meanwhile
        QVERIFY2(server->start(), qPrintable(server->errorString()));
        QTRY_COMPARE_WITH_TIMEOUT(call("POST", "/v1/events/topics/orders/events", OneEvent).status, 201,
                                  10'000);
        QVERIFY(m_db->isConnected());
    }

    // Cluster: a node that stops cleanly gives up its webhook claims, so another node delivers at
    // once instead of after the claim's lease (a minute); they used to be kept until it lapsed.
    void aCleanStopReleasesThisNodesWebhookClaims()
    {
        if (!m_databases.postgres())
            QSKIP("webhook claims exist on PostgreSQL only");
        EventsSettings s = settings();
        s.webhooks.nodeId = QStringLiteral("node-a");
        s.webhooks.tickMs = 20;
        QVERIFY(startService(s));
        QCOMPARE(call("POST", "/v1/events/topics", "{\"name\":\"orders\"}").status, 201);
        const QString id = json(call("POST", "/v1/events/webhooks",
                                     "{\"url\":\"http://127.0.0.1:9/hook\",\"topics\":[\"orders\"]}"))
                               .value(QStringLiteral("id"))
                               .toString();
        QVERIFY(!id.isEmpty());
        const qint64 now = m_clock.nowMs();
        const auto holder = [&] {
            QFuture<QString> f = m_db->run([id, now](QSqlDatabase &db) {
                QSqlQuery q = Storage::exec(
                    db, QStringLiteral("SELECT claimed_by FROM webhooks WHERE id = ? AND claimed_until > ?"),
                    {id, now});
                return q.next() ? q.value(0).toString() : QString();
            });
            f.waitForFinished();
            return f.result();
        };
        const auto claimFor = [&](const QString &node) {
            QFuture<QSet<QString>> f = m_db->run([node, now](QSqlDatabase &db) {
                return WebhooksStore::claim(db, now, node).value_or(QSet<QString>());
            });
            f.waitForFinished();
            return f.result();
        };
        QTRY_COMPARE_WITH_TIMEOUT(holder(), QStringLiteral("node-a"), 5000);
        QVERIFY(claimFor(QStringLiteral("node-b")).isEmpty()); // A's live claim keeps B out

        waitForTask(m_service->stop());
        QCOMPARE(holder(), QString());
        QCOMPARE(claimFor(QStringLiteral("node-b")), QSet<QString>{id}); // at once, not a lease later
    }

    // Defect 4: the publish queue had no limit. Full, it refuses a client's batch with 503 and
    // Retry-After, takes nothing of it, and loses nothing it accepted before.
    void aFullPublishQueueAnswers503WithRetryAfterAndKeepsWhatItAccepted()
    {
        EventsSettings s = settings();
        s.publishQueue.maxEvents = 3;
        QVERIFY(startService(s));
        QCOMPARE(call("POST", "/v1/events/topics", "{\"name\":\"orders\"}").status, 201);

        DatabaseGate gate(*m_db); // nothing commits until released: the queue fills
        std::vector<QCoro::Task<Response>> accepted;
        for (int i = 0; i < 3; ++i)
            accepted.push_back(begin("POST", "/v1/events/topics/orders/events", OneEvent));
        QCOMPARE(m_service->publishQueueDepth().events, 3);

        const Response refused = call("POST", "/v1/events/topics/orders/events", OneEvent);
        QCOMPARE(refused.status, 503);
        QCOMPARE(header(refused, "retry-after"), QByteArray("1"));
        QCOMPARE(json(refused).value(QStringLiteral("type")).toString(),
                 QStringLiteral("urn:meshdeck:problem:publish-queue-full"));
        QVERIFY2(json(refused).value(QStringLiteral("detail")).toString().contains(QStringLiteral("nothing")),
                 refused.body.constData());
        QCOMPARE(m_service->publishQueueDepth().events, 3); // the refused batch took no room
        // The platform's own events (here another service's) still get in, on their own share.
        QFuture<Result<QList<qint64>>> platform = m_service->publishEvents(
            QStringLiteral("orders"), {EventInput{QStringLiteral("registry.x"), {}, "{}", {}}}, {});
        QVERIFY(!platform.isFinished());

        gate.release();
        QList<qint64> offsets;
        for (QCoro::Task<Response> &task : accepted) {
            const Response r = waitForTask(std::move(task));
            QCOMPARE(r.status, 201);
            offsets << json(r).value(QStringLiteral("offsets")).toArray().at(0).toInteger();
        }
        QCOMPARE(offsets, (QList<qint64>{0, 1, 2}));
        QVERIFY(QTest::qWaitFor([&] { return platform.isFinished(); }, 5000));
        QVERIFY(platform.result().ok());
        QCOMPARE(m_service->publishQueueDepth().events, 0);
        // Durable and readable: the three accepted batches and the platform's event.
        const QJsonObject read = json(call("GET", "/v1/events/topics/orders/events?fromOffset=0"));
        QCOMPARE(read.value(QStringLiteral("events")).toArray().size(), 4);
        // With room again, a client's batch is taken.
        QCOMPARE(call("POST", "/v1/events/topics/orders/events", OneEvent).status, 201);
    }

    // Defect 4: the delivery log was never pruned. The retention pass keeps each webhook's newest
    // entries up to the cap, and none older than the age limit.
    void theDeliveryLogStaysWithinItsCapAndAge()
    {
        EventsSettings s = settings();
        s.deliveryLogPerWebhook = 5;
        s.deliveryLogMaxAgeMs = 3600 * 1000;
        QVERIFY(startService(s));
        QCOMPARE(call("POST", "/v1/events/topics", "{\"name\":\"orders\"}").status, 201);
        const QByteArray body = "{\"url\":\"http://127.0.0.1:9/hook\",\"topics\":[\"orders\"]}";
        const QByteArray a =
            json(call("POST", "/v1/events/webhooks", body)).value(QStringLiteral("id")).toString().toUtf8();
        const QByteArray b =
            json(call("POST", "/v1/events/webhooks", body)).value(QStringLiteral("id")).toString().toUtf8();
        QVERIFY(!a.isEmpty() && !b.isEmpty());
        const qint64 now = m_clock.nowMs();
        QFuture<void> logged = m_db->run([a, b, now](QSqlDatabase &db) {
            for (int i = 0; i < 12; ++i) {
                DeliveryRecord r;
                r.webhookId = QString::fromUtf8(a);
                r.eventId = QStringLiteral("e%1").arg(i);
                r.timeMs = now - 1000 + i;
                WebhooksStore::recordTest(db, r);
            }
            DeliveryRecord r;
            r.webhookId = QString::fromUtf8(b);
            r.timeMs = now;
            WebhooksStore::recordTest(db, r);
        });
        QVERIFY(QTest::qWaitFor([&] { return logged.isFinished(); }, 5000));
        auto log = [this](const QByteArray &id) {
            return json(call("GET", "/v1/events/webhooks/" + id + "/deliveries?limit=1000"))
                .value(QStringLiteral("deliveries"))
                .toArray();
        };
        QCOMPARE(log(a).size(), 12); // proves the entries are there to be pruned

        waitForTask(m_service->runRetention());
        const QJsonArray kept = log(a);
        QCOMPARE(kept.size(), 5);
        for (int i = 0; i < 5; ++i) // the newest five, newest first
            QCOMPARE(kept[i].toObject().value(QStringLiteral("eventId")).toString(),
                     QStringLiteral("e%1").arg(11 - i));
        QCOMPARE(log(b).size(), 1); // another webhook's log is its own

        m_clock.advance(3600 * 1000 + 1);
        waitForTask(m_service->runRetention());
        QCOMPARE(log(a).size(), 0);
        QCOMPARE(log(b).size(), 0);
    }

    // A topic created through the platform's ensureSystemTopic is a system topic: not deletable.
    void aTopicEnsuredByTheplatformCannotBeDeleted()
    {
        QVERIFY(startService(settings()));
        QCOMPARE(call("POST", "/v1/events/topics", "{\"name\":\"billing\"}").status, 201);
        QFuture<Result<void>> ensured = m_service->ensureSystemTopic(QStringLiteral("billing"), {});
        QVERIFY(QTest::qWaitFor([&] { return ensured.isFinished(); }, 5000));
        QVERIFY(ensured.result().ok());
        QFuture<Result<void>> created = m_service->ensureSystemTopic(QStringLiteral("payments"), {});
        QVERIFY(QTest::qWaitFor([&] { return created.isFinished(); }, 5000));
        for (const QByteArray &topic : {QByteArray("billing"), QByteArray("payments"), QByteArray("audit")}) {
            QCOMPARE(json(call("GET", "/v1/events/topics/" + topic)).value(QStringLiteral("system")).toBool(),
                     true);
            const Response refused = call("DELETE", "/v1/events/topics/" + topic);
            QCOMPARE(refused.status, 409);
        }
        // An ordinary topic goes, proving the refusal above is about being a system topic.
        QCOMPARE(call("POST", "/v1/events/topics", "{\"name\":\"scratch\"}").status, 201);
        QCOMPARE(call("DELETE", "/v1/events/topics/scratch").status, 204);
    }

    // Defect 7: a create read its row back in a later database turn; a delete in between left an
    // empty optional that was dereferenced. Here the delete is queued right behind the create.
    void aDeleteRightAfterACreateNeverLeavesAnEmptyRow()
    {
        QVERIFY(startService(settings()));
        for (int round = 0; round < 20; ++round) {
            QCoro::Task<Response> creating = begin("POST", "/v1/events/topics", "{\"name\":\"race\"}");
            QFuture<bool> deleted = m_db->run(
                [](QSqlDatabase &db) { return EventsStore::deleteTopic(db, QStringLiteral("race")); });
            const Response created = waitForTask(std::move(creating));
            QCOMPARE(created.status, 201);
            QCOMPARE(json(created).value(QStringLiteral("name")).toString(), QStringLiteral("race"));
            QVERIFY(QTest::qWaitFor([&] { return deleted.isFinished(); }, 5000));
            QVERIFY(deleted.result());
        }
        const QByteArray body = "{\"url\":\"http://127.0.0.1:9/hook\",\"topics\":[\"audit\"]}";
        for (int round = 0; round < 20; ++round) {
            const QString id =
                json(call("POST", "/v1/events/webhooks", body)).value(QStringLiteral("id")).toString();
            QCoro::Task<Response> enabling =
                begin("PATCH", "/v1/events/webhooks/" + id.toUtf8(), "{\"enabled\":false}");
            QFuture<bool> deleted =
                m_db->run([id](QSqlDatabase &db) { return WebhooksStore::remove(db, id); });
            const Response changed = waitForTask(std::move(enabling));
            QCOMPARE(changed.status, 200);
            QCOMPARE(json(changed).value(QStringLiteral("id")).toString(), id);
            QCOMPARE(json(changed).value(QStringLiteral("enabled")).toBool(), false);
            QVERIFY(QTest::qWaitFor([&] { return deleted.isFinished(); }, 5000));
            QCOMPARE(call("PATCH", "/v1/events/webhooks/" + id.toUtf8(), "{\"enabled\":true}").status, 404);
        }
    }

    // Defect 7: a test delivery to a webhook deleted while it was under way logged an orphan
    // entry; now it answers 404 and logs nothing.
    void aWebhookDeletedDuringItsTestDeliveryGives404()
    {
        QVERIFY(startService(settings()));
        QTcpServer receiver; // takes the request and never answers, until the webhook is gone
        QVERIFY(receiver.listen(QHostAddress::LocalHost, 0));
        const QByteArray body = "{\"url\":\"http://127.0.0.1:" + QByteArray::number(receiver.serverPort()) +
                                "/hook\",\"topics\":[\"audit\"]}";
        const QString id =
            json(call("POST", "/v1/events/webhooks", body)).value(QStringLiteral("id")).toString();
        QCoro::Task<Response> testing = begin("POST", "/v1/events/webhooks/" + id.toUtf8() + "/test");
        QVERIFY(QTest::qWaitFor([&] { return receiver.hasPendingConnections(); }, 5000));
        QTcpSocket *connection = receiver.nextPendingConnection();
        QVERIFY(QTest::qWaitFor([&] { return connection->bytesAvailable() > 0; }, 5000));
        QCOMPARE(call("DELETE", "/v1/events/webhooks/" + id.toUtf8()).status, 204);
        connection->write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        connection->flush();
        const Response r = waitForTask(std::move(testing));
        QCOMPARE(r.status, 404);
        QFuture<int> orphans = m_db->run([](QSqlDatabase &db) {
            QSqlQuery q(db);
            q.exec(QStringLiteral("SELECT COUNT(*) FROM webhook_deliveries"));
            return q.next() ? q.value(0).toInt() : -1;
        });
        QVERIFY(QTest::qWaitFor([&] { return orphans.isFinished(); }, 5000));
        QCOMPARE(orphans.result(), 0);
    }

    // Every events and webhooks route is documented for the OpenAPI document.
    void everyRouteDeclaresItsContract()
    {
        QVERIFY(startService(settings()));
        int routes = 0;
        for (const auto &route : m_router->routes()) {
            const Http::RouteOptions &o = route->options;
            const QByteArray name = route->method + ' ' + route->pattern;
            QVERIFY2(!o.operationId.isEmpty(), name.constData());
            QVERIFY2(o.permission == "events.read" || o.permission == "events.write" ||
                         o.permission == "webhooks.read" || o.permission == "webhooks.write",
                     name.constData());
            QVERIFY2(!o.responses.empty(), name.constData());
            QVERIFY2(!o.summary.isEmpty(), name.constData());
            ++routes;
        }
        QCOMPARE(routes, 19); // with PATCH /v1/events/topics/{topic}
    }
};

QTEST_GUILESS_MAIN(TestEventsService)
#include "tst_eventsservice.moc"
