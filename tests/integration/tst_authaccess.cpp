// Auth and access against the real meshdeckd: signing in, refreshing and signing out over HTTP, the
// brute-force throttle, and a matrix that calls every route of the live OpenAPI document as every
// kind of caller.
#include "testing.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QWebSocket>

using namespace Meshdeck::Testing;

namespace {
const QByteArray Password = "correct horse battery staple";

QJsonObject json(const RawResponse &r)
{
    return QJsonDocument::fromJson(r.body).object();
}

QByteArray body(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// A caller of the matrix and what it should get from a route needing `permission`.
struct Caller {
    QString label;
    QByteArray credential;
    QString role;       // "" for anonymous and the disabled user: every authenticated route is 401
    QStringList scopes; // an API key's; empty: not a key
};

// Subscribes to one realtime channel with `credential` and answers the first verdict: "subscribed",
// or the error's reason.
QString subscribeAs(int port, const QByteArray &credential, const QString &channel)
{
    QWebSocket socket;
    QList<QJsonObject> messages;
    QObject::connect(&socket, &QWebSocket::textMessageReceived, &socket,
                     [&](const QString &m) { messages << QJsonDocument::fromJson(m.toUtf8()).object(); });
    QNetworkRequest request(QUrl(QStringLiteral("ws://127.0.0.1:%1/v1/realtime").arg(port)));
    request.setRawHeader("Authorization", "Bearer " + credential);
    socket.open(request);
    const auto verdict = [&]() -> QString {
        for (const QJsonObject &m : std::as_const(messages)) {
            const QString type = m.value(QStringLiteral("type")).toString();
            if (type == QLatin1String("subscribed"))
                return type;
            if (type == QLatin1String("error"))
                return m.value(QStringLiteral("reason")).toString();
        }
        return {};
    };
    const auto welcomed = [&] {
        return std::any_of(messages.cbegin(), messages.cend(), [](const QJsonObject &m) {
            return m.value(QStringLiteral("type")).toString() == QLatin1String("welcome");
        });
    };
    if (!QTest::qWaitFor(welcomed, 5000))
        return QStringLiteral("no welcome");
    socket.sendTextMessage(
        QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("subscribe")},
                                                    {QStringLiteral("channel"), channel}})
                              .toJson(QJsonDocument::Compact)));
    if (!QTest::qWaitFor([&] { return !verdict().isEmpty(); }, 5000))
        return QStringLiteral("no answer");
    return verdict();
}

// What a role holds, as GET /v1/access/permissions says ("full", "documents", "none").
using Grants = QHash<QString, QHash<QString, QString>>;
} // namespace

class TestAuthAccess : public QObject
{
    Q_OBJECT
private:
    BackendProcess m_backend;
    Grants m_grants;

    QString createUser(const QByteArray &email, const QByteArray &role)
    {
        const RawResponse r = apiCall(m_backend, "POST", "/v1/auth/users",
                                      "{\"email\":\"" + email + "\",\"name\":\"" + role +
                                          "\",\"password\":\"" + Password + "\",\"role\":\"" + role + "\"}");
        if (r.status != 201)
            qWarning() << r.status << r.body;
        return json(r).value(QStringLiteral("id")).toString();
    }
    QJsonObject signIn(const QByteArray &email, const QByteArray &password = Password)
    {
        const RawResponse r = callAs(m_backend.port(), {}, "POST", "/v1/auth/sessions",
                                     "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
        return r.status == 201 ? json(r) : QJsonObject{};
    }
    QByteArray accessToken(const QByteArray &email)
    {
        return signIn(email).value(QStringLiteral("accessToken")).toString().toUtf8();
    }
    QByteArray createKey(const QByteArray &credential, const QStringList &scopes)
    {
        const RawResponse r = callAs(m_backend.port(), credential, "POST", "/v1/auth/keys",
                                     body({{QStringLiteral("name"), QStringLiteral("matrix")},
                                           {QStringLiteral("scopes"), QJsonArray::fromStringList(scopes)}}));
        if (r.status != 201)
            qWarning() << r.status << r.body;
        return json(r).value(QStringLiteral("key")).toString().toUtf8();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_backend.start({QStringLiteral("--password-cost"), QStringLiteral("minimum")}));
        const QJsonObject table = apiJson(m_backend, "GET", "/v1/access/permissions");
        const QJsonObject roles = table.value(QStringLiteral("roles")).toObject();
        for (auto it = roles.begin(); it != roles.end(); ++it) {
            const QJsonObject grants = it.value().toObject();
            for (auto g = grants.begin(); g != grants.end(); ++g)
                m_grants[it.key()][g.key()] = g.value().toString();
        }
        QCOMPARE(m_grants.size(), 4);
    }

