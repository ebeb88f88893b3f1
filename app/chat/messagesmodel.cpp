#include "messagesmodel.h"

#include "api/apiclient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QLocale>
#include <QPointer>

#include <algorithm>

namespace Meshdeck::Console {

namespace {
QString enc(const QString &value)
{
    return QString::fromUtf8(QUrl::toPercentEncoding(value));
}

QString localTime(const QJsonValue &iso)
{
    const QDateTime t = QDateTime::fromString(iso.toString(), Qt::ISODateWithMs);
    return t.isValid() ? QLocale().toString(t.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm")) : QString();
}

QString idOf(const QJsonObject &message)
{
    return message.value(QStringLiteral("id")).toString();
}

qint64 seqOf(const QJsonObject &message)
{
    return message.value(QStringLiteral("seq")).toInteger();
}
} // namespace

MessagesModel::MessagesModel(ApiClient *api, QObject *parent)
    : StatefulListModel(parent)
    , m_api(api)
{
    m_typingTimer.setSingleShot(true);
    connect(&m_typingTimer, &QTimer::timeout, this, &MessagesModel::expireTyping);
}

int MessagesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant MessagesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject &m = m_rows.at(index.row());
    const QJsonObject author = m.value(QStringLiteral("author")).toObject();
    const QJsonObject reply = m.value(QStringLiteral("replyTo")).toObject();
    switch (role) {
    case MessageIdRole:
        return idOf(m);
    case SeqRole:
        return seqOf(m);
    case AuthorIdRole:
        return author.value(QStringLiteral("userId")).toString();
    case Qt::DisplayRole:
    case AuthorNameRole:
        return author.value(QStringLiteral("name")).toString();
    case TextRole:
        return m.value(QStringLiteral("text")).toString();
    case TimeRole:
        return localTime(m.value(QStringLiteral("createdAt")));
    case EditedRole:
        return !m.value(QStringLiteral("editedAt")).isNull() &&
               !m.value(QStringLiteral("editedAt")).toString().isEmpty();
    case EditedTimeRole:
        return localTime(m.value(QStringLiteral("editedAt")));
    case EditCountRole:
        return m.value(QStringLiteral("editCount")).toInt();
    case DeletedRole:
        return m.value(QStringLiteral("deleted")).toBool();
    case DeletedTimeRole:
        return localTime(m.value(QStringLiteral("deletedAt")));
    case HasReplyRole:
        return !reply.isEmpty();
    case ReplyAuthorRole:
        return reply.value(QStringLiteral("author")).toObject().value(QStringLiteral("name")).toString();
    case ReplyExcerptRole:
        return reply.value(QStringLiteral("excerpt")).toString();
    case ReplyDeletedRole:
        return reply.value(QStringLiteral("deleted")).toBool();
    case FocusedRole:
        return !m_focus.isEmpty() && idOf(m) == m_focus;
    default:
        return {};
    }
}

QHash<int, QByteArray> MessagesModel::roleNames() const
{
    return {{MessageIdRole, "messageId"},
            {SeqRole, "seq"},
            {AuthorIdRole, "authorId"},
            {AuthorNameRole, "authorName"},
            {TextRole, "body"},
            {TimeRole, "time"},
            {EditedRole, "edited"},
            {EditedTimeRole, "editedTime"},
            {EditCountRole, "editCount"},
            {DeletedRole, "deleted"},
            {DeletedTimeRole, "deletedTime"},
            {HasReplyRole, "hasReply"},
            {ReplyAuthorRole, "replyAuthor"},
            {ReplyExcerptRole, "replyExcerpt"},
            {ReplyDeletedRole, "replyDeleted"},
            {FocusedRole, "focused"}};
}

bool MessagesModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_cursor.isEmpty() && !m_fetchingOlder && !m_failedPage && !isLoading();
}

void MessagesModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    // Started from the event loop: a view (or the model tester) calls this from inside the model's
    // own insert signals, where the rows must not change under it.
    m_fetchingOlder = true;
    Q_EMIT pagingChanged();
    const quint64 generation = m_generation;
    QMetaObject::invokeMethod(
        this,
        [this, generation] {
            if (generation == m_generation && !m_cursor.isEmpty())
                QCoro::connect(loadPage(m_cursor, {}), this, [] {});
            else
                m_fetchingOlder = false;
        },
        Qt::QueuedConnection);
}

