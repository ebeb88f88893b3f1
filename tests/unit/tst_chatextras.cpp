#include "postgresserver.h"
#include "testing.h"

#include "services/chat/chatextrasstore.h"
#include "services/chat/chatqr.h"
#include "services/chat/chatstore.h"
#include "storage/database.h"

#include <QFile>
#include <QFuture>
#include <QImage>
#include <QPainter>
#include <QProcess>
#include <QStandardPaths>
#include <QSvgRenderer>
#include <QTemporaryDir>

using namespace Meshdeck;
using namespace Meshdeck::Chat;
using namespace Meshdeck::Testing;

namespace {
template<typename T> T waitFuture(QFuture<T> future)
{
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 30'000))
        throw std::runtime_error("the future did not finish within 30 s");
    return future.result();
}

// What zbarimg reads from the image file: the QR payload, or an empty string (with the reason
// logged) when it finds no code.
QString decodeWithZbar(const QString &path)
{
    QProcess zbar;
    zbar.start(QStringLiteral("zbarimg"), {QStringLiteral("--quiet"), QStringLiteral("--raw"), path});
    if (!zbar.waitForFinished(30'000)) {
        qWarning() << "zbarimg did not finish" << zbar.errorString();
        return {};
    }
    if (zbar.exitCode() != 0)
        qWarning() << "zbarimg:" << zbar.exitCode() << zbar.readAllStandardError();
    return QString::fromUtf8(zbar.readAllStandardOutput()).trimmed();
}
} // namespace

class TestChatExtras : public QObject
{
    Q_OBJECT
private:
    TestDatabases m_databases;
    QTemporaryDir m_files;
    QString m_location;
    std::unique_ptr<Storage::Database> m_db;
    qint64 m_now = 1'800'000'000'000;

    std::unique_ptr<Storage::Database> openDatabase()
    {
        auto db = std::make_unique<Storage::Database>();
        const auto opened = waitForTask(
            db->open(m_location, {{QStringLiteral("chat"), ChatStore::migrations()},
                                  {QStringLiteral("chat-extras"), ChatExtrasStore::migrations()}}),
            30'000);
        if (!opened.ok)
            throw std::runtime_error(opened.error.toStdString());
        return db;
    }

    template<typename Work> auto run(Work work) { return waitFuture(m_db->run(std::move(work))); }

    Room makeRoom(const QString &owner)
    {
        Room r;
        r.id = newRoomId();
        r.type = QStringLiteral("group");
        r.name = QStringLiteral("ops");
        r.isPrivate = true;
        r.createdAtMs = m_now;
        r.createdBy = QStringLiteral("user:") + owner;
        r.lastActivityAtMs = m_now;
        r.participants.append({r.id, owner, ParticipantRole::Owner, m_now, 0, {}});
        if (run([r](QSqlDatabase &db) { return ChatStore::insertRoom(db, r); }) != ChatStore::Write::Ok)
            throw std::runtime_error("room not created");
        return r;
    }

    InvitationRow makeInvitation(const QString &roomId, const QString &token, int maxUses, qint64 expiresInMs)
    {
        InvitationRow row;
        row.tokenHash = ChatExtrasStore::hashToken(token);
        row.sealedToken = "sealed";
        row.roomId = roomId;
        row.createdBy = QStringLiteral("user:owner");
        row.createdAtMs = m_now;
        row.expiresAtMs = m_now + expiresInMs;
        row.maxUses = maxUses;
        run([row](QSqlDatabase &db) {
            ChatExtrasStore::insertInvitation(db, row);
            return true;
        });
        return row;
    }

    ChatExtrasStore::Accept accept(const QString &token, const QString &userId, qint64 atMs)
    {
        const QByteArray hash = ChatExtrasStore::hashToken(token);
        return run([hash, userId, atMs](QSqlDatabase &db) {
                   return ChatExtrasStore::acceptInvitation(db, hash, userId, atMs);
               })
            .result;
    }

    // What the service does after a counted use: the user joins.
    void join(const QString &roomId, const QString &userId)
    {
        Participant p{roomId, userId, ParticipantRole::Member, m_now, 0, {}};
        run([p](QSqlDatabase &db) { return ChatStore::addParticipant(db, p); });
    }

    InvitationRow stored(const QString &token)
    {
        const QByteArray hash = ChatExtrasStore::hashToken(token);
        const auto row = run([hash](QSqlDatabase &db) { return ChatExtrasStore::invitation(db, hash); });
        if (!row)
            throw std::runtime_error("no such invitation");
        return *row;
    }

private slots:
    void initTestCase()
    {
        qInfo() << "dialect:" << m_databases.dialectName();
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("zbarimg")).isEmpty(),
                 "zbarimg is missing: run installer/setup-deps.sh (zbar-tools)");
    }

    void init()
    {
        m_db.reset();
        m_location = m_databases.freshLocation(QStringLiteral("chatextras"));
        QVERIFY2(!m_location.isEmpty(), qPrintable(m_databases.error()));
        m_db = openDatabase();
    }

