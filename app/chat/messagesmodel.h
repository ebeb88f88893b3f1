#pragma once

#include "common/statefullistmodel.h"

#include <QHash>
#include <QJsonObject>
#include <QTimer>

#include <QCoroTask>

namespace Meshdeck::Console {

class ApiClient;

// One room's conversation, oldest first. The first page is the newest messages (or the page
// around a search hit); fetchMore() reads the page before the oldest row held and inserts it above
// the rows, which stay as they are (infinite scroll upwards, never a reloaded list). Live messages
// from the room's channel are applied by id: a new one is placed by its seq, an edit or a deletion
// replaces its row in place, and an id already held is never added twice.
// Reading a private room the caller is not in needs a reason: a page refused with 403
// `reason-required` emits reasonRequired(), and open() again with a reason sends it with every page.
class MessagesModel : public Meshdeck::Console::StatefulListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use ChatController.messages")
    Q_PROPERTY(QString roomId READ roomId NOTIFY roomChanged)
    Q_PROPERTY(bool hasMore READ hasMore NOTIFY pagingChanged)
    Q_PROPERTY(bool fetchingOlder READ isFetchingOlder NOTIFY pagingChanged)
    // The page around a search hit holds no later messages: live ones are not appended after it.
    Q_PROPERTY(bool atLatest READ isAtLatest NOTIFY pagingChanged)
    Q_PROPERTY(QString focusMessageId READ focusMessageId NOTIFY roomChanged)
    // "Sam is typing…", empty when nobody is.
    Q_PROPERTY(QString typingText READ typingText NOTIFY typingChanged)
    // Why live updates stopped (the channel refused, or the caller was removed); empty while live.
    Q_PROPERTY(QString liveError READ liveError NOTIFY liveErrorChanged)
public:
    enum Role {
        MessageIdRole = Qt::UserRole + 1,
        SeqRole,
        AuthorIdRole,
        AuthorNameRole,
        TextRole,
        TimeRole, // local time of creation
        EditedRole,
        EditedTimeRole,
        EditCountRole,
        DeletedRole,
        DeletedTimeRole,
        HasReplyRole,
        ReplyAuthorRole,
        ReplyExcerptRole,
        ReplyDeletedRole,
        FocusedRole, // the search hit the room was opened at
    };
    Q_ENUM(Role)

    static constexpr int PageSize = 50;
    static constexpr int CatchUpPageSize = 200; // the backend's largest page

    explicit MessagesModel(ApiClient *api, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    QString roomId() const { return m_roomId; }
    bool hasMore() const { return !m_cursor.isEmpty(); }
    bool isFetchingOlder() const { return m_fetchingOlder; }
    bool isAtLatest() const { return m_atLatest; }
    QString focusMessageId() const { return m_focus; }
    QString typingText() const;
    QString liveError() const { return m_liveError; }
    QString reason() const { return m_reason; }

    // The room's newest page, or the page around `aroundMessageId`; a reason is sent with every
    // page of this room (each such read is recorded by the backend).
    void open(const QString &roomId, const QString &reason = {}, const QString &aroundMessageId = {});
    void clear();
    // The page before the oldest row (the "older messages" button; views call fetchMore()).
    Q_INVOKABLE void loadOlder() { fetchMore({}); }
    // A failed page again (the Retry of the error line).
    Q_INVOKABLE void retry();
    // After a reconnect (or F5): every message after the newest one held is read (after=, page by
    // page until there are no more) and merged, so what was sent meanwhile shows with no gap, however
    // much it was; nothing held is reloaded or duplicated.
    void catchUp();
    Q_INVOKABLE int rowOf(const QString &messageId) const;

    // A message of the room's channel: {"type":"message","event":…,"message":…}, typing,
    // unsubscribed. Messages of another room are ignored.
    void applyLive(const QJsonObject &message);
    void setLiveError(const QString &error);

    // The query string of a page request (for tests and the request itself).
    static QString pageQuery(const QString &before, const QString &around, const QString &reason);

Q_SIGNALS:
    void roomChanged();
    void pagingChanged();
    void typingChanged();
    void liveErrorChanged();
    // The backend wants a reason before it shows this room's messages (its detail sentence).
    void reasonRequired(const QString &roomId, const QString &detail);
    // A page was read with a reason: the backend recorded it (the support-reads list changed).
    void reasonedReadDone(const QString &roomId);
    // A live message was created (for the rooms list's last activity).
    void messageArrived(const QJsonObject &message);

private:
    QCoro::Task<void> loadPage(QString before, QString around);
    QCoro::Task<void> loadAfter(qint64 after);
    void merge(const QList<QJsonObject> &messages);
    void refreshHeld(const QJsonObject &message);
    void insertBySeq(const QJsonObject &message);
    void expireTyping();

    struct Typist {
        QString name;
        qint64 until = 0; // msecs since epoch
    };

    ApiClient *m_api;
    QList<QJsonObject> m_rows;
    QHash<QString, Typist> m_typing;
    QTimer m_typingTimer;
    QString m_roomId;
    QString m_reason;
    QString m_around;
    QString m_focus;
    QString m_cursor; // the older page's cursor; empty: the oldest message is held
    QString m_failedBefore;
    QString m_liveError;
    bool m_fetchingOlder = false;
    bool m_atLatest = true;
    bool m_failedPage = false;
    bool m_catchingUp = false;
    quint64 m_generation = 0;
};

} // namespace Meshdeck::Console