QString MessagesModel::typingText() const
{
    QStringList names;
    for (const Typist &t : m_typing)
        names << t.name;
    names.sort(Qt::CaseInsensitive);
    if (names.isEmpty())
        return {};
    if (names.size() == 1)
        return tr("%1 is typing…").arg(names.first());
    if (names.size() == 2)
        return tr("%1 and %2 are typing…").arg(names.at(0), names.at(1));
    return tr("%n people are typing…", nullptr, int(names.size()));
}

QString MessagesModel::pageQuery(const QString &before, const QString &around, const QString &reason)
{
    QStringList parts;
    if (!before.isEmpty())
        parts << QStringLiteral("before=") + enc(before);
    else if (!around.isEmpty())
        parts << QStringLiteral("around=") + enc(around);
    parts << QStringLiteral("limit=%1").arg(PageSize);
    if (!reason.isEmpty())
        parts << QStringLiteral("reason=") + enc(reason);
    return parts.join(QLatin1Char('&'));
}

void MessagesModel::clear()
{
    ++m_generation;
    beginResetModel();
    m_rows.clear();
    endResetModel();
    m_roomId.clear();
    m_reason.clear();
    m_around.clear();
    m_focus.clear();
    m_cursor.clear();
    m_failedBefore.clear();
    m_failedPage = false;
    m_fetchingOlder = false;
    m_catchingUp = false;
    m_atLatest = true;
    m_typing.clear();
    m_typingTimer.stop();
    setLoading(false);
    setError({});
    setLiveError({});
    Q_EMIT roomChanged();
    Q_EMIT pagingChanged();
    Q_EMIT typingChanged();
}

void MessagesModel::open(const QString &roomId, const QString &reason, const QString &aroundMessageId)
{
    clear();
    m_roomId = roomId;
    m_reason = reason;
    m_around = aroundMessageId;
    m_focus = aroundMessageId;
    m_atLatest = aroundMessageId.isEmpty();
    Q_EMIT roomChanged();
    Q_EMIT pagingChanged();
    if (!roomId.isEmpty())
        QCoro::connect(loadPage({}, m_around), this, [] {});
}

void MessagesModel::retry()
{
    if (m_roomId.isEmpty() || isLoading() || m_fetchingOlder)
        return;
    m_failedPage = false;
    QCoro::connect(loadPage(m_failedBefore, m_failedBefore.isEmpty() ? m_around : QString()), this, [] {});
}

void MessagesModel::catchUp()
{
    if (m_roomId.isEmpty() || !m_atLatest || isLoading() || m_failedPage || m_catchingUp)
        return;
    // From the newest message held (an empty room: from the start). Live messages that arrive while
    // this runs are placed by seq and not added twice.
    QCoro::connect(loadAfter(m_rows.isEmpty() ? 0 : seqOf(m_rows.last())), this, [] {});
}

QCoro::Task<void> MessagesModel::loadAfter(qint64 after)
{
    QPointer<MessagesModel> self(this);
    const quint64 generation = m_generation;
    const QString room = m_roomId;
    const QString reason = m_reason;
    m_catchingUp = true;
    for (;;) {
        QStringList query{QStringLiteral("after=%1").arg(after),
                          QStringLiteral("limit=%1").arg(CatchUpPageSize)};
        if (!reason.isEmpty())
            query << QStringLiteral("reason=") + enc(reason);
        const ApiReply reply = co_await m_api->get(
            QStringLiteral("/v1/chat/rooms/%1/messages?%2").arg(enc(room), query.join(QLatin1Char('&'))));
        if (!self || generation != m_generation)
            co_return;
        if (!reply.ok()) {
            m_catchingUp = false;
            setLiveError(tr("Could not read the messages sent meanwhile: %1").arg(reply.error));
            co_return;
        }
        const QJsonObject page = reply.json.object();
        QList<QJsonObject> items;
        for (const QJsonValue &v : page.value(QStringLiteral("items")).toArray())
            items << v.toObject();
        merge(items);
        const qint64 next = items.isEmpty() ? after : seqOf(items.last());
        if (!page.value(QStringLiteral("hasMore")).toBool() || next <= after)
            break;
        after = next;
    }
    // Edits and deletions made meanwhile: the newest page again, merged over the rows held (a
    // message deleted while the console was away does not keep showing its text).
    const ApiReply newest = co_await m_api->get(
        QStringLiteral("/v1/chat/rooms/%1/messages?%2").arg(enc(room), pageQuery({}, {}, reason)));
    if (!self || generation != m_generation)
        co_return;
    m_catchingUp = false;
    if (!newest.ok()) {
        setLiveError(tr("Could not read the messages sent meanwhile: %1").arg(newest.error));
        co_return;
    }
    QList<QJsonObject> changed;
    for (const QJsonValue &v : newest.json.object().value(QStringLiteral("items")).toArray())
        changed << v.toObject();
    merge(changed);
    if (!reason.isEmpty())
        Q_EMIT reasonedReadDone(room);
}