    void aUserSignsInRefreshesAndSignsOut()
    {
        const QString id = createUser("flow@example.test", "developer");
        QVERIFY(!id.isEmpty());
        const QJsonObject session = signIn("flow@example.test");
        QCOMPARE(session.value(QStringLiteral("tokenType")).toString(), QStringLiteral("Bearer"));
        QCOMPARE(session.value(QStringLiteral("expiresIn")).toInt(), 900);
        const QByteArray access = session.value(QStringLiteral("accessToken")).toString().toUtf8();
        const QByteArray refresh = session.value(QStringLiteral("refreshToken")).toString().toUtf8();
        const QJsonObject me = json(callAs(m_backend.port(), access, "GET", "/v1/auth/me"));
        QCOMPARE(me.value(QStringLiteral("kind")).toString(), QStringLiteral("user"));
        QCOMPARE(me.value(QStringLiteral("role")).toString(), QStringLiteral("developer"));
        QVERIFY(me.value(QStringLiteral("permissions")).toArray().contains(QStringLiteral("registry.write")));
        QVERIFY(
            !me.value(QStringLiteral("permissions")).toArray().contains(QStringLiteral("auth.users.write")));

        const RawResponse renewed = callAs(m_backend.port(), {}, "POST", "/v1/auth/sessions/refresh",
                                           "{\"refreshToken\":\"" + refresh + "\"}");
        QCOMPARE(renewed.status, 200);
        const QByteArray access2 = json(renewed).value(QStringLiteral("accessToken")).toString().toUtf8();
        const RawResponse replay = callAs(m_backend.port(), {}, "POST", "/v1/auth/sessions/refresh",
                                          "{\"refreshToken\":\"" + refresh + "\"}");
        QCOMPARE(replay.status, 401);
        QCOMPARE(replay.header("content-type"), QByteArray("application/problem+json"));
        QVERIFY(
            json(replay).value(QStringLiteral("type")).toString().endsWith(QStringLiteral("refresh-reused")));
        // The replay ended the session: its access tokens stop at once.
        const RawResponse after = callAs(m_backend.port(), access2, "GET", "/v1/auth/me");
        QCOMPARE(after.status, 401);
        QVERIFY(
            json(after).value(QStringLiteral("detail")).toString().contains(QStringLiteral("refresh token")));

        const QByteArray fresh = accessToken("flow@example.test");
        QCOMPARE(callAs(m_backend.port(), fresh, "DELETE", "/v1/auth/sessions/current").status, 204);
        QCOMPARE(callAs(m_backend.port(), fresh, "GET", "/v1/auth/me").status, 401);
    }

    void aRefusalSaysWhichPermissionIsMissing()
    {
        createUser("reader@example.test", "support");
        const QByteArray token = accessToken("reader@example.test");
        QCOMPARE(callAs(m_backend.port(), token, "GET", "/v1/registry/services").status, 200);
        const RawResponse refused =
            callAs(m_backend.port(), token, "POST", "/v1/events/topics", "{\"name\":\"nope\"}");
        QCOMPARE(refused.status, 403);
        const QString detail = json(refused).value(QStringLiteral("detail")).toString();
        QVERIFY2(detail.contains(QStringLiteral("events.write")) &&
                     detail.contains(QStringLiteral("support")),
                 qPrintable(detail));
        // Nothing was created.
        QCOMPARE(apiCall(m_backend, "GET", "/v1/events/topics/nope").status, 404);
    }

