#include "attachedconsole.h"
#include "quicktesting.h"
#include "testing.h"

#include "api/httpapiclient.h"
#include "api/realtimeclient.h"
#include "chat/chatcontroller.h"
#include "chat/chatmodels.h"
#include "chat/messagesmodel.h"
#include "clusters/secretstore.h"
#include "shell/console.h"

#include <QAccessible>
#include <QApplication>
#include <QDir>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QProcess>
#include <QQmlApplicationEngine>
#include <QQmlExtensionPlugin>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>

Q_IMPORT_QML_PLUGIN(Meshdeck_CorePlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_ThemePlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_PagesPlugin)
Q_IMPORT_QML_PLUGIN(Meshdeck_AppPlugin)

using namespace Meshdeck::Console;
using namespace Meshdeck::Testing;

namespace {
constexpr int MessageCount = 120; // more than two pages of 50: history is paged back twice

} // namespace

// The Chat page on a real meshdeckd, as support uses it: a private room (seeded through the API
// with the admin token) is opened only after a reason is given, the recorded read shows in the
// room's support reads, and history is paged back to the first message. (The invitation's QR code
// read back with zbarimg waits for the backend's invitation routes.)
class TestChatGui : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QAccessible::setActive(true);
        QQuickStyle::setStyle(QStringLiteral("Material"));
        QVERIFY(QDir().mkpath(QStringLiteral(MESHDECK_SCREENSHOT_DIR)));
    }

    void supportReadsAPrivateRoomWithAReasonAndPagesBackThroughHistory()
    {
        BackendProcess backend;
        QVERIFY(backend.start());

        // Seed: a user, a private room with only them in it, its history, one invitation.
        const RawResponse user = apiCall(backend, "POST", "/v1/auth/users",
                                         "{\"email\":\"rita@example.test\",\"name\":\"Rita\",\"password\":"
                                         "\"correct horse battery staple\",\"role\":\"user\"}");
        QVERIFY2(user.status == 201, user.body);
        const QByteArray userId =
            QJsonDocument::fromJson(user.body).object().value(QStringLiteral("id")).toString().toUtf8();
        const RawResponse room =
            apiCall(backend, "POST", "/v1/chat/rooms",
                    "{\"type\":\"group\",\"name\":\"gui-private\",\"topic\":\"escalations\","
                    "\"private\":true,\"participants\":[\"" +
                        userId + "\"]}");
        QVERIFY2(room.status == 201, room.body);
        const QString roomId =
            QJsonDocument::fromJson(room.body).object().value(QStringLiteral("id")).toString();
        for (int i = 1; i <= MessageCount; ++i) {
            const RawResponse sent =
                apiCall(backend, "POST", "/v1/chat/rooms/" + roomId.toUtf8() + "/messages",
                        "{\"text\":\"history " + QByteArray::number(i) + "\",\"idempotencyKey\":\"gui-" +
                            QByteArray::number(i) + "\"}");
            QVERIFY2(sent.status == 201, sent.body);
        }
        const RawResponse invitation =
            apiCall(backend, "POST", "/v1/chat/rooms/" + roomId.toUtf8() + "/invitations",
                    "{\"expiresInSeconds\":86400,\"maxUses\":5}");
        QVERIFY2(invitation.status == 201, invitation.body);
        const QJsonObject invited = QJsonDocument::fromJson(invitation.body).object();
        const QString token = invited.value(QStringLiteral("token")).toString();
        const QString invitationUrl = invited.value(QStringLiteral("url")).toString();
        QVERIFY(invitationUrl.endsWith(token));
        AttachedConsole attached;
        QVERIFY(attached.start(backend, QSize(1400, 900)));
        m_window = attached.window();
        Console &console = attached.console();

        click(QStringLiteral("Chat"));
        if (QTest::currentTestFailed())
            return;
        auto *chat = console.findChild<ChatController *>();
        QVERIFY(chat);
        QTRY_VERIFY_WITH_TIMEOUT(chat->rooms()->rowOfRoom(roomId) >= 0, 10'000);
        QVERIFY2(chat->rooms()->error().isEmpty(), qPrintable(chat->rooms()->error()));

        // The private room: the reason first, with what happens to it.
        clickRoom(chat, roomId);
        if (QTest::currentTestFailed())
            return;
        QObject *dialog = m_window->findChild<QObject *>(QStringLiteral("reasonDialog"));
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->property("opened").toBool());
        QVERIFY(anyContains(visibleTexts(m_window->contentItem()), QStringLiteral("Your read is recorded")));
        QCOMPARE(chat->messages()->rowCount(), 0); // nothing read before the reason
        type(QStringLiteral("Reason for reading the room"), QStringLiteral("ticket 4711"));
        if (QTest::currentTestFailed())
            return;
        QSignalSpy subscribed(console.realtime(), &RealtimeClient::subscribed);
        click(QStringLiteral("Read the room with this reason"));
        if (QTest::currentTestFailed())
            return;
        QTRY_VERIFY_WITH_TIMEOUT(chat->messages()->rowCount() >= 50,
                                 10'000); // the view may ask for more itself
        QCOMPARE(
            chat->messages()
                ->data(chat->messages()->index(chat->messages()->rowCount() - 1), MessagesModel::TextRole)
                .toString(),
            QStringLiteral("history %1").arg(MessageCount));
        QVERIFY(anyContains(visibleTexts(m_window->contentItem()), QStringLiteral("ticket 4711")));
        // Followed live with the same reason: the server answers the subscription, not a refusal.
        const auto followed = [&] {
            for (const QList<QVariant> &args : std::as_const(subscribed)) {
                if (args.value(0).toString() == QStringLiteral("chat.rooms.") + roomId)
                    return true;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(followed() || !chat->messages()->liveError().isEmpty(), 10'000);
        QVERIFY2(chat->messages()->liveError().isEmpty(), qPrintable(chat->messages()->liveError()));

        // The audit entry, in the room's support reads.
        click(QStringLiteral("Support reads"));
        if (QTest::currentTestFailed())
            return;
        QTRY_VERIFY_WITH_TIMEOUT(chat->supportReads()->rowCount() >= 1, 10'000);
        QCOMPARE(chat->supportReads()
                     ->data(chat->supportReads()->index(0), SupportReadsModel::ReasonRole)
                     .toString(),
                 QStringLiteral("ticket 4711"));
        QTRY_VERIFY(anyContains(visibleTexts(m_window->contentItem()), QStringLiteral("ticket 4711")));
        shoot(QStringLiteral("chat-support-read.png"));

        // Back through history: older pages above the rows held, down to the first message.
        QSignalSpy reset(chat->messages(), &QAbstractItemModel::modelReset);
        while (chat->messages()->hasMore()) {
            const int before = chat->messages()->rowCount();
            if (!chat->messages()->isFetchingOlder()) {
                // The button, as the accessibility tree names it (pressed through its signal: the
                // list may lay itself out over it between the lookup and a mouse click).
                QQuickItem *older = find(QStringLiteral("Load older messages"), 10'000);
                QVERIFY(older);
                QVERIFY(QMetaObject::invokeMethod(older, "clicked"));
            }
            QTRY_VERIFY2_WITH_TIMEOUT(chat->messages()->rowCount() > before,
                                      qPrintable(chat->messages()->error()), 10'000);
        }
        QCOMPARE(chat->messages()->rowCount(), MessageCount);
        QCOMPARE(reset.size(), 0);
        for (int i = 0; i < MessageCount; ++i)
            QCOMPARE(chat->messages()->data(chat->messages()->index(i), MessagesModel::SeqRole).toLongLong(),
                     qint64(i + 1));
        shoot(QStringLiteral("chat-history.png"));

        // The invitation's QR code on screen, read back by a QR decoder to the invitation's link.
        click(QStringLiteral("Invitations"));
        if (QTest::currentTestFailed())
            return;
        QTRY_VERIFY_WITH_TIMEOUT(chat->invitations()->rowCount() >= 1, 10'000);
        // The row's button, as the accessibility tree names it (pressed through its signal, like the
        // older-messages button: the list may still be laying itself out under a mouse click).
        QQuickItem *showQr =
            find(QStringLiteral("Show the QR code of invitation %1").arg(token.left(10)), 10'000);
        QVERIFY(showQr);
        QTRY_VERIFY(showQr->isVisible());
        QVERIFY(QMetaObject::invokeMethod(showQr, "clicked"));
        QTRY_COMPARE(chat->property("qrToken").toString(), token);
        QTRY_VERIFY2_WITH_TIMEOUT(!chat->qrImage().isEmpty(), qPrintable(chat->qrError()), 10'000);
        QQuickItem *qr = findItem(m_window->contentItem(), QStringLiteral("invitationQr"));
        QVERIFY(qr);
        QTRY_VERIFY(qr->isVisible() && qr->property("status").toInt() == 1); // Image.Ready
        const QImage screen = shoot(QStringLiteral("chat-invitation-qr.png"));
        const QRect area = qr->mapRectToScene(QRectF(0, 0, qr->width(), qr->height())).toAlignedRect();
        QVERIFY(screen.rect().contains(area));
        QImage code(area.size() + QSize(40, 40), QImage::Format_RGB32); // a quiet zone around it
        code.fill(Qt::white);
        {
            QPainter painter(&code);
            painter.drawImage(QPoint(20, 20), screen.copy(area));
        }
        QTemporaryDir shots;
        const QString file = shots.filePath(QStringLiteral("qr.png"));
        QVERIFY(code.save(file));
        const QString zbarimg = QStandardPaths::findExecutable(QStringLiteral("zbarimg"));
        QVERIFY2(!zbarimg.isEmpty(), "zbarimg is missing: installer/setup-deps.sh installs zbar-tools");
        QProcess decoder;
        decoder.start(zbarimg, {QStringLiteral("--raw"), QStringLiteral("-q"), file});
        QVERIFY(decoder.waitForFinished(30'000));
        QCOMPARE(QString::fromUtf8(decoder.readAllStandardOutput()).trimmed(), invitationUrl);

        // Rita reports a message of the private room: the Reports tab lists it without its text
        // until a reason is given in the same dialog, then shows it (and the read is recorded).
        const RawResponse session =
            callAs(backend.port(), {}, "POST", "/v1/auth/sessions",
                   "{\"email\":\"rita@example.test\",\"password\":\"correct horse battery staple\"}");
        QVERIFY2(session.status == 201, session.body);
        const QByteArray rita = QJsonDocument::fromJson(session.body)
                                    .object()
                                    .value(QStringLiteral("accessToken"))
                                    .toString()
                                    .toUtf8();
        const QString reported =
            chat->messages()->data(chat->messages()->index(60), MessagesModel::MessageIdRole).toString();
        const RawResponse report =
            callAs(backend.port(), rita, "POST",
                   "/v1/chat/rooms/" + roomId.toUtf8() + "/messages/" + reported.toUtf8() + "/reports",
                   "{\"reason\":\"threatening\"}");
        QVERIFY2(report.status == 201, report.body);
        chat->loadReports(QStringLiteral("open"));
        click(QStringLiteral("Reports"));
        if (QTest::currentTestFailed())
            return;
        QTRY_VERIFY_WITH_TIMEOUT(chat->reports()->rowCount() == 1, 10'000);
        QCOMPARE(chat->reports()->data(chat->reports()->index(0), ReportsModel::TextHiddenRole).toBool(),
                 true);
        QTRY_VERIFY(anyContains(visibleTexts(m_window->contentItem()), QStringLiteral("threatening")));
        QVERIFY(!anyContains(visibleTexts(m_window->contentItem()), QStringLiteral("history 61")));
        const int readsBefore = chat->supportReads()->rowCount();
        click(QStringLiteral("Show the text of reports from private rooms, with a reason"));
        if (QTest::currentTestFailed())
            return;
        QTRY_VERIFY(dialog->property("opened").toBool());
        QVERIFY(anyContains(visibleTexts(m_window->contentItem()), QStringLiteral("recorded for each room")));
        type(QStringLiteral("Reason for reading the room"), QStringLiteral("ticket 4712"));
        if (QTest::currentTestFailed())
            return;
        click(QStringLiteral("Read the room with this reason"));
        if (QTest::currentTestFailed())
            return;
        QTRY_VERIFY_WITH_TIMEOUT(
            chat->reports()->rowCount() == 1 &&
                chat->reports()->data(chat->reports()->index(0), ReportsModel::TextRole).toString() ==
                    QStringLiteral("history 61"),
            10'000);
        QTRY_VERIFY(!dialog->property("visible").toBool());
        QTRY_VERIFY(anyContains(visibleTexts(m_window->contentItem()), QStringLiteral("history 61")));
        QVERIFY(anyContains(visibleTexts(m_window->contentItem()), QStringLiteral("ticket 4712")));
        shoot(QStringLiteral("chat-reports-with-reason.png"));
        // Recorded before the list was answered: the room's support reads have it on top.
        chat->refreshSupportReads();
        QTRY_COMPARE_WITH_TIMEOUT(chat->supportReads()
                                      ->data(chat->supportReads()->index(0), SupportReadsModel::ReasonRole)
                                      .toString(),
                                  QStringLiteral("ticket 4712"), 10'000);
        QVERIFY(chat->supportReads()->rowCount() > readsBefore);

        // The admin deletes the reported message from the conversation, after a confirmation that
        // says what happens: the row becomes a tombstone and the backend has it deleted.
        click(QStringLiteral("Rooms"));
        if (QTest::currentTestFailed())
            return;
        MessagesModel *messages = chat->messages();
        const int row = messages->rowOf(reported);
        QVERIFY(row >= 0);
        QObject *messageList = m_window->findChild<QObject *>(QStringLiteral("messageList"));
        QVERIFY(messageList);
        QVERIFY(
            QMetaObject::invokeMethod(messageList, "positionViewAtIndex", Q_ARG(int, row), Q_ARG(int, 1)));
        const QModelIndex at = messages->index(row);
        // A button inside a list row: pressed through its signal once it is shown (a synthetic
        // click on a row being laid out can miss).
        // Named by author, time and text, as a screen reader reads it (several rows share a minute).
        QQuickItem *deleteButton = find(QStringLiteral("Delete the message of %1 from %2: %3")
                                            .arg(messages->data(at, MessagesModel::AuthorNameRole).toString(),
                                                 messages->data(at, MessagesModel::TimeRole).toString(),
                                                 messages->data(at, MessagesModel::TextRole).toString()),
                                        10'000);
        QVERIFY(deleteButton);
        QTRY_VERIFY(deleteButton->isVisible());
        QVERIFY(QMetaObject::invokeMethod(deleteButton, "clicked"));
        QObject *confirm = m_window->findChild<QObject *>(QStringLiteral("deleteMessageDialog"));
        QVERIFY(confirm);
        QTRY_VERIFY(confirm->property("opened").toBool());
        QVERIFY(anyContains(visibleTexts(m_window->contentItem()), QStringLiteral("This cannot be undone")));
        shoot(QStringLiteral("chat-delete-confirm.png"));
        // Enter confirms, as the dialog says.
        QTest::keyClick(m_window, Qt::Key_Return);
        QTRY_VERIFY(!confirm->property("visible").toBool());
        QTRY_VERIFY_WITH_TIMEOUT(
            messages->data(messages->index(messages->rowOf(reported)), MessagesModel::DeletedRole).toBool(),
            10'000);
        const RawResponse history = apiCall(
            backend, "GET", "/v1/chat/rooms/" + roomId.toUtf8() + "/messages?limit=200&reason=gui-check");
        QVERIFY2(history.status == 200, history.body);
        bool tombstone = false;
        for (const QJsonValue m :
             QJsonDocument::fromJson(history.body).object().value(QStringLiteral("items")).toArray())
            if (m[QStringLiteral("id")].toString() == reported)
                tombstone = !m[QStringLiteral("deletedAt")].isNull() &&
                            m[QStringLiteral("text")].toString().isEmpty();
        QVERIFY2(tombstone, history.body);
        QTRY_VERIFY(
            anyContains(visibleTexts(m_window->contentItem()), QStringLiteral("This message was deleted")));

        Console::setInstance(nullptr);
        m_window = nullptr;
    }

private:
    QImage shoot(const QString &name)
    {
        const QImage image = m_window->grabWindow();
        if (image.isNull() ||
            !image.save(QDir(QStringLiteral(MESHDECK_SCREENSHOT_DIR)).absoluteFilePath(name)))
            qWarning("could not save %s", qPrintable(name));
        return image;
    }

    void clickRoom(ChatController *chat, const QString &roomId)
    {
        const QModelIndex index = chat->rooms()->index(chat->rooms()->rowOfRoom(roomId));
        QQuickItem *list = findItem(m_window->contentItem(), QStringLiteral("roomList"));
        QVERIFY(list);
        // The row as a screen reader names it.
        QString name;
        QTRY_VERIFY(
            !(name = rowName(list, chat->rooms()->data(index, RoomsModel::NameRole).toString())).isEmpty());
        click(name);
    }

    QString rowName(QQuickItem *list, const QString &roomName)
    {
        QAccessibleInterface *iface = QAccessible::queryAccessibleInterface(list);
        for (int i = 0; iface && i < iface->childCount(); ++i) {
            const QString n = iface->child(i)->text(QAccessible::Name);
            if (n.startsWith(QStringLiteral("Room %1").arg(roomName)))
                return n;
        }
        return {};
    }

    QQuickItem *find(const QString &name, int timeoutMs = 5000)
    {
        QQuickItem *item = nullptr;
        if (!QTest::qWaitFor(
                [&] { return (item = findByName(QAccessible::queryAccessibleInterface(m_window), name)); },
                timeoutMs))
            return nullptr;
        return item;
    }

    void click(const QString &name)
    {
        QQuickItem *item = find(name, 15'000);
        QVERIFY2(item, qPrintable(name));
        (void)m_window->grabWindow(); // laid out before the click
        const QPointF centre = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
        QTest::mouseClick(m_window, Qt::LeftButton, {}, centre.toPoint());
    }

    void type(const QString &name, const QString &text)
    {
        click(name);
        QQuickItem *item = find(name);
        QVERIFY2(item, qPrintable(name));
        QTRY_VERIFY(item->hasActiveFocus());
        for (const QChar c : text)
            QTest::keyClick(m_window, c.toLatin1());
        QTRY_COMPARE(item->property("text").toString(), text);
    }

    QQuickWindow *m_window = nullptr;
};

QTEST_MAIN(TestChatGui)
#include "tst_chat_gui.moc"