    void invitationJoinsOnceAndCountsUses()
    {
        const Room room = makeRoom(QStringLiteral("owner"));
        makeInvitation(room.id, QStringLiteral("inv_a"), 2, 60'000);
        QCOMPARE(accept(QStringLiteral("inv_a"), QStringLiteral("owner"), m_now),
                 ChatExtrasStore::Accept::AlreadyParticipant); // a participant takes no use
        QCOMPARE(accept(QStringLiteral("inv_a"), QStringLiteral("bob"), m_now),
                 ChatExtrasStore::Accept::Joined);
        join(room.id, QStringLiteral("bob"));
        QCOMPARE(accept(QStringLiteral("inv_a"), QStringLiteral("bob"), m_now),
                 ChatExtrasStore::Accept::AlreadyParticipant);
        QCOMPARE(stored(QStringLiteral("inv_a")).uses, 1);
        QCOMPARE(stored(QStringLiteral("inv_a")).state(m_now), QStringLiteral("active"));
        QCOMPARE(accept(QStringLiteral("inv_a"), QStringLiteral("carol"), m_now),
                 ChatExtrasStore::Accept::Joined);
        join(room.id, QStringLiteral("carol"));
        QCOMPARE(accept(QStringLiteral("inv_a"), QStringLiteral("dave"), m_now),
                 ChatExtrasStore::Accept::UsedUp);
        QCOMPARE(stored(QStringLiteral("inv_a")).uses, 2);
        QCOMPARE(stored(QStringLiteral("inv_a")).state(m_now), QStringLiteral("used-up"));
        QCOMPARE(accept(QStringLiteral("inv_missing"), QStringLiteral("dave"), m_now),
                 ChatExtrasStore::Accept::NotFound);
    }

    void expiredInvitationIsRefused()
    {
        const Room room = makeRoom(QStringLiteral("owner"));
        makeInvitation(room.id, QStringLiteral("inv_e"), 10, 1'000);
        QCOMPARE(accept(QStringLiteral("inv_e"), QStringLiteral("bob"), m_now + 999),
                 ChatExtrasStore::Accept::Joined);
        QCOMPARE(accept(QStringLiteral("inv_e"), QStringLiteral("carol"), m_now + 1'000),
                 ChatExtrasStore::Accept::Expired);
        QCOMPARE(stored(QStringLiteral("inv_e")).uses, 1);
        QCOMPARE(stored(QStringLiteral("inv_e")).state(m_now + 1'000), QStringLiteral("expired"));
    }

    void revokedInvitationIsRefused()
    {
        const Room room = makeRoom(QStringLiteral("owner"));
        makeInvitation(room.id, QStringLiteral("inv_r"), 10, 60'000);
        const QByteArray hash = ChatExtrasStore::hashToken(QStringLiteral("inv_r"));
        const qint64 at = m_now + 5;
        const auto revoked = run([hash, at](QSqlDatabase &db) {
            return ChatExtrasStore::revokeInvitation(db, hash, at, QStringLiteral("user:owner"));
        });
        QVERIFY(revoked);
        QCOMPARE(revoked->revokedAtMs, at);
        // A second revoke keeps the first one's time.
        const auto again = run([hash, at](QSqlDatabase &db) {
            return ChatExtrasStore::revokeInvitation(db, hash, at + 100, QStringLiteral("user:other"));
        });
        QCOMPARE(again->revokedAtMs, at);
        QCOMPARE(again->revokedBy, QStringLiteral("user:owner"));
        QCOMPARE(accept(QStringLiteral("inv_r"), QStringLiteral("bob"), m_now + 10),
                 ChatExtrasStore::Accept::Revoked);
        QCOMPARE(stored(QStringLiteral("inv_r")).uses, 0);
        const auto listed =
            run([id = room.id](QSqlDatabase &db) { return ChatExtrasStore::invitations(db, id); });
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed.first().state(m_now), QStringLiteral("revoked"));
    }

    // Many users accept at once over several connections (nodes): never more than maxUses join;
    // the same user accepting on two connections at once counts one use.
    void concurrentAcceptsNeverExceedMaxUses()
    {
        const Room room = makeRoom(QStringLiteral("owner"));
        constexpr int MaxUses = 5;
        makeInvitation(room.id, QStringLiteral("inv_c"), MaxUses, 60'000);
        std::vector<std::unique_ptr<Storage::Database>> nodes;
        for (int i = 0; i < 4; ++i)
            nodes.push_back(openDatabase());
        const QByteArray hash = ChatExtrasStore::hashToken(QStringLiteral("inv_c"));
        const qint64 now = m_now;
        // Users 0..3 accept twice, on two connections at once.
        QStringList pending;
        for (int u = 0; u < 16; ++u)
            pending << QStringLiteral("user%1").arg(u % 12);
        QSet<QString> joined; // a user's second accept may answer Joined too, on the same use
        int usedUp = 0;
        int busy = 0;
        // SQLite refuses a second writer at once (busy): those try again in the next round, as a
        // client would; PostgreSQL queues them on the row lock.
        for (int round = 0; round < 50 && !pending.isEmpty(); ++round) {
            QList<QPair<QString, QFuture<ChatExtrasStore::AcceptOutcome>>> futures;
            for (int i = 0; i < pending.size(); ++i) {
                const QString user = pending[i];
                futures << qMakePair(user, nodes[size_t(i % 4)]->run([hash, user, now](QSqlDatabase &db) {
                    return ChatExtrasStore::acceptInvitation(db, hash, user, now);
                }));
            }
            pending.clear();
            for (const auto &[user, future] : futures) {
                try {
                    const ChatExtrasStore::AcceptOutcome out = waitFuture(future);
                    if (out.result == ChatExtrasStore::Accept::Joined)
                        joined.insert(user);
                    else if (out.result == ChatExtrasStore::Accept::UsedUp)
                        ++usedUp;
                } catch (const Storage::StoreError &) {
                    ++busy;
                    pending << user;
                }
            }
        }
        QVERIFY(pending.isEmpty());
        qInfo() << "joined" << joined.size() << "used-up" << usedUp << "busy" << busy;
        QCOMPARE(joined.size(), MaxUses);
        QCOMPARE(stored(QStringLiteral("inv_c")).uses, MaxUses);
        const int rows = run([hash](QSqlDatabase &db) {
            QSqlQuery q = Storage::exec(
                db, QStringLiteral("SELECT COUNT(*) FROM chat_invitation_uses WHERE token_hash = ?"),
                {QString::fromLatin1(hash)});
            return q.next() ? q.value(0).toInt() : -1;
        });
        QCOMPARE(rows, MaxUses); // one use row per user who got in, none for the refused
    }

    void reportsOnceAndResolves()
    {
        ReportRow r;
        r.id = QStringLiteral("rep_1");
        r.roomId = QStringLiteral("room_x");
        r.messageId = QStringLiteral("msg_x");
        r.reporterId = QStringLiteral("bob");
        r.reporterName = QStringLiteral("Bob");
        r.reason = QStringLiteral("spam");
        r.createdAtMs = m_now;
        const auto first = run([r](QSqlDatabase &db) { return ChatExtrasStore::insertReport(db, r); });
        QVERIFY(first.created);
        ReportRow again = r;
        again.id = QStringLiteral("rep_2");
        const auto second =
            run([again](QSqlDatabase &db) { return ChatExtrasStore::insertReport(db, again); });
        QVERIFY(!second.created);
        QCOMPARE(second.row.id, QStringLiteral("rep_1"));
        QCOMPARE(run([](QSqlDatabase &db) {
                     return ChatExtrasStore::reports(db, QStringLiteral("open"), 50);
                 }).size(),
                 1);
        const auto resolved = run([](QSqlDatabase &db) {
            return ChatExtrasStore::resolveReport(db, QStringLiteral("rep_1"), 1,
                                                  QStringLiteral("admin-token"));
        });
        QVERIFY(resolved && !resolved->open());
        QCOMPARE(run([](QSqlDatabase &db) {
                     return ChatExtrasStore::reports(db, QStringLiteral("open"), 50);
                 }).size(),
                 0);
        QCOMPARE(run([](QSqlDatabase &db) {
                     return ChatExtrasStore::reports(db, QStringLiteral("resolved"), 50);
                 }).size(),
                 1);
    }

    void qrPngReadsBackAsTheUrl_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("invitation") << QStringLiteral("meshdeck://chat/invite/inv_3q2Xv9dR1c0yKp7sLm4Wfg");
        QTest::newRow("long")
            << QStringLiteral("meshdeck://chat/invite/").append(QString(300, QLatin1Char('x')));
    }
    void qrPngReadsBackAsTheUrl()
    {
        QFETCH(QString, text);
        const QByteArray png = ChatQr::png(text);
        QVERIFY(png.startsWith("\x89PNG\r\n\x1a\n"));
        QImage image;
        QVERIFY2(image.loadFromData(png, "PNG"), "Qt cannot read the PNG");
        QVERIFY(image.width() > 21 * 8);
        const QString path = m_files.filePath(QStringLiteral("qr.png"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(png);
        file.close();
        QCOMPARE(decodeWithZbar(path), text);
    }

    void qrSvgRendersAndReadsBack()
    {
        const QString url = QStringLiteral("meshdeck://chat/invite/inv_svgRenderedByQtSvg01");
        const QByteArray svg = ChatQr::svg(url);
        QVERIFY(svg.contains("<svg"));
        QSvgRenderer renderer(svg);
        QVERIFY(renderer.isValid());
        QImage image(400, 400, QImage::Format_RGB32);
        image.fill(Qt::red); // anything the SVG leaves unpainted would break the decode
        {
            QPainter painter(&image);
            renderer.render(&painter);
        }
        QCOMPARE(image.pixelColor(0, 0), QColor(Qt::white));
        const QString path = m_files.filePath(QStringLiteral("qr-svg.png"));
        QVERIFY(image.save(path, "PNG"));
        QCOMPARE(decodeWithZbar(path), url);
    }
};

QTEST_MAIN(TestChatExtras)
#include "tst_chatextras.moc"