    // The platform's own topics tell who signed in (auth) and every change (audit): reading one
    // needs its owner's read permission besides events.read, over REST and realtime alike, and
    // nobody publishes to one, not even the admin token (a forged sign-in would be believed).
    void systemTopicsAreReadByTheirOwnersAndWrittenByNobody()
    {
        const QString developerId = createUser("sys-dev@example.test", "developer");
        createUser("sys-support@example.test", "support");
        const QByteArray developer = accessToken("sys-dev@example.test");
        const QByteArray support = accessToken("sys-support@example.test");
        const QByteArray admin = m_backend.token();
        const QByteArray narrowKey =
            createKey(admin, {QStringLiteral("events.read"), QStringLiteral("realtime.subscribe")});
        QVERIFY(!developer.isEmpty() && !support.isEmpty() && !narrowKey.isEmpty());
        // The auth topic has the developer's own sign-in, so there is something to leak.
        QVERIFY(json(apiCall(m_backend, "GET", "/v1/events/topics/auth"))
                    .value(QStringLiteral("headOffset"))
                    .toInteger() > 0);
        struct Read {
            QByteArray credential;
            const char *who;
            QString topic;
            int status;
        };
        const Read reads[] = {
            {admin, "admin", QStringLiteral("auth"), 200},
            {admin, "admin", QStringLiteral("audit"), 200},
            {developer, "developer", QStringLiteral("auth"), 403},
            {developer, "developer", QStringLiteral("audit"), 403},
            {developer, "developer", QStringLiteral("registry"), 200},
            {developer, "developer", QStringLiteral("system"), 200},
            {support, "support", QStringLiteral("auth"), 200},  // support lists users too
            {support, "support", QStringLiteral("audit"), 200}, // support reads the audit log
            {support, "support", QStringLiteral("registry"), 200},
            {narrowKey, "admin's events.read key", QStringLiteral("audit"), 403},
            {narrowKey, "admin's events.read key", QStringLiteral("auth"), 403},
        };
        for (const Read &r : reads) {
            const RawResponse got = callAs(m_backend.port(), r.credential, "GET",
                                           "/v1/events/topics/" + r.topic.toUtf8() + "/events?fromOffset=0");
            QVERIFY2(got.status == r.status, qPrintable(QStringLiteral("%1 reading %2: %3 %4")
                                                            .arg(QLatin1String(r.who), r.topic)
                                                            .arg(got.status)
                                                            .arg(QString::fromUtf8(got.body))));
            const QString verdict =
                subscribeAs(m_backend.port(), r.credential, QStringLiteral("events.") + r.topic);
            QVERIFY2((verdict == QLatin1String("subscribed")) == (r.status == 200),
                     qPrintable(
                         QStringLiteral("%1 following %2: %3").arg(QLatin1String(r.who), r.topic, verdict)));
            if (r.status == 403) {
                QCOMPARE(got.header("content-type"), QByteArray("application/problem+json"));
                const QString detail = json(got).value(QStringLiteral("detail")).toString();
                QVERIFY2(detail.contains(QStringLiteral("system topic")), qPrintable(detail));
                QVERIFY2(
                    verdict.contains(QStringLiteral("system topic")),
                    qPrintable(
                        QStringLiteral("%1 following %2: %3").arg(QLatin1String(r.who), r.topic, verdict)));
            }
        }
        // Its size and rate are not told either.
        QCOMPARE(callAs(m_backend.port(), developer, "GET", "/v1/events/topics/auth").status, 403);
        const QJsonArray listed = json(callAs(m_backend.port(), developer, "GET", "/v1/events/topics"))
                                      .value(QStringLiteral("topics"))
                                      .toArray();
        QStringList names;
        for (const QJsonValue &t : listed)
            names << t[QStringLiteral("name")].toString();
        QVERIFY2(names.contains(QStringLiteral("registry")) && !names.contains(QStringLiteral("auth")) &&
                     !names.contains(QStringLiteral("audit")),
                 qPrintable(names.join(QLatin1Char(' '))));
        // A consumer group is a read too.
        QCOMPARE(callAs(m_backend.port(), developer, "POST", "/v1/events/topics/auth/groups/peek/poll", "{}")
                     .status,
                 403);
        // Nobody publishes to a system topic, and the refusal stores nothing.
        const qint64 authEnd = json(apiCall(m_backend, "GET", "/v1/events/topics/auth"))
                                   .value(QStringLiteral("headOffset"))
                                   .toInteger();
        const QByteArray forged =
            R"({"events":[{"type":"auth.signed-in","data":{"email":"ceo@example.test"}}]})";
        for (const QByteArray &credential : {admin, developer}) {
            for (const char *topic : {"auth", "audit", "registry", "system"}) {
                const RawResponse refused =
                    callAs(m_backend.port(), credential, "POST",
                           QByteArray("/v1/events/topics/") + topic + "/events", forged);
                QVERIFY2(refused.status == 403, qPrintable(QStringLiteral("%1: %2 %3")
                                                               .arg(QLatin1String(topic))
                                                               .arg(refused.status)
                                                               .arg(QString::fromUtf8(refused.body))));
                QVERIFY(json(refused)
                            .value(QStringLiteral("type"))
                            .toString()
                            .endsWith(QStringLiteral("system-topic")));
            }
        }
        // Nor replays into one.
        QCOMPARE(apiCall(m_backend, "POST", "/v1/events/topics", R"({"name":"scratch-sys"})").status, 201);
        QCOMPARE(apiCall(m_backend, "POST", "/v1/events/topics/scratch-sys/events", forged).status, 201);
        QCOMPARE(apiCall(m_backend, "POST", "/v1/events/topics/scratch-sys/replay",
                         R"({"targetTopic":"auth","fromOffset":0,"toOffset":1})")
                     .status,
                 403);
        QCOMPARE(json(apiCall(m_backend, "GET", "/v1/events/topics/auth"))
                     .value(QStringLiteral("headOffset"))
                     .toInteger(),
                 authEnd);
        // A webhook reads on its creator's behalf: none on a topic they may not read.
        const auto hook = [](const QStringList &topics) {
            return body({{QStringLiteral("url"), QStringLiteral("http://127.0.0.1:9/hook")},
                         {QStringLiteral("topics"), QJsonArray::fromStringList(topics)}});
        };
        const RawResponse hooked = callAs(m_backend.port(), developer, "POST", "/v1/events/webhooks",
                                          hook({QStringLiteral("registry"), QStringLiteral("auth")}));
        QCOMPARE(hooked.status, 403);
        QVERIFY(
            json(hooked).value(QStringLiteral("detail")).toString().contains(QStringLiteral("system topic")));
        QVERIFY(callAs(m_backend.port(), developer, "POST", "/v1/events/webhooks",
                       hook({QStringLiteral("registry")}))
                    .status != 403);
        // Dead letters of a system topic are kept by the same rule, and only the platform makes them.
        QCOMPARE(callAs(m_backend.port(), developer, "GET", "/v1/events/topics/audit.dlq/events").status,
                 403);
        for (const QByteArray &credential : {admin, developer})
            QCOMPARE(
                callAs(m_backend.port(), credential, "POST", "/v1/events/topics", R"({"name":"auth.dlq"})")
                    .status,
                403);
        // The simulator answers what enforcement does, with the reason.
        const auto simulate = [&](const char *topic) {
            return json(apiCall(
                m_backend, "POST", "/v1/access/simulate",
                body({{QStringLiteral("principal"), QJsonObject{{QStringLiteral("userId"), developerId}}},
                      {QStringLiteral("action"), QStringLiteral("events.read")},
                      {QStringLiteral("resource"), QStringLiteral("topic:") + QLatin1String(topic)}})));
        };
        const QJsonObject auditVerdict = simulate("audit");
        QCOMPARE(auditVerdict.value(QStringLiteral("allowed")).toBool(true), false);
        QVERIFY2(QJsonDocument(auditVerdict).toJson().contains("system topic"),
                 QJsonDocument(auditVerdict).toJson());
        QCOMPARE(simulate("registry").value(QStringLiteral("allowed")).toBool(false), true);
        // A developer may not change what the audit topic keeps.
        QCOMPARE(callAs(m_backend.port(), developer, "PATCH", "/v1/events/topics/audit",
                        R"({"retention":{"maxAgeSeconds":1}})")
                     .status,
                 403);
    }