int MessagesModel::rowOf(const QString &messageId) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (idOf(m_rows.at(i)) == messageId)
            return i;
    }
    return -1;
}

QCoro::Task<void> MessagesModel::loadPage(QString before, QString around)
{
    QPointer<MessagesModel> self(this);
    const quint64 generation = m_generation;
    const QString room = m_roomId;
    const bool older = !before.isEmpty();
    if (older) {
        m_fetchingOlder = true;
        Q_EMIT pagingChanged();
    } else {
        setLoading(true);
    }
    const ApiReply reply = co_await m_api->get(
        QStringLiteral("/v1/chat/rooms/%1/messages?%2").arg(enc(room), pageQuery(before, around, m_reason)));
    if (!self || generation != m_generation)
        co_return;
    if (older)
        m_fetchingOlder = false;
    else
        setLoading(false);
    if (!reply.ok()) {
        // The rows already shown stay; the failure is said, and Retry asks for the same page.
        m_failedPage = true;
        m_failedBefore = before;
        Q_EMIT pagingChanged();
        if (reply.status == 403 && reply.problemCode == QLatin1String("reason-required")) {
            setError(reply.error);
            Q_EMIT reasonRequired(room, reply.error);
        } else {
            setError(tr("Could not load the messages: %1").arg(reply.error));
        }
        co_return;
    }
    m_failedPage = false;
    m_failedBefore.clear();
    setError({});
    const QJsonObject page = reply.json.object();
    const QString next = page.value(QStringLiteral("nextCursor")).toString();
    const bool more = page.contains(QStringLiteral("hasMore"))
                          ? page.value(QStringLiteral("hasMore")).toBool()
                          : !next.isEmpty();
    m_cursor = more ? next : QString();
    QList<QJsonObject> items;
    for (const QJsonValue &v : page.value(QStringLiteral("items")).toArray())
        items << v.toObject();
    merge(items);
    Q_EMIT pagingChanged();
    if (!m_reason.isEmpty())
        Q_EMIT reasonedReadDone(room);
}

void MessagesModel::merge(const QList<QJsonObject> &messages)
{
    QList<QJsonObject> fresh;
    for (const QJsonObject &m : messages) {
        if (rowOf(idOf(m)) >= 0)
            refreshHeld(m);
        else if (!idOf(m).isEmpty())
            fresh << m;
    }
    std::sort(fresh.begin(), fresh.end(),
              [](const QJsonObject &a, const QJsonObject &b) { return seqOf(a) < seqOf(b); });
    if (fresh.isEmpty())
        return;
    // An older page: one block above the rows, so a view keeps its place.
    if (m_rows.isEmpty() || seqOf(fresh.last()) < seqOf(m_rows.first())) {
        beginInsertRows({}, 0, int(fresh.size()) - 1);
        m_rows = fresh + m_rows;
        endInsertRows();
        return;
    }
    for (const QJsonObject &m : std::as_const(fresh))
        insertBySeq(m);
}

// A page's copy of a message already held replaces the row only when it is a later state of it
// (edited again, or deleted): a live edit that came first is not undone by an older page.
void MessagesModel::refreshHeld(const QJsonObject &message)
{
    const int row = rowOf(idOf(message));
    if (row < 0)
        return;
    const QJsonObject &held = m_rows.at(row);
    const bool later =
        (message.value(QStringLiteral("deleted")).toBool() &&
         !held.value(QStringLiteral("deleted")).toBool()) ||
        message.value(QStringLiteral("editCount")).toInt() > held.value(QStringLiteral("editCount")).toInt();
    if (!later)
        return;
    m_rows[row] = message;
    Q_EMIT dataChanged(index(row), index(row));
}

