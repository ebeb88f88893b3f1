#include "chatmodels.h"

#include <QDateTime>
#include <QLocale>
#include <QRegularExpression>
#include <QSet>

namespace Meshdeck::Console {

namespace {
QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

QString localTime(const QJsonValue &iso)
{
    const QDateTime t = QDateTime::fromString(iso.toString(), Qt::ISODateWithMs);
    return t.isValid() ? QLocale().toString(t.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm")) : QString();
}

QString authorName(const QJsonObject &message)
{
    return message.value(QStringLiteral("author")).toObject().value(QStringLiteral("name")).toString();
}
} // namespace

// ---- RoomsModel

QString RoomsModel::statusText(const QString &status)
{
    if (status == QLatin1String("online"))
        return tr("online");
    if (status == QLatin1String("away"))
        return tr("away");
    if (status == QLatin1String("offline"))
        return tr("offline");
    return tr("presence unknown");
}

QVariant RoomsModel::data(const QModelIndex &index, int role) const
{
    const QJsonObject *r = rowAt(index);
    if (!r)
        return {};
    const QJsonArray participants = r->value(QStringLiteral("participants")).toArray();
    switch (role) {
    case RoomIdRole:
        return str(*r, "id");
    case Qt::DisplayRole:
    case NameRole: {
        const QString name = str(*r, "name");
        if (!name.isEmpty())
            return name;
        QStringList names;
        for (const QJsonValue &p : participants)
            names << str(p.toObject(), "name");
        return names.join(QStringLiteral(" & "));
    }
    case TopicRole:
        return str(*r, "topic");
    case KindRole:
        return str(*r, "type");
    case PrivateRole:
        return r->value(QStringLiteral("private")).toBool();
    case UnreadRole:
        return r->value(QStringLiteral("unread")).toInt();
    case LastActivityRole:
        return localTime(r->value(QStringLiteral("lastActivityAt")));
    case LastMessageRole: {
        const QJsonObject m = r->value(QStringLiteral("lastMessage")).toObject();
        if (m.isEmpty())
            return QString();
        if (m.value(QStringLiteral("deleted")).toBool())
            return tr("%1: (message deleted)").arg(authorName(m));
        return tr("%1: %2").arg(authorName(m), str(m, "text").left(120));
    }
    case ParticipantCountRole:
        return int(participants.size());
    case OnlineCountRole: {
        int online = 0;
        for (const QJsonValue &p : participants)
            online += m_presence.value(str(p.toObject(), "userId")) == QLatin1String("online") ? 1 : 0;
        return online;
    }
    case ParticipantsRole: {
        QVariantList list;
        for (const QJsonValue &v : participants) {
            const QJsonObject p = v.toObject();
            const QString status = m_presence.value(str(p, "userId"));
            list << QVariantMap{
                {QStringLiteral("userId"), str(p, "userId")},
                {QStringLiteral("name"), str(p, "name")},
                {QStringLiteral("role"), str(p, "role")},
                {QStringLiteral("status"), status.isEmpty() ? QStringLiteral("unknown") : status},
                {QStringLiteral("statusText"), statusText(status)}};
        }
        return list;
    }
    case ParticipantsTextRole: {
        QStringList parts;
        for (const QJsonValue &v : participants) {
            const QJsonObject p = v.toObject();
            parts << tr("%1 (%2)").arg(str(p, "name"), statusText(m_presence.value(str(p, "userId"))));
        }
        return parts.join(QStringLiteral(", "));
    }
    case MyRoleRole:
        return str(*r, "myRole");
    case IsParticipantRole:
        return !str(*r, "myRole").isEmpty();
    case DemoRole:
        return r->value(QStringLiteral("demo")).toBool();
    default:
        return {};
    }
}

QHash<int, QByteArray> RoomsModel::roleNames() const
{
    return {{RoomIdRole, "roomId"},
            {NameRole, "name"},
            {TopicRole, "topic"},
            {KindRole, "kind"},
            {PrivateRole, "isPrivate"},
            {UnreadRole, "unread"},
            {LastActivityRole, "lastActivity"},
            {LastMessageRole, "lastMessage"},
            {ParticipantCountRole, "participantCount"},
            {OnlineCountRole, "onlineCount"},
            {ParticipantsRole, "participants"},
            {ParticipantsTextRole, "participantsText"},
            {MyRoleRole, "myRole"},
            {IsParticipantRole, "isParticipant"},
            {DemoRole, "demo"}};
}

QJsonObject RoomsModel::room(const QString &roomId) const
{
    const int row = rowOfRoom(roomId);
    return row < 0 ? QJsonObject() : rows().at(row);
}

int RoomsModel::rowOfRoom(const QString &roomId) const
{
    for (int i = 0; i < rows().size(); ++i) {
        if (str(rows().at(i), "id") == roomId)
            return i;
    }
    return -1;
}

void RoomsModel::appendPage(const QList<QJsonObject> &rooms)
{
    for (const QJsonObject &room : rooms) {
        if (rowOfRoom(str(room, "id")) < 0)
            appendRow(room);
    }
}

QStringList RoomsModel::participantIds() const
{
    QStringList ids;
    QSet<QString> seen;
    for (const QJsonObject &room : rows()) {
        for (const QJsonValue &p : room.value(QStringLiteral("participants")).toArray()) {
            const QString id = str(p.toObject(), "userId");
            if (!id.isEmpty() && !seen.contains(id)) {
                seen.insert(id);
                ids << id;
            }
        }
    }
    return ids;
}

void RoomsModel::setPresence(const QString &userId, const QString &status)
{
    if (m_presence.value(userId) == status)
        return;
    m_presence.insert(userId, status);
    for (int i = 0; i < rows().size(); ++i) {
        for (const QJsonValue &p : rows().at(i).value(QStringLiteral("participants")).toArray()) {
            if (str(p.toObject(), "userId") == userId) {
                Q_EMIT dataChanged(index(i), index(i),
                                   {OnlineCountRole, ParticipantsRole, ParticipantsTextRole});
                break;
            }
        }
    }
}

void RoomsModel::clearPresence()
{
    m_presence.clear();
    if (!rows().isEmpty())
        Q_EMIT dataChanged(index(0), index(int(rows().size()) - 1));
}

void RoomsModel::noteMessage(const QJsonObject &message)
{
    const int row = rowOfRoom(str(message, "roomId"));
    if (row < 0)
        return;
    QJsonObject room = rows().at(row);
    room.insert(QStringLiteral("lastMessage"), message);
    room.insert(QStringLiteral("lastActivityAt"), message.value(QStringLiteral("createdAt")));
    room.insert(QStringLiteral("messageCount"), room.value(QStringLiteral("messageCount")).toInt() + 1);
    replaceRow(row, room);
}

void RoomsModel::setParticipants(const QString &roomId, const QJsonArray &participants)
{
    const int row = rowOfRoom(roomId);
    if (row < 0)
        return;
    QJsonObject room = rows().at(row);
    room.insert(QStringLiteral("participants"), participants);
    replaceRow(row, room);
}

// ---- SearchModel

QString SearchModel::styledHighlight(const QString &highlight)
{
    static const QRegularExpression mark(QStringLiteral("<mark>(.*?)</mark>"),
                                         QRegularExpression::DotMatchesEverythingOption);
    QString out;
    qsizetype at = 0;
    for (auto it = mark.globalMatch(highlight); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        out += highlight.mid(at, m.capturedStart() - at).toHtmlEscaped();
        out += QStringLiteral("<b>") + m.captured(1).toHtmlEscaped() + QStringLiteral("</b>");
        at = m.capturedEnd();
    }
    out += highlight.mid(at).toHtmlEscaped();
    return out;
}

QString SearchModel::plainHighlight(const QString &highlight)
{
    QString plain = highlight;
    plain.remove(QStringLiteral("<mark>"));
    plain.remove(QStringLiteral("</mark>"));
    return plain;
}

QVariant SearchModel::data(const QModelIndex &index, int role) const
{
    const QJsonObject *r = rowAt(index);
    if (!r)
        return {};
    const QJsonObject message = r->value(QStringLiteral("message")).toObject();
    const QJsonObject room = r->value(QStringLiteral("room")).toObject();
    switch (role) {
    case MessageIdRole:
        return str(message, "id");
    case RoomIdRole:
        return str(room, "id").isEmpty() ? str(message, "roomId") : str(room, "id");
    case RoomNameRole:
        return str(room, "name");
    case PrivateRole:
        return room.value(QStringLiteral("private")).toBool();
    case AuthorNameRole:
        return authorName(message);
    case TimeRole:
        return localTime(message.value(QStringLiteral("createdAt")));
    case HighlightRole:
        return styledHighlight(str(*r, "highlight"));
    case Qt::DisplayRole:
    case ExcerptRole:
        return plainHighlight(str(*r, "highlight"));
    default:
        return {};
    }
}

QHash<int, QByteArray> SearchModel::roleNames() const
{
    return {{MessageIdRole, "messageId"}, {RoomIdRole, "roomId"},         {RoomNameRole, "roomName"},
            {PrivateRole, "isPrivate"},   {AuthorNameRole, "authorName"}, {TimeRole, "time"},
            {HighlightRole, "highlight"}, {ExcerptRole, "excerpt"}};
}

// ---- ReportsModel

QVariant ReportsModel::data(const QModelIndex &index, int role) const
{
    const QJsonObject *r = rowAt(index);
    if (!r)
        return {};
    const QJsonObject message = r->value(QStringLiteral("message")).toObject();
    switch (role) {
    case ReportIdRole:
        return str(*r, "id");
    case RoomIdRole:
        return str(*r, "roomId");
    case RoomNameRole:
        return str(*r, "roomName");
    case Qt::DisplayRole:
    case ReasonRole:
        return str(*r, "reason");
    case ReporterRole:
        return r->value(QStringLiteral("reporter")).toObject().value(QStringLiteral("name")).toString();
    case TimeRole:
        return localTime(r->value(QStringLiteral("createdAt")));
    case StateRole:
        return str(*r, "state");
    case MessageIdRole:
        return str(message, "id");
    case AuthorNameRole:
        return authorName(message);
    case TextRole:
        return str(message, "text");
    case DeletedRole:
        return message.value(QStringLiteral("deleted")).toBool();
    case ContextRole: {
        // The context as the backend sent it (up to two before, two after), with the reported
        // message in its place by seq.
        QList<QJsonObject> all{message};
        for (const QJsonValue &v : r->value(QStringLiteral("context")).toArray()) {
            const QJsonObject m = v.toObject();
            if (str(m, "id") != str(message, "id"))
                all << m;
        }
        std::sort(all.begin(), all.end(), [](const QJsonObject &a, const QJsonObject &b) {
            return a.value(QStringLiteral("seq")).toInteger() < b.value(QStringLiteral("seq")).toInteger();
        });
        QVariantList list;
        for (const QJsonObject &m : std::as_const(all)) {
            list << QVariantMap{{QStringLiteral("messageId"), str(m, "id")},
                                {QStringLiteral("authorName"), authorName(m)},
                                {QStringLiteral("text"), str(m, "text")},
                                {QStringLiteral("time"), localTime(m.value(QStringLiteral("createdAt")))},
                                {QStringLiteral("deleted"), m.value(QStringLiteral("deleted")).toBool()},
                                {QStringLiteral("reported"), str(m, "id") == str(message, "id")}};
        }
        return list;
    }
    case ResolvedByRole:
        return str(*r, "resolvedBy");
    case TextHiddenRole:
        return r->value(QStringLiteral("textHidden")).toBool();
    default:
        return {};
    }
}

QHash<int, QByteArray> ReportsModel::roleNames() const
{
    return {{ReportIdRole, "reportId"},     {RoomIdRole, "roomId"},
            {RoomNameRole, "roomName"},     {ReasonRole, "reason"},
            {ReporterRole, "reporter"},     {TimeRole, "time"},
            {StateRole, "reportState"},     {MessageIdRole, "messageId"},
            {AuthorNameRole, "authorName"}, {TextRole, "text"},
            {DeletedRole, "deleted"},       {ContextRole, "context"},
            {ResolvedByRole, "resolvedBy"}, {TextHiddenRole, "textHidden"}};
}

// ---- InvitationsModel

QVariant InvitationsModel::data(const QModelIndex &index, int role) const
{
    const QJsonObject *r = rowAt(index);
    if (!r)
        return {};
    const QString state = str(*r, "state");
    const int maxUses = r->value(QStringLiteral("maxUses")).toInt();
    const int uses = r->value(QStringLiteral("uses")).toInt();
    switch (role) {
    case Qt::DisplayRole:
    case TokenRole:
        return str(*r, "token");
    case UrlRole:
        return str(*r, "url");
    case CreatedByRole:
        return str(*r, "createdBy");
    case TimeRole:
        return localTime(r->value(QStringLiteral("createdAt")));
    case ExpiresRole:
        return localTime(r->value(QStringLiteral("expiresAt")));
    case UsesRole:
        return uses;
    case MaxUsesRole:
        return maxUses;
    case UsesTextRole:
        return maxUses > 0 ? tr("%1 of %2 uses").arg(uses).arg(maxUses) : tr("%n use(s)", nullptr, uses);
    case StateRole:
        return state;
    case StateTextRole:
        if (state == QLatin1String("active"))
            return tr("Active");
        if (state == QLatin1String("expired"))
            return tr("Expired");
        if (state == QLatin1String("used-up"))
            return tr("Used up");
        if (state == QLatin1String("revoked"))
            return tr("Revoked");
        return state;
    case ActiveRole:
        return state == QLatin1String("active");
    default:
        return {};
    }
}

QHash<int, QByteArray> InvitationsModel::roleNames() const
{
    return {{TokenRole, "token"},         {UrlRole, "url"},           {CreatedByRole, "createdBy"},
            {TimeRole, "time"},           {ExpiresRole, "expires"},   {UsesRole, "uses"},
            {MaxUsesRole, "maxUses"},     {UsesTextRole, "usesText"}, {StateRole, "invitationState"},
            {StateTextRole, "stateText"}, {ActiveRole, "active"}};
}

QJsonObject InvitationsModel::invitation(const QString &token) const
{
    for (const QJsonObject &i : rows()) {
        if (str(i, "token") == token)
            return i;
    }
    return {};
}

void InvitationsModel::upsert(const QJsonObject &invitation)
{
    for (int i = 0; i < rows().size(); ++i) {
        if (str(rows().at(i), "token") == str(invitation, "token")) {
            replaceRow(i, invitation);
            return;
        }
    }
    appendRow(invitation);
}

// ---- SupportReadsModel

QVariant SupportReadsModel::data(const QModelIndex &index, int role) const
{
    const QJsonObject *r = rowAt(index);
    if (!r)
        return {};
    switch (role) {
    case ReadIdRole:
        return str(*r, "id");
    case ActorRole:
        return str(*r, "actor");
    case Qt::DisplayRole:
    case ActorNameRole:
        return str(*r, "actorName").isEmpty() ? str(*r, "actor") : str(*r, "actorName");
    case ReasonRole:
        return str(*r, "reason");
    case MessageCountRole:
        return int(r->value(QStringLiteral("messageIds")).toArray().size());
    case TimeRole:
        return localTime(r->value(QStringLiteral("at")));
    default:
        return {};
    }
}

QHash<int, QByteArray> SupportReadsModel::roleNames() const
{
    return {{ReadIdRole, "readId"},
            {ActorRole, "actor"},
            {ActorNameRole, "actorName"},
            {ReasonRole, "reason"},
            {MessageCountRole, "messageCount"},
            {TimeRole, "time"}};
}

} // namespace Meshdeck::Console