    void failedSignInsAreThrottledAndUnknownAccountsAnswerAlike()
    {
        createUser("victim@example.test", "user");
        const RawResponse unknown =
            callAs(m_backend.port(), {}, "POST", "/v1/auth/sessions",
                   "{\"email\":\"ghost@example.test\",\"password\":\"guess guess guess\"}");
        QCOMPARE(unknown.status, 401);
        for (int i = 0; i < 5; ++i) {
            const RawResponse wrong =
                callAs(m_backend.port(), {}, "POST", "/v1/auth/sessions",
                       "{\"email\":\"victim@example.test\",\"password\":\"guess guess guess\"}");
            QCOMPARE(wrong.status, 401);
            QCOMPARE(json(wrong).value(QStringLiteral("detail")),
                     json(unknown).value(QStringLiteral("detail")));
        }
        const RawResponse throttled =
            callAs(m_backend.port(), {}, "POST", "/v1/auth/sessions",
                   "{\"email\":\"victim@example.test\",\"password\":\"" + Password + "\"}");
        QCOMPARE(throttled.status, 429);
        QVERIFY(throttled.header("retry-after").toInt() >= 1);
        QVERIFY(json(throttled).value(QStringLiteral("detail")).toString().contains(QStringLiteral("wait")));
        // Another account is not locked out by the victim's throttle.
        createUser("bystander@example.test", "user");
        QVERIFY(!accessToken("bystander@example.test").isEmpty());
    }

