#include "postgresserver.h"
#include "testing.h"

#include "services/chat/chatservice.h"
#include "services/chat/chatstore.h"
#include "storage/database.h"

#include <algorithm>

#include <QFuture>
#include <QJsonArray>

using namespace Meshdeck;
using namespace Meshdeck::Chat;
using namespace Meshdeck::Testing;

namespace {
template<typename T> T waitFuture(QFuture<T> future)
{
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 10'000))
        throw std::runtime_error("the future did not finish within 10 s");
    return future.result();
}
} // namespace

// The chat store on SQLite and PostgreSQL (unit/chatstore and _pg).
class TestChatStore : public QObject
{
    Q_OBJECT
private:
    TestDatabases m_databases;
    QString m_location;
    std::unique_ptr<Storage::Database> m_db;
    qint64 m_now = 1'800'000'000'000;

    std::unique_ptr<Storage::Database>
    openDatabase(std::vector<Storage::Migration> migrations = ChatStore::migrations())
    {
        auto db = std::make_unique<Storage::Database>();
        const auto opened = waitForTask(db->open(m_location, {{QStringLiteral("chat"), migrations}}), 30'000);
        if (!opened.ok)
            throw std::runtime_error(opened.error.toStdString());
        return db;
    }

    template<typename Work> auto run(Work work) { return waitFuture(m_db->run(std::move(work))); }

    Room makeRoom(const QStringList &users)
    {
        Room r;
        r.id = newRoomId();
        r.type = QStringLiteral("group");
        r.name = QStringLiteral("ops");
        r.createdAtMs = m_now;
        r.createdBy = QStringLiteral("user:") + users.value(0);
        r.lastActivityAtMs = m_now;
        for (const QString &u : users)
            r.participants.append({r.id, u, ParticipantRole::Member, m_now, 0, {}});
        const ChatStore::Write w = run([r](QSqlDatabase &db) { return ChatStore::insertRoom(db, r); });
        if (w != ChatStore::Write::Ok)
            throw std::runtime_error("room not created");
        return r;
    }

    Message draft(const QString &roomId, const QString &author, const QString &text, const QString &key = {})
    {
        Message m;
        m.id = newMessageId();
        m.roomId = roomId;
        m.authorId = author;
        m.authorName = author;
        m.text = text;
        m.createdAtMs = ++m_now;
        m.idempotencyKey = key;
        return m;
    }

    ChatStore::Sent send(const QString &roomId, const QString &author, const QString &text,
                         const QString &key = {})
    {
        const Message m = draft(roomId, author, text, key);
        const auto sent = run([m](QSqlDatabase &db) { return ChatStore::insertMessage(db, m); });
        if (!sent)
            throw std::runtime_error("no such room");
        return *sent;
    }

    QStringList searchTexts(const QString &q, const QString &reader = QStringLiteral("alice"))
    {
        SearchQuery query;
        query.text = q;
        query.terms = searchTerms(q);
        query.readerId = reader;
        query.limit = 50;
        const QList<SearchHit> hits = run([query](QSqlDatabase &db) { return ChatStore::search(db, query); });
        QStringList texts;
        for (const SearchHit &h : hits)
            texts << h.message.text;
        texts.sort();
        return texts;
    }

    static PrincipalPtr userPrincipal(const QString &userId)
    {
        auto user = std::make_shared<Principal>();
        user->kind = Principal::Kind::User;
        user->userId = userId;
        user->role = Role::User;
        return user;
    }

private Q_SLOTS:
    void initTestCase() { qInfo() << "dialect:" << m_databases.dialectName(); }

    void init()
    {
        m_location = m_databases.freshLocation(QStringLiteral("chat"));
        QVERIFY2(!m_location.isEmpty(), qPrintable(m_databases.error()));
        m_db = openDatabase();
    }

    void cleanup() { m_db.reset(); }

    void retriedSendReturnsTheSameMessage()
    {
        const Room r = makeRoom({QStringLiteral("alice"), QStringLiteral("bob")});
        const ChatStore::Sent first =
            send(r.id, QStringLiteral("alice"), QStringLiteral("hello"), QStringLiteral("k1"));
        QVERIFY(first.created);
        const ChatStore::Sent again =
            send(r.id, QStringLiteral("alice"), QStringLiteral("hello"), QStringLiteral("k1"));
        QVERIFY(!again.created);
        QCOMPARE(again.message.id, first.message.id);
        QCOMPARE(again.message.seq, first.message.seq);
        // The same key from another author is another message; the room's seq has no hole.
        const ChatStore::Sent bob =
            send(r.id, QStringLiteral("bob"), QStringLiteral("hi"), QStringLiteral("k1"));
        QVERIFY(bob.created);
        QCOMPARE(bob.message.seq, first.message.seq + 1);
        const MessagePage page =
            run([id = r.id](QSqlDatabase &db) { return ChatStore::page(db, id, 0, 50); });
        QCOMPARE(page.items.size(), 2);
    }

    void concurrentRetriesMakeOneMessage()
    {
        if (!m_databases.postgres())
            QSKIP("One node writes an SQLite file through one connection; nodes share only PostgreSQL.");
        const Room r = makeRoom({QStringLiteral("alice")});
        // Two connections (two nodes) send the same key at once, many times over.
        std::unique_ptr<Storage::Database> other = openDatabase();
        for (int i = 0; i < 20; ++i) {
            const QString key = QStringLiteral("race-%1").arg(i);
            const Message a = draft(r.id, QStringLiteral("alice"), QStringLiteral("one"), key);
            Message b = a;
            b.id = newMessageId();
            QFuture<std::optional<ChatStore::Sent>> fa =
                m_db->run([a](QSqlDatabase &db) { return ChatStore::insertMessage(db, a); });
            QFuture<std::optional<ChatStore::Sent>> fb =
                other->run([b](QSqlDatabase &db) { return ChatStore::insertMessage(db, b); });
            const auto sa = waitFuture(fa);
            const auto sb = waitFuture(fb);
            QVERIFY(sa && sb);
            QCOMPARE(sa->message.id, sb->message.id);
            QVERIFY(sa->created != sb->created);
        }
        const MessagePage page =
            run([id = r.id](QSqlDatabase &db) { return ChatStore::page(db, id, 0, 100); });
        QCOMPARE(page.items.size(), 20);
        for (int i = 0; i < page.items.size(); ++i)
            QCOMPARE(page.items[i].seq, qint64(i + 1));
    }

    void pagesAreStableWhileMessagesArrive()
    {
        const Room r = makeRoom({QStringLiteral("alice")});
        for (int i = 1; i <= 25; ++i)
            send(r.id, QStringLiteral("alice"), QStringLiteral("m%1").arg(i));
        const MessagePage first =
            run([id = r.id](QSqlDatabase &db) { return ChatStore::page(db, id, 0, 10); });
        QCOMPARE(first.items.first().text, QStringLiteral("m16"));
        QCOMPARE(first.items.last().text, QStringLiteral("m25"));
        QVERIFY(first.hasMore);
        // New messages between pages do not shift the older pages.
        for (int i = 26; i <= 30; ++i)
            send(r.id, QStringLiteral("alice"), QStringLiteral("m%1").arg(i));
        const MessagePage second = run(
            [id = r.id, b = first.nextBefore](QSqlDatabase &db) { return ChatStore::page(db, id, b, 10); });
        QCOMPARE(second.items.first().text, QStringLiteral("m6"));
        QCOMPARE(second.items.last().text, QStringLiteral("m15"));
        const MessagePage third = run(
            [id = r.id, b = second.nextBefore](QSqlDatabase &db) { return ChatStore::page(db, id, b, 10); });
        QCOMPARE(third.items.size(), 5);
        QCOMPARE(third.items.first().text, QStringLiteral("m1"));
        QVERIFY(!third.hasMore);
        QCOMPARE(third.nextBefore, 0);
    }

    void editKeepsHistoryAndDeleteLeavesATombstone()
    {
        const Room r = makeRoom({QStringLiteral("alice")});
        const Message m = send(r.id, QStringLiteral("alice"), QStringLiteral("first draft")).message;
        const auto edited = run([m](QSqlDatabase &db) {
            return ChatStore::editMessage(db, m.roomId, m.id, QStringLiteral("second draft"),
                                          1'900'000'000'000);
        });
        QVERIFY(edited);
        QCOMPARE(edited->text, QStringLiteral("second draft"));
        QCOMPARE(edited->editCount, 1);
        QVERIFY(edited->changeSeq > m.changeSeq);
        run([m](QSqlDatabase &db) {
            return ChatStore::editMessage(db, m.roomId, m.id, QStringLiteral("final"), 1'900'000'000'001);
        });
        const QList<MessageEdit> history = run([m](QSqlDatabase &db) { return ChatStore::edits(db, m.id); });
        QCOMPARE(history.size(), 2);
        QCOMPARE(history[0].text, QStringLiteral("first draft"));
        QCOMPARE(history[1].text, QStringLiteral("second draft"));
        QCOMPARE(searchTexts(QStringLiteral("final")), QStringList{QStringLiteral("final")});

        const Message reply = [&] {
            Message d = draft(r.id, QStringLiteral("alice"), QStringLiteral("a reply"));
            d.replyToId = m.id;
            return run([d](QSqlDatabase &db) { return ChatStore::insertMessage(db, d); })->message;
        }();
        QVERIFY(reply.replyTo);
        QCOMPARE(reply.replyTo->excerpt, QStringLiteral("final"));

        const auto deleted = run([m](QSqlDatabase &db) {
            return ChatStore::deleteMessage(db, m.roomId, m.id, QStringLiteral("user:mod"),
                                            1'900'000'000'002);
        });
        QVERIFY(deleted && deleted->deleted());
        QCOMPARE(deleted->text, QString());
        QCOMPARE(deleted->deletedBy, QStringLiteral("user:mod"));
        QCOMPARE(deleted->seq, m.seq);
        // Nothing of the text survives: not in search, not in the history, not in replies.
        QCOMPARE(searchTexts(QStringLiteral("final")), QStringList());
        QVERIFY(run([m](QSqlDatabase &db) { return ChatStore::edits(db, m.id); }).isEmpty());
        const auto replyAfter =
            run([reply](QSqlDatabase &db) { return ChatStore::message(db, reply.roomId, reply.id); });
        QVERIFY(replyAfter->replyTo && replyAfter->replyTo->deleted);
        QCOMPARE(replyAfter->replyTo->excerpt, QString());
        // Changes since the first one, in order: the reply, then the deletion.
        const QList<Message> changes =
            run([m](QSqlDatabase &db) { return ChatStore::changesSince(db, m.roomId, m.changeSeq, 100); });
        QCOMPARE(changes.size(), 2);
        QCOMPARE(changes[0].id, reply.id);
        QCOMPARE(changes[1].id, m.id);
        QVERIFY(changes[1].deleted());
    }

    void unreadCountsFollowTheReadMark()
    {
        const Room r = makeRoom({QStringLiteral("alice"), QStringLiteral("bob")});
        QList<Message> sent;
        for (int i = 0; i < 5; ++i)
            sent << send(r.id, QStringLiteral("alice"), QStringLiteral("n%1").arg(i)).message;
        send(r.id, QStringLiteral("bob"), QStringLiteral("own message"));
        const auto unread = [&](const QString &user) {
            return run([id = r.id, user](QSqlDatabase &db) { return ChatStore::unreadCount(db, id, user); });
        };
        QCOMPARE(unread(QStringLiteral("bob")), 5);   // his own message is not unread
        QCOMPARE(unread(QStringLiteral("alice")), 1); // bob's one
        QCOMPARE(run([id = r.id](QSqlDatabase &db) {
                     return ChatStore::markRead(db, id, QStringLiteral("bob"), 3);
                 }),
                 std::optional<qint64>(3));
        QCOMPARE(unread(QStringLiteral("bob")), 2);
        // A read mark never moves back.
        QCOMPARE(run([id = r.id](QSqlDatabase &db) {
                     return ChatStore::markRead(db, id, QStringLiteral("bob"), 1);
                 }),
                 std::optional<qint64>(3));
        run([m = sent[4]](QSqlDatabase &db) {
            return ChatStore::deleteMessage(db, m.roomId, m.id, QStringLiteral("user:alice"), 1);
        });
        QCOMPARE(unread(QStringLiteral("bob")), 1);
        const auto p = run(
            [id = r.id](QSqlDatabase &db) { return ChatStore::participant(db, id, QStringLiteral("bob")); });
        QCOMPARE(p->lastReadMessageId, sent[2].id);
    }

    void searchFoldsCaseUmlautsAndSharpS()
    {
        const Room r = makeRoom({QStringLiteral("alice")});
        const Room other = makeRoom({QStringLiteral("bob")});
        send(r.id, QStringLiteral("alice"), QStringLiteral("Die Straße ist nass"));
        send(r.id, QStringLiteral("alice"), QStringLiteral("Viele Grüße aus Köln"));
        send(r.id, QStringLiteral("alice"), QStringLiteral("GROSSE Pläne"));
        send(other.id, QStringLiteral("bob"), QStringLiteral("Straße im anderen Raum"));
        QCOMPARE(searchTexts(QStringLiteral("strasse")), QStringList{QStringLiteral("Die Straße ist nass")});
        QCOMPARE(searchTexts(QStringLiteral("STRASSE")), QStringList{QStringLiteral("Die Straße ist nass")});
        QCOMPARE(searchTexts(QStringLiteral("Straße")), QStringList{QStringLiteral("Die Straße ist nass")});
        QCOMPARE(searchTexts(QStringLiteral("grusse")), QStringList{QStringLiteral("Viele Grüße aus Köln")});
        QCOMPARE(searchTexts(QStringLiteral("Grüsse")), QStringList{QStringLiteral("Viele Grüße aus Köln")});
        QCOMPARE(searchTexts(QStringLiteral("koln")), QStringList{QStringLiteral("Viele Grüße aus Köln")});
        QCOMPARE(searchTexts(QStringLiteral("größe")), QStringList{QStringLiteral("GROSSE Pläne")});
        QCOMPARE(searchTexts(QStringLiteral("plane")), QStringList{QStringLiteral("GROSSE Pläne")});
        // Every word must match; rooms the reader is not in are not searched.
        QCOMPARE(searchTexts(QStringLiteral("strasse nass")),
                 QStringList{QStringLiteral("Die Straße ist nass")});
        QCOMPARE(searchTexts(QStringLiteral("strasse koln")), QStringList());
        QCOMPARE(searchTexts(QStringLiteral("strasse"), QStringLiteral("bob")),
                 QStringList{QStringLiteral("Straße im anderen Raum")});
        QCOMPARE(highlight(QStringLiteral("Viele Grüße aus Köln"), searchTerms(QStringLiteral("grusse"))),
                 QStringLiteral("Viele <mark>Grüße</mark> aus Köln"));
        QCOMPARE(highlight(QStringLiteral("<b>Größe</b>"), searchTerms(QStringLiteral("grosse"))),
                 QStringLiteral("&lt;b&gt;<mark>Größe</mark>&lt;/b&gt;"));
    }

    void oneLetterQueriesAreRefused()
    {
        Chat::ChatService service({}, m_db.get(), nullptr);
        QCOMPARE(waitForTask(service.start()), QString());
        const PrincipalPtr user = userPrincipal(QStringLiteral("alice"));
        for (const QString &q : {QStringLiteral("a"), QStringLiteral("  ß "), QStringLiteral("")}) {
            ChatService::SearchRequest request;
            request.q = q;
            const Result<QJsonObject> refused = waitForTask(service.search(user, request));
            QVERIFY(!refused);
            QCOMPARE(refused.error().code, QByteArray("query-too-short"));
            QCOMPARE(refused.error().field, QStringLiteral("q"));
        }
        const Room r = makeRoom({QStringLiteral("alice")});
        send(r.id, QStringLiteral("alice"), QStringLiteral("Öl und Wasser"));
        ChatService::SearchRequest request;
        request.q = QStringLiteral("ol");
        const Result<QJsonObject> found = waitForTask(service.search(user, request));
        QVERIFY(found);
        QCOMPARE(found->value(QStringLiteral("items")).toArray().size(), 1);
        QCOMPARE(found->value(QStringLiteral("items"))[0][QStringLiteral("highlight")].toString(),
                 QStringLiteral("<mark>Öl</mark> und Wasser"));
    }

    // A room read later is the newer snapshot: its readSeq is larger (the chat channel installs
    // snapshots only in that order, so one read before a removal cannot undo it).
    void aRoomReadLaterIsTheNewerSnapshot()
    {
        const Room r = makeRoom({QStringLiteral("alice"), QStringLiteral("bob")});
        const auto read = [&] {
            return run([r](QSqlDatabase &db) { return ChatStore::room(db, r.id); }).value_or(Room{});
        };
        const Room before = read();
        QCOMPARE(before.participants.size(), 2);
        QVERIFY(run(
            [r](QSqlDatabase &db) { return ChatStore::removeParticipant(db, r.id, QStringLiteral("bob")); }));
        const Room after = read();
        QCOMPARE(after.participants.size(), 1);
        QVERIFY(before.readSeq > 0);
        QVERIFY(after.readSeq > before.readSeq);
        const QList<Room> listed =
            run([](QSqlDatabase &db) { return ChatStore::rooms(db, true, {}, {}, 10, 0, {}); });
        QVERIFY(!listed.isEmpty());
        QVERIFY(listed.first().readSeq > after.readSeq);
    }

    void searchPagesNewestFirstWithoutGapsWhileMessagesArrive()
    {
        Chat::ChatService service({}, m_db.get(), nullptr);
        QCOMPARE(waitForTask(service.start()), QString());
        const PrincipalPtr user = userPrincipal(QStringLiteral("alice"));
        const Room ops = makeRoom({QStringLiteral("alice")});
        const Room dev = makeRoom({QStringLiteral("alice"), QStringLiteral("bob")});
        const Room other = makeRoom({QStringLiteral("bob")});
        QStringList sent; // oldest first
        for (int i = 0; i < 25; ++i) {
            const Room &room = i % 2 == 0 ? ops : dev;
            sent << send(room.id, QStringLiteral("alice"), QStringLiteral("deploy number %1").arg(i))
                        .message.id;
            send(other.id, QStringLiteral("bob"), QStringLiteral("deploy elsewhere %1").arg(i));
            send(room.id, QStringLiteral("alice"), QStringLiteral("unrelated %1").arg(i));
        }
        QStringList seen;
        QString cursor;
        int pages = 0;
        do {
            ChatService::SearchRequest request;
            request.q = QStringLiteral("depl");
            request.limit = 10;
            request.cursor = cursor;
            const Result<QJsonObject> page = waitForTask(service.search(user, request));
            QVERIFY(page);
            for (const QJsonValue item : page->value(QStringLiteral("items")).toArray())
                seen << item[QStringLiteral("message")][QStringLiteral("id")].toString();
            cursor = page->value(QStringLiteral("nextCursor")).toString();
            // A message arriving between pages is newer than the cursor: no later page shows it,
            // and nothing already listed moves into a later page.
            send(ops.id, QStringLiteral("alice"), QStringLiteral("deploy while paging %1").arg(pages));
            ++pages;
        } while (!cursor.isEmpty() && pages < 10);
        QStringList newestFirst = sent;
        std::reverse(newestFirst.begin(), newestFirst.end());
        QCOMPARE(seen, newestFirst);
        QCOMPARE(pages, 3);
        // A cursor that is not one a search gave is refused with a reason.
        ChatService::SearchRequest bad;
        bad.q = QStringLiteral("deploy");
        bad.cursor = QStringLiteral("yesterday");
        const Result<QJsonObject> refused = waitForTask(service.search(user, bad));
        QVERIFY(!refused);
        QCOMPARE(refused.error().field, QStringLiteral("cursor"));
    }

    void searchFiltersByRoomAndAuthorInsideTheIndex()
    {
        const Room ops = makeRoom({QStringLiteral("alice"), QStringLiteral("bob")});
        const Room dev = makeRoom({QStringLiteral("alice"), QStringLiteral("bob")});
        const Room hidden = makeRoom({QStringLiteral("carol")});
        send(ops.id, QStringLiteral("alice"), QStringLiteral("deploy ops alice"));
        send(ops.id, QStringLiteral("bob"), QStringLiteral("deploy ops bob"));
        send(dev.id, QStringLiteral("bob"), QStringLiteral("deploy dev bob"));
        send(hidden.id, QStringLiteral("carol"), QStringLiteral("deploy \"hidden\" carol"));
        const auto texts = [this](const QString &room, const QString &author, bool all) {
            SearchQuery query;
            query.terms = searchTerms(QStringLiteral("deploy"));
            query.readerId = QStringLiteral("alice");
            query.allRooms = all;
            query.roomId = room;
            query.authorId = author;
            const QList<SearchHit> hits =
                run([query](QSqlDatabase &db) { return ChatStore::search(db, query); });
            QStringList out;
            for (const SearchHit &h : hits)
                out << h.message.text;
            return out;
        };
        QCOMPARE(texts({}, {}, false),
                 (QStringList{QStringLiteral("deploy dev bob"), QStringLiteral("deploy ops bob"),
                              QStringLiteral("deploy ops alice")}));
        QCOMPARE(texts(ops.id, {}, false),
                 (QStringList{QStringLiteral("deploy ops bob"), QStringLiteral("deploy ops alice")}));
        QCOMPARE(texts({}, QStringLiteral("bob"), false),
                 (QStringList{QStringLiteral("deploy dev bob"), QStringLiteral("deploy ops bob")}));
        QCOMPARE(texts(dev.id, QStringLiteral("alice"), false), QStringList());
        // A full reader sees every room; quotes in an author id are data, not query syntax.
        QCOMPARE(texts(hidden.id, {}, true), QStringList{QStringLiteral("deploy \"hidden\" carol")});
        QCOMPARE(texts({}, QStringLiteral("carol\" OR \"bob"), true), QStringList());
        // A reader in no room finds nothing.
        SearchQuery nobody;
        nobody.terms = searchTerms(QStringLiteral("deploy"));
        nobody.readerId = QStringLiteral("dave");
        QVERIFY(run([nobody](QSqlDatabase &db) { return ChatStore::search(db, nobody); }).isEmpty());
    }

    void messagesWrittenBeforeTheSearchIndexChangedAreFoundAfterTheUpgrade()
    {
        m_db.reset();
        m_location = m_databases.freshLocation(QStringLiteral("chat-upgrade"));
        QVERIFY2(!m_location.isEmpty(), qPrintable(m_databases.error()));
        m_db = openDatabase({ChatStore::migrations().front()}); // the first schema only
        const Room ops = makeRoom({QStringLiteral("alice")});
        send(ops.id, QStringLiteral("alice"), QStringLiteral("Straße vor dem Upgrade"));
        m_db.reset();
        m_db = openDatabase();
        send(ops.id, QStringLiteral("alice"), QStringLiteral("Straße nach dem Upgrade"));
        SearchQuery query;
        query.terms = searchTerms(QStringLiteral("strasse"));
        query.readerId = QStringLiteral("alice");
        query.roomId = ops.id;
        const QList<SearchHit> hits = run([query](QSqlDatabase &db) { return ChatStore::search(db, query); });
        QStringList texts;
        for (const SearchHit &h : hits)
            texts << h.message.text;
        QCOMPARE(texts, (QStringList{QStringLiteral("Straße nach dem Upgrade"),
                                     QStringLiteral("Straße vor dem Upgrade")}));
    }

    void directRoomIsOnePerPair()
    {
        Room r;
        r.id = newRoomId();
        r.type = QStringLiteral("direct");
        r.directKey = QStringLiteral("alice|bob");
        r.createdAtMs = m_now;
        QCOMPARE(run([r](QSqlDatabase &db) { return ChatStore::insertRoom(db, r); }), ChatStore::Write::Ok);
        Room again = r;
        again.id = newRoomId();
        QString existing;
        QCOMPARE(
            run([again, &existing](QSqlDatabase &db) { return ChatStore::insertRoom(db, again, &existing); }),
            ChatStore::Write::Exists);
        QCOMPARE(existing, r.id);
    }
};

QTEST_GUILESS_MAIN(TestChatStore)
#include "tst_chatstore.moc"
