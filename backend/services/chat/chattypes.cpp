#include "chattypes.h"

#include "platform/clock.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QUuid>

namespace Meshdeck::Chat {

QString roleName(ParticipantRole role)
{
    switch (role) {
    case ParticipantRole::Owner:
        return QStringLiteral("owner");
    case ParticipantRole::Moderator:
        return QStringLiteral("moderator");
    case ParticipantRole::Member:
        break;
    }
    return QStringLiteral("member");
}

std::optional<ParticipantRole> participantRoleFromName(QStringView name)
{
    if (name == QLatin1String("owner"))
        return ParticipantRole::Owner;
    if (name == QLatin1String("moderator"))
        return ParticipantRole::Moderator;
    if (name == QLatin1String("member"))
        return ParticipantRole::Member;
    return std::nullopt;
}

namespace {
QJsonValue isoOrNull(qint64 ms)
{
    return ms == 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(isoTime(ms));
}
QJsonValue textOrNull(const QString &s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}
QJsonObject author(const QString &id, const QString &name)
{
    return {{QStringLiteral("userId"), id},
            {QStringLiteral("name"), id.isEmpty() && name.isEmpty() ? QStringLiteral("admin token") : name}};
}
} // namespace

QJsonObject Message::toJson() const
{
    QJsonValue reply = QJsonValue::Null;
    if (replyTo) {
        reply = QJsonObject{{QStringLiteral("id"), replyTo->id},
                            {QStringLiteral("author"), author(replyTo->authorId, replyTo->authorName)},
                            {QStringLiteral("excerpt"), replyTo->excerpt},
                            {QStringLiteral("deleted"), replyTo->deleted}};
    }
    return {{QStringLiteral("id"), id},
            {QStringLiteral("roomId"), roomId},
            {QStringLiteral("seq"), seq},
            {QStringLiteral("author"), author(authorId, authorName)},
            {QStringLiteral("text"), deleted() ? QString() : text},
            {QStringLiteral("createdAt"), isoTime(createdAtMs)},
            {QStringLiteral("editedAt"), isoOrNull(editedAtMs)},
            {QStringLiteral("editCount"), editCount},
            {QStringLiteral("deleted"), deleted()},
            {QStringLiteral("deletedAt"), isoOrNull(deletedAtMs)},
            {QStringLiteral("deletedBy"), deleted() ? textOrNull(deletedBy) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("replyTo"), reply}};
}

QJsonObject SupportRead::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("actor"), actor},
            {QStringLiteral("actorName"), actorName},
            {QStringLiteral("roomId"), roomId},
            {QStringLiteral("reason"), reason},
            {QStringLiteral("messageIds"), QJsonArray::fromStringList(messageIds)},
            {QStringLiteral("at"), isoTime(atMs)}};
}

QString foldForSearch(const QString &text)
{
    QString lower = text.toLower();
    lower.replace(QChar(0x00DF), QLatin1String("ss")); // ß
    lower.replace(QChar(0x1E9E), QLatin1String("ss")); // ẞ (toLower keeps it on some ICU versions)
    const QString decomposed = lower.normalized(QString::NormalizationForm_KD);
    QString folded;
    folded.reserve(decomposed.size());
    for (const QChar c : decomposed) {
        const QChar::Category cat = c.category();
        if (cat == QChar::Mark_NonSpacing || cat == QChar::Mark_SpacingCombining ||
            cat == QChar::Mark_Enclosing)
            continue;
        folded.append(c);
    }
    return folded;
}

namespace {
bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c.isMark();
}

struct Word {
    qsizetype start;
    qsizetype length;
};

QList<Word> words(const QString &text)
{
    QList<Word> all;
    qsizetype i = 0;
    while (i < text.size()) {
        while (i < text.size() && !isWordChar(text[i]))
            ++i;
        const qsizetype start = i;
        while (i < text.size() && isWordChar(text[i]))
            ++i;
        if (i > start)
            all.append({start, i - start});
    }
    return all;
}
} // namespace

QStringList searchTerms(const QString &query)
{
    const QString folded = foldForSearch(query);
    QStringList terms;
    for (const Word &w : words(folded)) {
        const QString term = folded.mid(w.start, w.length);
        if (!terms.contains(term))
            terms.append(term);
    }
    return terms;
}

QString highlight(const QString &text, const QStringList &terms, int context)
{
    const QList<Word> all = words(text);
    QList<bool> hit(all.size(), false);
    qsizetype first = -1;
    for (qsizetype i = 0; i < all.size(); ++i) {
        const QString folded = foldForSearch(text.mid(all[i].start, all[i].length));
        for (const QString &term : terms) {
            if (folded.startsWith(term)) {
                hit[i] = true;
                if (first < 0)
                    first = i;
                break;
            }
        }
    }
    // A window of about `context` characters around the first hit, cut at word boundaries.
    qsizetype from = 0;
    qsizetype to = text.size();
    if (text.size() > 2 * context) {
        const qsizetype centre = first >= 0 ? all[first].start : 0;
        from = std::max<qsizetype>(0, centre - context / 2);
        to = std::min<qsizetype>(text.size(), from + 2 * context);
        for (const Word &w : all) {
            if (w.start < from && w.start + w.length > from)
                from = w.start;
        }
    }
    QString out;
    if (from > 0)
        out += QStringLiteral("… ");
    qsizetype at = from;
    for (qsizetype i = 0; i < all.size(); ++i) {
        const Word &w = all[i];
        if (w.start < from)
            continue;
        if (w.start >= to)
            break;
        out += text.mid(at, w.start - at).toHtmlEscaped();
        const QString word = text.mid(w.start, w.length).toHtmlEscaped();
        out += hit[i] ? QStringLiteral("<mark>%1</mark>").arg(word) : word;
        at = w.start + w.length;
    }
    out += text.mid(at, to - at).toHtmlEscaped();
    if (to < text.size())
        out += QStringLiteral(" …");
    return out;
}

namespace {
QString newId(const char *prefix)
{
    return QLatin1String(prefix) + QUuid::createUuid().toString(QUuid::Id128);
}
bool validId(const QString &id, const char *prefix)
{
    static const QRegularExpression hex(QStringLiteral("^[A-Za-z0-9_-]{1,64}$"));
    const QLatin1String p(prefix);
    return id.startsWith(p) && hex.match(QStringView(id).mid(p.size())).hasMatch();
}
} // namespace

QString newRoomId()
{
    return newId("room_");
}
QString newMessageId()
{
    return newId("msg_");
}
bool validRoomId(const QString &id)
{
    return validId(id, "room_");
}
bool validMessageId(const QString &id)
{
    return validId(id, "msg_");
}

} // namespace Meshdeck::Chat
