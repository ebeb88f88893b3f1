#pragma once

#include "common/jsonlistmodel.h"

#include <QHash>
#include <QVariantList>

namespace Meshdeck::Console {

// The rooms the caller may see (GET /v1/chat/rooms, newest activity first) with unread counts,
// last activity and their participants; each participant's presence comes from GET /v1/presence
// and the `presence` channel ("unknown" until it has been read: nothing is guessed).
class RoomsModel : public Meshdeck::Console::JsonListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use ChatController.rooms")
public:
    enum Role {
        RoomIdRole = Qt::UserRole + 1,
        NameRole,
        TopicRole,
        KindRole, // "group" or "direct"
        PrivateRole,
        UnreadRole,
        LastActivityRole,
        LastMessageRole, // "Sam: the text", empty when none or not readable
        ParticipantCountRole,
        OnlineCountRole,
        ParticipantsRole, // [{userId, name, role, status, statusText}]
        ParticipantsTextRole,
        MyRoleRole,
        IsParticipantRole,
        DemoRole,
    };
    Q_ENUM(Role)

    using JsonListModel::JsonListModel;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    QJsonObject room(const QString &roomId) const;
    Q_INVOKABLE int rowOfRoom(const QString &roomId) const;
    // Rooms of a later page, after those held (a room already held is not added twice).
    void appendPage(const QList<QJsonObject> &rooms);
    // Every participant's user id, for the presence request.
    QStringList participantIds() const;
    void setPresence(const QString &userId, const QString &status);
    void clearPresence();
    QString presenceOf(const QString &userId) const { return m_presence.value(userId); }
    // A message created in a room: its last activity and last message.
    void noteMessage(const QJsonObject &message);
    void setParticipants(const QString &roomId, const QJsonArray &participants);
    static QString statusText(const QString &status);

private:
    QHash<QString, QString> m_presence; // userId → online, away, offline
};

// Search hits across rooms, with the backend's highlight (its <mark> spans shown in bold; the rest
// of the text escaped, never interpreted).
class SearchModel : public Meshdeck::Console::JsonListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use ChatController.search")
public:
    enum Role {
        MessageIdRole = Qt::UserRole + 1,
        RoomIdRole,
        RoomNameRole,
        PrivateRole,
        AuthorNameRole,
        TimeRole,
        HighlightRole, // styled text for a Label with textFormat: Text.StyledText
        ExcerptRole,   // the same, plain (for screen readers)
    };
    Q_ENUM(Role)

    using JsonListModel::JsonListModel;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // "… <mark>Größe</mark> …" as styled text: the marked parts bold, everything else escaped.
    static QString styledHighlight(const QString &highlight);
    static QString plainHighlight(const QString &highlight);
};

// Reported messages with the messages around them.
class ReportsModel : public Meshdeck::Console::JsonListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use ChatController.reports")
public:
    enum Role {
        ReportIdRole = Qt::UserRole + 1,
        RoomIdRole,
        RoomNameRole,
        ReasonRole,
        ReporterRole,
        TimeRole,
        StateRole,
        MessageIdRole,
        AuthorNameRole,
        TextRole,
        DeletedRole,
        ContextRole, // [{messageId, authorName, text, time, deleted, reported}] in order
        ResolvedByRole,
        // A private room the caller is not in, listed without a reason: no text (ask for one).
        TextHiddenRole,
    };
    Q_ENUM(Role)

    using JsonListModel::JsonListModel;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
};

// A room's invitations with their use counts, expiry and state.
class InvitationsModel : public Meshdeck::Console::JsonListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use ChatController.invitations")
public:
    enum Role {
        TokenRole = Qt::UserRole + 1,
        UrlRole,
        CreatedByRole,
        TimeRole,
        ExpiresRole,
        UsesRole,
        MaxUsesRole,
        UsesTextRole,
        StateRole,
        StateTextRole,
        ActiveRole,
    };
    Q_ENUM(Role)

    using JsonListModel::JsonListModel;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    QJsonObject invitation(const QString &token) const;
    // A created or revoked invitation: its row replaced, or added on top.
    void upsert(const QJsonObject &invitation);
};

// The recorded support reads of a room: who read it, why, which messages, when.
class SupportReadsModel : public Meshdeck::Console::JsonListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use ChatController.supportReads")
public:
    enum Role {
        ReadIdRole = Qt::UserRole + 1,
        ActorRole,
        ActorNameRole,
        ReasonRole,
        MessageCountRole,
        TimeRole
    };
    Q_ENUM(Role)

    using JsonListModel::JsonListModel;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
};

} // namespace Meshdeck::Console