    // Every operation of the live OpenAPI document, as every kind of caller: no 2xx where the role,
    // the key's scopes or the credential forbid it, and a 401 or 403 exactly there.
    void everyRouteRefusesWhoMayNotCallIt()
    {
        createUser("m-admin@example.test", "admin");
        createUser("m-dev@example.test", "developer");
        createUser("m-support@example.test", "support");
        createUser("m-user@example.test", "user");
        const QString disabledId = createUser("m-off@example.test", "developer");
        const QByteArray disabledToken = accessToken("m-off@example.test");
        QCOMPARE(
            apiCall(m_backend, "PATCH", "/v1/auth/users/" + disabledId.toUtf8(), "{\"status\":\"disabled\"}")
                .status,
            200);
        const QByteArray dev = accessToken("m-dev@example.test");
        const QList<Caller> callers{
            {QStringLiteral("anonymous"), {}, {}, {}},
            {QStringLiteral("disabled user"), disabledToken, {}, {}},
            {QStringLiteral("garbage token"), "not-a-token", {}, {}},
            {QStringLiteral("user"), accessToken("m-user@example.test"), QStringLiteral("user"), {}},
            {QStringLiteral("support"), accessToken("m-support@example.test"), QStringLiteral("support"), {}},
            {QStringLiteral("developer key, registry.read only"),
             createKey(dev, {QStringLiteral("registry.read")}),
             QStringLiteral("developer"),
             {QStringLiteral("registry.read")}},
            {QStringLiteral("developer"), dev, QStringLiteral("developer"), {}},
            {QStringLiteral("admin"), accessToken("m-admin@example.test"), QStringLiteral("admin"), {}},
            {QStringLiteral("admin token"), m_backend.token(), QStringLiteral("admin"), {}},
        };
        for (const Caller &c : callers)
            QVERIFY2(c.label == QLatin1String("anonymous") || !c.credential.isEmpty(), qPrintable(c.label));

        const QJsonObject paths =
            apiJson(m_backend, "GET", "/v1/openapi.json").value(QStringLiteral("paths")).toObject();
        QVERIFY(paths.size() > 30);
        struct Operation {
            QByteArray method;
            QByteArray path;
            QString permission;
            QString id;
        };
        QList<Operation> operations;
        for (auto p = paths.begin(); p != paths.end(); ++p) {
            const QJsonObject item = p.value().toObject();
            for (auto m = item.begin(); m != item.end(); ++m) {
                const QJsonObject op = m.value().toObject();
                if (op.contains(QStringLiteral("security")) &&
                    op.value(QStringLiteral("security")).toArray().isEmpty())
                    continue; // public: health probes, sign-in
                QByteArray path = p.key().toUtf8();
                path.replace(QByteArrayLiteral("{"), QByteArrayLiteral(""))
                    .replace(QByteArrayLiteral("}"), QByteArrayLiteral("-x"));
                operations.append({m.key().toUpper().toUtf8(), path,
                                   op.value(QStringLiteral("x-meshdeck-permission")).toString(),
                                   op.value(QStringLiteral("operationId")).toString()});
            }
        }
        // Signing out ends the caller's own session: last.
        std::stable_partition(operations.begin(), operations.end(),
                              [](const Operation &o) { return o.id != QLatin1String("signOut"); });
        int calls = 0;
        int allowedCalls = 0;
        for (const Operation &op : std::as_const(operations)) {
            QVERIFY2(!op.permission.isEmpty(), qPrintable(op.id + QStringLiteral(" declares no permission")));
            for (const Caller &c : callers) {
                const bool bodyMethod = op.method == "POST" || op.method == "PUT" || op.method == "PATCH";
                const RawResponse r =
                    callAs(m_backend.port(), c.credential, op.method, op.path, bodyMethod ? "{}" : "");
                QVERIFY2(r.valid(), qPrintable(op.id));
                ++calls;
                int expected = 0; // 0: anything but 401 and 403
                if (c.role.isEmpty())
                    expected = 401;
                else if (m_grants.value(c.role).value(op.permission) == QLatin1String("none") ||
                         (!c.scopes.isEmpty() && !c.scopes.contains(op.permission)))
                    expected = 403;
                const QString where =
                    QStringLiteral("%1 %2 as %3: %4 %5")
                        .arg(QString::fromLatin1(op.method), QString::fromUtf8(op.path), c.label)
                        .arg(r.status)
                        .arg(QString::fromUtf8(r.body.left(200)));
                if (expected != 0) {
                    QVERIFY2(r.status == expected, qPrintable(where));
                } else {
                    QVERIFY2(r.status != 401 && r.status != 403 && r.status < 500, qPrintable(where));
                    ++allowedCalls;
                }
            }
        }
        QVERIFY(allowedCalls > operations.size()); // the allowed half really ran
        qInfo() << calls << "calls," << operations.size() << "operations";
    }
};

QTEST_GUILESS_MAIN(TestAuthAccess)
#include "tst_authaccess.moc"