void MessagesModel::insertBySeq(const QJsonObject &message)
{
    const auto at = std::upper_bound(m_rows.begin(), m_rows.end(), seqOf(message),
                                     [](qint64 seq, const QJsonObject &m) { return seq < seqOf(m); });
    const int pos = int(at - m_rows.begin());
    beginInsertRows({}, pos, pos);
    m_rows.insert(pos, message);
    endInsertRows();
}

void MessagesModel::applyLive(const QJsonObject &message)
{
    const QString type = message.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("message")) {
        const QJsonObject m = message.value(QStringLiteral("message")).toObject();
        const QString room = m.value(QStringLiteral("roomId")).toString();
        if (idOf(m).isEmpty() || (!room.isEmpty() && room != m_roomId))
            return;
        const QString event = message.value(QStringLiteral("event")).toString();
        if (event == QLatin1String("created")) {
            if (rowOf(idOf(m)) >= 0)
                return; // a duplicate (the page and the channel both brought it)
            // After the page around a search hit, later messages are not held: no gap is shown as
            // if it were the conversation.
            if (!m_atLatest && (m_rows.isEmpty() || seqOf(m) > seqOf(m_rows.last())))
                return;
            insertBySeq(m);
            const QString author =
                m.value(QStringLiteral("author")).toObject().value(QStringLiteral("userId")).toString();
            if (m_typing.remove(author) > 0)
                Q_EMIT typingChanged();
            Q_EMIT messageArrived(m);
            return;
        }
        // Edited or deleted: the row changes in place. Rows replying to a deleted message say so.
        const int row = rowOf(idOf(m));
        if (row >= 0 && m_rows.at(row) != m) {
            m_rows[row] = m;
            Q_EMIT dataChanged(index(row), index(row));
        }
        if (event == QLatin1String("deleted")) {
            for (int i = 0; i < m_rows.size(); ++i) {
                QJsonObject reply = m_rows.at(i).value(QStringLiteral("replyTo")).toObject();
                if (reply.isEmpty() || idOf(reply) != idOf(m) ||
                    reply.value(QStringLiteral("deleted")).toBool())
                    continue;
                reply.insert(QStringLiteral("deleted"), true);
                reply.insert(QStringLiteral("excerpt"), QString());
                m_rows[i].insert(QStringLiteral("replyTo"), reply);
                Q_EMIT dataChanged(index(i), index(i));
            }
        }
        return;
    }
    if (type == QLatin1String("typing")) {
        const QString user = message.value(QStringLiteral("userId")).toString();
        if (message.value(QStringLiteral("typing")).toBool()) {
            const qint64 ms =
                std::max<qint64>(message.value(QStringLiteral("expiresInMs")).toInteger(5000), 1);
            m_typing.insert(user, Typist{message.value(QStringLiteral("name")).toString(),
                                         QDateTime::currentMSecsSinceEpoch() + ms});
        } else {
            m_typing.remove(user);
        }
        expireTyping();
        Q_EMIT typingChanged();
        return;
    }
    if (type == QLatin1String("unsubscribed"))
        setLiveError(message.value(QStringLiteral("reason")).toString());
}

// The backend sends typing:false on expiry; a lost one must not leave someone typing forever.
void MessagesModel::expireTyping()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    qint64 next = 0;
    bool changed = false;
    for (auto it = m_typing.begin(); it != m_typing.end();) {
        if (it->until <= now) {
            it = m_typing.erase(it);
            changed = true;
        } else {
            next = next == 0 ? it->until : std::min(next, it->until);
            ++it;
        }
    }
    if (next > 0)
        m_typingTimer.start(int(std::max<qint64>(next - now, 1)));
    else
        m_typingTimer.stop();
    if (changed)
        Q_EMIT typingChanged();
}

void MessagesModel::setLiveError(const QString &error)
{
    if (error == m_liveError)
        return;
    m_liveError = error;
    Q_EMIT liveErrorChanged();
}

} // namespace Meshdeck::Console
