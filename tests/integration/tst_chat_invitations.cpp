#include "testing.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

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

QString slugOf(const RawResponse &r)
{
    return json(r).value(QStringLiteral("type")).toString().remove(QStringLiteral("urn:meshdeck:problem:"));
}

} // namespace

// Invitations, their QR codes and message reports on a real meshdeckd.
class TestChatInvitations : public QObject
{
    Q_OBJECT
    BackendProcess m_backend;
    QTemporaryDir m_files;
    QHash<QByteArray, QString> m_ids;
    QHash<QByteArray, QByteArray> m_tokens;

    void makeUser(const QByteArray &name, const QByteArray &role)
    {
        const QByteArray email = name + "@example.test";
        const RawResponse r = apiCall(m_backend, "POST", "/v1/auth/users",
                                      "{\"email\":\"" + email + "\",\"name\":\"" + name +
                                          "\",\"password\":\"" + Password + "\",\"role\":\"" + role + "\"}");
        QCOMPARE(r.status, 201);
        m_ids.insert(name, json(r).value(QStringLiteral("id")).toString());
        const RawResponse s = callAs(m_backend.port(), {}, "POST", "/v1/auth/sessions",
                                     "{\"email\":\"" + email + "\",\"password\":\"" + Password + "\"}");
        QCOMPARE(s.status, 201);
        m_tokens.insert(name, json(s).value(QStringLiteral("accessToken")).toString().toUtf8());
    }

    RawResponse as(const QByteArray &who, const QByteArray &method, const QByteArray &path,
                   const QJsonObject &o = {})
    {
        const QByteArray credential = who == "admin" ? m_backend.token() : m_tokens.value(who);
        return callAs(m_backend.port(), credential, method, path,
                      method != "GET" && method != "DELETE" ? body(o) : QByteArray());
    }

    QString privateRoomOfAlice(const QString &name)
    {
        const RawResponse r = as("alice", "POST", "/v1/chat/rooms",
                                 {{QStringLiteral("type"), QStringLiteral("group")},
                                  {QStringLiteral("name"), name},
                                  {QStringLiteral("private"), true}});
        if (r.status != 201)
            qWarning() << r.status << r.body;
        return json(r).value(QStringLiteral("id")).toString();
    }

    QJsonObject invite(const QString &room, int maxUses)
    {
        const RawResponse r =
            as("alice", "POST", "/v1/chat/rooms/" + room.toUtf8() + "/invitations",
               {{QStringLiteral("expiresInSeconds"), 3600}, {QStringLiteral("maxUses"), maxUses}});
        if (r.status != 201)
            qWarning() << r.status << r.body;
        return json(r);
    }

