#include "chatseed.h"

#include "chatextrasservice.h"
#include "chatservice.h"

#include <algorithm>
#include <vector>

#include <QRandomGenerator>

#include <array>

namespace Meshdeck::Chat {

namespace {
constexpr int MessagesPerGroupRoom = 1400;
constexpr int MessagesInDirectRoom = 200;
constexpr qint64 Day = 24LL * 3600 * 1000;

const std::array<const char *, 12> Lines = {
    "Morning! Is the staging deploy done?",
    "Yes, finished ten minutes ago.",
    "The gateway p99 looks better since the last change.",
    "Can someone look at the failing build on main?",
    "Grüße aus der Straße: the Munich office says hi.",
    "I restarted the worker, the queue is moving again.",
    "Lunch at 12:30?",
    "Reminder: the maintenance window is tonight at 22:00.",
    "Thanks, that fixed it.",
    "Who owns the billing service these days?",
    "Please keep credentials out of this channel.",
    "Ship it!",
};

QCoro::Task<Result<Room>> ensureRoom(ChatService *chat, Room room)
{
    QCoro::Task<Result<Room>> reading = chat->room(room.id);
    Result<Room> existing = co_await reading;
    if (existing)
        co_return existing;
    if (existing.error().kind != ErrorKind::NotFound)
        co_return existing.error();
    QCoro::Task<Result<Room>> creating = chat->createRoomAs(room);
    co_return co_await creating;
}

// A demo message not sent yet: the room's n-th, at its time.
struct Pending {
    qint64 atMs;
    int room; // index into the rooms being filled
    int n;
};

// The room's messages from its current count on, spread over the last three days.
void pendingOf(const Room &room, int roomIndex, int count, qint64 nowMs, std::vector<Pending> *out)
{
    const qint64 start = nowMs - 3 * Day;
    const qint64 step = (3 * Day - 60'000) / count;
    for (int i = int(room.messageSeq); i < count; ++i)
        out->push_back({start + qint64(i) * step, roomIndex, i});
}

// Sends one demo message; the idempotency key (demo-<n>) makes a message sent twice (an
// interrupted run) one message.
QCoro::Task<Result<Message>> sendDemo(ChatService *chat, const Room &room, const QList<DemoUser> &authors,
                                      Pending p)
{
    const DemoUser &author = authors[p.n % authors.size()];
    Message m;
    m.roomId = room.id;
    m.authorId = author.id;
    m.authorName = author.name;
    m.text = QString::fromUtf8(Lines[size_t(p.n) % Lines.size()]);
    if (p.n % 97 == 0)
        m.text += QStringLiteral(" (#%1)").arg(p.n);
    m.createdAtMs = p.atMs;
    m.idempotencyKey = QStringLiteral("demo-%1").arg(p.n);
    QCoro::Task<Result<Message>> sending = chat->sendAs(m);
    co_return co_await sending;
}
} // namespace

QCoro::Task<Result<DemoSummary>> seedDemo(ChatService *chat, ChatExtrasService *extras,
                                          EnsureDemoUser ensureUser, const Clock *clock)
{
    DemoSummary summary;
    struct Wanted {
        const char *key;
        const char *name;
        Role role;
    };
    const std::array<Wanted, 4> wanted = {{{"alice", "Demo Alice", Role::User},
                                           {"bob", "Demo Bob", Role::User},
                                           {"carol", "Demo Carol", Role::User},
                                           {"sam", "Demo Sam", Role::Support}}};
    QList<DemoUser> users;
    for (const Wanted &w : wanted) {
        const QString email = QStringLiteral("demo-%1@demo.meshdeck.invalid").arg(QLatin1String(w.key));
        QCoro::Task<Result<DemoUser>> ensuring = ensureUser(email, QString::fromUtf8(w.name), w.role);
        const Result<DemoUser> user = co_await ensuring;
        if (!user)
            co_return user.error();
        users << *user;
        summary.lines << (user->password.isEmpty()
                              ? QStringLiteral("user %1 (%2): exists").arg(email, roleName(w.role))
                              : QStringLiteral("user %1 (%2): created, password %3")
                                    .arg(email, roleName(w.role), user->password));
    }
    const DemoUser &alice = users[0];
    const DemoUser &bob = users[1];
    const DemoUser &carol = users[2];
    const qint64 now = clock->nowMs();

    const auto group = [&](const char *id, const char *name, const char *topic, bool isPrivate,
                           const QList<DemoUser> &members) {
        Room r;
        r.id = QString::fromLatin1(id);
        r.type = QStringLiteral("group");
        r.name = QString::fromLatin1(name);
        r.topic = QString::fromLatin1(topic);
        r.isPrivate = isPrivate;
        r.demo = true;
        r.createdBy = QStringLiteral("user:") + members.first().id;
        r.createdAtMs = now - 4 * Day;
        for (const DemoUser &u : members)
            r.participants.append(
                {r.id,
                 u.id,
                 u.id == members.first().id ? ParticipantRole::Owner : ParticipantRole::Member,
                 r.createdAtMs,
                 0,
                 {}});
        return r;
    };
    Room direct;
    direct.id = QStringLiteral("room_demo-direct");
    direct.type = QStringLiteral("direct");
    direct.demo = true;
    direct.createdBy = QStringLiteral("user:") + alice.id;
    direct.createdAtMs = now - 4 * Day;
    direct.directKey =
        alice.id < bob.id ? alice.id + QLatin1Char('|') + bob.id : bob.id + QLatin1Char('|') + alice.id;
    direct.participants = {{direct.id, alice.id, ParticipantRole::Member, direct.createdAtMs, 0, {}},
                           {direct.id, bob.id, ParticipantRole::Member, direct.createdAtMs, 0, {}}};

    const QList<std::pair<Room, int>> rooms = {
        {group("room_demo-general", "demo-general", "Everything and nothing (demo data)", false,
               {alice, bob, carol}),
         MessagesPerGroupRoom},
        {group("room_demo-ops", "demo-ops", "Operations (demo data, private)", true, {bob, alice}),
         MessagesPerGroupRoom},
        {direct, MessagesInDirectRoom},
    };
    QString generalId;
    QString opsId;
    struct Filling {
        Room room;
        QList<DemoUser> authors;
        int count;
    };
    std::vector<Filling> filling;
    for (const auto &[wantedRoom, count] : rooms) {
        QCoro::Task<Result<Room>> ensuring = ensureRoom(chat, wantedRoom);
        const Result<Room> room = co_await ensuring;
        if (!room)
            co_return room.error();
        QList<DemoUser> authors;
        for (const Participant &p : room->participants)
            for (const DemoUser &u : users)
                if (u.id == p.userId)
                    authors << u;
        if (authors.isEmpty())
            authors << alice;
        filling.push_back({*room, authors, count});
        if (room->id == QLatin1String("room_demo-general"))
            generalId = room->id;
        if (room->id == QLatin1String("room_demo-ops"))
            opsId = room->id;
    }
    // Sent in time order across the rooms, as a real conversation arrives (search lists the
    // newest arrivals first).
    std::vector<Pending> pending;
    for (size_t r = 0; r < filling.size(); ++r)
        pendingOf(filling[r].room, int(r), filling[r].count, now, &pending);
    std::sort(pending.begin(), pending.end(),
              [](const Pending &a, const Pending &b) { return a.atMs < b.atMs; });
    for (const Pending &p : pending) {
        const Filling &f = filling[size_t(p.room)];
        QCoro::Task<Result<Message>> sending = sendDemo(chat, f.room, f.authors, p);
        const Result<Message> sent = co_await sending;
        if (!sent)
            co_return sent.error();
    }
    for (const Filling &f : filling) {
        ++summary.rooms;
        summary.messages += qint64(f.count);
        summary.lines << QStringLiteral("room %1 (%2): %3 messages")
                             .arg(f.room.name.isEmpty() ? f.room.id : f.room.name)
                             .arg(f.room.id)
                             .arg(qint64(f.count));
    }

    // One active invitation to demo-general (a week, 25 uses), made once.
    QCoro::Task<Result<QJsonObject>> listing =
        extras->listInvitations(std::make_shared<const Principal>(Principal::adminToken()), generalId);
    const Result<QJsonObject> invitations = co_await listing;
    if (!invitations)
        co_return invitations.error();
    bool haveInvitation = false;
    for (const QJsonValue v : invitations->value(QStringLiteral("items")).toArray())
        haveInvitation = haveInvitation || v.toObject().value(QStringLiteral("demo")).toBool();
    if (!haveInvitation) {
        quint32 words[4];
        QRandomGenerator::system()->fillRange(words);
        const QString token =
            QStringLiteral("inv_") +
            QString::fromLatin1(
                QByteArray(reinterpret_cast<const char *>(words), sizeof words)
                    .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
        InvitationRow row;
        row.roomId = generalId;
        row.createdBy = QStringLiteral("user:") + alice.id;
        row.createdAtMs = now;
        row.expiresAtMs = now + 7 * Day;
        row.maxUses = 25;
        row.demo = true;
        QCoro::Task<Result<QString>> inviting = extras->createInvitationAs(row, token);
        const Result<QString> made = co_await inviting;
        if (!made)
            co_return made.error();
        summary.lines
            << QStringLiteral("invitation to demo-general: %1").arg(ChatExtrasService::invitationUrl(*made));
    } else {
        summary.lines << QStringLiteral("invitation to demo-general: exists");
    }
    summary.invitations = 1;

    // One open report: carol reports a message in demo-general (fixed id: made once).
    QCoro::Task<Result<Message>> finding = chat->sendAs([&] {
        Message m;
        m.roomId = generalId;
        m.authorId = bob.id;
        m.authorName = bob.name;
        m.text = QStringLiteral("Buy cheap followers at example.invalid!!!");
        m.createdAtMs = now - 3'600'000;
        m.idempotencyKey = QStringLiteral("demo-spam");
        return m;
    }());
    const Result<Message> spam = co_await finding;
    if (!spam)
        co_return spam.error();
    summary.messages += 1;
    ReportRow report;
    report.id = QStringLiteral("rep_demo-1");
    report.roomId = generalId;
    report.messageId = spam->id;
    report.reporterId = carol.id;
    report.reporterName = carol.name;
    report.reason = QStringLiteral("spam");
    report.createdAtMs = now - 1'800'000;
    report.demo = true;
    QCoro::Task<Result<ReportRow>> reporting = extras->createReportAs(report);
    const Result<ReportRow> reported = co_await reporting;
    if (!reported)
        co_return reported.error();
    summary.reports = 1;
    summary.lines << QStringLiteral("report %1: %2")
                         .arg(reported->id,
                              reported->open() ? QStringLiteral("open") : QStringLiteral("resolved"));
    Q_UNUSED(opsId);
    co_return summary;
}

} // namespace Meshdeck::Chat