    QString zbar(const QByteArray &png)
    {
        const QString path = m_files.filePath(QStringLiteral("code.png"));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write(png);
        f.close();
        QProcess p;
        p.start(QStringLiteral("zbarimg"), {QStringLiteral("--quiet"), QStringLiteral("--raw"), path});
        if (!p.waitForFinished(30'000))
            return {};
        return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_backend.start());
        makeUser("alice", "user");
        makeUser("bob", "user");
        makeUser("carol", "user");
        makeUser("sam", "support");
    }

    void invitationJoinsOnceThenIsUsedUp()
    {
        const QString room = privateRoomOfAlice(QStringLiteral("invited"));
        QVERIFY(!room.isEmpty());
        const QJsonObject inv = invite(room, 1);
        const QString token = inv.value(QStringLiteral("token")).toString();
        QVERIFY(token.startsWith(QLatin1String("inv_")));
        QCOMPARE(inv.value(QStringLiteral("url")).toString(),
                 QStringLiteral("meshdeck://chat/invite/") + token);
        QCOMPARE(inv.value(QStringLiteral("state")).toString(), QStringLiteral("active"));
        QCOMPARE(inv.value(QStringLiteral("uses")).toInt(), 0);

        // Only the room's people and support see the list; a stranger learns nothing.
        const QByteArray list = "/v1/chat/rooms/" + room.toUtf8() + "/invitations";
        QCOMPARE(as("bob", "GET", list).status, 404);
        const RawResponse listed = as("sam", "GET", list);
        QCOMPARE(listed.status, 200);
        QCOMPARE(json(listed).value(QStringLiteral("items")).toArray().size(), 1);
        // A member who is not owner or moderator cannot invite (bob is not in the room yet: 403 too).
        QCOMPARE(as("bob", "POST", list, {}).status, 403);

        const QByteArray accept = "/v1/chat/invitations/" + token.toUtf8() + "/accept";
        const RawResponse joined = as("bob", "POST", accept);
        QCOMPARE(joined.status, 200);
        QCOMPARE(json(joined).value(QStringLiteral("joined")).toBool(), true);
        QCOMPARE(
            json(joined).value(QStringLiteral("room")).toObject().value(QStringLiteral("myRole")).toString(),
            QStringLiteral("member"));
        const RawResponse again = as("bob", "POST", accept);
        QCOMPARE(again.status, 200);
        QCOMPARE(json(again).value(QStringLiteral("joined")).toBool(), false);
        // The only use is taken.
        const RawResponse late = as("carol", "POST", accept);
        QCOMPARE(late.status, 410);
        QCOMPARE(slugOf(late), QStringLiteral("invitation-used-up"));
        const QJsonObject after =
            json(as("alice", "GET", list)).value(QStringLiteral("items")).toArray().first().toObject();
        QCOMPARE(after.value(QStringLiteral("uses")).toInt(), 1);
        QCOMPARE(after.value(QStringLiteral("state")).toString(), QStringLiteral("used-up"));
        // Bob can read the room now.
        QCOMPARE(as("bob", "GET", "/v1/chat/rooms/" + room.toUtf8() + "/messages").status, 200);
        QCOMPARE(as("carol", "GET", "/v1/chat/invitations/inv_doesNotExist/accept").status, 405);
        QCOMPARE(slugOf(as("carol", "POST", "/v1/chat/invitations/inv_doesNotExist/accept")),
                 QStringLiteral("invitation-not-found"));
    }

    void revokedInvitationIsGone()
    {
        const QString room = privateRoomOfAlice(QStringLiteral("revoked"));
        const QString token = invite(room, 5).value(QStringLiteral("token")).toString();
        const QByteArray path = "/v1/chat/rooms/" + room.toUtf8() + "/invitations/" + token.toUtf8();
        QCOMPARE(as("carol", "DELETE", path).status, 403);
        const RawResponse revoked = as("alice", "DELETE", path);
        QCOMPARE(revoked.status, 200);
        QCOMPARE(json(revoked).value(QStringLiteral("state")).toString(), QStringLiteral("revoked"));
        QVERIFY(!json(revoked).value(QStringLiteral("revokedAt")).isNull());
        const RawResponse refused = as("carol", "POST", "/v1/chat/invitations/" + token.toUtf8() + "/accept");
        QCOMPARE(refused.status, 410);
        QCOMPARE(slugOf(refused), QStringLiteral("invitation-revoked"));
        QVERIFY(json(refused).value(QStringLiteral("detail")).toString().contains(QLatin1String("revoked")));
    }

    void qrCodesReadBackAsTheInvitationUrl()
    {
        const QString room = privateRoomOfAlice(QStringLiteral("qr"));
        const QJsonObject inv = invite(room, 3);
        const QByteArray base =
            "/v1/chat/invitations/" + inv.value(QStringLiteral("token")).toString().toUtf8();
        const RawResponse png = as("sam", "GET", base + "/qr.png");
        QCOMPARE(png.status, 200);
        QCOMPARE(png.header("content-type"), QByteArray("image/png"));
        QCOMPARE(zbar(png.body), inv.value(QStringLiteral("url")).toString());
        const RawResponse svg = as("alice", "GET", base + "/qr.svg");
        QCOMPARE(svg.status, 200);
        QCOMPARE(svg.header("content-type"), QByteArray("image/svg+xml"));
        QVERIFY(svg.body.contains("<svg"));
        QCOMPARE(as("sam", "GET", "/v1/chat/invitations/inv_nope/qr.png").status, 404);
    }

    void reportIsListedWithContextAndPublished()
    {
        const QString room = privateRoomOfAlice(QStringLiteral("reported"));
        const QString token = invite(room, 5).value(QStringLiteral("token")).toString();
        QCOMPARE(as("bob", "POST", "/v1/chat/invitations/" + token.toUtf8() + "/accept").status, 200);
        const QByteArray messages = "/v1/chat/rooms/" + room.toUtf8() + "/messages";
        QStringList ids;
        for (int i = 1; i <= 5; ++i) {
            const RawResponse sent = as(i == 3 ? "alice" : "bob", "POST", messages,
                                        {{QStringLiteral("text"), QStringLiteral("m%1").arg(i)}});
            QCOMPARE(sent.status, 201);
            ids << json(sent).value(QStringLiteral("id")).toString();
        }
        const QByteArray reportPath = messages + "/" + ids[2].toUtf8() + "/reports";
        QCOMPARE(as("carol", "POST", reportPath, {{QStringLiteral("reason"), QStringLiteral("spam")}}).status,
                 404);
        QCOMPARE(as("bob", "POST", reportPath, {{QStringLiteral("reason"), QStringLiteral("  ")}}).status,
                 400);
        const RawResponse reported =
            as("bob", "POST", reportPath, {{QStringLiteral("reason"), QStringLiteral("spam")}});
        QCOMPARE(reported.status, 201);
        const QString reportId = json(reported).value(QStringLiteral("id")).toString();
        QCOMPARE(as("bob", "POST", reportPath, {{QStringLiteral("reason"), QStringLiteral("spam")}}).status,
                 200);

        // Support sees it with two messages of context each side.
        // A member sees no reports; the room's owner sees those of their room.
        const RawResponse members = as("bob", "GET", "/v1/chat/reports");
        QCOMPARE(members.status, 200);
        QVERIFY(json(members).value(QStringLiteral("items")).toArray().isEmpty());
        const RawResponse owners = as("alice", "GET", "/v1/chat/reports");
        QCOMPARE(owners.status, 200);
        QCOMPARE(json(owners).value(QStringLiteral("items")).toArray().size(), 1);
        const auto reportIn = [&](const RawResponse &list) {
            for (const QJsonValue v : json(list).value(QStringLiteral("items")).toArray())
                if (v.toObject().value(QStringLiteral("id")).toString() == reportId)
                    return v.toObject();
            return QJsonObject();
        };
        const auto texts = [](const QJsonObject &report) {
            QStringList context;
            for (const QJsonValue v : report.value(QStringLiteral("context")).toArray())
                context << v.toObject().value(QStringLiteral("text")).toString();
            return context;
        };
        const QByteArray readsPath = "/v1/chat/rooms/" + room.toUtf8() + "/support-reads";
        // Support, not in the private room, without a reason: who reported what, when and why, but
        // no text of the room (regression: the text and its context were shown, and not recorded).
        const RawResponse open = as("sam", "GET", "/v1/chat/reports?state=open");
        QCOMPARE(open.status, 200);
        QJsonObject hidden = reportIn(open);
        QCOMPARE(hidden.value(QStringLiteral("reason")).toString(), QStringLiteral("spam"));
        QCOMPARE(hidden.value(QStringLiteral("messageId")).toString(), ids[2]);
        QCOMPARE(hidden.value(QStringLiteral("roomId")).toString(), room);
        QCOMPARE(
            hidden.value(QStringLiteral("reporter")).toObject().value(QStringLiteral("userId")).toString(),
            m_ids.value("bob"));
        QVERIFY(!hidden.value(QStringLiteral("createdAt")).toString().isEmpty());
        QCOMPARE(hidden.value(QStringLiteral("textHidden")).toBool(), true);
        QCOMPARE(hidden.value(QStringLiteral("roomPrivate")).toBool(), true);
        QCOMPARE(hidden.value(QStringLiteral("message")).toObject().value(QStringLiteral("id")).toString(),
                 ids[2]);
        QCOMPARE(hidden.value(QStringLiteral("message")).toObject().value(QStringLiteral("text")).toString(),
                 QString());
        QCOMPARE(texts(hidden), (QStringList{QString(), QString(), QString(), QString()}));
        QVERIFY(json(as("alice", "GET", readsPath)).value(QStringLiteral("items")).toArray().isEmpty());

        // With a reason: the text, and one support read of the room for the messages shown.
        const RawResponse reasoned = as("sam", "GET", "/v1/chat/reports?state=open&reason=ticket%207");
        QCOMPARE(reasoned.status, 200);
        QJsonObject mine = reportIn(reasoned);
        QCOMPARE(mine.value(QStringLiteral("textHidden")).toBool(), false);
        QCOMPARE(mine.value(QStringLiteral("message")).toObject().value(QStringLiteral("text")).toString(),
                 QStringLiteral("m3"));
        QCOMPARE(texts(mine), (QStringList{QStringLiteral("m1"), QStringLiteral("m2"), QStringLiteral("m4"),
                                           QStringLiteral("m5")}));
        QCOMPARE(mine.value(QStringLiteral("reason")).toString(), QStringLiteral("spam"));
        QJsonArray reads;
        QVERIFY(QTest::qWaitFor(
            [&] {
                reads = json(as("alice", "GET", readsPath)).value(QStringLiteral("items")).toArray();
                return !reads.isEmpty();
            },
            5000));
        QCOMPARE(reads.size(), 1);
        QCOMPARE(reads[0][QStringLiteral("reason")].toString(), QStringLiteral("ticket 7"));
        QCOMPARE(reads[0][QStringLiteral("actor")].toString(), QStringLiteral("user:") + m_ids.value("sam"));
        QStringList recorded;
        for (const QJsonValue v : reads[0][QStringLiteral("messageIds")].toArray())
            recorded << v.toString();
        recorded.sort();
        QStringList shown = ids;
        shown.sort();
        QCOMPARE(recorded, shown);
        // The owner, a participant, reads their room's reports without a reason.
        QCOMPARE(reportIn(owners).value(QStringLiteral("textHidden")).toBool(), false);
        QCOMPARE(reportIn(owners)
                     .value(QStringLiteral("message"))
                     .toObject()
                     .value(QStringLiteral("text"))
                     .toString(),
                 QStringLiteral("m3"));

        // The event a webhook would carry.
        QJsonArray events;
        QVERIFY(QTest::qWaitFor(
            [&] {
                events = json(as("admin", "GET", "/v1/events/topics/chat.reports/events?fromOffset=0"))
                             .value(QStringLiteral("events"))
                             .toArray();
                return !events.isEmpty();
            },
            5000));
        const QJsonObject event = events.last().toObject();
        QCOMPARE(event.value(QStringLiteral("type")).toString(), QStringLiteral("chat.report.created"));
        QCOMPARE(event.value(QStringLiteral("data")).toObject().value(QStringLiteral("reportId")).toString(),
                 reportId);

        // Support cannot resolve (no chat.moderate); an admin can.
        const QByteArray resolve = "/v1/chat/reports/" + reportId.toUtf8() + "/resolve";
        QCOMPARE(as("sam", "POST", resolve).status, 403);
        const RawResponse resolved = as("admin", "POST", resolve);
        QCOMPARE(resolved.status, 200);
        QCOMPARE(json(resolved).value(QStringLiteral("state")).toString(), QStringLiteral("resolved"));
        QCOMPARE(json(as("sam", "GET", "/v1/chat/reports?state=resolved"))
                     .value(QStringLiteral("items"))
                     .toArray()
                     .size(),
                 1);
    }
};

// meshdeckd --seed-demo: run twice, the same data; refused in cluster mode.
class TestChatSeedDemo : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

    // Runs the seed on the data directory; its exit code and stdout.
    std::pair<int, QString> seed(const QStringList &extra = {})
    {
        QProcess p;
        p.start(QStringLiteral(MESHDECK_BIN_DIR "/meshdeckd"),
                QStringList{QStringLiteral("--seed-demo"), QStringLiteral("--data-dir"), m_dir.path(),
                            QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                            QStringLiteral("--password-cost"), QStringLiteral("minimum")} +
                    extra);
        if (!p.waitForFinished(120'000))
            return {-1, {}};
        return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput())};
    }

    // What a person sees of the demo data through the API: room name -> message count, plus the
    // demo invitations and open reports.
    QMap<QString, int> counts()
    {
        BackendProcess backend(m_dir.path());
        if (!backend.start())
            return {};
        QMap<QString, int> out;
        const QJsonArray rooms = json(apiCall(backend, "GET", "/v1/chat/rooms?limit=200"))
                                     .value(QStringLiteral("items"))
                                     .toArray();
        for (const QJsonValue v : rooms) {
            const QJsonObject room = v.toObject();
            if (room.value(QStringLiteral("demo")).toBool())
                out.insert(room.value(QStringLiteral("name")).toString() + QLatin1Char('/') +
                               room.value(QStringLiteral("type")).toString(),
                           room.value(QStringLiteral("messageCount")).toInt());
        }
        const QJsonArray invitations =
            json(apiCall(backend, "GET", "/v1/chat/rooms/room_demo-general/invitations"))
                .value(QStringLiteral("items"))
                .toArray();
        int active = 0;
        for (const QJsonValue v : invitations)
            active +=
                v.toObject().value(QStringLiteral("state")).toString() == QLatin1String("active") ? 1 : 0;
        out.insert(QStringLiteral("active invitations"), active);
        out.insert(QStringLiteral("open reports"),
                   json(apiCall(backend, "GET", "/v1/chat/reports?state=open"))
                       .value(QStringLiteral("items"))
                       .toArray()
                       .size());
        out.insert(QStringLiteral("demo users"),
                   json(apiCall(backend, "GET", "/v1/auth/users?q=demo.meshdeck.invalid"))
                       .value(QStringLiteral("users"))
                       .toArray()
                       .size());
        backend.terminate();
        return out;
    }

private Q_SLOTS:
    void secondRunAddsNothing()
    {
        const auto [code, printed] = seed();
        QCOMPARE(code, 0);
        QVERIFY2(printed.contains(QLatin1String("created, password")), qPrintable(printed));
        const QMap<QString, int> first = counts();
        qInfo() << first;
        QCOMPARE(first.value(QStringLiteral("demo-general/group")), 1401);
        QCOMPARE(first.value(QStringLiteral("demo-ops/group")), 1400);
        QVERIFY(first.contains(QStringLiteral("/direct")));
        QCOMPARE(first.value(QStringLiteral("active invitations")), 1);
        QCOMPARE(first.value(QStringLiteral("open reports")), 1);
        QCOMPARE(first.value(QStringLiteral("demo users")), 4);

        const auto [again, printedAgain] = seed();
        QCOMPARE(again, 0);
        QVERIFY(!printedAgain.contains(QLatin1String("password")));
        QCOMPARE(counts(), first);
    }

    void refusedInClusterMode()
    {
        const auto [code, printed] =
            seed({QStringLiteral("--database"), QStringLiteral("postgres://nobody@127.0.0.1:1/none")});
        QCOMPARE(code, 2);
        QVERIFY(printed.isEmpty());
    }
};

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    int status = 0;
    {
        TestChatInvitations invitations;
        status |= QTest::qExec(&invitations, argc, argv);
    }
    {
        TestChatSeedDemo seedDemo;
        status |= QTest::qExec(&seedDemo, argc, argv);
    }
    return status;
}
#include "tst_chat_invitations.moc"
